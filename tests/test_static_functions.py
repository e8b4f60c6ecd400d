"""Static checks of the functions and features generated formulas use, against the
Behaviour section of shared/spec/workbook.md: every formula text in the file (cells,
defined names, conditional formats, data validations, chart series) calls only
functions that Excel 2010+, Google Sheets and LibreOffice all evaluate the same way,
no post-2007 function, nothing volatile, dynamic-array or structured, and the file has
no macros or external links. The parts are read as XML; no engine is involved.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from static_books import Generated, assert_none
from xlsx_parts import CHART, NS, Book

# --------------------------------------------------------------------------- what is allowed

# Functions that Excel 2010+, Google Sheets and LibreOffice all evaluate the same way,
# including on blanks and on the "" a formula returns. Widen only after checking all three.
SHARED_FUNCTIONS = frozenset({
    "ABS", "AND", "AVERAGE", "COUNT", "IF", "ISNUMBER", "MAX", "MIN", "NOT", "OR", "ROUND", "SUM",
})

# Functions added after Excel 2007: the file must spell them with the "_xlfn." prefix, or
# Excel shows #NAME?. None is allowed today (none is in SHARED_FUNCTIONS); the set makes the
# failure message precise if one ever slips in.
FUTURE_FUNCTIONS = frozenset({
    "AGGREGATE", "ANCHORARRAY", "BYCOL", "BYROW", "CEILING.MATH", "CHOOSECOLS", "CHOOSEROWS",
    "CONCAT", "DAYS", "FILTER", "FLOOR.MATH", "IFNA", "IFS", "ISOWEEKNUM", "LAMBDA", "LET",
    "MAKEARRAY", "MAP", "MAXIFS", "MINIFS", "MODE.SNGL", "NUMBERVALUE", "PERCENTILE.EXC",
    "PERCENTILE.INC", "QUARTILE.EXC", "QUARTILE.INC", "RANDARRAY", "RANK.AVG", "RANK.EQ",
    "REDUCE", "SCAN", "SEQUENCE", "SINGLE", "SORT", "SORTBY", "STDEV.P", "STDEV.S", "SWITCH",
    "TEXTJOIN", "TEXTSPLIT", "TOCOL", "TOROW", "UNIQUE", "VAR.P", "VAR.S", "VSTACK", "HSTACK",
    "XLOOKUP", "XMATCH",
})
FUTURE_PREFIXES = ("_XLFN._XLWS.", "_XLFN.", "_XLWS.")

# Volatile, dynamic-array or engine-specific functions the contract bans outright.
BANNED_FUNCTIONS = frozenset({
    "OFFSET", "INDIRECT", "NOW", "TODAY", "RAND", "RANDBETWEEN", "RANDARRAY", "CELL", "INFO",
    "FILTER", "LET", "LAMBDA", "XLOOKUP", "XMATCH", "SEQUENCE", "SORT", "SORTBY", "UNIQUE",
    "ANCHORARRAY", "SINGLE", "ARRAYFORMULA", "IMPORTRANGE", "GOOGLEFINANCE",
})
# Characters that, outside string literals and quoted sheet names, mean a structured table
# reference ([#This Row]), implicit intersection (@), a spilled range (A1#) or an error literal.
BANNED_SYNTAX = {"[": "structured reference", "]": "structured reference",
                 "@": "implicit intersection", "#": "spill reference or error literal"}

# --------------------------------------------------------------------------- formula tokens

_LITERAL = re.compile(r'"(?:[^"]|"")*"|\'(?:[^\']|\'\')*\'')
_FUNCTION = re.compile(r"(?<![\w.$])([A-Za-z_][A-Za-z0-9_.]*)\s*\(")


def strip_literals(formula: str) -> str:
    """The formula with string literals and quoted sheet names emptied."""
    return _LITERAL.sub(lambda m: m.group(0)[0] * 2, formula)


def function_names(formula: str) -> list[str]:
    """Upper-case function names called in a formula, prefixes kept (``_XLFN.IFS``)."""
    return [name.upper() for name in _FUNCTION.findall(strip_literals(formula))]


def bare(name: str) -> str:
    for prefix in FUTURE_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


# --------------------------------------------------------------------------- the checks


def iter_formulas(book: Book) -> Iterator[tuple[str, str]]:
    """(where, formula) for every formula text in the file: cells, defined names,
    conditional formats, data validations and chart series."""
    for sheet in book.sheets:
        for cell in sheet.cells.values():
            if cell.formula is not None:
                yield f"{sheet.name}!{cell.ref} (cell)", cell.formula
        for cf in sheet.root.iterfind("m:conditionalFormatting", NS):
            for formula in cf.iterfind("m:cfRule/m:formula", NS):
                yield f"{sheet.name}!{cf.get('sqref')} (conditional format)", formula.text or ""
        for dv in sheet.validations:
            for formula in (dv.formula1, dv.formula2):
                if formula is not None:
                    yield f"{sheet.name}!{dv.sqref} (data validation)", formula
    for name in book.names:
        yield f"defined name {name.name}", name.text
    for part in sorted(p for p in book.package.parts if p.startswith("xl/charts/chart")):
        for f in book.package.xml(part).iter(f"{{{CHART}}}f"):
            yield f"{part} (chart reference)", f.text or ""


@pytest.mark.parametrize(("formula", "functions"), [
    ('=IF(A1="",0,SUM(A1:A3))', ["IF", "SUM"]),
    ('=IF(A1="NOW() OFFSET(",1,2)', ["IF"]),
    ('=\'SUM(x) ""\'!A1+\'It\'\'s INDIRECT(\'!B2', []),
    ('=_xlfn.IFS(A1>0,1)+STDEV.S(B1:B2)', ["_XLFN.IFS", "STDEV.S"]),
    ("=Tracker!$C$7:$N$7", []),
    ('=100*(C7-C9)/(C7+C8+C9)&"say ""IF("" here"', []),
])
def test_tokenizer_skips_literals_and_quoted_sheet_names(formula: str, functions: list[str]) -> None:
    assert function_names(formula) == functions


def test_formulas_use_only_functions_every_engine_shares(book: Generated) -> None:
    assert_none((f"{where}: {name} is not in SHARED_FUNCTIONS in {formula}"
                 for where, formula in iter_formulas(book.xlsx)
                 for name in function_names(formula) if bare(name) not in SHARED_FUNCTIONS),
                "formulas call functions outside the shared list")


def test_future_functions_are_prefixed_and_unused(book: Generated) -> None:
    problems = []
    for where, formula in iter_formulas(book.xlsx):
        for name in function_names(formula):
            if bare(name) in FUTURE_FUNCTIONS:
                hint = "" if name != bare(name) else " and lacks the _xlfn. prefix"
                problems.append(f"{where}: post-2007 function {name}{hint} in {formula}")
    assert_none(problems, "uses of functions newer than Excel 2007")


def test_no_volatile_dynamic_or_structured_features(book: Generated) -> None:
    problems = []
    for where, formula in iter_formulas(book.xlsx):
        problems += [f"{where}: banned function {name} in {formula}"
                     for name in function_names(formula) if bare(name) in BANNED_FUNCTIONS]
        stripped = strip_literals(formula)
        problems += [f"{where}: {meaning} ({char!r}) in {formula}"
                     for char, meaning in BANNED_SYNTAX.items() if char in stripped]
    for sheet in book.xlsx.sheets:
        for cell in sheet.cells.values():
            if cell.formula_kind not in (None, "normal") or "cm" in cell.attributes:
                problems.append(f"{sheet.name}!{cell.ref}: array or dynamic formula "
                                f"(t={cell.formula_kind!r}, cm={cell.attributes.get('cm')!r})")
    assert_none(problems, "volatile, dynamic-array or structured-reference features")


def test_no_macros_or_external_links(book: Generated) -> None:
    package = book.xlsx.package
    problems = [f"part {part} is a macro or external link part" for part in package.parts
                if "vbaProject" in part or part.startswith("xl/externalLinks/")]
    for part in package.parts:
        if part.endswith(".rels"):
            continue
        problems += [f"{part}: external {rel_type} relationship to {target}"
                     for rel_type, target, mode in package.relations(part) if mode == "External"]
    assert_none(problems, "macros or external links")
