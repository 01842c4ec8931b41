"""A Python program file run on the simulated robot as the window runs it (robolab.live.python_program,
no display): the profile guessed from its first line, nbev3devsim's world and start from its magic,
the glue module each run, an ev3dev2 script's error at its line, files that cannot be run."""

import textwrap

import pytest

from robolab.live import FAST, FINISHED, LiveRun
from robolab.live.python_program import EV3DEV2, NBEV3DEVSIM, guessed_profile, read_python_program
from simulator.world import load_world

BANDS = textwrap.dedent("""\
    %%sim_magic_preloaded -b Coloured_bands -x 100 -y 700
    # two colour sensors, the glue's clock and state
    from ev3dev2_glue import get_clock, pyState

    tank_drive.on(SpeedPercent(30), SpeedPercent(30))
    while get_clock() < 1.5:
        pyState()['left'] = round(colorLeft.reflected_light_intensity_pc)
        pyState()['right'] = round(colorRight.full_reflected_light_intensity)
    tank_drive.off()
    print('stopped at', round(get_clock(), 1), pyState())
    """)

FAILS = textwrap.dedent("""\
    #!/usr/bin/env python3
    from ev3dev2.motor import MoveTank, OUTPUT_B, OUTPUT_C
    tank = MoveTank(OUTPUT_B, OUTPUT_C)
    tank.on_for_seconds(30, 30, 1)
    print('driven')
    print(1 / 0)
    """)


def run_to_end(setup, world=None):
    run = LiveRun(setup.program, setup.world or world, setup.robot, speed=FAST)
    run.start()
    assert run.wait(60) and run.state == FINISHED
    return run


def test_the_profile_is_guessed_from_the_first_line():
    assert guessed_profile(BANDS) == NBEV3DEVSIM
    assert guessed_profile("\n\n%%sim_magic\nprint(1)") == NBEV3DEVSIM
    assert guessed_profile(FAILS) == EV3DEV2
    assert guessed_profile("print(1)\n%%sim_magic_preloaded") == EV3DEV2


def test_an_nbev3devsim_program_runs_in_the_world_its_magic_names(tmp_path):
    path = tmp_path / "bands.py"
    path.write_text(BANDS)
    setup = read_python_program(path)
    assert setup.program.profile == NBEV3DEVSIM and setup.world_file.endswith("coloured_bands.toml")
    assert (setup.world.start.x, setup.world.start.y) == (100, setup.world.height - 700)
    first = run_to_end(setup)
    assert first.result.returncode == 0, first.result.stderr
    assert first.latest.x > 300 and first.latest.y == pytest.approx(setup.world.start.y, abs=5)
    assert "stopped at 1.5 {'left': " in first.result.stdout
    again = run_to_end(setup)   # a fresh pyState, the same run
    assert again.result.stdout == first.result.stdout


def test_an_ev3dev2_script_fails_at_its_line_in_the_window_s_world(tmp_path):
    path = tmp_path / "fails.py"
    path.write_text(FAILS)
    setup = read_python_program(path)
    assert setup.world is None and setup.program.profile == EV3DEV2
    run = run_to_end(setup, load_world("empty_arena"))
    assert run.result.stdout == "driven\n" and run.result.line == 6
    assert run.error == ("ZeroDivisionError: division by zero", None)
    assert str(path) in run.result.stderr   # the traceback names the file


@pytest.mark.parametrize("content, words", [
    (b"\xff\xfe not text", "not a text file"),
    (b"%%sim_magic_preloaded -b Moon_base\n", "Moon_base"),
    (b"%%sim_magic_preloaded -x 99999 -y 10\n", "not in the world"),
])
def test_a_file_that_cannot_run_is_refused_by_name(tmp_path, content, words):
    path = tmp_path / "odd.py"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=words) as caught:
        read_python_program(path)
    assert "odd.py" in str(caught.value)


def test_a_missing_file_or_profile_is_refused(tmp_path):
    with pytest.raises(ValueError, match="gone.py cannot be read"):
        read_python_program(tmp_path / "gone.py")
    (tmp_path / "p.py").write_text("print(1)\n")
    with pytest.raises(ValueError, match="unknown profile"):
        read_python_program(tmp_path / "p.py", "nxt")
