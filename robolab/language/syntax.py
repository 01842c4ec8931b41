"""Text -> syntax tree with positions (no palette needed yet); syntax errors a student can act on."""

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import lark
from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedInput

from robolab import cache
from robolab.errors import Problem, RobolabError
from robolab.language.syntax_errors import UNCLOSED, friendly_message, unclosed_brace
from robolab.model import expr as e

OPERATORS = {"||": "or", "&&": "and", "=": "==", "<>": "!="}


@dataclass
class RawValue:
    kind: str  # number | string | name | list | expr
    value: object
    line: int
    column: int


@dataclass
class RawArg:
    name: str
    value: RawValue
    line: int
    column: int


@dataclass
class RawBody:
    name: str | None  # None for the first body, written without a name
    statements: list
    line: int
    column: int


@dataclass
class RawStatement:
    command: str
    line: int
    column: int
    args: list[RawArg] = field(default_factory=list)
    bodies: list[RawBody] = field(default_factory=list)
    text: str = ""
    is_comment: bool = False  # a `# text` line (a statement spelt `comment` is not one)


@dataclass
class RawProgram:
    format: int
    pack: str
    version: str
    statements: list[RawStatement]
    line: int = 1
    world: str = ""  # the world it is meant to run in: a shipped world's name or a path


class ValueProblem(ValueError):
    """A token that is well formed but cannot be a value (a number too large, a bad escape)."""

    def __init__(self, message: str, token: Token):
        super().__init__(message)
        self.line, self.column = token.line, token.column


@contextmanager
def gc_paused():
    """Pause the cyclic garbage collector while building many small objects that form no cycles.

    Parsing or compiling a large program otherwise spends a fifth of its time in collections.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@lru_cache(maxsize=1)
def parser() -> Lark:
    """The LALR parser; it builds the syntax tree while parsing (no intermediate parse tree).
    Its tables come from lark's cache in RoboLab's cache folder (named by the grammar and lark's
    version; lark checks both again) instead of being worked out at each start."""
    grammar = resources.files("robolab.language").joinpath("grammar.lark").read_text(encoding="utf-8")
    tables = cache.cache_file(f"grammar-{cache.key(grammar, lark.__version__)}.lark")
    return Lark(grammar, parser="lalr", start=["start", "expr"], maybe_placeholders=False, transformer=_ToRaw(),
                cache=str(tables))


@lru_cache(maxsize=1)
def quick_parser():
    """The same parser run by a tighter loop (robolab.language.lalr), for whole programs; None when
    this Lark's insides are not the ones that loop reads (a newer Lark): Lark's own loop reads then."""
    try:
        from robolab.language.lalr import QuickParser

        return QuickParser(parser(), "start")
    except (ImportError, AttributeError, KeyError, TypeError, ValueError):
        return None


class _ToRaw(Transformer):
    def start(self, items):
        header, statements = items
        return RawProgram(header[0], header[1], header[2], statements, header[3], header[4])

    def header(self, items):
        fmt, pack, version, *world = items
        if len(fmt) > 6:
            raise ValueProblem(f"the file format number {fmt[:12]}… is not one RoboLab knows", fmt)
        if any(len(part) > 6 for part in version.split(".")):
            raise ValueProblem(f"the palette version {version[:12]}… is not one RoboLab knows (too many digits)",
                               version)
        place = ""
        if world:
            place = _unescape(world[0]) if world[0].type == "STRING" else str(world[0])
        return (int(fmt), str(pack), str(version), fmt.line, place)

    def statements(self, items):
        return list(items)

    def comment(self, items):
        (token,) = items
        text = token[1:].replace("\t", "    ").strip()  # a tab is not a character text may hold
        return RawStatement("comment", token.line, token.column, text=text, is_comment=True)

    def command(self, items):
        name, rest = items[0], items[1:]
        statement = RawStatement(str(name), name.line, name.column)
        for item in rest:
            if isinstance(item, RawArg):
                statement.args.append(item)
            else:
                statement.bodies = item
        return statement

    def bodies(self, items):
        first, rest = items[0], items[1:]
        result = [RawBody(None, first[0], first[1], first[2])]
        for name, body in zip(rest[::2], rest[1::2]):
            result.append(RawBody(str(name), body[0], name.line, name.column))
        return result

    def body(self, items):
        return (items[-1], 0, 0)

    def arg(self, items):
        name, value = items
        if not isinstance(value, RawValue):
            value = RawValue("expr", value, name.line, name.column + len(name) + 1)
        elif not value.line:  # a list: its brackets are not kept as tokens
            value.line, value.column = name.line, name.column + len(name) + 1
        return RawArg(str(name), value, name.line, name.column)

    def number(self, items):
        token = items[-1]
        value = _number(token)
        first = items[0]
        return RawValue("number", -value if len(items) == 2 else value, first.line, first.column)

    def string(self, items):
        (token,) = items
        return RawValue("string", _unescape(token), token.line, token.column)

    def name(self, items):
        (token,) = items
        return RawValue("name", str(token), token.line, token.column)

    def list(self, items):
        return RawValue("list", [i if isinstance(i, RawValue) else RawValue("expr", i, 0, 0) for i in items], 0, 0)

    # Expressions become model nodes directly.
    def binary(self, items):
        left, op, right = items
        return e.Binary(OPERATORS.get(str(op), str(op)), left, right)

    def unary(self, items):
        op, operand = items
        if str(op) == "-" and isinstance(operand, e.Num) and operand.value >= 0 and not _is_negated(operand):
            return e.Num(-operand.value)
        return e.Unary(str(op), operand)

    def expr_number(self, items):
        return e.Num(_number(items[0]))

    def true(self, _):
        return e.Bool(True)

    def false(self, _):
        return e.Bool(False)

    def expr_name(self, items):
        (token,) = items
        return e.Name(str(token), token.line, token.column)

    def call(self, items):
        name, args = items[0], tuple(items[1:])
        return e.Call(str(name), args, name.line, name.column)


def _is_negated(num: e.Num) -> bool:
    return str(num.value).startswith("-")


def _number(token: Token) -> int | float:
    text = str(token)
    if "." in text or "e" in text or "E" in text:
        value = float(text)
        if value in (float("inf"), float("-inf")):
            raise ValueProblem(f"the number {text} is too large", token)
        return value
    if len(text) > 15:
        raise ValueProblem(f"the number {text} is too large", token)
    return int(text)


def _unescape(token: Token) -> str:
    body, out, i = str(token)[1:-1], [], 0
    while i < len(body):
        char = body[i]
        if char == "\\":
            following = body[i + 1]
            if following not in "\"\\":
                raise ValueProblem(f"'\\{following}' is not allowed in text; write \\\" for a quote and \\\\ for \\",
                                   token)
            out.append(following)
            i += 2
        else:
            out.append(char)
            i += 1
    return "".join(out)


def parse_raw(text: str, file: str = "") -> RawProgram:
    """Parse program text; raises RobolabError with `file:line:col` problems."""
    if not text.endswith("\n"):
        text += "\n"
    try:
        with gc_paused():
            quick = quick_parser()
            raw = quick.parse(text) if quick is not None else None
            if raw is None:  # not valid: Lark reads it again, to raise its own error
                raw = parser().parse(text, start="start")
    except ValueProblem as error:
        raise RobolabError([Problem(str(error), file, error.line, error.column)]) from None
    except UnexpectedInput as error:
        line, column = error.line, error.column
        if line in (-1, None) or column in (-1, None):
            line, column = text.count("\n"), 1
        message = friendly_message(error, text, lambda example: parser().parse(example, start="start"))
        if message == UNCLOSED and (brace := unclosed_brace(text)):
            line, column = brace  # point at the '{', not at the end of the file
        raise RobolabError([Problem(message, file, line, column)]) from None
    from robolab.language.depth import raw_problems  # it needs the palette model; this module must not

    if problems := raw_problems(raw.statements, file):
        raise RobolabError(problems)
    return raw
