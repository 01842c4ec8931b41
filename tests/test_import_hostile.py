"""The RobotLab importer on damaged and hostile files (issue 15 item 9): every case a clean message
naming the file (and the byte, for a .tsc), never a traceback, a broken world or robot, or a
replaced file. Fuzzed .tsc and .cfg files with Hypothesis."""

import os
import struct
import textwrap

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from robolab.errors import RobolabError
from robolab.importer import import_program, write_import
from robolab.importer.tpf0 import MAX_NESTING, StreamError, read_streams
from robolab.language import check_text
from simulator.robot import load_robot
from simulator.world import load_world
from test_import_arena import BUMP, CFG, course  # noqa: F401 - the course folder fixture
from test_world_inputs import png_header
from tscwriter import line, short, tsc

FUZZ = settings(max_examples=int(__import__("os").environ.get("FUZZ_EXAMPLES", 80)), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def refused(path, library) -> str:
    with pytest.raises(RobolabError) as raised:
        import_program(path, library)
    text = str(raised.value)
    assert text.startswith(str(path)), text
    return text


def extended(mantissa: int, exponent: int) -> bytes:
    return b"\x05" + mantissa.to_bytes(8, "little") + exponent.to_bytes(2, "little")


def test_an_80_bit_float_too_large_for_python_is_a_damaged_file_at_its_byte():
    for raw in (extended(1 << 63, 0x7FFE), extended(1 << 63, 0x7FFF), extended(3 << 62, 0xFFFF)):
        data = b"TPF0" + short("TThing") + short("") + short("Ext") + raw + b"\x00\x00"
        with pytest.raises(StreamError) as raised:
            read_streams(data)
        assert raised.value.offset == 4 + 7 + 1 + 4
        assert "the file is damaged" in str(raised.value)


def test_nested_lists_and_objects_are_refused_not_a_recursion_error(course, library):
    deep = b"TPF0" + short("TThing") + short("") + short("L") + b"\x01" * 5000 + b"\x00" * 5002
    with pytest.raises(StreamError) as raised:
        read_streams(deep)
    assert f"lists nested more than {MAX_NESTING} deep" in str(raised.value)
    (course / "bump.tsc").write_bytes(deep)
    assert "not a readable RobotLab program" in refused(course / "bump.tsc", library)
    objects = b"TPF0" + (short("TThing") + short("") + b"\x00") * 3000 + b"\x00" * 3000
    with pytest.raises(StreamError) as raised:
        read_streams(objects)
    assert "objects nested" in str(raised.value)


def test_a_cfg_with_bytes_that_are_not_windows_text_imports_with_a_report_line(course, library):
    (course / "bump.cfg").write_bytes(textwrap.dedent(CFG).lstrip().encode("cp1252") + b"; caf\x81\x8d\n")
    result = import_program(course / "bump.tsc", library)
    assert any("bump.cfg: byte" in line and "(0x81) is not Windows text (cp1252)" in line for line in result.report_lines)


def test_a_decompression_bomb_bmp_becomes_a_blank_arena_with_a_report_line(course, library):
    (course / "walls.bmp").write_bytes(b"BM" + struct.pack("<IHHI", 0, 0, 0, 54)
                                       + struct.pack("<IiiHHIIiiII", 40, 200000, 200000, 1, 24, 0, 0, 0, 0, 0, 0))
    result = import_program(course / "bump.tsc", library)
    assert result.image is None
    assert any("background=walls.bmp" in line and "too many pixels" in line for line in result.report_lines)
    (course / "walls.bmp").write_bytes(png_header(100000, 100000))
    assert import_program(course / "bump.tsc", library).image is None


@pytest.mark.parametrize("setting, value", [("mmPerPixel", "1e308"), ("mmPerPixel", "1e-308"), ("pos.x", "1e308"),
                                            ("theta", "1e300"), ("wheelDiam", "1e300"), ("gearRatio", "inf"),
                                            ("maxRevPerSec", "99"), ("bias", "1e200")])
def test_wild_settings_make_a_world_and_robot_that_load(course, library, setting, value):
    text = "\n".join(f"{line.split('=')[0]}={value}" if line.startswith(f"{setting}=") else line
                     for line in textwrap.dedent(CFG).lstrip().splitlines())
    (course / "bump.cfg").write_text(text + "\n", encoding="cp1252")
    result = import_program(course / "bump.tsc", library)
    assert "inf" not in result.world_text and "nan" not in result.world_text
    written = write_import(result, course / "out")
    world = load_world(written[1])     # loads: every number finite and in range
    load_robot(world.robot)
    assert any(setting in line for line in result.report_lines) or setting == "maxRevPerSec"


def test_a_second_import_never_replaces_a_different_picture(course, library, tmp_path):
    out = tmp_path / "out"
    write_import(import_program(course / "bump.tsc", library), out)
    for name in ("bump.rlab", "bump.world.toml", "bump.robot.toml"):
        (out / name).unlink()
    Image.new("RGB", (230, 380), (0, 0, 0)).save(out / "walls.bmp")   # a tutor's own arena of that name
    mine = (out / "walls.bmp").read_bytes()
    with pytest.raises(RobolabError) as raised:
        write_import(import_program(course / "bump.tsc", library), out)
    assert f"{out / 'walls.bmp'}: already exists and is a different picture; not replaced (use --force" in str(raised.value)
    assert (out / "walls.bmp").read_bytes() == mine and not (out / "bump.rlab").exists()
    write_import(import_program(course / "bump.tsc", library), out, overwrite=True)
    assert (out / "walls.bmp").read_bytes() == (course / "walls.bmp").read_bytes()


def test_a_tsc_or_cfg_that_is_a_device_or_a_pipe_is_refused(course, library):
    os.mkfifo(course / "pipe.tsc")
    assert "not a regular file" in refused(course / "pipe.tsc", library)
    (course / "bump.cfg").unlink()
    os.mkfifo(course / "bump.cfg")
    with pytest.raises(RobolabError) as raised:
        import_program(course / "bump.tsc", library)
    assert "bump.cfg: cannot read the simulator settings: not a regular file" in str(raised.value)


# --- fuzzing -------------------------------------------------------------------------------------------
def imports_or_says_why(path, library):
    try:
        result = import_program(path, library)
    except RobolabError as error:
        assert str(error).startswith(str(path.parent)), str(error)
        return
    assert check_text(result.program_text, library, "x.rlab") == []


@FUZZ
@given(edits=st.lists(st.tuples(st.integers(min_value=0, max_value=10 ** 6), st.integers(min_value=0, max_value=255)),
                      min_size=1, max_size=6),
       cut=st.none() | st.integers(min_value=0, max_value=10 ** 6))
def test_fuzzed_tsc_files_import_or_say_why(tmp_path_factory, library, edits, cut):
    folder = tmp_path_factory.mktemp("tsc")
    data = bytearray(tsc(BUMP))
    for where, value in edits:
        data[where % len(data)] = value
    if cut is not None:
        data = data[:cut % (len(data) + 1)]
    (folder / "bump.tsc").write_bytes(bytes(data))
    imports_or_says_why(folder / "bump.tsc", library)


@FUZZ
@given(lines=st.lists(st.tuples(st.sampled_from(["mmPerPixel", "pos.x", "pos.y", "theta", "wheelTrack", "wheelDiam",
                                                 "gearRatio", "left", "right", "type", "bias", "noise", "diameter",
                                                 "maxRevPerSec", "background", "floorColour", "wallColour"]),
                                st.one_of(st.floats().map(repr), st.integers().map(str),
                                          st.sampled_from(["inf", "-inf", "nan", "1e308", "-1e308", "1,5", "clRed",
                                                           "$00FFFFFF", "switch", "light", "bulb", "x.bmp", ""]),
                                          st.text(max_size=8))),
                      max_size=10),
       junk=st.binary(max_size=20))
def test_fuzzed_cfg_files_import_or_say_why(tmp_path_factory, library, lines, junk):
    folder = tmp_path_factory.mktemp("cfg")
    (folder / "bump.tsc").write_bytes(tsc(BUMP))
    sections = ["[arena]", "[robot]", "[robot.output.1]", "[robot.input.2]"]
    text = "\n".join(f"{sections[i % 4]}\n{key}={value}" for i, (key, value) in enumerate(lines))
    (folder / "bump.cfg").write_bytes(text.encode("utf-8", "surrogatepass") + junk)
    try:
        result = import_program(folder / "bump.tsc", library)
    except RobolabError as error:
        assert str(error).startswith(str(folder / "bump.cfg")), str(error)
        return
    written = write_import(result, folder / "out")
    world = load_world(written[1])
    load_robot(world.robot)


@pytest.mark.parametrize("value, reason", [("9" * 5000, "has more than 15 digits"), ("-" * 100 + "1", "nests more than 40"),
                                           ("(" * 100 + "1" + ")" * 100, "nests more than 40"),
                                           ("not " * 100 + "1", "nests more than 40"),
                                           ("1+" * 3000 + "1", "it is too long (6001 parts; at most 400)")])
def test_runaway_expressions_are_lost_with_a_short_reason_not_a_recursion_error(tmp_path, library, value, reason):
    source = tmp_path / "big.tsc"
    source.write_bytes(tsc([line("main", "main", children=[line("send x", "send", {"message": value}),
                                                           line("sound", "sound", {"sound": value})])]))
    result = import_program(source, library)
    assert len(result.lost) == 2 and reason in result.lost[0]
    assert all(len(lost) < 400 for lost in result.lost)
    assert check_text(result.program_text, library, "big.rlab") == []


@FUZZ
@given(values=st.lists(st.text(alphabet=st.sampled_from(list("0123456789+-*/()<>=&|! .eEnotrandomabsgn_xN\x00\t")),
                               max_size=60), min_size=4, max_size=4))
def test_fuzzed_statement_values_import_or_say_why(tmp_path_factory, library, values):
    folder = tmp_path_factory.mktemp("values")
    condition, count, message, port = values
    (folder / "v.tsc").write_bytes(tsc([
        line(f"output left on {port}", "output", {"name": "left", "port": port}),
        line("var N = 1", "var", {"name": "N", "value": count}),
        line("main", "main", children=[
            line("while c", "while", {"condition": condition}, [line("send m", "send", {"message": message})]),
            line("repeat n", "repeat", {"count": count}, [line("power", "power", {"ports": "left", "power": message})]),
        ])]))
    imports_or_says_why(folder / "v.tsc", library)
