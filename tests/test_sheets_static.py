"""Static checks of what a workbook must obey to survive a trip through Google Sheets.

Sheets imports an xlsx into its own model and exports it again (the project's
issue; ``tests/sheets_export.py`` imitates the trip): what has no place in that
model is lost or changed without a word. Each rule below keeps a csmetrics
workbook's meaning through the trip, and each comes with a negative test on a
hand-made snippet or a modified workbook, so that no check passes for want of
anything to find.

The writer was changed to obey every rule (one conditional format per range,
anchored at it; self-contained validation prompts; no whole-number or
prompt-only rules).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from csmetrics.config.settings import Config
from static_books import Generated, assert_none, generate
from tests_support import rewrite_part
from xlsx_parts import NS, Book, Sheet, Validation, cells_of_sqref, parse_ref, read_book

# --------------------------------------------------------------------------- books


@pytest.fixture(scope="module")
def russian_book(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """Decimal commas, another script, two fiscal years: prompts and rules that
    differ from the English ones."""
    return generate(tmp_path_factory.mktemp("sheets-ru"), Config(language="ru", years=2, start_month=4))


@pytest.fixture(scope="module")
def few_metrics_book(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """A selection without the volume sheet's charts and most calculators."""
    return generate(tmp_path_factory.mktemp("sheets-few"), Config(metrics=("nps", "churn_rate")))


BOOKS = ["default", "filled", "hostile", "russian", "few_metrics"]


@pytest.fixture(params=BOOKS)
def any_book(request: pytest.FixtureRequest) -> Generated:
    return request.getfixturevalue(f"{request.param}_book")


def _sheet(xml: str, name: str = "Sheet1") -> Sheet:
    """A worksheet made of a snippet of sheet XML (default namespace added)."""
    root = ET.fromstring(f'<worksheet xmlns="{NS["m"]}">{xml}</worksheet>')
    validations = [Validation(dv.get("sqref", ""), dict(dv.attrib),
                              getattr(dv.find("m:formula1", NS), "text", None),
                              getattr(dv.find("m:formula2", NS), "text", None))
                   for dv in root.iterfind("m:dataValidations/m:dataValidation", NS)]
    return Sheet(name, "xl/worksheets/sheet1.xml", root, {}, validations)


def _book_file(book: Generated, directory: Path) -> Path:
    """The generated workbook written back to a file, to modify a part of it."""
    path = directory / "book.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in book.xlsx.package.parts.items():
            archive.writestr(name, content)
    return path


# --------------------------------------------------------------------------- hyperlinks


def hyperlink_problems(book: Book) -> Iterator[str]:
    """Sheets turns each ``<hyperlink>`` into ``HYPERLINK("#gid=…", label)`` and takes
    the label from ``display`` alone (the link address when it is missing), so the
    text the cell showed survives only where ``display`` repeats it exactly; and only
    a ``location`` (a place in the workbook) becomes a working ``#gid`` link."""
    for sheet in book.sheets:
        for link in sheet.root.iterfind("m:hyperlinks/m:hyperlink", NS):
            ref = link.get("ref", "").split(":")[0]
            where = f"{sheet.name}!{ref}"
            if not link.get("location"):
                yield f"{where}: a link without location (an external or r:id link)"
            display, text = link.get("display"), sheet.text_at(ref)
            if display is None:
                yield f"{where}: no display attribute; Sheets would label the link with its address"
            elif display != text:
                yield f"{where}: display {display!r} is not the cell's text {text!r}"


def test_hyperlinks_have_location_and_the_cell_text_as_display(any_book: Generated) -> None:
    assert_none(hyperlink_problems(any_book.xlsx), "links Sheets would relabel")


def test_hyperlink_check_catches_missing_or_different_display(default_book: Generated,
                                                              tmp_path: Path) -> None:
    start = default_book.xlsx.sheets[0]
    links = start.root.findall("m:hyperlinks/m:hyperlink", NS)
    assert len(links) >= 2, "the Start sheet has links to check"
    first, second = links[0].get("display", ""), links[1].get("display", "")

    def damage(xml: bytes) -> bytes:
        text = xml.decode()
        text = text.replace(f' display="{_attr(first)}"', "", 1)
        return text.replace(f' display="{_attr(second)}"', ' display="Somewhere else"', 1).encode()

    path = rewrite_part(_book_file(default_book, tmp_path), tmp_path / "damaged.xlsx", start.part, damage)
    problems = list(hyperlink_problems(read_book(path)))
    assert any("no display attribute" in p for p in problems), problems
    assert any("'Somewhere else' is not the cell's text" in p for p in problems), problems
    external = _sheet('<hyperlinks><hyperlink ref="A1" display="x"/></hyperlinks>')
    bare = Book(default_book.xlsx.package, [external], [], [])
    assert any("without location" in p for p in hyperlink_problems(bare))


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


# --------------------------------------------------------------------------- defined names

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,249}")
_A1 = re.compile(r"[A-Za-z]{1,3}[0-9]+")
_R1C1 = re.compile(r"[Rr][0-9]*[Cc][0-9]*|[RrCc]")


def name_problems(names: Iterable[str]) -> Iterator[str]:
    """Sheets' named ranges: 1–250 letters, digits and underscores, not starting with
    a digit, not ``true``/``false``, and nothing Sheets could read as an A1 (``AB12``)
    or R1C1 (``R1C1``, ``R12C``, ``RC``) reference; a name Sheets refuses is dropped,
    and every formula using it turns into an error. ``_xlnm.*`` names are Excel's print
    areas and titles, which Sheets drops anyway."""
    for name in names:
        if name.startswith("_xlnm."):
            continue
        if not _NAME.fullmatch(name):
            yield f"{name!r}: not 1–250 letters, digits and _ starting with a letter or _"
        elif name.lower() in ("true", "false"):
            yield f"{name!r}: a boolean"
        elif _A1.fullmatch(name) or _R1C1.fullmatch(name):
            yield f"{name!r}: reads as a cell reference"


def test_defined_names_follow_sheets_rules(any_book: Generated) -> None:
    assert_none(name_problems(n.name for n in any_book.xlsx.names), "names Sheets refuses")


def test_name_check_catches_every_kind_of_bad_name() -> None:
    bad = ["AB12", "kpi1", "R1C1", "R12C", "RC", "r", "TRUE", "False", "1st", "with space", "dot.ted",
           "x" * 251, "", "naïve"]
    good = ["kpi_nps", "_private", "AB12_x", "R1C1x", "x" * 250, "ABCD12", "_xlnm.Print_Area"]
    assert [n for n in bad if not list(name_problems([n]))] == []
    assert list(name_problems(good)) == []


# --------------------------------------------------------------------------- charts


def _areas(formula: str) -> list[str]:
    """The single areas of a series reference, ``(a,b)`` lists included."""
    parts, current, quoted = [], "", False
    for char in formula.strip().removeprefix("(").removesuffix(")"):
        if char == "'":
            quoted = not quoted
        if char == "," and not quoted:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]


def chart_problems(book: Book) -> Iterator[str]:
    """A chart series (values or categories) must read entered cells, never formula
    cells: a csmetrics formula shows "" for a month not filled yet, which Excel and
    LibreOffice draw as a gap (``dispBlanksAs="gap"``), but "" is text, not a blank,
    and Sheets' charts do not promise to treat it as a gap (the project's issue): the
    line could fall to zero where it should stop."""
    charts = sorted(p for p in book.package.parts if re.fullmatch(r"xl/charts/chart\d+\.xml", p))
    for part in charts:
        root = book.package.xml(part)
        for kind in ("val", "cat"):
            for f in root.iterfind(f".//c:ser/c:{kind}//c:f", NS):
                for text in _areas(f.text or ""):
                    area = parse_ref(text)
                    sheet = book.sheet(area.sheet)
                    formulas = [a for a in area.cells()
                                if (cell := sheet.cell(a)) is not None and cell.formula is not None]
                    if formulas:
                        yield (f"{part} {kind} {text}: formula cells {', '.join(formulas[:4])}"
                               f"{' …' if len(formulas) > 4 else ''}")


def test_chart_series_read_entered_cells(any_book: Generated) -> None:
    assert_none(chart_problems(any_book.xlsx), "chart series that read formulas")


def test_chart_check_catches_a_series_of_formulas(default_book: Generated, tmp_path: Path) -> None:
    volume = default_book.context.volume
    total = default_book.xlsx.sheet(volume.sheet)
    column = re.sub(r"\d", "", next(ref for ref, c in total.cells.items() if c.formula is not None
                                    and c.formula.startswith("IF(COUNT(")))

    def damage(xml: bytes) -> bytes:
        return re.sub(rb"!\$B\$(\d+):\$B\$(\d+)</c:f>", f"!${column}$\\1:${column}$\\2</c:f>".encode(),
                      xml, count=1)

    path = rewrite_part(_book_file(default_book, tmp_path), tmp_path / "damaged.xlsx",
                        "xl/charts/chart1.xml", damage)
    problems = list(chart_problems(read_book(path)))
    assert len(problems) == 1 and f"${column}$" in problems[0], problems


# --------------------------------------------------------------------------- conditional formats

_STRING = re.compile(r'"(?:[^"]|"")*"')
_CELL = re.compile(r"(?<![A-Za-z0-9_.!$'\"])(\$?)([A-Z]{1,3})(\$?)([0-9]+)(?![A-Za-z0-9_(!])")


def conditional_formats(sheet: Sheet) -> Iterator[tuple[str, list[str]]]:
    """(sqref, rule formulas) of each ``<conditionalFormatting>``."""
    for cf in sheet.root.iterfind("m:conditionalFormatting", NS):
        yield cf.get("sqref", ""), [f.text or "" for f in cf.iterfind("m:cfRule/m:formula", NS)]


def relative_cells(formula: str) -> set[str]:
    """The same-sheet cells a formula reads through a reference that is not wholly
    absolute, as A1 addresses without ``$``."""
    found = set()
    for match in _CELL.finditer(_STRING.sub('""', formula)):
        if not (match[1] and match[3]):
            found.add(match[2] + match[4])
    return found


def cf_range_problems(sheet: Sheet) -> Iterator[str]:
    """One range per conditional format: Sheets keeps a rule's ranges but anchors its
    relative references at the first one only, so a rule over ``C40:S40 C41:S41``
    would colour row 41 by row 40's values."""
    for sqref, _ in conditional_formats(sheet):
        if len(sqref.split()) > 1:
            yield f"{sheet.name}: one conditional format covers {len(sqref.split())} ranges: {sqref[:60]}"


def cf_anchor_problems(sheet: Sheet) -> Iterator[str]:
    """A rule's relative references are written for the top-left cell of each range
    it covers: a rule on ``C10:N10`` reads ``C10`` (not ``C9``). Every range of the
    sqref is checked against its own top-left cell, as Sheets would need it once the
    ranges are separate rules; a formula with no relative reference is anchored
    anywhere."""
    for sqref, formulas in conditional_formats(sheet):
        for area in sqref.split():
            top_left = area.split(":")[0].replace("$", "")
            for formula in formulas:
                cells = relative_cells(formula)
                if cells and top_left not in cells:
                    yield (f"{sheet.name}!{area}: the rule reads {', '.join(sorted(cells))} but not "
                           f"{top_left}: {formula}")


def test_conditional_formats_cover_one_range(any_book: Generated) -> None:
    assert_none((p for sheet in any_book.xlsx.sheets for p in cf_range_problems(sheet)),
                "conditional formats over several ranges")


def test_conditional_formats_are_anchored_at_their_range(any_book: Generated) -> None:
    assert_none((p for sheet in any_book.xlsx.sheets for p in cf_anchor_problems(sheet)),
                "conditional formats anchored elsewhere")


def test_conditional_format_checks_catch_lists_and_shifted_anchors() -> None:
    sheet = _sheet(
        '<conditionalFormatting sqref="C10:N10"><cfRule type="expression" priority="1">'
        "<formula>AND(ISNUMBER(C9),C9&gt;0)</formula></cfRule></conditionalFormatting>"
        '<conditionalFormatting sqref="C11:N11"><cfRule type="expression" priority="2">'
        "<formula>AND(ISNUMBER(C10),ISNUMBER(C11),C10&gt;C11)</formula></cfRule></conditionalFormatting>"
        '<conditionalFormatting sqref="H7:H19"><cfRule type="expression" priority="3">'
        "<formula>AND(ISNUMBER($H7),$H7&lt;&gt;$O7,Other!C1=\"C5\",LOG10(2)&gt;0)</formula></cfRule>"
        "</conditionalFormatting>"
        '<conditionalFormatting sqref="B5"><cfRule type="expression" priority="4">'
        "<formula>$A$1&gt;0</formula></cfRule></conditionalFormatting>"
        '<conditionalFormatting sqref="C40:S40 C41:S41"><cfRule type="expression" priority="5">'
        "<formula>C40&gt;=$T40</formula></cfRule></conditionalFormatting>")
    anchors = list(cf_anchor_problems(sheet))
    assert [p.split(":")[0] for p in anchors] == ["Sheet1!C10", "Sheet1!C41"], anchors
    assert list(cf_range_problems(sheet)) == [
        "Sheet1: one conditional format covers 2 ranges: C40:S40 C41:S41"]
    assert relative_cells('AND($H7<>$O7,Other!C1="C5",LOG10(2)>0,$A$1)') == {"H7", "O7"}


# --------------------------------------------------------------------------- data validation

_NUMBER = r"(-?[0-9]+(?:[.,][0-9]+)?)\s*(%?)"
_TOKEN = re.compile(rf"(?<![\w.,]){_NUMBER}(?:\s*[–—]\s*{_NUMBER})?")
UNBOUNDED = 1e9  # bounds this large only make Excel accept any number; no one states them


def _value(number: str, percent: str) -> float:
    return float(number.replace(",", ".")) / (100 if percent else 1)


def numbers(text: str) -> tuple[set[float], set[float]]:
    """(numbers standing alone, ends of ranges such as "0–10") that a text mentions,
    percentages as fractions (also kept as written: "100%" gives 1.0 and 100.0)."""
    alone: set[float] = set()
    ends: set[float] = set()
    for m in _TOKEN.finditer(text):
        if m[3] is None:
            alone |= {_value(m[1], m[2]), _value(m[1], "")}
            continue
        percent = m[2] or m[4]
        ends |= {_value(m[1], percent), _value(m[3], m[4]), _value(m[1], ""), _value(m[3], "")}
    return alone, ends


def _mentions(value: float, found: set[float]) -> bool:
    return any(abs(value - v) < 1e-9 for v in found)


def rules(book: Book) -> Iterator[tuple[str, Validation]]:
    for sheet in book.sheets:
        for rule in sheet.validations:
            yield f"{sheet.name}!{rule.sqref}", rule


def prompt_problems(rules: Iterable[tuple[str, Validation]]) -> Iterator[str]:
    """Sheets shows a rule's ``prompt`` alone, so a rule needs one, shown."""
    for where, rule in rules:
        if not (rule.attributes.get("prompt") or "").strip():
            yield f"{where}: no prompt"
        elif rule.attributes.get("showInputMessage") not in ("1", "true"):
            yield f"{where}: the prompt is not shown"


def prompt_only_problems(rules: Iterable[tuple[str, Validation]]) -> Iterator[str]:
    """A rule with no criterion (``type`` absent or ``none``) is a help text alone,
    which Sheets has no rule for and may drop on import."""
    for where, rule in rules:
        if rule.attributes.get("type", "none") == "none":
            yield f"{where}: a prompt with no criterion: {rule.attributes.get('prompt', '')[:60]!r}"


def whole_problems(rules: Iterable[tuple[str, Validation]]) -> Iterator[str]:
    """Sheets has no whole-number criterion: such a rule comes back as a decimal one,
    so the workbook should say so itself (and the prompt ask for whole numbers)."""
    for where, rule in rules:
        if rule.attributes.get("type") == "whole":
            yield f"{where}: type=whole"


def bound_problems(rules: Iterable[tuple[str, Validation]]) -> Iterator[str]:
    """The prompt states the values the rule allows, since Sheets drops the error
    message that said it. Numbers are the part of a sentence that reads the same in
    every language, so the check is: every finite bound of a number rule (``formula1``,
    and ``formula2`` for between) appears in the prompt as a number of its own ("0 or
    more", "between 0% and 100%", "0–100%" for a between rule); a number inside a
    range ("(0–10)") does not state a one-sided bound, and bounds beyond ±1e9 (any
    number) need no statement. A list rule's prompt names each of its items. A prompt
    that mentions the bound for another reason still passes: this is a floor."""
    for where, rule in rules:
        kind, prompt = rule.attributes.get("type"), rule.attributes.get("prompt") or ""
        alone, ends = numbers(prompt)
        if kind in ("whole", "decimal", "textLength"):
            operator = rule.attributes.get("operator", "between")
            bounds = [b for b in (rule.formula1, rule.formula2 if operator in ("between", "notBetween")
                                  else None) if b is not None]
            try:
                values = [float(b) for b in bounds]
            except ValueError:
                continue  # a bound read from a cell: nothing to state
            finite = [v for v in values if abs(v) < UNBOUNDED]
            found = alone | ends if len(values) == 2 else alone
            missing = [v for v in finite if not _mentions(v, found)]
            if missing:
                yield (f"{where}: {kind} {operator} {bounds}, but the prompt does not state "
                       f"{', '.join(f'{v:g}' for v in missing)}: {prompt[:70]!r}")
        elif kind == "list" and (rule.formula1 or "").startswith('"'):
            items = [i.strip() for i in (rule.formula1 or "").strip('"').split(",")]
            if missing_items := [i for i in items if i and i not in prompt]:
                yield f"{where}: list items {missing_items} not in the prompt {prompt[:70]!r}"


def leaning_problems(rules: Iterable[tuple[str, Validation]]) -> Iterator[str]:
    """What the prompt leaves to ``promptTitle``, ``errorTitle`` or ``error`` is lost in
    Sheets: every number those texts mention (a score "(9–10)", a bound "0%") must
    also be in the prompt."""
    for where, rule in rules:
        alone, ends = numbers(rule.attributes.get("prompt") or "")
        for key in ("promptTitle", "errorTitle", "error"):
            text = rule.attributes.get(key) or ""
            title_alone, title_ends = numbers(text)
            missing = sorted(v for v in title_alone | title_ends if not _mentions(v, alone | ends))
            if missing:
                yield (f"{where}: {key} {text[:50]!r} says {', '.join(f'{v:g}' for v in missing)}, "
                       f"the prompt does not: {(rule.attributes.get('prompt') or '')[:50]!r}")


def input_rules(book: Book) -> Iterator[tuple[str, Validation]]:
    """The rules that cover at least one cell the team types into: the unlocked ones
    (test_static_protection checks that exactly the input cells are unlocked)."""
    for sheet in book.sheets:
        unlocked = {ref for ref, cell in sheet.cells.items() if not book.xf(cell).locked}
        for rule in sheet.validations:
            if cells_of_sqref(rule.sqref) & unlocked:
                yield f"{sheet.name}!{rule.sqref}", rule


def test_every_input_rule_has_a_shown_prompt(any_book: Generated) -> None:
    assert_none(prompt_problems(input_rules(any_book.xlsx)), "input rules without a prompt")


def test_no_rule_is_a_prompt_alone(any_book: Generated) -> None:
    assert_none(prompt_only_problems(rules(any_book.xlsx)), "prompt-only rules")


def test_no_whole_number_rules(any_book: Generated) -> None:
    assert_none(whole_problems(rules(any_book.xlsx)), "whole-number rules")


def test_prompts_state_the_allowed_values(any_book: Generated) -> None:
    assert_none(bound_problems(rules(any_book.xlsx)), "prompts that leave out the allowed values")


def test_prompts_do_not_lean_on_titles_or_errors(any_book: Generated) -> None:
    assert_none(leaning_problems(rules(any_book.xlsx)), "prompts that need their titles")


def _rule(xml: str) -> tuple[str, Validation]:
    sheet = _sheet(f"<dataValidations>{xml}</dataValidations>")
    return f"Sheet1!{sheet.validations[0].sqref}", sheet.validations[0]


def test_validation_checks_catch_each_kind_of_rule() -> None:
    hidden = _rule('<dataValidation type="decimal" showInputMessage="0" prompt="Hours, 0 or more." '
                   'sqref="A1"><formula1>0</formula1></dataValidation>')
    empty = _rule('<dataValidation type="decimal" showInputMessage="1" prompt=" " sqref="A2">'
                  "<formula1>0</formula1></dataValidation>")
    assert len(list(prompt_problems([hidden, empty]))) == 2
    alone = _rule('<dataValidation showInputMessage="1" prompt="Calculated." sqref="A3"/>')
    none = _rule('<dataValidation type="none" showInputMessage="1" prompt="Calculated." sqref="A4"/>')
    assert len(list(prompt_only_problems([alone, none, hidden]))) == 2
    whole = _rule('<dataValidation type="whole" operator="greaterThanOrEqual" prompt="Tickets, 0 or more." '
                  'sqref="A5"><formula1>0</formula1></dataValidation>')
    assert list(whole_problems([whole, hidden])) == ["Sheet1!A5: type=whole"]


def test_bound_check_reads_numbers_not_words() -> None:
    ok = [
        '<dataValidation type="decimal" operator="greaterThanOrEqual" prompt="Часы, 0 или больше." '
        'sqref="A1"><formula1>0</formula1></dataValidation>',
        '<dataValidation type="decimal" prompt="Share of revenue, between 0% and 100%." sqref="A2">'
        "<formula1>0</formula1><formula2>1</formula2></dataValidation>",
        '<dataValidation type="decimal" prompt="Доля: 0–100 %." sqref="A3">'
        "<formula1>0</formula1><formula2>1</formula2></dataValidation>",
        '<dataValidation type="decimal" prompt="Your target, any number." sqref="A4">'
        "<formula1>-1000000000000</formula1><formula2>1000000000000</formula2></dataValidation>",
        '<dataValidation type="decimal" operator="lessThan" prompt="Ratio below 0,5." sqref="A5">'
        "<formula1>0.5</formula1></dataValidation>",
        '<dataValidation type="list" prompt="Pick Yes or No." sqref="A6">'
        '<formula1>"Yes,No"</formula1></dataValidation>',
    ]
    assert list(bound_problems(_rule(x) for x in ok)) == []
    bad = [
        '<dataValidation type="whole" operator="greaterThanOrEqual" prompt="Answers of 9 or 10 (0–10)." '
        'sqref="B1"><formula1>0</formula1></dataValidation>',
        '<dataValidation type="decimal" operator="greaterThanOrEqual" prompt="Number" sqref="B2">'
        "<formula1>0</formula1></dataValidation>",
        '<dataValidation type="decimal" prompt="A share of revenue." sqref="B3">'
        "<formula1>0</formula1><formula2>1</formula2></dataValidation>",
        '<dataValidation type="list" prompt="Pick one." sqref="B4"><formula1>"Yes,No"</formula1>'
        "</dataValidation>",
    ]
    assert [p.split(":")[0] for p in bound_problems(_rule(x) for x in bad)] == [
        "Sheet1!B1", "Sheet1!B2", "Sheet1!B3", "Sheet1!B4"]


def test_leaning_check_catches_numbers_left_to_titles_and_errors() -> None:
    leaning = _rule('<dataValidation type="whole" promptTitle="Answers with score 0" prompt="Whole number" '
                    'errorTitle="Not valid" error="Enter 0 or more." sqref="B9"><formula1>0</formula1>'
                    "</dataValidation>")
    problems = list(leaning_problems([leaning]))
    assert [p.split(" ")[1] for p in problems] == ["promptTitle", "error"], problems
    standing = _rule('<dataValidation type="whole" promptTitle="NPS promoters (9–10)" '
                     'prompt="Answers of 9 or 10, a whole number of 0 or more." error="0 or more" '
                     'sqref="C7"><formula1>0</formula1></dataValidation>')
    assert list(leaning_problems([standing])) == []
