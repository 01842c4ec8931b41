"""Depth: deep nesting is checked, not discovered. Lines nested deeper than the robot's Python can
run are problems at the line that goes over; absurd depths (500 loops, 500 `not`, a 2,000-term
product) are clean errors everywhere (check, compile, run, the window), never a RecursionError;
and whatever the checker accepts, Python compiles (a property over both shipped packs)."""

import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from robolab.errors import RobolabError
from robolab.language import check_program, check_text, compile_program, print_program, read_program
from robolab.language.binder import default_value
from robolab.language.depth import MAX_EXPRESSION_DEPTH, MAX_NESTING, PYTHON_BLOCKS
from robolab.language.expressions import parse_expression
from robolab.model import expr as e
from robolab.model.program import Block, Program
from robolab.palette import PackLibrary
from robolab.palette.types import sample_value
from strategies import shipped_pack
from test_fuzz import assert_answers_cleanly

LIBRARY = PackLibrary()
HEADER = "robolab 1 palette ev3 1.0\n"


def nested(command: str, depth: int, inner: str = "beep", head: str = "") -> str:
    """`depth` commands inside one another, `inner` inside the last."""
    head = head or {"repeat": "repeat times=2", "if": "if condition=true", "forever": "forever",
                    "while": "while condition=true"}[command]
    lines = [HEADER.rstrip()] + ["    " * i + head + " {" for i in range(depth)]
    lines += ["    " * depth + inner] + ["    " * i + "}" for i in reversed(range(depth))]
    return "\n".join(lines) + "\n"


NOTS = HEADER + "if condition=(" + "not " * 500 + "true) {\n    beep\n}\n"
PRODUCT = HEADER + "var name=x value=(" + " * ".join(["2"] * 2000) + ")\n"
DEEP = {"repeat500": nested("repeat", 500), "not500": NOTS, "product2000": PRODUCT}


def messages(text: str) -> list[str]:
    return [str(p) for p in check_text(text, LIBRARY, "deep.rlab")]


def test_twenty_loops_inside_one_another_run_and_the_21st_is_reported_on_its_line():
    assert messages(nested("repeat", PYTHON_BLOCKS)) == []
    program, pack = read_program(nested("repeat", PYTHON_BLOCKS), LIBRARY).program, LIBRARY.find("ev3")
    compile(compile_program(program, pack).source, "deep.py", "exec")
    assert messages(nested("repeat", PYTHON_BLOCKS + 1)) == [
        f"deep.rlab:22:81: too many loops inside one another here: the robot's Python runs at most 20 "
        "(a procedure starts afresh: move the inside lines into one)"]


def test_a_loop_inside_the_innermost_commands_template_counts_too():
    # wait_until's Python is a loop of its own: inside 20 loops it would be the 21st
    text = nested("repeat", PYTHON_BLOCKS, inner="wait_until condition=touch_pressed")
    assert messages(text) == [f"deep.rlab:22:81: too many loops inside one another here: the robot's Python "
                              "runs at most 20 (a procedure starts afresh: move the inside lines into one)"]


def test_a_procedure_starts_afresh():
    body = nested("repeat", 15).split("\n", 1)[1]
    inside = "\n".join("    " + line if line else line for line in body.splitlines())
    text = HEADER + "define name=deep inputs=[] {\n" + inside + "\n}\n"
    text += "\n".join("    " * i + "repeat times=2 {" for i in range(15)) + "\n" + "    " * 15 + "run name=deep values=[]\n"
    text += "\n".join("    " * i + "}" for i in reversed(range(15))) + "\n"
    assert messages(text) == []
    loaded = read_program(text, LIBRARY)
    compile(compile_program(loaded.program, loaded.pack).source, "deep.py", "exec")


def test_ifs_may_nest_as_deep_as_python_indents():
    assert messages(nested("if", 99)) == []
    loaded = read_program(nested("if", 99), LIBRARY)
    compile(compile_program(loaded.program, loaded.pack).source, "deep.py", "exec")
    assert messages(nested("if", 100)) == [f"deep.rlab:102:401: lines are nested more than {MAX_NESTING} deep "
                                           "here; no robot can run that"]


def test_deep_expressions_are_a_clean_error_at_their_place():
    assert messages(NOTS) == [f"deep.rlab:2:14: this expression is nested more than {MAX_EXPRESSION_DEPTH} deep; "
                              "split it over a few variables"]
    assert messages(PRODUCT)[0].startswith("deep.rlab:2:18: this expression is nested more than")
    fine = HEADER + "var name=x value=(" + " + ".join(["1"] * MAX_EXPRESSION_DEPTH) + ")\n"
    assert messages(fine) == []
    with pytest.raises(RobolabError, match="nested more than"):
        parse_expression("not " * 500 + "true")  # the value editor
    with pytest.raises(RobolabError, match="nested more than"):
        parse_expression("(1 - " * 60 + "1" + ")" * 60)


@pytest.mark.parametrize("name", sorted(DEEP))
def test_absurd_depths_never_raise_recursion_error_in_process(name):
    text = DEEP[name]
    with pytest.raises(RobolabError) as raised:
        read_program(text, LIBRARY, "deep.rlab")
    assert raised.value.problems and all(p.line >= 2 for p in raised.value.problems)


def test_a_program_built_in_code_500_deep_is_refused_by_the_checker_not_walked():
    pack = LIBRARY.find("ev3")
    block = Block("beep")
    for _ in range(500):
        block = Block("repeat", {"times": e.Num(2)}, {"do": [block]})
    problems = check_program(Program("ev3", "1.0", [block]), pack, "built").problems
    assert [p.message for p in problems][-1].startswith(f"lines are nested more than {MAX_NESTING} deep")
    deep_not = e.Bool(True)
    for _ in range(500):
        deep_not = e.Unary("not", deep_not)
    problems = check_program(Program("ev3", "1.0", [Block("if", {"condition": deep_not}, {"then": [], "else": []})]),
                             pack, "built").problems
    assert "nested more than" in problems[0].message
    with pytest.raises(RobolabError):
        compile_program(Program("ev3", "1.0", [block]), pack)


def test_the_command_line_reports_absurd_depths_without_a_traceback(tmp_path):
    files = []
    for name, text in DEEP.items():
        (tmp_path / f"{name}.rlab").write_text(text)
        files.append(str(tmp_path / f"{name}.rlab"))
    commands = [["check", *files], ["compile", files[0], "-o", str(tmp_path / "out.py")],
                ["run", files[1], "--until", "1"]]
    for command in commands:
        result = subprocess.run([sys.executable, "-m", "robolab", *command], capture_output=True, text=True,
                                cwd=ROOT, timeout=120)
        output = result.stdout + result.stderr
        assert result.returncode == 1 and "Traceback" not in output and "nested more than" in output, output


def test_the_window_reports_absurd_depths_and_keeps_its_program(qtbot, tmp_path, library):
    from tests.windows import open_window

    window = open_window(qtbot, tmp_path, library, show=False)
    shown = []
    window.files.show_error = lambda title, message: shown.append(message)
    for count, (name, text) in enumerate(DEEP.items(), start=1):
        (tmp_path / f"{name}.rlab").write_text(text)
        window.files.open_file(tmp_path / f"{name}.rlab")  # a big one is read off the window's thread
        qtbot.waitUntil(lambda: not window.files.reading.busy, timeout=60000)
        assert len(shown) == count and "nested more than" in shown[-1]
    assert window.document.program.blocks == []


# --- Property: whatever checks, compiles -------------------------------------------------------

def default_block(pack, command, inner: list[Block]) -> Block:
    args = {}
    for param in command.params:
        value = default_value(param)
        if value is None:
            value = e.Num(param.min or 0) if param.type == "expression" else sample_value(param)
        args[param.name] = value
    bodies = {name: [] for name in command.bodies}
    if command.bodies:
        bodies[command.bodies[0]] = inner
    return Block(command.id, args, bodies)


@st.composite
def nestings(draw):
    pack = shipped_pack(draw(st.sampled_from(["ev3", "treescript"])))
    with_bodies = [c for c in pack.commands if c.bodies and not any(p.role == "declare" for p in c.params)]
    leaves = [c for c in pack.commands if not c.bodies and not any(p.type == "name" for p in c.params)]
    length = draw(st.one_of(st.integers(PYTHON_BLOCKS - 4, PYTHON_BLOCKS + 8), st.integers(1, MAX_NESTING + 30)))
    chain = draw(st.lists(st.sampled_from(with_bodies), min_size=length, max_size=length))
    inner = [default_block(pack, draw(st.sampled_from(leaves)), [])]
    for command in reversed(chain):
        inner = [default_block(pack, command, inner)]
    if pack.id == "treescript":  # its commands go inside main
        main = pack.command("main")
        inner = [default_block(pack, main, inner)]
    return pack, Program(pack.id, pack.version, inner)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(nestings())
def test_any_nesting_the_checker_accepts_compiles_and_none_recurses_too_deep(case):
    pack, program = case
    analysis = check_program(program, pack, "nested")
    if analysis.problems:
        return
    source = compile_program(program, pack, analysis=analysis).source
    compile(source, "nested.py", "exec")  # no "too many statically nested blocks"
    text = print_program(program, pack)
    assert read_program(text, LIBRARY).problems == []


# --- Fuzz: deep text answers cleanly -----------------------------------------------------------

HEADS = ["repeat times=2", "if condition=true", "forever", "while condition=(x < 3)", "repeat_until condition=false",
         "define name=p inputs=[]"]
CHAINS = [" * ", " + ", " - ", " / ", " and ", " or ", " < "]


@st.composite
def deep_texts(draw):
    """Programs with lines nested 0-300 deep and expressions up to 3,000 terms, `not` chains or
    nested brackets, in any mix."""
    depth = draw(st.one_of(st.integers(0, 30), st.integers(90, 110), st.integers(0, 300)))
    heads = draw(st.lists(st.sampled_from(HEADS), min_size=depth, max_size=depth))
    kind = draw(st.sampled_from(["chain", "not", "brackets", "minus"]))
    size = draw(st.one_of(st.integers(1, 60), st.integers(0, 3000)))
    if kind == "chain":
        value = draw(st.sampled_from(CHAINS)).join(["x"] * (size + 1))
    elif kind == "not":
        value = "not " * size + "true"
    elif kind == "brackets":
        value = "(1 - " * size + "x" + ")" * size
    else:
        value = "-" * size + "x"
    lines = ["robolab 1 palette ev3 1.0", "var name=x value=1"]
    lines += ["    " * i + head + " {" for i, head in enumerate(heads)]
    lines += ["    " * depth + f"set name=x value=({value})"] + ["    " * i + "}" for i in reversed(range(depth))]
    return "\n".join(lines) + "\n"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(deep_texts())
def test_deep_text_gives_a_program_or_problems_never_a_recursion_error(text):
    assert_answers_cleanly(text)
