"""Small command-line mistakes each end in one clear line naming the cause, never a traceback:
an output that is a folder or in a missing folder, a trace file in a missing folder, and header
numbers too long for Python to read (over 4,300 digits)."""

import pytest

from conftest import EXAMPLES
from robolab.cli import main

SQUARE = next(p for p in EXAMPLES if p.stem == "square")


def one_error(capsys, *argv) -> str:
    assert main([str(a) for a in argv]) == 1
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_compile_into_a_folder_says_to_name_a_file(tmp_path, capsys):
    assert one_error(capsys, "compile", SQUARE, "-o", tmp_path) == (
        f"{tmp_path}: is a folder; name the file to write in it, such as {tmp_path / 'square.py'}")


def test_compile_into_a_missing_folder_names_it(tmp_path, capsys):
    out = tmp_path / "missing" / "square.py"
    assert one_error(capsys, "compile", SQUARE, "-o", out) == (
        f"{out}: cannot write here: the folder {out.parent} does not exist")
    (tmp_path / "file").write_text("")
    out = tmp_path / "file" / "square.py"
    assert one_error(capsys, "compile", SQUARE, "-o", out).endswith(f"the folder {out.parent} is not a folder")


def test_compile_to_a_file_still_works(tmp_path, capsys):
    assert main(["compile", str(SQUARE), "-o", str(tmp_path / "square.py")]) == 0
    compile((tmp_path / "square.py").read_text(), "square.py", "exec")


@pytest.mark.parametrize("trace", ["missing/x.csv", "{tmp}"])
def test_run_with_a_trace_that_cannot_be_written_says_why_before_running(tmp_path, capsys, trace, monkeypatch):
    monkeypatch.chdir(tmp_path)
    trace = trace.format(tmp=tmp_path)
    error = one_error(capsys, "run", SQUARE, "--until", "1", "--trace", trace)
    assert error.startswith(f"{trace}: ") and ("does not exist" in error or "is a folder" in error)


@pytest.mark.parametrize("header, what", [
    ("robolab {big} palette ev3 1.0", "file format number"),
    ("robolab 1 palette ev3 1.{big}", "palette version"),
    ("robolab 1 palette ev3 {big}.0", "palette version"),
])
def test_header_numbers_over_4300_digits_are_refused_cleanly(tmp_path, capsys, header, what):
    path = tmp_path / "big.rlab"
    path.write_text(header.format(big="1" * 5000) + "\nbeep\n")
    error = one_error(capsys, "check", path)
    assert error.startswith(f"{path}:1:") and what in error and len(error) < 200


@pytest.mark.parametrize("old, new, what", [
    ('version = "1.0"', 'version = "1.' + "0" * 5000 + '"', "version must look like 1.0"),
    ("format = 1", "format = " + "1" * 5000, "not valid TOML: a number too long"),
])
def test_pack_numbers_over_4300_digits_are_refused_cleanly(tmp_path, capsys, old, new, what):
    from conftest import PACKS

    text = next(p for p in PACKS if p.stem == "ev3").read_text()
    path = tmp_path / "big.toml"
    path.write_text(text.replace(old, new, 1))
    error = one_error(capsys, "palette", "check", path)
    assert error.startswith(f"{path}") and what in error and len(error) < 200
