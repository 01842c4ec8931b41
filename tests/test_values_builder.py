"""The expression builder's logic: only pieces that keep the expression valid are taken."""

import pytest

from conftest import EXAMPLES
from robolab.language import read_program
from robolab.language.expression_builder import ExpressionBuilder
from robolab.language.scope import Scope
from robolab.language.expressions import to_text
from robolab.model import expr as e

PROGRAM = """robolab 1 palette ev3 1.0
var name=speed value=30
define name=hop inputs=[] {
    beep
}
wait_until condition=touch_pressed
"""


@pytest.fixture
def builder(library):
    loaded = read_program(PROGRAM, library)
    assert not loaded.problems
    condition = loaded.pack.command("wait_until").param("condition")
    return ExpressionBuilder(condition, Scope(loaded.program, loaded.pack, (2,)))


def build(builder, *pieces):
    for p in pieces:
        assert builder.add(p), f"{p!r} refused after {builder.text()!r}"
    return builder


def test_digits_join_into_one_number_and_a_leading_zero_is_replaced(builder):
    build(builder, "0", "4", "2", ".", "5")
    assert builder.text() == "42.5"
    assert builder.result().value == e.Num(42.5)


def test_clicking_builds_a_comparison_with_names_functions_and_brackets(builder):
    build(builder, "abs(", "speed", "-", "1", "0", ")", "<", "distance", "and", "not", "touch_pressed")
    assert builder.text() == "abs(speed - 10) < distance and not touch_pressed"
    assert builder.result().value == e.Binary(
        "and", e.Binary("<", e.Call("abs", (e.Binary("-", e.Name("speed"), e.Num(10)),)), e.Name("distance")),
        e.Unary("not", e.Name("touch_pressed")))


@pytest.mark.parametrize("before, refused", [
    ((), ")"), ((), "+"), ((), ","), (("speed",), "speed"), (("speed",), "("), (("1",), "distance"),
    (("speed", "<", "1"), "<"), (("1", "."), "."), (("1", "+"), "and"), (("speed",), ","),
    (("(", "1"), ","), (("1",), "not"),
])
def test_a_piece_that_cannot_follow_is_refused_and_changes_nothing(builder, before, refused):
    build(builder, *before)
    text = builder.text()
    assert not builder.can_add(refused)
    assert not builder.add(refused)
    assert builder.text() == text


def test_min_takes_two_values_separated_by_a_comma(builder):
    build(builder, "min(", "speed", ",", "-", "5", ")")
    assert builder.text() == "min(speed, -5)"
    assert builder.result().value == e.Call("min", (e.Name("speed"), e.Num(-5)))


def test_an_unfinished_expression_cannot_be_applied_and_says_what_is_missing(builder):
    assert builder.result().problem.startswith("click numbers")
    build(builder, "speed", "+")
    assert builder.result().problem == "add a value after '+'"
    build(builder, "(", "1")
    assert builder.result().problem == "close the bracket with )"
    builder.clear()
    build(builder, "3", ".")
    assert builder.result().problem == "add a digit after the decimal point"


def test_a_finished_expression_is_still_checked_for_the_line(builder):
    build(builder, "hop")  # a procedure: a name, but not a value
    assert builder.result().problem == "'hop' is a procedure; it has no value to use here"


def test_backspace_takes_off_one_digit_or_one_piece(builder):
    build(builder, "max(", "1", "2")
    builder.backspace()
    assert builder.text() == "max(1"
    builder.backspace()
    builder.backspace()
    assert builder.text() == ""
    builder.backspace()  # nothing left: no error
    assert builder.pieces == []


def test_numbers_too_long_to_read_back_are_refused(builder):
    build(builder, *"123456789012345")
    assert not builder.can_add("6")


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_expression_of_the_examples_reopens_in_the_builder_unchanged(library, example):
    loaded = read_program(example.read_text(), library)
    for path, block in loaded.program.walk():
        command = loaded.pack.command(block.command)
        for p in command.params if command else ():
            if p.type != "expression":
                continue
            for value in block.args[p.name] if p.list else (block.args[p.name],):
                reopened = ExpressionBuilder(p, Scope(loaded.program, loaded.pack, path), value)
                assert reopened.result().value == value


def test_a_number_with_an_exponent_loses_its_exponent_at_one_backspace(library):
    loaded = read_program(PROGRAM, library)
    condition = loaded.pack.command("wait_until").param("condition")
    builder = ExpressionBuilder(condition, Scope(loaded.program, loaded.pack, (2,)), e.Num(1e-05))
    assert builder.text() == "1e-05" and builder.result().value == e.Num(1e-05)
    builder.backspace()
    assert builder.text() == "1" and builder.result().value == e.Num(1)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_expression_of_the_examples_can_be_clicked_from_scratch(library, example):
    """No typing needed: each piece, each digit on its own, is offered when it is needed."""
    loaded = read_program(example.read_text(), library)
    from robolab.language.expression_builder import pieces_of

    for path, block in loaded.program.walk():
        command = loaded.pack.command(block.command)
        for p in command.params if command else ():
            if p.type != "expression":
                continue
            for value in block.args[p.name] if p.list else (block.args[p.name],):
                builder = ExpressionBuilder(p, Scope(loaded.program, loaded.pack, path))
                for piece in pieces_of(value):
                    clicks = list(piece.text) if piece.kind == "NUMBER" else [piece.text]
                    for click in clicks:
                        assert builder.add(click), (example.name, to_text(value), builder.text(), click)
                assert builder.result().value == value
