"""Syntax tree + palette pack -> Program: every command, argument and value checked against its type.

Problems are collected, not raised one at a time, so a student sees every mistake at once.
"""

import difflib

from robolab.errors import Problem
from robolab.model import expr as e
from robolab.model.program import Block, Program
from robolab.palette.model import COMMENT, Command, Pack, Param
from robolab.palette.types import check_number, check_value, item_param, text_problem
from robolab.language.expressions import parse_expression
from robolab.language.syntax import RawProgram, RawStatement, RawValue


def suggestion(word: str, options) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


class Binder:
    def __init__(self, pack: Pack, file: str = ""):
        self.pack, self.file = pack, file
        self.problems: list[Problem] = []
        # Names on lines that could not be read: the meaning checks take them as declared, so a
        # typo on a `var` line is not followed by an "unknown name" wherever the variable is used.
        self.uncertain: set[str] = set()

    def problem(self, message: str, line: int, column: int) -> None:
        self.problems.append(Problem(message, self.file, line, column))

    def program(self, raw: RawProgram) -> Program:
        return Program(self.pack.id, self.pack.version, self.statements(raw.statements), world=raw.world)

    def statements(self, raws: list[RawStatement]) -> list[Block]:
        return [block for block in map(self.statement, raws) if block is not None]

    def statement(self, raw: RawStatement) -> Block | None:
        if raw.is_comment:
            if problem := text_problem(raw.text, max_length=1000):
                self.problem(f"comment: {problem}", raw.line, raw.column)
            return Block(COMMENT, {"text": raw.text}, line=raw.line, column=raw.column)
        command = self.pack.command(raw.command)
        if command is None:
            options = [c.id for c in self.pack.commands]
            self.problem(f"'{raw.command}' is not a command of {self.pack.label}"
                         f"{suggestion(raw.command, options)}", raw.line, raw.column)
            self.uncertain |= _names_written(raw)
            for body in raw.bodies:  # the lines inside are still read, to report their mistakes too
                self.statements(body.statements)
            return None
        block = Block(command.id, line=raw.line, column=raw.column)
        problems_before = len(self.problems)
        self.arguments(command, raw, block)
        if len(self.problems) > problems_before:
            self.uncertain |= _names_written(raw)
        self.bodies(command, raw, block)
        return block

    def arguments(self, command: Command, raw: RawStatement, block: Block) -> None:
        for arg in raw.args:
            param = command.param(arg.name)
            if param is None:
                names = [p.name for p in command.params]
                hint = suggestion(arg.name, names) or (
                    f" (it has {', '.join(names)})" if names else " (it takes no values)")
                self.problem(f"'{command.id}' has no value called '{arg.name}'{hint}", arg.line, arg.column)
                continue
            if param.name in block.args:
                self.problem(f"'{arg.name}' is given twice", arg.line, arg.column)
                continue
            block.positions[param.name] = (arg.value.line or arg.line, arg.value.column or arg.column)
            value = self.value(param, arg.value, arg.line, arg.column)
            if value is not None:
                block.args[param.name] = value
        given = raw_names(raw)
        for param in command.params:
            if param.name in given:
                continue
            default = default_value(param)
            if default is None:
                self.problem(f"'{command.id}' needs a value for '{param.name}', like {param.name}=...",
                             raw.line, raw.column)
            else:
                block.args[param.name] = default

    def bodies(self, command: Command, raw: RawStatement, block: Block) -> None:
        block.bodies = {name: [] for name in command.bodies}
        given = set()
        for index, body in enumerate(raw.bodies):
            if not command.bodies:
                self.problem(f"'{command.id}' has no lines inside it; remove the {{ }}", raw.line, raw.column)
                return
            name = command.bodies[0] if body.name is None else body.name
            if body.name is not None and (name not in command.bodies or name == command.bodies[0]):
                later = command.bodies[1:]
                hint = suggestion(name, later) or (f" (it has: {', '.join(later)})" if later else "")
                self.problem(f"'{command.id}' has no part called '{name}'{hint}", body.line, body.column)
                continue
            if name in given:  # even when the first one is empty
                self.problem(f"'{name}' part is given twice", body.line or raw.line, body.column)
                continue
            given.add(name)
            block.bodies[name] = self.statements(body.statements)

    def value(self, param: Param, raw: RawValue, line: int, column: int):
        """The typed value for `param`, or None after reporting why it cannot be."""
        line, column = raw.line or line, raw.column or column
        if param.list:
            if raw.kind != "list":
                self.problem(f"{param.name} is a list: write it in brackets, like [{_shown(raw)}]", line, column)
                return None
            items = [self.value(item_param(param), item, line, column) for item in raw.value]
            return None if any(i is None for i in items) else tuple(items)
        if raw.kind == "list":
            self.problem(f"{param.name} is a single value, not a list", line, column)
            return None
        value = convert(param, raw)
        if isinstance(value, Problem):
            self.problem(value.message, line, column)
            return None
        return value


def convert(param: Param, raw: RawValue):
    """A raw value as the param's type, or a Problem (without position) saying why not."""
    kind, value = param.type, raw.value
    if kind == "expression":
        result = as_expression(raw)
        if result is None:
            return Problem(f"{param.name} must be a number, a name or an expression in parentheses")
        if isinstance(result, e.Num) and (problem := check_number(param, result.value)):
            return Problem(problem)
        return result
    if kind == "boolean":
        if raw.kind == "name" and value in ("true", "false"):
            return value == "true"
        return Problem(f"{param.name} must be true or false")
    if kind == "sensor_port" and raw.kind == "number":
        value = str(value)
    elif kind == "text":
        if raw.kind != "string":
            return Problem(f"{param.name} is text: put it in quotes, like \"{_shown(raw)}\"")
    elif kind == "number":
        if raw.kind != "number":
            return Problem(f"{param.name} must be a number")
    elif raw.kind != "name":
        return Problem(f"{param.name} must be a name, not {_shown(raw)}")
    problem = check_value(param, value)
    if problem and kind == "choice":
        problem += suggestion(str(value), [c.id for c in param.choices])
    return Problem(problem) if problem else value


def as_expression(raw: RawValue) -> e.Expr | None:
    if raw.kind == "expr":
        return raw.value
    if raw.kind == "number":
        return e.Num(raw.value)
    if raw.kind == "name":
        if raw.value in ("true", "false"):
            return e.Bool(raw.value == "true")
        return e.Name(raw.value, raw.line, raw.column)
    return None


def default_value(param: Param):
    """The value a missing argument takes, or None when it must be given."""
    default = param.default
    if default is None:
        return () if param.list and param.type in ("name", "expression") else None
    if param.type == "expression":
        if isinstance(default, str):
            return parse_expression(default)
        return e.Num(default)
    if param.type == "sensor_port":
        return str(default)
    if param.list:
        return tuple(default)
    return default


def _names_written(raw: RawStatement) -> set[str]:
    """Every bare name written in a statement's values, and in the lines inside it."""
    def names(value: RawValue):
        if value.kind == "name":
            yield value.value
        elif value.kind == "list":
            for item in value.value:
                yield from names(item)

    found = {name for arg in raw.args for name in names(arg.value)}
    for body in raw.bodies:
        for statement in body.statements:
            found |= _names_written(statement)
    return found


def raw_names(raw: RawStatement) -> set[str]:
    return {arg.name for arg in raw.args}


def _shown(raw: RawValue) -> str:
    if raw.kind == "string":
        return str(raw.value)
    if raw.kind == "expr":
        return "..."
    return str(raw.value)

