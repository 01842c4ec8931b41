"""Round trips (property tests): the printer writes every program so that reading it back gives the
same program, and what it writes is canonical (printing what was read gives the same text).

Programs are generated from each shipped pack: every command, every param type, nested bodies,
comments, random expressions. They are valid syntax, not necessarily meaningful programs, so they
are read back with the binder alone (parse, migrate, bind), not parse_program.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES
from robolab.errors import RobolabError
from robolab.language import parse_program, print_program
from robolab.language.expressions import parse_expression, to_text
from robolab.model import Block, Num, Program, Unary
from strategies import bind, expressions, programs, shipped_pack

PACK_IDS = ("ev3", "treescript")
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def pack_or_skip(pack_id: str):
    pack = shipped_pack(pack_id)
    if pack is None:
        pytest.skip(f"the {pack_id} pack is not shipped (yet)")
    return pack


@pytest.mark.parametrize("pack_id", PACK_IDS)
@SETTINGS
@given(data=st.data())
def test_reading_what_was_printed_gives_the_same_program(pack_id, data):
    pack = pack_or_skip(pack_id)
    program = data.draw(programs(pack), label="program")
    text = print_program(program, pack)
    assert bind(text, pack) == program, text


@pytest.mark.parametrize("pack_id", PACK_IDS)
@SETTINGS
@given(data=st.data())
def test_printing_is_canonical(pack_id, data):
    pack = pack_or_skip(pack_id)
    text = print_program(data.draw(programs(pack), label="program"), pack)
    assert print_program(bind(text, pack), pack) == text


@settings(max_examples=200, deadline=None)
@given(expressions())
def test_expressions_read_back_as_written(expression):
    assert parse_expression(to_text(expression)) == expression


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_are_canonical(path, library):
    text = path.read_text(encoding="utf-8")
    program, pack = parse_program(text, library, str(path))
    assert print_program(program, pack) == text


def test_the_round_trip_can_fail():
    """The property is not vacuous: a model the parser never builds (minus applied to a plain
    number; a comment with surrounding spaces) does not come back the same."""
    pack = pack_or_skip("ev3")
    odd = Program(pack.id, pack.version, [Block("say_number", {"value": Unary("-", Num(3))})])
    assert bind(print_program(odd, pack), pack) != odd
    spaced = Program(pack.id, pack.version, [Block("comment", {"text": "  spaced  "})])
    assert bind(print_program(spaced, pack), pack) != spaced


def test_a_command_called_comment_is_not_a_comment_line():
    pack = pack_or_skip("ev3")
    with pytest.raises(RobolabError):
        bind("robolab 1 palette ev3 1.0\ncomment {\n    beep\n}\n", pack)
