"""Expressions in a program (`x + 1`, `light < 50 and not pressed`) as a small immutable tree."""

from dataclasses import dataclass, field

# Binding strength, loosest first; the printer uses it to put back only the parentheses needed.
PRECEDENCE = {"or": 1, "and": 2, "not": 3, "compare": 4, "|": 5, "&": 6, "+": 7, "-": 7, "*": 8, "/": 8,
              "%": 8, "neg": 9, "atom": 10}
COMPARISONS = ("==", "!=", "<", ">", "<=", ">=")


class Expr:
    """Base of expression nodes."""

    __slots__ = ()


@dataclass(frozen=True)
class Num(Expr):
    value: int | float


@dataclass(frozen=True)
class Bool(Expr):
    value: bool


@dataclass(frozen=True)
class Name(Expr):
    id: str
    line: int = field(default=0, compare=False)  # where it was read, for messages
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Unary(Expr):
    op: str  # "-" or "not"
    operand: Expr


@dataclass(frozen=True)
class Binary(Expr):
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Call(Expr):
    function: str
    args: tuple[Expr, ...]
    line: int = field(default=0, compare=False)
    column: int = field(default=0, compare=False)


def precedence(e: Expr) -> int:
    if isinstance(e, Binary):
        return PRECEDENCE["compare"] if e.op in COMPARISONS else PRECEDENCE[e.op]
    if isinstance(e, Unary):
        return PRECEDENCE["not"] if e.op == "not" else PRECEDENCE["neg"]
    if isinstance(e, Num) and e.value < 0:
        return PRECEDENCE["neg"]
    return PRECEDENCE["atom"]


def names_in(e: Expr):
    """Every Name node in the expression, in reading order."""
    if isinstance(e, Name):
        yield e
    elif isinstance(e, Unary):
        yield from names_in(e.operand)
    elif isinstance(e, Binary):
        yield from names_in(e.left)
        yield from names_in(e.right)
    elif isinstance(e, Call):
        for arg in e.args:
            yield from names_in(arg)


def calls_in(e: Expr):
    if isinstance(e, Call):
        yield e
        for arg in e.args:
            yield from calls_in(arg)
    elif isinstance(e, Unary):
        yield from calls_in(e.operand)
    elif isinstance(e, Binary):
        yield from calls_in(e.left)
        yield from calls_in(e.right)
