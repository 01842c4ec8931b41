"""Hypothesis strategies shared by the property tests: values, expressions and whole programs
generated from a palette pack, so every command, param type and body of a pack gets exercised.

A generated program is valid *syntax*: every value passes the binder's checks (type, range,
text), but the program need not make sense (names may be undeclared, commands out of place).
"""

import keyword
import math
from functools import lru_cache

from hypothesis import strategies as st

from robolab.errors import RobolabError
from robolab.language.binder import Binder
from robolab.language.migrate import migrate
from robolab.language.syntax import parse_raw
from robolab.model import expr as e
from robolab.model.program import Block, Program
from robolab.palette import PackLibrary
from robolab.palette.model import COMMENT, Pack, Param
from robolab.palette.types import COLOURS, EXPRESSION_WORDS, item_param, name_problem, ports_of

# Numbers the file format can hold: whole numbers of at most 15 digits, finite floats.
BIGGEST_INT = 10 ** 15 - 1
BINARY_OPS = ("or", "and", "==", "!=", "<", ">", "<=", ">=", "|", "&", "+", "-", "*", "/", "%")

# Valid names that collide with something: Python builtins and soft keywords, names the packs'
# runtimes define, words close to the language's own, dunders.
TRICKY_NAMES = (
    "print", "len", "int", "str", "exec", "eval", "open", "input", "sleep", "time", "atexit", "sys", "os",
    "self", "match", "case", "_", "__", "__import__", "__name__", "__builtins__", "__file__", "type",
    "say_aloud", "speaker", "tank_drive", "steering_drive", "screen", "show_on_screen", "program_timer",
    "motor_on_port", "motors_by_port", "Display", "Timer", "ROBOLAB_WORLD", "OUTPUT_A", "INPUT_1",
    "SpeedPercent", "main", "distance", "timer", "colour", "abs", "random", "e", "E", "inf", "nan",
    "none", "not_", "andy", "order", "true_", "False_", "nothing", "x1", "x_",
)

@lru_cache(maxsize=None)
def shipped_pack(pack_id: str) -> Pack | None:
    """A shipped pack by id, or None when it is not there (yet). A pack that is there but broken
    raises RobolabError: that is worth a failing test. Loaded once per test run."""
    return PackLibrary().find(pack_id)


def bind(text: str, pack: Pack, file: str = "gen.rlab") -> Program:
    """Text -> Program the way read_program does it (parse, migrate, bind), without the meaning
    checks: round trips are about syntax. RobolabError when the text does not bind cleanly."""
    raw = migrate(parse_raw(text, file), pack, file)
    binder = Binder(pack, file)
    program = binder.program(raw)
    if binder.problems:
        raise RobolabError(binder.problems)
    return program


# Strategies are built once (lru_cache) and drawn from many times: building one is what costs.

# --- Plain values -----------------------------------------------------------------------------

@lru_cache(maxsize=None)
def names() -> st.SearchStrategy[str]:
    """Names a student may give a variable, procedure, output ...: valid, not reserved."""
    generated = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,14}", fullmatch=True)
    return st.one_of(st.sampled_from(TRICKY_NAMES), generated).filter(lambda n: name_problem(n) is None)


@lru_cache(maxsize=None)
def expression_names() -> st.SearchStrategy[str]:
    """Names the expression grammar reads as a Name: also Python keywords (`if`, `None`), which
    the meaning checks, not the syntax, turn away."""
    words = sorted(set(keyword.kwlist) - EXPRESSION_WORDS)
    generated = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,10}", fullmatch=True)
    return st.one_of(names(), st.sampled_from(words), generated).filter(lambda n: n not in EXPRESSION_WORDS)


@lru_cache(maxsize=None)
def numbers(low=None, high=None, integer: bool = False) -> st.SearchStrategy:
    """Numbers from low to high (either may be None): ints, and floats unless `integer`
    (whole floats such as 3.0 even then)."""
    lo = -BIGGEST_INT if low is None else max(-BIGGEST_INT, math.ceil(low))
    hi = BIGGEST_INT if high is None else min(BIGGEST_INT, math.floor(high))
    ints = st.integers(lo, hi) if lo <= hi else st.nothing()
    edges = st.sampled_from([v for v in (low, high, 0, 1, -1) if v is not None
                             and (low is None or v >= low) and (high is None or v <= high)
                             and (not integer or v == int(v))] or [lo])
    options = [ints, edges, ints.map(float)]
    if not integer:
        options.append(st.floats(min_value=low, max_value=high, allow_nan=False, allow_infinity=False))
    return st.one_of(options)


_PUNCTUATION = list('"\\\'{}[]()#=,.:;-+*/<>&|% ') + ["\\\"", "\"\\", "\\n", "{speed}", "}}{{", "'''", '"""']


@lru_cache(maxsize=None)
def texts(max_length: int = 200) -> st.SearchStrategy[str]:
    """Text a student may type into a text value: one printable line (quotes, backslashes,
    braces, non-ASCII), at most max_length characters."""
    pieces = st.one_of(
        st.sampled_from(_PUNCTUATION),
        st.characters(codec="utf-8", exclude_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs")),
        st.characters(min_codepoint=32, max_codepoint=126),
    )
    return (st.lists(pieces, max_size=min(max_length, 40)).map("".join)
            .filter(lambda t: t.isprintable() and len(t) <= max_length))


@lru_cache(maxsize=None)
def comment_texts() -> st.SearchStrategy[str]:
    """A comment's text as the model holds it: printable, no surrounding spaces (`#  x` reads as `x`)."""
    return texts(1000).map(str.strip)


# --- Expressions ------------------------------------------------------------------------------

def _negated(operand: e.Expr) -> e.Expr:
    """`-operand` as the parser builds it: minus a plain number is a negative number."""
    if isinstance(operand, e.Num) and not str(operand.value).startswith("-"):
        return e.Num(-operand.value)
    return e.Unary("-", operand)


@lru_cache(maxsize=None)
def expressions(variable_names=None, function_names=None, depth: int = 4) -> st.SearchStrategy[e.Expr]:
    """Random expression trees up to `depth` deep: numbers (negative ones too), true/false, names,
    not and minus, every binary operator (comparisons nested in each other), calls with 0-3
    arguments. Inner nodes are as likely as leaves, so deep trees are common."""
    variable_names = variable_names if variable_names is not None else expression_names()
    function_names = function_names if function_names is not None else expression_names()
    leaves = st.one_of(
        st.builds(e.Num, numbers()),
        st.builds(e.Bool, st.booleans()),
        st.builds(e.Name, variable_names),
    )
    if depth == 0:
        return leaves
    children = expressions(variable_names, function_names, depth - 1)

    @st.composite
    def node(draw):
        shape = draw(st.sampled_from(("leaf", "binary", "comparison", "not", "minus", "call")))
        if shape == "leaf":
            return draw(leaves)
        if shape in ("binary", "comparison"):
            op = draw(st.sampled_from(BINARY_OPS if shape == "binary" else e.COMPARISONS))
            return e.Binary(op, draw(children), draw(children))
        if shape == "not":
            return e.Unary("not", draw(children))
        if shape == "minus":
            return _negated(draw(children))
        return e.Call(draw(function_names), tuple(draw(st.lists(children, max_size=3))))

    return node()


@lru_cache(maxsize=None)
def expression_value(param: Param) -> st.SearchStrategy[e.Expr]:
    """A value of an expression param: a number within the param's range, or any other expression
    (the binder checks the range of a plain number only)."""
    in_range = numbers(param.min, param.max, param.integer).map(e.Num)
    others = expressions().filter(lambda x: not isinstance(x, e.Num))
    return st.one_of(in_range, others)


@lru_cache(maxsize=None)
def param_values(param: Param) -> st.SearchStrategy:
    """A value the binder accepts for the param, as Block.args holds it."""
    if param.list:
        return st.lists(param_values(item_param(param)), max_size=4).map(tuple)
    kind = param.type
    if kind == "number":
        return numbers(param.min, param.max, param.integer)
    if kind == "choice":
        return st.sampled_from([c.id for c in param.choices])
    if kind in ("motor_port", "sensor_port"):
        return st.sampled_from(ports_of(param))
    if kind == "colour":
        return st.sampled_from(sorted(COLOURS))
    if kind == "text":
        return texts(param.max_length)
    if kind == "boolean":
        return st.booleans()
    if kind == "name":
        return names()
    if kind == "expression":
        return expression_value(param)
    raise AssertionError(f"no strategy for param type {kind!r}")


# --- Programs ---------------------------------------------------------------------------------

@st.composite
def blocks(draw, pack: Pack, depth: int = 2) -> Block:
    """One block: a comment, or any command of the pack with a valid value for every param and,
    while depth lasts, random blocks in its bodies."""
    if draw(st.integers(0, 5)) == 0:
        return Block(COMMENT, {"text": draw(comment_texts())})
    command = draw(st.sampled_from(pack.commands))
    args = {param.name: draw(param_values(param)) for param in command.params}
    bodies = {name: (draw(block_lists(pack, depth - 1)) if depth > 0 else []) for name in command.bodies}
    return Block(command.id, args, bodies)


@lru_cache(maxsize=None)
def block_lists(pack: Pack, depth: int = 2, max_size: int = 4) -> st.SearchStrategy[list[Block]]:
    return st.lists(blocks(pack, depth), max_size=max_size)


@lru_cache(maxsize=None)
def programs(pack: Pack, depth: int = 2) -> st.SearchStrategy[Program]:
    return st.builds(Program, st.just(pack.id), st.just(pack.version), block_lists(pack, depth, max_size=6))
