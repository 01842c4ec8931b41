"""Syntax errors in words a student can act on: lark's error matched against known mistakes.

Each label in EXAMPLES names a mistake; its snippets fail the same way the student's text does.
"""

import re

from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

UNCLOSED = "a '{' is never closed: add a line with '}'"
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
    UNCLOSED: [
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


def _example_errors(parse) -> list[tuple[str, UnexpectedInput]]:
    """The error each example in _EXAMPLES raises, with its label (parsed once, then cached)."""
    if not _EXAMPLE_ERRORS:
        for label, examples in _EXAMPLES.items():
            for example in examples:
                try:
                    parse(example)
                except UnexpectedInput as error:
                    _EXAMPLE_ERRORS.append((label, error))
    return _EXAMPLE_ERRORS


_EXAMPLE_ERRORS: list = []


def _match_example(error: UnexpectedInput, parse) -> str | None:
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
    for label, example in _example_errors(parse):
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


def friendly_message(error: UnexpectedInput, text: str, parse) -> str:
    """What went wrong, in words a student can act on (`parse` re-reads the examples)."""
    char = None
    if isinstance(error, UnexpectedCharacters):
        char = text[error.pos_in_stream] if 0 <= error.pos_in_stream < len(text) else "?"
        if char == '"':
            return "this text has no closing quote"
    try:
        label = _match_example(error, parse)
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


_STRING = re.compile(r'"(\\.|[^"\\\n])*"')


def unclosed_brace(text: str) -> tuple[int, int] | None:
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
