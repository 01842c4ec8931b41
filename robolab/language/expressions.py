"""Expressions as text: reading them alone (value editor, pack defaults) and writing them back.

Both the program file and Python spell operators the same way, so one precedence-aware writer
serves both; only the leaves (names, true/false) differ.
"""

from typing import Callable

from lark.exceptions import UnexpectedInput

from robolab.errors import Problem, RobolabError
from robolab.language.syntax import ValueProblem, parser
from robolab.model import expr as e
from robolab.palette.types import format_number


def parse_expression(text: str) -> e.Expr:
    """Parse one expression, like `x + 1`; RobolabError (column in the text) when it is not one."""
    try:
        return parser().parse(text, start="expr")
    except UnexpectedInput as error:
        column = error.column if error.column not in (None, -1) else len(text) + 1
        raise RobolabError([Problem("this is not a complete expression", "", 1, column)]) from None
    except ValueProblem as error:
        raise RobolabError([Problem(str(error), "", error.line, error.column)]) from None


def render(node: e.Expr, leaf: Callable[[e.Expr], str], whole_division: bool = False) -> str:
    """Write an expression with only the parentheses its structure needs; `leaf` writes atoms.

    With `whole_division`, a / b is written int(a / b): whole numbers, rounded towards zero, as
    RobotLab's brick computed them.
    """
    return _Writer(leaf, whole_division).go(node)


class _Writer:
    """The writer of one expression. A class, not nested functions calling each other: those
    make a reference cycle per call, and a program of 20,000 lines left 700,000 objects for the
    cycle collector, which then held the interpreter for a second (the window froze)."""

    __slots__ = ("leaf", "whole_division")

    def __init__(self, leaf: Callable[[e.Expr], str], whole_division: bool):
        self.leaf, self.whole_division = leaf, whole_division

    def strength(self, n: e.Expr) -> int:
        if self.whole_division and isinstance(n, e.Binary) and n.op == "/":
            return e.PRECEDENCE["atom"]
        return e.precedence(n)

    def write(self, n: e.Expr, parenthesise: bool = False) -> str:
        text = self.go(n)
        return f"({text})" if parenthesise else text

    def go(self, n: e.Expr) -> str:
        strength, write = self.strength, self.write
        if isinstance(n, e.Binary):
            mine = e.precedence(n)
            comparison = n.op in e.COMPARISONS
            left = write(n.left, strength(n.left) < mine or (comparison and strength(n.left) == mine))
            right = write(n.right, strength(n.right) <= mine)
            text = f"{left} {n.op} {right}"
            return f"int({text})" if self.whole_division and n.op == "/" else text
        if isinstance(n, e.Unary):
            inner = strength(n.operand) < e.precedence(n) or (
                n.op == "-" and (isinstance(n.operand, e.Unary) or strength(n.operand) == e.PRECEDENCE["neg"]))
            operand = write(n.operand, inner)
            return f"not {operand}" if n.op == "not" else f"-{operand}"
        if isinstance(n, e.Call):
            return f"{self.leaf(n)}({', '.join(self.go(arg) for arg in n.args)})"
        return self.leaf(n)


def rlab_leaf(node: e.Expr) -> str:
    """Atoms as a program file writes them."""
    if isinstance(node, e.Bool):
        return "true" if node.value else "false"
    if isinstance(node, e.Num):
        return format_number(node.value)
    if isinstance(node, e.Name):
        return node.id
    if isinstance(node, e.Call):
        return node.function
    raise TypeError(f"not an expression atom: {node!r}")


def to_text(node: e.Expr) -> str:
    return render(node, rlab_leaf)
