"""Reading RobotLab .tsc files: the Delphi stream, the program tree, and damaged files (never a traceback)."""

import random
import subprocess
import sys

import pytest

from conftest import ROOT
from robolab.errors import RobolabError
from robolab.importer import import_program
from robolab.importer.tpf0 import Reader, StreamError, read_streams
from robolab.importer.tsc import read_tsc
from robolab.language import check_text
from tscwriter import line, short, tsc

SAMPLES = ROOT.parent / "shared" / "robotlab-samples"
MOVE = [
    line("comment MOVE A ROBOT", "comment", {"note": "MOVE A ROBOT"}, cls="cCommentStatement"),
    line("output left_motor on A", "output", {"name": "left_motor", "port": "A"}, cls="cOutputStatement"),
    line("output right_motor on C", "output", {"name": "right_motor", "port": "C"}, cls="cOutputStatement"),
    line("main", "main", children=[
        line("forward [left_motor right_motor]", "forward", {"ports": "left_motor right_motor"}),
        line("on [left_motor right_motor] for 500", "on for", {"ports": "left_motor right_motor", "delay": "500"},
             cls="cOnForStatement"),
    ]),
]


def test_a_program_tree_reads_with_its_text_keywords_properties_and_nesting(tmp_path):
    path = tmp_path / "move.tsc"
    path.write_bytes(tsc(MOVE))
    top = read_tsc(path)
    assert [s.text for s in top] == ["comment MOVE A ROBOT", "output left_motor on A", "output right_motor on C", "main"]
    main = top[3]
    assert [(s.keyword, s.class_name, s.properties, s.line) for s in main.children] == [
        ("forward", "cStatement", {"ports": "left_motor right_motor"}, 5),
        ("on for", "cOnForStatement", {"ports": "left_motor right_motor", "delay": "500"}, 6),
    ]


def test_the_stream_reader_reads_delphi_value_types():
    body = (short("I8") + b"\x02\xfe" + short("I16") + b"\x03\x00\x80" + short("I32") + b"\x04\x01\x00\x00\x80"
            + short("S") + b"\x06" + short("text") + short("Id") + b"\x07" + short("dmAutomatic")
            + short("T") + b"\x09" + short("F") + b"\x08" + short("Set") + b"\x0b" + short("a") + short("b") + b"\x00"
            + short("L") + b"\x01\x02\x05\x06" + short("x") + b"\x00"
            + short("Ext") + b"\x05" + (0xC000000000000000).to_bytes(8, "little") + (16383 + 1).to_bytes(2, "little")
            + short("Bin") + b"\x0a\x03\x00\x00\x00abc")
    (obj,) = read_streams(b"TPF0" + short("TThing") + short("thing") + body + b"\x00\x00")
    assert obj.class_name == "TThing" and obj.name == "thing"
    assert obj.properties == {"I8": -2, "I16": -32768, "I32": -2147483647, "S": "text", "Id": "dmAutomatic",
                              "T": True, "F": False, "Set": frozenset({"a", "b"}), "L": [5, "x"], "Ext": 3.0,
                              "Bin": b"abc"}


def test_a_stream_never_reads_past_its_end():
    with pytest.raises(StreamError) as raised:
        Reader(b"\x05ab").short_string()
    assert "cut short" in str(raised.value) and "byte 1" in str(raised.value)


@pytest.mark.parametrize("data, message", [
    (b"", "the file is empty"),
    (b"robolab 1 palette treescript 1.0\n", "does not start with TPF0"),
    (b"TPF0" + short("TForm") + short("") + b"\x00\x00", "the program tree is missing"),
])
def test_files_that_are_not_programs_are_refused_naming_the_file(tmp_path, data, message):
    path = tmp_path / "odd.tsc"
    path.write_bytes(data)
    with pytest.raises(RobolabError) as raised:
        read_tsc(path)
    assert str(raised.value).startswith(f"{path}: not a readable RobotLab program: ")
    assert message in str(raised.value)


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(RobolabError) as raised:
        import_program(tmp_path / "gone.tsc")
    assert str(raised.value) == f"{tmp_path / 'gone.tsc'}: cannot read: No such file or directory"


def test_every_truncation_of_a_program_is_refused_with_the_file_named(tmp_path):
    data = tsc(MOVE)
    path = tmp_path / "cut.tsc"
    for length in range(len(data)):
        path.write_bytes(data[:length])
        with pytest.raises(RobolabError) as raised:
            read_tsc(path)
        assert str(raised.value).startswith(f"{path}: "), length


def test_corrupted_programs_are_refused_or_import_to_programs_that_check(tmp_path, library):
    data = tsc(MOVE)
    rng = random.Random(7)
    path = tmp_path / "bad.tsc"
    refused = 0
    for _ in range(300):
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        path.write_bytes(bytes(damaged))
        try:
            result = import_program(path, library)
        except RobolabError as error:
            assert str(error).startswith(f"{path}: ")
            refused += 1
            continue
        assert check_text(result.program_text, library, "bad.rlab") == []
    assert refused > 50  # most damage is noticed


def test_the_command_line_reports_a_cut_short_file_without_a_traceback(tmp_path):
    whole = tmp_path / "whole.tsc"
    whole.write_bytes(tsc(MOVE))
    cut = tmp_path / "cut.tsc"
    cut.write_bytes(tsc(MOVE)[:400])
    result = subprocess.run([sys.executable, "-m", "robolab", "import", str(cut), str(whole), "-o", str(tmp_path / "out")],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{cut}: not a readable RobotLab program: the file ends too soon" in result.stderr
    assert (tmp_path / "out" / "whole.rlab").is_file() and not (tmp_path / "out" / "cut.rlab").exists()


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="the shared RobotLab samples are not here")
@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*/*.tsc")) if SAMPLES.is_dir() else [],
                         ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_sample_reads_and_its_truncations_are_refused(path, tmp_path):
    statements = read_tsc(path)
    assert statements and all(s.keyword for s in statements)
    data = path.read_bytes()
    cut = tmp_path / path.name
    for length in sorted({0, 3, 4, 50, len(data) // 3, len(data) // 2, len(data) - 3, len(data) - 1}):
        cut.write_bytes(data[:length])
        with pytest.raises(RobolabError) as raised:
            import_program(cut)
        assert str(raised.value).startswith(f"{cut}: not a readable RobotLab program")


def test_a_folder_imports_every_program_in_it_mirroring_its_subfolders(tmp_path):
    course = tmp_path / "course"
    for week in ("week-1", "week-2"):
        (course / week).mkdir(parents=True)
        (course / week / "move.TSC").write_bytes(tsc(MOVE))
    (tmp_path / "empty").mkdir()
    result = subprocess.run([sys.executable, "-m", "robolab", "import", str(course), "-o", str(tmp_path / "out")],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "week-1" / "move.rlab").is_file() and (tmp_path / "out" / "week-2" / "move.rlab").is_file()
    empty = subprocess.run([sys.executable, "-m", "robolab", "import", str(tmp_path / "empty")],
                           capture_output=True, text=True, cwd=ROOT)
    assert empty.returncode == 1
    assert empty.stderr == f"{tmp_path / 'empty'}: a folder with no RobotLab programs (.tsc) in it\n"
