"""Values as a student types or picks them in the value editor: read, checked, with the reason.

Everything the editor emits passes `check` first, so an invalid value never reaches the program:
the same type checks as the file reader (robolab.palette.types), plus the meaning checks that
depend on where the line is (names in scope, names already taken, functions of the pack).
"""

import math
import re
from dataclasses import dataclass

from robolab.errors import RobolabError
from robolab.language.binder import suggestion
from robolab.language.expressions import parse_expression, to_text
from robolab.language.printer import as_written
from robolab.language.scope import Scope, declared_anywhere
from robolab.model import expr as e
from robolab.palette.model import Param
from robolab.palette.types import (COLOURS, EXPRESSION_WORDS, check_number, check_value, format_number,
                                   item_param, name_problem, ports_of)

_NUMBER = re.compile(r"\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*\Z")


@dataclass(frozen=True)
class Verdict:
    """A value read from what the student typed, or the reason it cannot be one."""

    value: object = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def refused(problem: str) -> Verdict:
    return Verdict(None, problem)


def options(param: Param) -> list[tuple[object, str]]:
    """(value, label) pairs for a param whose values are a fixed set, for a drop-down."""
    if param.type == "choice":
        return [(c.id, c.label or c.id) for c in param.choices]
    if param.type in ("motor_port", "sensor_port"):
        return [(port, port) for port in ports_of(param)]
    if param.type == "colour":
        return [(colour, "no colour" if colour == "none" else colour) for colour in COLOURS]
    if param.type == "boolean":
        return [(True, "true"), (False, "false")]
    return []


def shown(param: Param, value) -> str:
    """A value as its field shows it (without quotes or outer brackets)."""
    if value is None:
        return ""
    if param.type == "number" and not param.list:
        return format_number(value)
    return as_written(param, value)


def as_number(value: float, integer: bool = False) -> int | float:
    """A whole number as an int, as the file reader would read it back from the printed text."""
    return int(value) if integer or (isinstance(value, float) and value.is_integer() and abs(value) < 1e15) \
        else value


def read_number(param: Param, text: str) -> Verdict:
    if not _NUMBER.match(text):
        return refused(f"{param.label or param.name} must be a number, like 10 or 2.5")
    value = float(text)
    if not math.isfinite(value) or abs(value) >= 1e15:
        return refused("that number is too large")
    value = as_number(value) if value.is_integer() else value
    problem = check_number(param, value)
    return refused(problem) if problem else Verdict(value)


def read_expression(param: Param, text: str, scope: Scope) -> Verdict:
    """An expression typed as text, checked as the file reader and the checker would check it."""
    if not text.strip():
        return refused("type a number, a name or a sum, or use the builder")
    try:
        node = parse_expression(text)
    except RobolabError as error:
        problem = error.problems[0]
        return refused(_unfinished(text) or problem.message + (
            f" (at character {problem.column})" if problem.column and problem.column <= len(text) else ""))
    return check_expression(param, node, scope)


_OPERATOR_AT_END = re.compile(r"(<=|>=|==|!=|<>|\|\||&&|[-+*/%<>=|&(,]|\band|\bor|\bnot)\s*\Z")


def _unfinished(text: str) -> str | None:
    """What is missing when typed text stops half-way, as it does while a student types."""
    if match := _OPERATOR_AT_END.search(text):
        return f"not finished: add a value after '{match.group(1)}'"
    if text.count("(") > text.count(")"):
        return "not finished: close the bracket with )"
    return None


def check_expression(param: Param, node: e.Expr, scope: Scope) -> Verdict:
    if problem := _division_by_zero(node):
        return refused(problem)
    if isinstance(node, e.Num):
        if problem := check_number(param, node.value):
            return refused(problem)
    elif (value := constant(node, scope.pack.division == "whole")) is not None:
        # A sum of numbers only, such as 50 + 60, has one value: the range applies to it too.
        if not math.isfinite(value):
            return refused("that sum is too large")
        if problem := check_number(param, as_number(value) if value == int(value) else value):
            return refused(f"{problem} (that is what {to_text(node)} makes)")
    for name in e.names_in(node):
        if problem := _name_in_expression(name.id, scope):
            return refused(problem)
    for call in e.calls_in(node):
        function = scope.pack.function(call.function)
        if function is None:
            names = [f.name for f in scope.pack.functions]
            return refused(f"'{call.function}' is not a function of {scope.pack.id}{suggestion(call.function, names)}")
        if len(call.args) != function.arity:
            s = "s" * (function.arity != 1)
            return refused(f"'{call.function}' takes {function.arity} value{s}, not {len(call.args)}")
    return Verdict(without_positions(node))


def constant(node: e.Expr, whole_division: bool = False) -> float | None:
    """The value of an expression of numbers only (no names, calls or comparisons), else None."""
    if isinstance(node, e.Num):
        return node.value
    if isinstance(node, e.Unary) and node.op == "-":
        inner = constant(node.operand, whole_division)
        return None if inner is None else -inner
    if isinstance(node, e.Binary) and node.op in ("+", "-", "*", "/", "%"):
        left, right = constant(node.left, whole_division), constant(node.right, whole_division)
        if left is None or right is None or (node.op in "/%" and right == 0):
            return None
        try:
            if node.op == "+":
                return left + right
            if node.op == "-":
                return left - right
            if node.op == "*":
                return left * right
            if node.op == "%":
                return left % right
            return int(left / right) if whole_division else left / right
        except (OverflowError, ValueError):
            return math.inf
    return None


def _division_by_zero(node: e.Expr) -> str | None:
    for part in _parts(node):
        if isinstance(part, e.Binary) and part.op in ("/", "%") and constant(part.right) == 0:
            return "dividing by 0 has no answer: the program would stop there"
    return None


def _parts(node: e.Expr):
    yield node
    if isinstance(node, e.Unary):
        yield from _parts(node.operand)
    elif isinstance(node, e.Binary):
        yield from _parts(node.left)
        yield from _parts(node.right)
    elif isinstance(node, e.Call):
        for arg in node.args:
            yield from _parts(arg)


def without_positions(node: e.Expr) -> e.Expr:
    """The same expression with no file positions: typed in the editor, it was read from no line,
    and a position from the field's text would point at the wrong line of the program."""
    if isinstance(node, e.Name):
        return e.Name(node.id)
    if isinstance(node, e.Call):
        return e.Call(node.function, tuple(map(without_positions, node.args)))
    if isinstance(node, e.Unary):
        return e.Unary(node.op, without_positions(node.operand))
    if isinstance(node, e.Binary):
        return e.Binary(node.op, without_positions(node.left), without_positions(node.right))
    return node


def _name_in_expression(name: str, scope: Scope) -> str | None:
    declared = scope.declared.get(name)
    if declared is not None:
        kind = scope.pack.kind(declared.kind)
        if kind is not None and not kind.read:
            return f"'{name}' is a {kind.label}; it has no value to use here"
        return None
    if scope.pack.value(name) is not None:
        return None
    if name in EXPRESSION_WORDS:
        return f"'{name}' is a word of the language: it needs a value on each side"
    later = declared_anywhere(scope.program, scope.pack).get(name)
    if later is not None:
        return f"'{name}' cannot be used here: it is made later in the program, or inside another part"
    visible = [d.name for d in scope.readable()] + [v.name for v in scope.values()]
    return f"unknown name '{name}'{suggestion(name, visible)}"


def read_declared_name(param: Param, text: str, scope: Scope) -> Verdict:
    name = text.strip()
    if not name:
        return refused("type a name, such as count or side_length")
    if problem := name_problem(name):
        return refused(problem)
    if (reason := scope.taken(param).get(name)) is not None:
        return refused(reason)
    return Verdict(name)


def check_used_name(param: Param, name, scope: Scope) -> Verdict:
    if not isinstance(name, str) or name_problem(name):
        return refused(f"{param.label or param.name} must be a name")
    if name not in {d.name for d in scope.names_for(param)}:
        wanted = " or ".join(scope.kind_label(k) for k in param.kinds) or "name"
        return refused(f"there is no {wanted} called '{name}' here; make it on an earlier line")
    return Verdict(name)


def check(param: Param, value, scope: Scope) -> Verdict:
    """Whether `value` (in the form Block.args holds it) may be emitted for `param` here."""
    if param.list:
        if not isinstance(value, tuple):
            return refused(f"{param.name} must be a list")
        item = item_param(param)
        for entry in value:
            verdict = check(item, entry, scope)
            if not verdict.ok:
                return verdict
        if param.type == "name" and param.role == "declare" and len(set(value)) != len(value):
            twice = next(n for n in value if value.count(n) > 1)
            return refused(f"'{twice}' is in the list twice; each name must differ")
        if param.count_of and (expected := expected_count(param, scope)) is not None and len(value) != expected:
            return refused(f"{param.count_of} takes {expected} value{'s' * (expected != 1)}, not {len(value)}")
        return Verdict(value)
    if param.type == "expression":
        if not isinstance(value, e.Expr):
            return refused(f"{param.name} must be an expression")
        return check_expression(param, value, scope)
    if param.type == "name":
        if param.role == "declare":
            return read_declared_name(param, value, scope) if isinstance(value, str) else refused("not a name")
        return check_used_name(param, value, scope)
    problem = check_value(param, value)
    return refused(problem) if problem else Verdict(value)


def read(param: Param, text: str, scope: Scope) -> Verdict:
    """What a student typed in a field for one (non-list) param, read as its value."""
    if param.type == "number":
        return read_number(param, text)
    if param.type == "expression":
        return read_expression(param, text, scope)
    if param.type == "name" and param.role == "declare":
        return read_declared_name(param, text, scope)
    if param.type == "text":
        return check(param, text, scope)
    for value, label in options(param):
        if text.strip() in (str(value), label, shown(param, value)):
            return check(param, value, scope)
    return check(param, text.strip(), scope)


def expected_count(param: Param, scope: Scope) -> int | None:
    """How many values a `count_of` list needs: the inputs of the procedure or macro it names."""
    target = scope.block.args.get(param.count_of)
    declared = scope.declared.get(target) if isinstance(target, str) else None
    if declared is None:
        return None
    return len(input_names(scope, declared.path))


def input_names(scope: Scope, path: tuple) -> tuple[str, ...]:
    """The body-scoped list a declaring block names (a procedure's inputs), or ()."""
    block = scope.program.block_at(path)
    command = scope.pack.command(block.command)
    for param in command.params if command else ():
        if param.list and param.role == "declare" and param.scope == "body":
            return tuple(block.args.get(param.name, ()))
    return ()


def count_labels(param: Param, scope: Scope) -> tuple[str, ...] | None:
    """For a `count_of` list, the names of the inputs each value goes to (None when unknown)."""
    target = scope.block.args.get(param.count_of)
    declared = scope.declared.get(target) if isinstance(target, str) else None
    return None if declared is None else input_names(scope, declared.path)


def expression_text(value) -> str:
    return to_text(value) if isinstance(value, e.Expr) else ""

