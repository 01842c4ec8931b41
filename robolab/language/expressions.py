"""Expressions as text: reading them alone (value editor, pack defaults) and writing them back.

Both the program file and Python spell operators the same way, so one precedence-aware writer
serves both; only the leaves (names, true/false) differ.
"""

from typing import Callable

from lark.exceptions import UnexpectedInput

from robolab.errors import Problem, RobolabError
from robolab.palette.numbers import ARITHMETIC
from robolab.language.syntax import ValueProblem, parser
from robolab.model import expr as e
from robolab.palette.types import format_number


def parse_expression(text: str) -> e.Expr:
    """Parse one expression, like `x + 1`; RobolabError (column in the text) when it is not one."""
    try:
        node = parser().parse(text, start="expr")
    except UnexpectedInput as error:
        column = error.column if error.column not in (None, -1) else len(text) + 1
        raise RobolabError([Problem("this is not a complete expression", "", 1, column)]) from None
    except ValueProblem as error:
        raise RobolabError([Problem(str(error), "", error.line, error.column)]) from None
    from robolab.language.depth import expression_problem

    if message := expression_problem(node):
        raise RobolabError([Problem(message, "", 1, 1)])
    return node


def render(node: e.Expr, leaf: Callable[[e.Expr], str], whole_division: bool = False,
           bound: Callable[[str], str] | None = None) -> str:
    """Write an expression with only the parentheses its structure needs; `leaf` writes atoms.

    With `whole_division`, a / b is written int(a / b): whole numbers, rounded towards zero, as
    RobotLab's brick computed them. With `bound`, each outermost piece of arithmetic is passed
    through it (`in_range(x * x) > 5`), so no number can grow without limit.
    """
    return _Writer(leaf, whole_division, bound).go(node)


def _arithmetic(n: e.Expr) -> bool:
    return isinstance(n, e.Binary) and n.op in ARITHMETIC or isinstance(n, e.Unary) and n.op == "-"


class _Writer:
    """The writer of one expression. A class, not nested functions calling each other: those
    make a reference cycle per call, and a program of 20,000 lines left 700,000 objects for the
    cycle collector, which then held the interpreter for a second (the window froze)."""

    __slots__ = ("leaf", "whole_division", "bound")

    def __init__(self, leaf: Callable[[e.Expr], str], whole_division: bool, bound: Callable[[str], str] | None):
        self.leaf, self.whole_division, self.bound = leaf, whole_division, bound

    def bounded(self, n: e.Expr, inside_arithmetic: bool) -> bool:
        """Is `n` an outermost piece of arithmetic that can grow (not just `-x`)?"""
        if self.bound is None or inside_arithmetic:
            return False
        while isinstance(n, e.Unary) and n.op == "-":
            n = n.operand
        return isinstance(n, e.Binary) and n.op in ARITHMETIC

    def strength(self, n: e.Expr, inside_arithmetic: bool) -> int:
        if self.whole_division and isinstance(n, e.Binary) and n.op == "/" or self.bounded(n, inside_arithmetic):
            return e.PRECEDENCE["atom"]
        return e.precedence(n)

    def write(self, n: e.Expr, parenthesise: bool = False, inside_arithmetic: bool = False) -> str:
        text = self.go(n, inside_arithmetic)
        return f"({text})" if parenthesise else text

    def go(self, n: e.Expr, inside_arithmetic: bool = False) -> str:
        strength, write = self.strength, self.write
        if self.bounded(n, inside_arithmetic):
            return self.bound(self.go(n, True))
        if isinstance(n, e.Binary):
            mine = e.precedence(n)
            comparison = n.op in e.COMPARISONS
            inside = inside_arithmetic or _arithmetic(n)
            left_strength, right_strength = strength(n.left, inside), strength(n.right, inside)
            left = write(n.left, left_strength < mine or (comparison and left_strength == mine), inside)
            right = write(n.right, right_strength <= mine, inside)
            text = f"{left} {n.op} {right}"
            return f"int({text})" if self.whole_division and n.op == "/" else text
        if isinstance(n, e.Unary):
            inside = inside_arithmetic or _arithmetic(n)
            operand_strength = strength(n.operand, inside)
            inner = operand_strength < e.precedence(n) or (
                n.op == "-" and (isinstance(n.operand, e.Unary) or operand_strength == e.PRECEDENCE["neg"]))
            operand = write(n.operand, inner, inside)
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
