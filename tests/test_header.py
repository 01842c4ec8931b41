"""The program header: format, palette pack and version, and the world the program is meant for."""

import pytest

from robolab.errors import RobolabError
from robolab.language import parse_program, print_program


@pytest.mark.parametrize("header, world", [
    ("robolab 1 palette ev3 1.0", ""),
    ("robolab 1 palette ev3 1.0 world line_track", "line_track"),
    ('robolab 1 palette ev3 1.0 world "../course worlds/arena \\"2\\".toml"', '../course worlds/arena "2".toml'),
])
def test_the_header_names_the_world_and_prints_back_the_same(library, header, world):
    text = header + "\nbeep\n"
    program, pack = parse_program(text, library, "p.rlab")
    assert program.world == world
    assert print_program(program, pack) == text


def test_world_is_still_an_ordinary_name_in_a_program(library):
    text = "robolab 1 palette ev3 1.0 world world\nvar name=world value=1\nset name=world value=(world + 1)\n"
    program, pack = parse_program(text, library, "p.rlab")
    assert program.world == "world"
    assert print_program(program, pack) == text


def test_a_header_with_a_stray_word_is_an_error_at_its_place(library):
    with pytest.raises(RobolabError) as error:
        parse_program("robolab 1 palette ev3 1.0 arena x\nbeep\n", library, "p.rlab")
    (problem,) = error.value.problems
    assert (problem.line, problem.column) == (1, 27)
