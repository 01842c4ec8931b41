"""The quick LALR loop (robolab/language/lalr.py) builds exactly what Lark builds: on every example,
on a big program, and on mutants of the examples (valid or not, with numbers too large); and it
never accepts a text that Lark refuses."""

from hypothesis import HealthCheck, example, given, settings
from lark.exceptions import UnexpectedInput

from conftest import ROOT
from robolab.language.syntax import ValueProblem, parser, quick_parser
from test_fuzz import TEXTS, mutated_examples

import importlib.util

_spec = importlib.util.spec_from_file_location("bench_ui", ROOT / "bench" / "ui.py")
bench_ui = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_ui)


def lark_reads(text: str):
    """("tree", result), ("value", message, line, column) or ("syntax", None): what Lark does."""
    try:
        return ("tree", parser().parse(text, start="start"))
    except ValueProblem as error:
        return ("value", str(error), error.line, error.column)
    except UnexpectedInput:
        return ("syntax", None)


def quick_reads(text: str):
    try:
        result = quick_parser().parse(text)
    except ValueProblem as error:
        return ("value", str(error), error.line, error.column)
    return ("syntax", None) if result is None else ("tree", result)


def assert_same(text: str) -> None:
    text = text if text.endswith("\n") else text + "\n"  # as parse_raw gives it
    assert quick_reads(text) == lark_reads(text)


def test_every_example_reads_the_same():
    for text in TEXTS.values():
        assert_same(text)
        assert quick_reads(text)[0] == "tree"


def test_a_big_program_reads_the_same():
    text = bench_ui.big_program(2000)
    assert_same(text)
    assert quick_reads(text)[0] == "tree"


def test_positions_are_lark_positions():
    """Lines and columns after blank lines, indentation, comments and tabs."""
    text = 'robolab 1 palette ev3 1.0\n\n\n  # a\n\tbeep\nrepeat times=2 {\n\n      say words="x\\"y"\n}\n'
    kind, raw = quick_reads(text)
    assert kind == "tree"
    said = raw.statements[2].bodies[0].statements[0]
    assert (said.line, said.column, said.args[0].value.column) == (8, 7, 17)
    assert_same(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_examples())
@example('robolab 1 palette ev3 1.0\nset name=x value=(1e999)\n')
@example('robolab 1 palette ev3 1.0\nsay words="\\n"\n')
@example('robolab 1 palette ev3 1.0\nrepeat times=2 {\n')
@example('robolab 1 palette ev3 1.0 world "a"\nset name=true value=(not true or false)\n')
def test_mutants_read_the_same(text):
    assert_same(text)


def test_a_lark_whose_insides_differ_is_read_by_lark_itself(monkeypatch):
    """A newer Lark may move the tables the quick loop reads: programs still read, through Lark."""
    from robolab.language import syntax
    from robolab.language import lalr

    def moved(*args):
        raise AttributeError("'ParsingFrontend' object has no attribute 'parser'")

    monkeypatch.setattr(lalr.QuickParser, "__init__", moved)
    syntax.quick_parser.cache_clear()
    try:
        assert syntax.quick_parser() is None
        text = (ROOT / "examples" / "square.rlab").read_text()
        assert syntax.parse_raw(text) == syntax.parser().parse(text, start="start")
    finally:
        syntax.quick_parser.cache_clear()
