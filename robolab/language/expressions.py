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


def render(node: e.Expr, leaf: Callable[[e.Expr], str]) -> str:
    """Write an expression with only the parentheses its structure needs; `leaf` writes atoms."""
    if isinstance(node, e.Binary):
        mine = e.precedence(node)
        comparison = node.op in e.COMPARISONS
        left = _wrap(node.left, leaf, e.precedence(node.left) < mine or (comparison and e.precedence(node.left) == mine))
        right = _wrap(node.right, leaf, e.precedence(node.right) <= mine)
        return f"{left} {node.op} {right}"
    if isinstance(node, e.Unary):
        inner = e.precedence(node.operand) < e.precedence(node) or (
            node.op == "-" and (isinstance(node.operand, e.Unary) or e.precedence(node.operand) == e.PRECEDENCE["neg"]))
        operand = _wrap(node.operand, leaf, inner)
        return f"not {operand}" if node.op == "not" else f"-{operand}"
    if isinstance(node, e.Call):
        return f"{leaf(node)}({', '.join(render(arg, leaf) for arg in node.args)})"
    return leaf(node)


def _wrap(node: e.Expr, leaf, parenthesise: bool) -> str:
    text = render(node, leaf)
    return f"({text})" if parenthesise else text


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
