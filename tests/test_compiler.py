"""The compiler: line map for highlighting, whole-number division, names kept or renamed, readability.

Runs against tests/packs/mini.toml, whose templates are plain Python, so the output runs here.
"""

import contextlib
import io

import pytest

from conftest import ROOT
from robolab.language import compile_program, parse_program
from robolab.palette import PackLibrary

MINI = (ROOT / "tests" / "packs" / "mini.toml").read_text()
HEADER = "robolab 1 palette mini 1.0\n"


@pytest.fixture
def pack_dir(tmp_path):
    (tmp_path / "mini.toml").write_text(MINI)
    return tmp_path


def compiled(directory, body: str):
    program, pack = parse_program(HEADER + body, PackLibrary([directory]), "prog.rlab")
    return program, compile_program(program, pack, name="prog")


def output_of(source: str) -> list[str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, "prog.py", "exec"), {"__name__": "__main__"})
    return out.getvalue().split()


def test_every_line_of_a_block_maps_back_to_it(pack_dir):
    body = "main {\n    repeat times=2 {\n        if condition=(1 < 2) {\n            lap\n        }\n    }\n}\n"
    program, result = compiled(pack_dir, body)
    lines = result.source.splitlines()
    lap = (0, "do", 0, "do", 0, "then", 0)
    lap_lines = result.lines_of_block(lap)
    assert [lines[n - 1].strip() for n in lap_lines] == ["print('lap')"]
    if_lines = result.lines_of_block((0, "do", 0, "do", 0))
    assert lines[if_lines[0] - 1].strip() == "if 1 < 2:"
    assert result.block_at_line(lap_lines[0]) == lap
    assert result.block_at_line(1) is None  # the shebang is nobody's
    assert {path for path, _ in program.walk()} <= {o for o in result.origins if o is not None}


def test_exact_division_by_default(pack_dir):
    _, result = compiled(pack_dir, "main {\n    show value=(7 / 2)\n}\n")
    assert output_of(result.source) == ["3.5"]


def test_whole_division_rounds_towards_zero_like_robotlab(pack_dir):
    (pack_dir / "mini.toml").write_text(MINI.replace('version = "1.0"', 'version = "1.0"\ndivision = "whole"', 1))
    _, result = compiled(pack_dir, "main {\n    show value=(47 / 10 * 2)\n    show value=(-7 / 2)\n"
                                       "    show value=(1 + 9 / 2 / 2)\n}\n")
    assert "int(47 / 10) * 2" in result.source
    assert output_of(result.source) == ["8", "-3", "3"]


def test_student_names_are_kept_unless_they_clash(pack_dir):
    body = "var name=value value=1\nvar name=print value=2\nvar name=sleep value=3\n"
    body += "main {\n    show value=(value + print + sleep)\n}\n"
    _, result = compiled(pack_dir, body)
    assert "value = 1" in result.source  # not a name the Python needs
    assert "print_ = 2" in result.source and "sleep_ = 3" in result.source
    assert output_of(result.source) == ["6"]


def test_header_names_the_pack_and_warns_against_editing(pack_dir):
    _, result = compiled(pack_dir, "main {\n    say message=\"hi\"\n}\n")
    head = result.source.splitlines()[:3]
    assert head[0] == "#!/usr/bin/env python3"
    assert "mini 1.0" in head[1] and "RoboLab" in head[2]


def test_top_level_defs_are_set_off_by_blank_lines(pack_dir):
    body = ("var name=n value=1\nmacro name=twice params=[x] {\n    show value=(x * 2)\n}\n"
            "main {\n    call macro=twice values=[n]\n}\n")
    _, result = compiled(pack_dir, body)
    text = result.source
    assert "n = 1\n\ndef twice(x):\n" in text
    assert "\n\ndef main():\n    twice(n)\n" in text
    assert output_of(text) == ["2"]


def test_text_slot_gives_the_value_as_the_student_wrote_it(pack_dir):
    text = MINI.replace('python = "print({value})"', 'python = "print({value.text}, {value})"', 1)
    assert text != MINI
    (pack_dir / "mini.toml").write_text(text)
    _, result = compiled(pack_dir, "var name=print value=3\nmain {\n    show value=(print * 2)\n}\n")
    assert "print('print * 2', in_range(print_ * 2))" in result.source
    assert output_of(result.source) == ["print", "*", "2", "6"]
