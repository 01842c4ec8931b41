"""Values of a program built in code (by an editor, say), checked as strictly as a file's.

Reading a file checks every value, but a Program can be built without reading one, and the
compiler pastes names, ports and comments into the Python: so it compiles no value unchecked.
"""

import math

from robolab.errors import Problem
from robolab.model import expr as e
from robolab.model.program import Program
from robolab.palette.model import COMMENT, Pack, Param
from robolab.palette.types import check_value, text_problem


def unchecked_values(program: Program, pack: Pack, file: str = "") -> list[Problem]:
    """Values the file reader would have refused, in a program built in code (by an editor, say).

    Reading a file checks every value, but a Program can be built without reading one, and the
    compiler pastes names, ports and comments into the Python: so it takes no value unchecked.
    """
    problems = []
    for _, block in program.walk():
        if block.command == COMMENT:
            text = block.args.get("text")
            problem = text_problem(text, max_length=1000) if isinstance(text, str) else "a comment needs text"
            if problem:
                problems.append(Problem(f"comment: {problem}", file, block.line, block.column))
            continue
        command = pack.command(block.command)
        if command is None:
            problems.append(Problem(f"'{block.command}' is not a command of {pack.label}", file, block.line,
                                    block.column))
            continue
        for param in command.params:
            if param.name not in block.args:
                problem = f"'{command.id}' needs a value for '{param.name}'"
            else:
                problem = _value_problem(param, block.args[param.name])
            if problem:
                line, column = block.where(param.name)
                problems.append(Problem(problem, file, line, column))
    return problems


def _value_problem(param: Param, value) -> str | None:
    if param.type != "expression":
        return check_value(param, value)
    if not param.list:
        return _expression_problem(value)
    if not isinstance(value, tuple):
        return f"{param.name} must be a list, like [a, b]"
    return next(filter(None, map(_expression_problem, value)), None)


_OPERATORS = {op for op in e.PRECEDENCE if op not in ("not", "compare", "neg", "atom")} | set(e.COMPARISONS)


def _expression_problem(node) -> str | None:
    """Why `node` is not an expression tree the parser could have built (None when it is one)."""
    if isinstance(node, e.Num):
        ok = isinstance(node.value, (int, float)) and not isinstance(node.value, bool) and math.isfinite(node.value)
        return None if ok else f"{node.value!r} is not a number"
    if isinstance(node, e.Bool):
        return None if isinstance(node.value, bool) else f"{node.value!r} is not true or false"
    if isinstance(node, e.Name):
        return None if isinstance(node.id, str) else f"{node.id!r} is not a name"
    if isinstance(node, e.Unary) and node.op in ("-", "not"):
        return _expression_problem(node.operand)
    if isinstance(node, e.Binary) and node.op in _OPERATORS:
        return _expression_problem(node.left) or _expression_problem(node.right)
    if isinstance(node, e.Call) and isinstance(node.function, str) and isinstance(node.args, tuple):
        return next(filter(None, map(_expression_problem, node.args)), None)
    return f"{node!r} is not an expression"
