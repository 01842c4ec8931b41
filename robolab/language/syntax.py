"""Text -> syntax tree with positions (no palette needed yet); syntax errors a student can act on."""

import gc
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from robolab.errors import Problem, RobolabError
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
    """The LALR parser; it builds the syntax tree while parsing (no intermediate parse tree)."""
    grammar = resources.files("robolab.language").joinpath("grammar.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", start=["start", "expr"], maybe_placeholders=False, transformer=_ToRaw())


class _ToRaw(Transformer):
    def start(self, items):
        header, statements = items
        return RawProgram(header[0], header[1], header[2], statements, header[3])

    def header(self, items):
        fmt, pack, version = items
        return (int(fmt), str(pack), str(version), fmt.line)

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
    if any(c in text for c in ".eE"):
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


_UNCLOSED = "a '{' is never closed: add a line with '}'"
_EXAMPLES = {
    "the first line must say which palette the program is for, like: robolab 1 palette ev3 1.0": [
        "drive speed=5\n", "robolab\n", "robolab 1\n", "robolab 1 palette\n", "robolab 1 palette ev3\n",
        "robolab palette ev3 1.0\n", "robolab 1 ev3 1.0\n", "# hi\nrobolab 1 palette ev3 1.0\n", "", "\n",
    ],
    "write each value as name=value, like speed=50": [
        "robolab 1 palette p 1.0\ndrive speed 50\n", "robolab 1 palette p 1.0\ndrive 50\n",
        "robolab 1 palette p 1.0\ndrive \"x\"\n", "robolab 1 palette p 1.0\ndrive speed=50 60\n",
        "robolab 1 palette p 1.0\ndrive speed x\n",
    ],
    "put an expression in parentheses, like condition=(x < 10)": [
        "robolab 1 palette p 1.0\nwhile test=x < 10\n", "robolab 1 palette p 1.0\nset value=x + 1\n",
        "robolab 1 palette p 1.0\nset value=x+1\n", "robolab 1 palette p 1.0\nset value=-x\n",
        "robolab 1 palette p 1.0\nset value=abs(x)\n",
        *(f"robolab 1 palette p 1.0\nset value={a} {op} 2\n"
          for a in ("x", "1") for op in ("+", "-", "*", "/", "%", "<", "==", "and", "or", "&", "|")),
    ],
    "a value is missing after '='": [
        "robolab 1 palette p 1.0\ndrive speed=\n", "robolab 1 palette p 1.0\ndrive speed= }\n",
    ],
    _UNCLOSED: [
        "robolab 1 palette p 1.0\nrepeat times=2 {\n", "robolab 1 palette p 1.0\nrepeat times=2 {\nx\n",
        "robolab 1 palette p 1.0\nrepeat times=2 {\nx {\n}\n",
    ],
    "this '}' closes nothing": ["robolab 1 palette p 1.0\n}\n", "robolab 1 palette p 1.0\nx\n}\n"],
    "start a new line after '{' and put '}' on a line of its own": [
        "robolab 1 palette p 1.0\nrepeat times=2 { x }\n", "robolab 1 palette p 1.0\nrepeat times=2 {\nx }\n",
    ],
    "this expression is not finished": [
        "robolab 1 palette p 1.0\nset v=(x +)\n", "robolab 1 palette p 1.0\nset v=(x <)\n",
        "robolab 1 palette p 1.0\nset v=()\n", "robolab 1 palette p 1.0\nset v=(x and)\n",
        "robolab 1 palette p 1.0\nset v=(not)\n", "robolab 1 palette p 1.0\nset v=(-)\n",
    ],
    "a ')' is missing": [
        "robolab 1 palette p 1.0\nset v=(x + 1\n", "robolab 1 palette p 1.0\nset v=(abs(x)\n",
        "robolab 1 palette p 1.0\nset v=(x 1)\n", "robolab 1 palette p 1.0\nset v=(x y)\n",
        "robolab 1 palette p 1.0\nset v=(1 2)\n", "robolab 1 palette p 1.0\nset v=(1 x)\n",
    ],
    "comparisons do not chain: write (a < b) and (b < c)": [
        "robolab 1 palette p 1.0\nset v=(a < b < c)\n", "robolab 1 palette p 1.0\nset v=(a == b == c)\n",
    ],
}


def _example_errors() -> list[tuple[str, UnexpectedInput]]:
    """The error each example in _EXAMPLES raises, with its label (parsed once, then cached)."""
    if not _EXAMPLE_ERRORS:
        for label, examples in _EXAMPLES.items():
            for example in examples:
                try:
                    parser().parse(example, start="start")
                except UnexpectedInput as error:
                    _EXAMPLE_ERRORS.append((label, error))
    return _EXAMPLE_ERRORS


_EXAMPLE_ERRORS: list = []


def _match_example(error: UnexpectedInput) -> str | None:
    """The label of the example that fails the same way as `error`: in the same parser state, on
    the same kind of token.

    Like lark's match_examples, but without comparing the depth of the parser's stack (examples
    written at the top level never matched inside `main { }`), and never on the state alone (a
    stray `=` is not "a '}' that closes nothing").
    """
    state = getattr(error, "state", None)
    if state is None:
        return None
    if not isinstance(error, (UnexpectedToken, UnexpectedEOF)):
        return None  # an unexpected character says more than any example
    same_type = None
    for label, example in _example_errors():
        other = getattr(example, "state", None)
        if other is None or other.position != state.position or type(other) is not type(state):
            continue
        if isinstance(error, UnexpectedToken) and isinstance(example, UnexpectedToken):
            if example.accepts != error.accepts:
                continue
        if isinstance(example, (UnexpectedToken, UnexpectedEOF)):
            if example.token == error.token:
                return label
            if example.token.type == error.token.type:  # `value=1 + 2` is like `value=1 * 2`
                same_type = same_type or label
    return same_type


def _friendly(error: UnexpectedInput, text: str) -> str:
    char = None
    if isinstance(error, UnexpectedCharacters):
        char = text[error.pos_in_stream] if 0 <= error.pos_in_stream < len(text) else "?"
        if char == '"':
            return "this text has no closing quote"
    try:
        label = _match_example(error)
    except Exception:  # matching re-parses examples; never let that hide the real error
        label = None
    if label:
        return label
    if char is not None:
        return f"unexpected character {char!r}"
    if isinstance(error, UnexpectedEOF):
        return "the program ends too early"
    if isinstance(error, UnexpectedToken):
        token = error.token
        found = "the end of the line" if token.type == "_NL" else repr(str(token))
        return f"unexpected {found}"
    return "cannot read this line"


def parse_raw(text: str, file: str = "") -> RawProgram:
    """Parse program text; raises RobolabError with `file:line:col` problems."""
    if not text.endswith("\n"):
        text += "\n"
    try:
        with gc_paused():
            return parser().parse(text, start="start")
    except ValueProblem as error:
        raise RobolabError([Problem(str(error), file, error.line, error.column)]) from None
    except UnexpectedInput as error:
        line, column = error.line, error.column
        if line in (-1, None) or column in (-1, None):
            line, column = text.count("\n"), 1
        message = _friendly(error, text)
        if message == _UNCLOSED and (brace := _unclosed_brace(text)):
            line, column = brace  # point at the '{', not at the end of the file
        raise RobolabError([Problem(message, file, line, column)]) from None


_STRING = re.compile(r'"(\\.|[^"\\\n])*"')


def _unclosed_brace(text: str) -> tuple[int, int] | None:
    """Line and column of the innermost '{' that no '}' closes (strings and comments skipped)."""
    unclosed = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("#"):
            continue
        code = _STRING.sub(lambda match: " " * len(match.group(0)), line)
        for column, char in enumerate(code, start=1):
            if char == "{":
                unclosed.append((number, column))
            elif char == "}" and unclosed:
                unclosed.pop()
    return unclosed[-1] if unclosed else None
