"""Runaway numbers: arithmetic cannot grow a number past numbers.LIMIT without a clear error at
its block, in `robolab run` and in the window's runs; the bound changes no other result; the
compiled Python stays Python 3.5."""

import ast
import subprocess
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, ROOT
from robolab.language import compile_program, parse_program
from robolab.language.expressions import render, rlab_leaf
from robolab.model import expr as e
from robolab.palette import PackLibrary
from robolab.palette import numbers
from strategies import expressions

LIBRARY = PackLibrary()
SQUARING = """robolab 1 palette ev3 1.0
var name=x value=2
forever {
    set name=x value=(x * x)
    wait seconds=0.01
}
"""
DOUBLING = """robolab 1 palette ev3 1.0
var name=x value=1
forever {
    wait seconds=0.01
    change name=x amount=x
}
"""


def run(tmp_path, text: str) -> subprocess.CompletedProcess:
    path = tmp_path / "runaway.rlab"
    path.write_text(text)
    return subprocess.run([sys.executable, "-m", "robolab", "run", str(path)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def test_squaring_forever_ends_with_a_clear_error_at_its_line(tmp_path):
    result = run(tmp_path, SQUARING)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        f"{tmp_path / 'runaway.rlab'}:4:5: while running: OverflowError: a number went past "
        "1,000,000,000,000,000,000, the largest RoboLab allows (does a loop keep multiplying it?)")
    assert "0.05 s simulated" in result.stdout  # x: 4, 16, 256, 65536, 2**32, then 2**64 is too big


def test_a_template_that_adds_is_bounded_too(tmp_path):
    result = run(tmp_path, DOUBLING)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith(
        f"{tmp_path / 'runaway.rlab'}:5:5: while running: OverflowError: a number went past")


def test_the_window_shows_the_error_at_the_block(library):
    from pathlib import Path

    from robolab.live import FAST, LiveProgram, LiveRun
    from robolab.worlds import world_to_run
    from simulator.world import load_world

    program, pack = parse_program(SQUARING, library, "runaway.rlab")
    live = LiveRun(LiveProgram.build(program, pack, "runaway"),
                   load_world(world_to_run(Path("runaway.rlab"), program.world)), speed=FAST)
    live.start()
    assert live.wait(30)
    message, block = live.error
    assert "a number went past" in message and block == (1, "do", 0)


def test_the_python_reads_well_and_is_python_3_5():
    program, pack = parse_program(SQUARING, LIBRARY, "runaway.rlab")
    source = compile_program(program, pack).source
    assert "    x = in_range(x * x)\n" in source and source.count("def in_range(") == 1
    ast.parse(source, feature_version=(3, 5))
    for example in EXAMPLES:
        program, pack = parse_program(example.read_text(), LIBRARY, str(example))
        ast.parse(compile_program(program, pack).source, feature_version=(3, 5))


def test_a_program_without_arithmetic_has_no_helper():
    program, pack = parse_program("robolab 1 palette ev3 1.0\nvar name=x value=-3\nset name=x value=(-x)\n",
                                  LIBRARY)
    assert "in_range" not in compile_program(program, pack).source


def test_a_student_variable_called_in_range_is_renamed():
    text = "robolab 1 palette ev3 1.0\nvar name=in_range value=2\nset name=in_range value=(in_range * 3)\n"
    program, pack = parse_program(text, LIBRARY)
    source = compile_program(program, pack).source
    assert "in_range_ = in_range(in_range_ * 3)" in source
    namespace = {}
    exec(source.replace("from time import sleep", ""), namespace)
    assert namespace["in_range_"] == 6


HELPER = {}
exec(numbers.SOURCE, HELPER)
NAMES = ("a", "b", "c")


def evaluate(code: str, values: dict, helper=HELPER["in_range"]):
    namespace = {**values, "in_range": helper, "f": lambda *args: args[0] if args else 7}
    try:
        return "value", eval(code, namespace)  # noqa: S307 - code made here from generated trees
    except OverflowError:
        return "too big", None
    except (ArithmeticError, TypeError, ValueError) as error:
        return type(error).__name__, None


def leaf(node: e.Expr) -> str:
    if isinstance(node, e.Call):
        return "f"
    if isinstance(node, e.Bool):
        return repr(node.value)
    if isinstance(node, e.Name):
        return node.id
    return rlab_leaf(node)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expressions(st.sampled_from(NAMES), st.just("f"), depth=4),
       st.fixed_dictionaries({name: st.integers(-10 ** 6, 10 ** 6) for name in NAMES}),
       st.booleans())
def test_the_bound_changes_no_result_within_it(node, values, whole):
    plain = render(node, leaf, whole_division=whole)
    bounded = render(node, leaf, whole_division=whole, bound=lambda text: f"in_range({text})")
    ast.parse(bounded, mode="eval", feature_version=(3, 5))
    expected, got = evaluate(plain, values), evaluate(bounded, values)
    seen = []
    assert evaluate(bounded, values, helper=lambda number: seen.append(number) or number) == expected
    if got[0] == "too big":  # only when a piece of arithmetic went past the limit
        assert any(isinstance(n, (int, float)) and not -numbers.LIMIT <= n <= numbers.LIMIT for n in seen)
    else:
        assert got == expected
