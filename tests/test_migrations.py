"""Old programs open: a pack's [[migrations]] rename commands and params in programs written for
older versions; programs for a newer pack or a newer file format are refused with a clear message.

tests/packs/rover.toml is at version 2.0: `go` (1.0) became `move` (1.5), which became `drive`
(2.0), whose `pace` became `speed`.
"""

import subprocess
import sys

import pytest

from conftest import ROOT
from robolab.errors import RobolabError
from robolab.language import check_text, compile_program, print_program, read_program
from robolab.palette import PackLibrary, check_pack_file

ROVER = ROOT / "tests" / "packs" / "rover.toml"
FILE = "old.rlab"

NEW = """\
robolab 1 palette rover 2.0
main {
    repeat times=2 {
        drive speed=30 seconds=1
    }
    drive speed=70 seconds=2
}
"""


@pytest.fixture(scope="module")
def rover():
    return PackLibrary([ROVER])


def read(library, text):
    loaded = read_program(text, library, FILE)
    assert loaded.problems == []
    return loaded


def test_rover_pack_checks_clean():
    _, problems = check_pack_file(ROVER)
    assert problems == [], "\n".join(map(str, problems))


def test_a_1_0_program_opens_with_the_new_names(rover):
    old = ("robolab 1 palette rover 1.0\n"
           "main {\n"
           "    repeat times=2 {\n"
           "        go pace=30 seconds=1\n"
           "    }\n"
           "    go seconds=2 pace=70\n"
           "}\n")
    loaded = read(rover, old)
    main = loaded.program.blocks[0]
    inner, outer = main.bodies["do"][0].bodies["do"][0], main.bodies["do"][1]
    assert (inner.command, inner.args) == ("drive", {"speed": 30, "seconds": 1})
    assert (outer.command, outer.args) == ("drive", {"speed": 70, "seconds": 2})
    assert print_program(loaded.program, loaded.pack) == NEW


def test_a_1_5_program_gets_only_the_later_renames(rover):
    loaded = read(rover, "robolab 1 palette rover 1.5\nmain {\n    move pace=30\n}\n")
    assert print_program(loaded.program, loaded.pack) == (
        "robolab 1 palette rover 2.0\nmain {\n    drive speed=30 seconds=1\n}\n")


def test_a_1_5_program_does_not_get_renames_meant_for_1_0(rover):
    # `go` was renamed before 1.5: a program written for 1.5 cannot use it.
    assert [str(p) for p in check_text("robolab 1 palette rover 1.5\nmain {\n    go pace=30\n}\n", rover, FILE)] == [
        f"{FILE}:3:5: 'go' is not a command of rover 2.0"]


def test_a_2_0_program_with_the_old_names_is_an_error(rover):
    text = "robolab 1 palette rover 2.0\nmain {\n    drive pace=30\n}\n"
    assert [str(p) for p in check_text(text, rover, FILE)] == [
        f"{FILE}:3:11: 'drive' has no value called 'pace' (it has speed, seconds)"]


def test_migrated_program_round_trips_unchanged(rover):
    loaded = read(rover, "robolab 1 palette rover 1.0\nmain {\n    go pace=30\n}\n")
    printed = print_program(loaded.program, loaded.pack)
    again = read(rover, printed)
    assert again.program.blocks == loaded.program.blocks
    assert print_program(again.program, again.pack) == printed


def test_problems_in_a_migrated_program_point_at_the_old_text(rover):
    text = "robolab 1 palette rover 1.0\nmain {\n    go pace=300\n    go spede=3\n}\n"
    assert [str(p) for p in check_text(text, rover, FILE)] == [
        f"{FILE}:3:13: speed must be at most 100, not 300",
        f"{FILE}:4:8: 'drive' has no value called 'spede'; did you mean 'speed'?",
    ]


def test_migrated_program_compiles(rover):
    loaded = read(rover, "robolab 1 palette rover 1.0\nmain {\n    go pace=30\n}\n")
    source = compile_program(loaded.program, loaded.pack, name="old").source
    assert "    print('drive', 30, 1)" in source.splitlines()


def test_a_program_for_a_newer_pack_version_is_refused(rover):
    with pytest.raises(RobolabError) as caught:
        read_program("robolab 1 palette rover 3.0\nmain {\n}\n", rover, FILE)
    assert [str(p) for p in caught.value.problems] == [
        f"{FILE}:1: this program is for rover 3.0, newer than the installed rover 2.0: "
        "update the palette pack or RoboLab"]


def test_a_newer_file_format_is_refused(rover):
    with pytest.raises(RobolabError) as caught:
        read_program("robolab 2 palette rover 2.0\nmain {\n}\n", rover, FILE)
    assert [str(p) for p in caught.value.problems] == [
        f"{FILE}:1: this file was written by a newer RoboLab (file format 2; this RoboLab reads up to 1): "
        "update RoboLab to open it"]


def test_cli_checks_and_compiles_an_old_program(tmp_path):
    program = tmp_path / "old.rlab"
    program.write_text("robolab 1 palette rover 1.0\nmain {\n    go pace=30\n}\n")

    def robolab(*args):
        return subprocess.run([sys.executable, "-m", "robolab", *args, "--palette", str(ROVER)],
                              capture_output=True, text=True, cwd=ROOT)

    checked = robolab("check", str(program))
    assert (checked.returncode, checked.stdout, checked.stderr) == (0, f"{program}: ok\n", "")
    compiled = robolab("compile", str(program))
    assert compiled.returncode == 0, compiled.stderr
    assert "print('drive', 30, 1)" in compiled.stdout
    newer = tmp_path / "newer.rlab"
    newer.write_text("robolab 2 palette rover 2.0\n")
    refused = robolab("check", str(newer))
    assert refused.returncode == 1
    assert "written by a newer RoboLab" in refused.stderr and "Traceback" not in refused.stderr


# --- `robolab palette check` on migrations --------------------------------------------------------

def migrations_problems(tmp_path, migrations: str) -> tuple[str, list[str], str]:
    """The rover pack with other [[migrations]]: its path, its problems and its text."""
    text = ROVER.read_text().split("[[migrations]]")[0] + migrations
    path = tmp_path / "rover.toml"
    path.write_text(text)
    _, problems = check_pack_file(path)
    return str(path), [str(p) for p in problems], text


def _line(text, snippet):
    return next(n for n, line in enumerate(text.splitlines(), start=1) if snippet in line)


def test_migration_before_must_be_a_version(tmp_path):
    path, problems, text = migrations_problems(tmp_path, '[[migrations]]\nbefore = "two"\ncommands = { go = "drive" }\n')
    assert problems == [f"{path}:{_line(text, 'two')}: migration: before must be a version like 2.0, not 'two'"]


def test_migration_before_above_the_pack_version(tmp_path):
    path, problems, text = migrations_problems(tmp_path, '[[migrations]]\nbefore = "3.0"\ncommands = { go = "drive" }\n')
    assert problems == [f"{path}:{_line(text, '3.0')}: migration: before 3.0 is above the pack's version 2.0"]


def test_migration_to_an_unknown_command(tmp_path):
    path, problems, text = migrations_problems(tmp_path, '[[migrations]]\nbefore = "2.0"\ncommands = { go = "drvie" }\n')
    assert problems == [f"{path}:{_line(text, 'drvie')}: migration: commands renames \"go\" to 'drvie', "
                        "which is not a command of this pack"]


def test_migration_to_an_unknown_param(tmp_path):
    path, problems, text = migrations_problems(
        tmp_path, '[[migrations]]\nbefore = "2.0"\nparams = { "drive.pace" = "sped" }\n')
    assert problems == [f"{path}:{_line(text, 'sped')}: migration: params renames \"drive.pace\" to 'sped', "
                        "which is not a param of that command in this pack"]


def test_migration_through_a_later_rename_is_fine(tmp_path):
    # 1.5 renames go -> move; 2.0 renames move -> drive: `move` is no longer a command, and that is right.
    _, problems, _ = migrations_problems(tmp_path, '[[migrations]]\nbefore = "1.5"\ncommands = { go = "move" }\n'
                                                   'params = { "move.pace" = "speed" }\n\n'
                                                   '[[migrations]]\nbefore = "2.0"\ncommands = { move = "drive" }\n')
    assert problems == []


def test_bad_migration_is_refused_before_a_program_opens(tmp_path):
    path, problems, _ = migrations_problems(tmp_path, '[[migrations]]\nbefore = "two"\ncommands = { go = "drive" }\n')
    assert problems
    with pytest.raises(RobolabError):  # not a ValueError traceback from the version comparison
        read_program("robolab 1 palette rover 1.0\nmain {\n    go pace=3\n}\n", PackLibrary([path]), FILE)
