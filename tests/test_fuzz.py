"""Fuzzing (property tests): whatever a student's file holds, RoboLab answers with a program or with
problems that each say where (file, line) and what; never with any other exception.

Every example program is mutated at random: characters, tokens and lines deleted, inserted,
duplicated and swapped, random text dropped in, the file cut short. Expressions alone (the value
editor's path) get random text too.
"""

import ast
import random
import re
import subprocess
import sys

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, ROOT
from robolab.errors import RobolabError
from robolab.language import check_text, compile_program, read_program
from robolab.language.expressions import parse_expression, to_text
from robolab.model.expr import Expr
from robolab.palette import PackLibrary
from strategies import expressions, shipped_pack

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FILE = "mutant.rlab"
LIBRARY = PackLibrary()
TEXTS = {path.name: path.read_text(encoding="utf-8") for path in EXAMPLES}
TOKEN = re.compile(r"[A-Za-z0-9_.]+|[ \t]+|\n|.", re.S)

# Words and characters that mean something in a program file, to insert and swap in.
WORDS = sorted({
    "robolab", "palette", "1", "1.0", "2.0", "ev3", "treescript", "mini", "{", "}", "} else {", "(", ")", "[", "]",
    "=", "==", "<>", "<", "&&", "||", ",", '"', '\\"', "\\", "#", "-", "--", "not", "and", "or", "true", "false",
    "1e999", "9" * 20, "0.5", "-0", "__import__", "os", "print", "x", "\t", "\r\n", "\n", "\r", "\x00", "\ufeff",
    "\u2028", "é", "{speed}",
    *(c.id for pack_id in ("ev3", "treescript") if (pack := shipped_pack(pack_id)) for c in pack.commands),
    *(p.name for pack_id in ("ev3", "treescript") if (pack := shipped_pack(pack_id))
      for c in pack.commands for p in c.params),
})
CHARACTERS = st.one_of(st.sampled_from(list("{}()[]=\"\\#,.-+*/<>!&|% \t\n\r_aZ09")), st.characters())


# --- Mutations: each takes the text and a draw function, gives the mutated text ---------------

def _position(draw, items) -> int:
    return draw(st.integers(0, max(len(items) - 1, 0)))


def _edit(items: list, draw, pool) -> list:
    """Delete, insert, duplicate, replace or swap one item (a character, token or line)."""
    items = list(items)
    how = draw(st.sampled_from(("delete", "insert", "duplicate", "replace", "swap")))
    i, j = _position(draw, items), _position(draw, items)
    if not items:
        how = "insert"
    if how == "delete":
        del items[i]
    elif how == "insert":
        items.insert(draw(st.integers(0, len(items))), draw(pool))
    elif how == "duplicate":
        items.insert(i, items[i])
    elif how == "replace":
        items[i] = draw(pool)
    else:
        items[i], items[j] = items[j], items[i]
    return items


def by_character(text: str, draw) -> str:
    return "".join(_edit(list(text), draw, CHARACTERS))


def by_token(text: str, draw) -> str:
    return "".join(_edit(TOKEN.findall(text), draw, st.sampled_from(WORDS)))


def by_line(text: str, draw) -> str:
    other = st.sampled_from(sorted(TEXTS)).map(lambda name: TEXTS[name].splitlines(keepends=True))
    line_pool = st.one_of(other.flatmap(st.sampled_from), st.text(CHARACTERS, max_size=30).map(lambda t: t + "\n"))
    return "".join(_edit(text.splitlines(keepends=True), draw, line_pool))


def random_text(text: str, draw) -> str:
    i = draw(st.integers(0, len(text)))
    return text[:i] + draw(st.text(CHARACTERS, max_size=20)) + text[i + draw(st.integers(0, 10)):]


NUMBERS = st.one_of(
    st.sampled_from(["1e999", "1e308", "9" * 16, "9" * 15, "999999999999999.5", "0", "-0", "0.0", "-1", "1e-999",
                     "00", "1.", ".5", "1e", "1e+", "1_000", "0x10", "-(-1)", "--1", "101", "-101", "12.5"]),
    st.integers().map(str),
    st.floats().map(repr),
)


def by_number(text: str, draw) -> str:
    """Replace a number with another, often one out of range, too large or oddly written."""
    tokens = TOKEN.findall(text)
    numbers = [i for i, token in enumerate(tokens) if token[0].isdigit()]
    if numbers:
        tokens[draw(st.sampled_from(numbers))] = draw(NUMBERS)
    return "".join(tokens)


def commented_out(text: str, draw) -> str:
    """Turn a line into a comment, as a student does to try the program without it."""
    lines = text.splitlines(keepends=True)
    i = _position(draw, lines)
    if lines:
        indent = len(lines[i]) - len(lines[i].lstrip())
        lines[i] = lines[i][:indent] + "# " + lines[i][indent:]
    return "".join(lines)


def truncated(text: str, draw) -> str:
    return text[: draw(st.integers(0, len(text)))]


MUTATIONS = (by_character, by_token, by_number, by_line, commented_out, random_text, truncated)


@st.composite
def mutated_examples(draw):
    """An example with 1-4 mutations; mostly below its header line, so most mutants get past it."""
    name = draw(st.sampled_from(sorted(TEXTS)))
    header, text = "", TEXTS[name]
    if draw(st.integers(0, 4)):
        header, text = text.split("\n", 1)
        header += "\n"
    for mutation in draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=4)):
        text = mutation(text, draw)
    return header + text


# --- The property -----------------------------------------------------------------------------

def assert_answers_cleanly(text: str) -> None:
    """A program (compiling when it checks clean) or problems that each name the file, a line of
    it and what is wrong; any other exception fails the test."""
    lines = text.count("\n") + 1
    loaded = None
    try:
        loaded = read_program(text, LIBRARY, FILE)
        problems = loaded.problems
    except RobolabError as error:
        problems = error.problems
        assert problems, "a RobolabError with no problems"
    for problem in problems:
        assert problem.file == FILE, problem
        assert problem.message.strip(), problem
        assert 1 <= problem.line <= lines, problem
        assert problem.column >= 0, problem
        assert "Traceback" not in problem.message
    assert check_text(text, LIBRARY, FILE) == problems
    if loaded is not None and not problems:
        ast.parse(compile_program(loaded.program, loaded.pack, name="mutant").source)


@SETTINGS
@given(mutated_examples())
@example("robolab 1 palette ev3 1.0\nrepeat times=2 {\n    # only a comment\n}\n")
@example("robolab 1 palette ev3 1.0\nif condition=true {\n    beep\n} else {\n    # not yet\n}\n")
@example("robolab 1 palette treescript 1.0\nmain {\n    # every line commented out\n}\n")
def test_mutated_examples_give_a_program_or_problems_with_places(text):
    assert_answers_cleanly(text)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(sorted(TEXTS)), st.data())
def test_examples_with_odd_numbers_give_a_program_or_problems(name, data):
    """Numbers out of range, too large, too small, oddly written: in values and expressions."""
    text = TEXTS[name]
    for _ in range(data.draw(st.integers(1, 3))):
        text = by_number(text, data.draw)
    assert_answers_cleanly(text)


@settings(max_examples=100, deadline=None)
@given(st.text(CHARACTERS, max_size=80).map(lambda t: "robolab 1 palette ev3 1.0\n" + t))
def test_random_lines_under_a_header_give_a_program_or_problems(text):
    assert_answers_cleanly(text)


@settings(max_examples=100, deadline=None)
@given(st.text(CHARACTERS, max_size=80))
def test_random_text_gives_a_program_or_problems(text):
    assert_answers_cleanly(text)


def assert_expression_or_problem(text: str) -> None:
    try:
        result = parse_expression(text)
    except RobolabError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.message.strip() and problem.line == 1 and problem.column >= 1, problem
        return
    assert isinstance(result, Expr)
    assert parse_expression(to_text(result)) == result  # what was read prints back the same


EXPRESSION_CHARACTERS = st.one_of(st.sampled_from(list("()+-*/%<>=!&|, ._aexz019") + ["not ", " and ", " or ", "true",
                                                                                     "abs(", "1e999", "\n", '"']),
                                  st.characters())


@settings(max_examples=200, deadline=None)
@given(st.lists(EXPRESSION_CHARACTERS, max_size=25).map("".join))
def test_random_expression_text_gives_an_expression_or_a_problem(text):
    assert_expression_or_problem(text)


@settings(max_examples=200, deadline=None)
@given(expressions(depth=3).map(to_text), st.data())
def test_mutated_expressions_give_an_expression_or_a_problem(text, data):
    for _ in range(data.draw(st.integers(1, 3))):
        text = data.draw(st.sampled_from((by_character, by_token, by_number, truncated)))(text, data.draw)
    assert_expression_or_problem(text)


def test_check_on_the_command_line_never_shows_a_traceback(tmp_path):
    """`robolab check` on broken files, in one process (starting one is slow): mutated examples,
    bytes that are not UTF-8, an empty file, a folder and a missing file."""
    rng = random.Random(20240611)
    files = []
    for n in range(40):
        name = rng.choice(sorted(TEXTS))
        chars = list(TEXTS[name])
        for _ in range(rng.randint(1, 6)):
            if not chars:  # everything deleted: an empty file is one of the cases too
                break
            i = rng.randrange(len(chars))
            choice = rng.random()
            if choice < 0.3:
                del chars[i: i + rng.randint(1, 5)]
            elif choice < 0.6:
                chars.insert(i, rng.choice('{}()[]="\\#\n\x00-é\r'))
            elif choice < 0.8:
                chars[i:i] = chars[rng.randrange(len(chars)):][:rng.randint(1, 20)]
            else:
                chars = chars[:i]
        path = tmp_path / f"mutant{n}.rlab"
        path.write_text("".join(chars), encoding="utf-8")
        files.append(path)
    (tmp_path / "bytes.rlab").write_bytes(b"robolab 1 palette ev3 1.0\n\xff\xfe say words=\"\x80\"\n")
    (tmp_path / "empty.rlab").write_bytes(b"")
    (tmp_path / "folder.rlab").mkdir()
    files += [tmp_path / "bytes.rlab", tmp_path / "empty.rlab", tmp_path / "folder.rlab", tmp_path / "missing.rlab"]
    result = subprocess.run([sys.executable, "-m", "robolab", "check", *map(str, files)], capture_output=True,
                            text=True, cwd=ROOT, timeout=120)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode == 1, output  # some of them are broken
    for path in files:
        assert str(path) in output, f"nothing said about {path.name}"
