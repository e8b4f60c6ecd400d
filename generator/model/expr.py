"""A tiny expression language for metric formulas.

Each formula in the catalog is written once, as an expression tree, and is both
evaluated in Python (the reference implementation) and rendered as a spreadsheet
formula (the workbook). Both follow the same blank rules, which the spec demands:

* a blank reference makes the whole result blank (``Ref``),
* unless it is explicitly "blank counts as zero" (``Zero``),
* a zero denominator makes the result blank, never ``#DIV/0!``,
* ``AnyOf`` makes a result blank only when *all* of its names are blank.

In the workbook "blank" means "not a number": pasting bypasses data validation,
so an input cell may hold text (a space, "12 tickets", "1.234,5"), which counts
as not entered, exactly like an empty cell (``None`` in Python). The guards
therefore test ``ISNUMBER``, never ``cell=""``, and ``COUNT``, ``SUM`` and
``AVERAGE`` over ranges already skip text.

Rendering puts every guard in front of the arithmetic as nested ``IF``\\s (``IF``
is lazy in every engine, ``OR`` and ``AND`` are not, but ``ISNUMBER`` never fails),
so no engine ever sees an error value.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

Value = float | None


class Expr:
    """Base node; the operators build trees so catalog formulas read like maths."""

    def __add__(self, other: object) -> Expr:
        return BinOp("+", self, lift(other))

    def __radd__(self, other: object) -> Expr:
        return BinOp("+", lift(other), self)

    def __sub__(self, other: object) -> Expr:
        return BinOp("-", self, lift(other))

    def __rsub__(self, other: object) -> Expr:
        return BinOp("-", lift(other), self)

    def __mul__(self, other: object) -> Expr:
        return BinOp("*", self, lift(other))

    def __rmul__(self, other: object) -> Expr:
        return BinOp("*", lift(other), self)

    def __truediv__(self, other: object) -> Expr:
        return BinOp("/", self, lift(other))

    def __rtruediv__(self, other: object) -> Expr:
        return BinOp("/", lift(other), self)


@dataclass(frozen=True, eq=False, repr=False)
class Num(Expr):
    value: float


@dataclass(frozen=True, eq=False, repr=False)
class Ref(Expr):
    """A value that must be present: blank here means a blank result."""

    kind: str  # "inp", "kpi", "assumption" or "calc"
    id: str


@dataclass(frozen=True, eq=False, repr=False)
class Zero(Expr):
    """A value whose blank counts as zero (e.g. an unknown opening backlog)."""

    kind: str
    id: str


@dataclass(frozen=True, eq=False, repr=False)
class PerMonth(Expr):
    """A KPI used as a monthly figure: in a rollup column it is divided by the
    number of months in the span where that KPI is filled (CLV's churn)."""

    kind: str
    id: str


@dataclass(frozen=True, eq=False, repr=False)
class AnyOf(Expr):
    """Blank when every named value is blank, else ``body`` (which uses ``Zero``)."""

    refs: tuple[Zero, ...]
    body: Expr


@dataclass(frozen=True, eq=False, repr=False)
class BinOp(Expr):
    op: str
    left: Expr
    right: Expr


def lift(value: object) -> Expr:
    if isinstance(value, Expr):
        return value
    if isinstance(value, int | float):
        return Num(float(value))
    raise TypeError(f"cannot use {value!r} in a formula")


def total(*terms: Expr) -> Expr:
    """Sum of terms, so long sums need no ``functools.reduce`` in the catalog."""
    result = terms[0]
    for term in terms[1:]:
        result = result + term
    return result


def walk(expr: Expr) -> Iterator[Expr]:
    """Every node, children before parents (post-order)."""
    if isinstance(expr, BinOp):
        yield from walk(expr.left)
        yield from walk(expr.right)
    elif isinstance(expr, AnyOf):
        yield from expr.refs
        yield from walk(expr.body)
    yield expr


def references(expr: Expr) -> list[tuple[str, str]]:
    """(kind, id) of everything the expression reads, in order, without repeats."""
    seen: dict[tuple[str, str], None] = {}
    for node in walk(expr):
        if isinstance(node, Ref | Zero | PerMonth):
            seen[(node.kind, node.id)] = None
    return list(seen)


# --------------------------------------------------------------------------- evaluation


class Scope(Protocol):
    def value(self, kind: str, id: str) -> Value: ...

    def months(self, kind: str, id: str) -> int | None:
        """Months filled for ``PerMonth`` in a rollup column; ``None`` in a month column."""
        ...


def evaluate(expr: Expr, scope: Scope) -> Value:
    """Python value of ``expr`` with the blank rules of the module docstring."""
    if isinstance(expr, Num):
        return expr.value
    if isinstance(expr, Ref):
        return scope.value(expr.kind, expr.id)
    if isinstance(expr, Zero):
        value = scope.value(expr.kind, expr.id)
        return 0.0 if value is None else value
    if isinstance(expr, PerMonth):
        value = scope.value(expr.kind, expr.id)
        months = scope.months(expr.kind, expr.id)
        if value is None or months is None:
            return value
        return None if months == 0 else value / months
    if isinstance(expr, AnyOf):
        if all(scope.value(ref.kind, ref.id) is None for ref in expr.refs):
            return None
        return evaluate(expr.body, scope)
    if isinstance(expr, BinOp):
        left, right = evaluate(expr.left, scope), evaluate(expr.right, scope)
        if left is None or right is None:
            return None
        return _apply(expr.op, left, right)
    raise TypeError(f"unknown node {expr!r}")


def _apply(op: str, left: float, right: float) -> Value:
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op == "*":
        return left * right
    if op == "/":
        return None if right == 0 else left / right
    raise ValueError(op)


# --------------------------------------------------------------------------- rendering


class CellScope(Protocol):
    def cell(self, kind: str, id: str) -> str:
        """A1 reference of the value (possibly on another sheet)."""
        ...

    def month_count(self, kind: str, id: str) -> str | None:
        """Formula counting the filled months for ``PerMonth``; ``None`` in month columns."""
        ...


_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}


def render(expr: Expr, scope: CellScope) -> str:
    """Spreadsheet formula (with leading ``=``) for ``expr``, guards first."""
    body = _text(expr, scope)
    denominators: dict[str, None] = {}
    for node in walk(expr):
        if isinstance(node, BinOp) and node.op == "/" and not isinstance(node.right, Num):
            denominators[_text(node.right, scope)] = None
        if isinstance(node, PerMonth) and (count := scope.month_count(node.kind, node.id)):
            denominators[count] = None
    for denominator in reversed(list(denominators)):
        body = f'IF({denominator}=0,"",{body})'
    for node in reversed([n for n in walk(expr) if isinstance(n, AnyOf)]):
        cells = ",".join(scope.cell(ref.kind, ref.id) for ref in node.refs)
        body = f'IF(COUNT({cells})=0,"",{body})'
    required = [
        scope.cell(node.kind, node.id)
        for node in walk(expr)
        if isinstance(node, Ref | PerMonth)
    ]
    required = list(dict.fromkeys(required))
    if required:
        condition = required_blank_test(required)
        body = f'IF({condition},"",{body})'
    return "=" + body


def required_blank_test(cells: list[str]) -> str:
    """``NOT(ISNUMBER(A1))`` or ``NOT(AND(ISNUMBER(A1),ISNUMBER(B1)))``: true when
    any of the cells is blank or holds something other than a number (pasted text)."""
    tests = [f"ISNUMBER({cell})" for cell in cells]
    return f"NOT({tests[0]})" if len(tests) == 1 else f"NOT(AND({','.join(tests)}))"


def _text(expr: Expr, scope: CellScope) -> str:
    if isinstance(expr, Num):
        return number_text(expr.value)
    if isinstance(expr, Ref):
        return scope.cell(expr.kind, expr.id)
    if isinstance(expr, Zero):
        # Not N(): it is outside the shared functions; blank or text counts as zero.
        cell = scope.cell(expr.kind, expr.id)
        return f"IF(ISNUMBER({cell}),{cell},0)"
    if isinstance(expr, PerMonth):
        cell = scope.cell(expr.kind, expr.id)
        count = scope.month_count(expr.kind, expr.id)
        return cell if count is None else f"({cell}/{count})"
    if isinstance(expr, AnyOf):
        return _text(expr.body, scope)
    if isinstance(expr, BinOp):
        return _binop_text(expr, scope)
    raise TypeError(f"unknown node {expr!r}")


def _binop_text(expr: BinOp, scope: CellScope) -> str:
    precedence = _PRECEDENCE[expr.op]

    def side(child: Expr, right: bool) -> str:
        text = _text(child, scope)
        if isinstance(child, BinOp):
            inner = _PRECEDENCE[child.op]
            if inner < precedence or (right and inner == precedence and expr.op in "-/"):
                return f"({text})"
        return text

    return f"{side(expr.left, False)}{expr.op}{side(expr.right, True)}"


def number_text(value: float) -> str:
    """A number as a formula (and a spreadsheet's General format) writes it."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))
