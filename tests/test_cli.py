"""The `robolab` command as a user runs it: a real subprocess, real files."""

import subprocess
import sys

from conftest import ROOT


def robolab(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "robolab", *args], capture_output=True, text=True, cwd=cwd)


def test_version():
    from robolab import __version__

    result = robolab("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"RoboLab {__version__}"


def test_check_reports_file_line_column_and_exit_1(tmp_path):
    program = tmp_path / "bad.rlab"
    program.write_text("robolab 1 palette ev3 1.0\nrepat times=2 {\n}\n")
    result = robolab("check", str(program))
    assert result.returncode == 1
    assert f"{program}:2:1: 'repat' is not a command of ev3 1.0; did you mean 'repeat'?" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_clean_file_exits_0(tmp_path):
    program = tmp_path / "ok.rlab"
    program.write_text("robolab 1 palette ev3 1.0\nrepeat times=2 {\n    beep\n}\n")
    result = robolab("check", str(program))
    assert result.returncode == 0, result.stderr


def test_compile_writes_an_executable_python_file(tmp_path):
    program = tmp_path / "ok.rlab"
    program.write_text("robolab 1 palette ev3 1.0\nrepeat times=2 {\n    beep\n}\n")
    out = tmp_path / "ok.py"
    result = robolab("compile", str(program), "-o", str(out))
    assert result.returncode == 0, result.stderr
    source = out.read_text()
    assert source.startswith("#!/usr/bin/env python3\n")
    assert out.stat().st_mode & 0o111
    compile(source, str(out), "exec")


def test_missing_file_is_an_error_not_a_traceback(tmp_path):
    result = robolab("check", str(tmp_path / "nope.rlab"))
    assert result.returncode == 1
    assert "no such file" in result.stderr and "Traceback" not in result.stderr


def test_palette_check_shipped_packs():
    result = robolab("palette", "check", *[str(p) for p in sorted((ROOT / "palettes").glob("*.toml"))])
    assert result.returncode == 0, result.stderr


def test_robolab_help_names_the_commands_and_the_window():
    # plain `robolab` opens the window (tests/test_ui_cli.py)
    result = robolab("--help")
    assert result.returncode == 0
    assert "usage: robolab" in result.stdout and "robolab [FILE]" in result.stdout


def test_output_cut_short_by_a_pipe_is_not_a_traceback(tmp_path):
    program = tmp_path / "ok.rlab"
    program.write_text("robolab 1 palette ev3 1.0\nrepeat times=2 {\n    beep\n}\n")
    result = subprocess.run(f"{sys.executable} -m robolab compile {program} | head -1", shell=True,
                            capture_output=True, text=True, cwd=ROOT)
    assert result.stdout.startswith("#!")
    assert "Traceback" not in result.stderr


def test_a_command_builds_only_its_own_parser_and_help_lists_them_all():
    """`robolab run` builds the run command's parser only (all of them cost a twentieth of a
    short run's start-up); the names it knows them by are the ones the full parser has."""
    import argparse

    from robolab.cli import COMMANDS, build_parser

    def commands(parser):
        return {name for action in parser._actions if isinstance(action, argparse._SubParsersAction)
                for name in action.choices}
    assert commands(build_parser()) == set(COMMANDS)
    assert commands(build_parser("run")) == {"run"} and commands(build_parser("brick")) == {"push", "stop", "brick"}
    listing = subprocess.run([sys.executable, "-m", "robolab", "--help"], capture_output=True, text=True, cwd=ROOT,
                             timeout=60).stdout
    assert all(name in listing for name in COMMANDS)
