"""The rules of a program's lines, in one place: where a command may stand, when a line is complete
and its values valid, and the limits (a comment's length). Edits refuse with these messages
(robolab.model.edits) and the checker reports them (robolab.language.checker and validate), so
a student reads the same words whether the editor refused a drop or a file was checked.
"""

import math

from robolab.model import expr as e
from robolab.model.program import Block
from robolab.palette.model import COMMENT, Command, Pack, Param
from robolab.palette.types import check_number, check_value, item_param, text_problem

COMMENT_LENGTH = 1000  # characters in one comment line


def place_problem(command: Command, ancestors: tuple[str, ...]) -> str | None:
    """Why a command cannot stand inside these commands (outermost first), or None."""
    if command.place == "top" and ancestors:
        return f"'{command.id}' must be at the top level of the program, not inside '{ancestors[-1]}'"
    if command.place == "inside" and not ancestors:
        return f"'{command.id}' must be inside another line, such as a loop"
    if command.inside and not set(command.inside) & set(ancestors):
        return f"'{command.id}' must be inside {' or '.join(repr(c) for c in command.inside)}"
    return None


def unique_problem(command_id: str) -> str:
    """A command the pack allows once (`main`) is there a second time."""
    return f"a program has only one '{command_id}'"


def comment_problem(text) -> str | None:
    if not isinstance(text, str):
        return "comment: a comment needs text"
    problem = text_problem(text, max_length=COMMENT_LENGTH)
    return f"comment: {problem}" if problem else None


def line_problems(block: Block, pack: Pack) -> list[tuple[str, str]]:
    """Why a block is not a complete, valid line of this pack: (param name or "", message) for
    an unknown command, a missing or invalid value, a body the command does not have."""
    if block.command == COMMENT:
        problem = comment_problem(block.args.get("text"))
        return [("text", problem)] if problem else []
    command = pack.command(block.command)
    if command is None:
        return [("", f"'{block.command}' is not a command of {pack.label}")]
    problems = []
    for param in command.params:
        if param.name not in block.args:
            problems.append((param.name, f"'{command.id}' needs a value for '{param.name}'"))
        elif problem := value_problem(param, block.args[param.name]):
            problems.append((param.name, problem))
    for name, body in block.bodies.items():
        if body and name not in command.bodies:
            problems.append(("", f"'{command.id}' has no part called '{name}'"))
    return problems


def value_problem(param: Param, value) -> str | None:
    """Why `value` cannot be this param's value: for an expression, anything but a tree the
    reader could have built (the compiler turns the tree into code, so it takes no other), and a
    plain number outside the param's range (as the reader refuses `speed=101`)."""
    if param.type != "expression":
        return check_value(param, value)
    if param.list:
        if not isinstance(value, tuple):
            return f"{param.name} must be a list, like [a, b]"
        return next(filter(None, (value_problem(item_param(param), item) for item in value)), None)
    if problem := expression_problem(value):
        return problem
    return check_number(param, value.value) if isinstance(value, e.Num) else None


_OPERATORS = {op for op in e.PRECEDENCE if op not in ("not", "compare", "neg", "atom")} | set(e.COMPARISONS)


def expression_problem(node) -> str | None:
    """Why `node` is not an expression tree the parser could have built (None when it is one)."""
    if isinstance(node, e.Num):
        ok = isinstance(node.value, (int, float)) and not isinstance(node.value, bool) and math.isfinite(node.value)
        return None if ok else f"{node.value!r} is not a number"
    if isinstance(node, e.Bool):
        return None if isinstance(node.value, bool) else f"{node.value!r} is not true or false"
    if isinstance(node, e.Name):
        return None if isinstance(node.id, str) else f"{node.id!r} is not a name"
    if isinstance(node, e.Unary) and node.op in ("-", "not"):
        return expression_problem(node.operand)
    if isinstance(node, e.Binary) and node.op in _OPERATORS:
        return expression_problem(node.left) or expression_problem(node.right)
    if isinstance(node, e.Call) and isinstance(node.function, str) and isinstance(node.args, tuple):
        return next(filter(None, map(expression_problem, node.args)), None)
    return f"{node!r} is not an expression"
