"""`robolab run`: every example in its world, deterministic, behaving as the course intends."""

import csv
import json
import subprocess
import sys
import time

import pytest

from conftest import EXAMPLES, ROOT
from simulator.physics import DT


def robolab_run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "robolab", "run", *args], capture_output=True, text=True, cwd=cwd)


def summary_of(path, *args) -> dict:
    result = robolab_run(str(path), "--json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_example_runs_in_its_world(path):
    summary = summary_of(path, "--until", "20")
    world = path.read_text().splitlines()[0].split(" world ")[1]
    assert summary["world"] == world
    assert summary["stopped"] or summary["returncode"] == 0, summary["error"]
    assert not summary["error"]


def test_runs_are_identical_bit_for_bit():
    line_follower = ROOT / "examples" / "line_follower.rlab"
    first, second = summary_of(line_follower, "--until", "15"), summary_of(line_follower, "--until", "15")
    assert first == second
    assert first["distance"] > 1000


def test_square_drives_a_closed_square():
    summary = summary_of(ROOT / "examples" / "square.rlab")
    assert summary["returncode"] == 0 and not summary["stopped"]
    side = 2 * 3.14159 * 56  # two wheel rotations
    assert summary["distance"] == pytest.approx(4 * side, rel=0.03)
    assert abs(summary["pose"]["x"] - 1000) < 60 and abs(summary["pose"]["y"] - 750) < 60


def test_line_follower_keeps_its_sensor_on_the_line_edge(tmp_path):
    trace = tmp_path / "trace.csv"
    summary_of(ROOT / "examples" / "line_follower.rlab", "--until", "20", "--trace", str(trace))
    rows = list(csv.DictReader(trace.open()))
    late = [float(row["sensor3"]) for row in rows[len(rows) // 2:]]
    assert len(rows) == pytest.approx(20 / DT, abs=2)  # a row per physics step
    # Over black it reads near 0, over white near 100; on the edge it reads in between.
    assert 15 < sum(late) / len(late) < 85
    assert sum(1 for value in late if value > 95) < len(late) * 0.1, "it lost the line"
    # The running block, by its line in the .rlab file: the two blocks of the forever loop.
    source = (ROOT / "examples" / "line_follower.rlab").read_text().splitlines()
    loop_body = {n for n, text in enumerate(source, 1) if text.lstrip().startswith(("set ", "start_tank "))}
    running = [row for row in rows[10:] if float(row["time"]) <= 20]  # later: the program's exit handlers
    assert {row["line"] for row in running} == {str(n) for n in loop_body}


def test_text_summary_lists_what_happened_in_time_order():
    result = robolab_run(str(ROOT / "examples" / "i_can_count.rlab"))
    assert result.returncode == 0, result.stderr
    listed = [line.split() for line in result.stdout.splitlines() if line.strip().endswith(tuple("123456789"))
              and " s  message " in line]
    assert [words[-1] for words in listed] == list("123456789")
    assert [float(words[0]) for words in listed] == sorted(float(words[0]) for words in listed)


def test_stay_inside_keeps_the_robot_inside_the_border(tmp_path):
    trace = tmp_path / "trace.csv"
    summary_of(ROOT / "examples" / "stay_inside.rlab", "--until", "40", "--trace", str(trace))
    for row in csv.DictReader(trace.open()):
        x, y = float(row["x"]), float(row["y"])
        assert 0 < x < 1200 and 0 < y < 900, f"left the arena at {row['time']} s"


def test_a_run_time_error_names_the_students_line(tmp_path):
    program = tmp_path / "divide.rlab"
    program.write_text("robolab 1 palette ev3 1.0\nvar name=zero value=0\nrepeat times=3 {\n"
                       "    beep\n    set name=zero value=(10 / zero)\n}\n")
    result = robolab_run(str(program))
    assert result.returncode == 1
    assert f"{program}:5:5: while running: ZeroDivisionError: division by zero" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_world_file_beside_the_program_is_used(tmp_path):
    program = tmp_path / "here.rlab"
    program.write_text("robolab 1 palette ev3 1.0\nbeep\n")
    (tmp_path / "here.world.toml").write_text('size = [800, 600]\nname = "tiny"\n')
    assert summary_of(program)["world"] == "tiny"


def test_a_bad_world_file_is_a_clear_error(tmp_path):
    program = tmp_path / "here.rlab"
    program.write_text("robolab 1 palette ev3 1.0\nbeep\n")
    world = tmp_path / "bad.toml"
    world.write_text("size = [800, 600]\nflor = \"#ffffff\"\n")
    result = robolab_run(str(program), "--world", str(world))
    assert result.returncode == 1
    assert f"{world}:2:" in result.stderr and "Traceback" not in result.stderr


def test_simulator_runs_a_hand_written_program_that_finds_sensors_by_type(tmp_path):
    program = tmp_path / "by_type.py"
    program.write_text(
        "from ev3dev2.motor import MoveTank, OUTPUT_B, OUTPUT_C\n"
        "from ev3dev2.sensor.lego import ColorSensor, UltrasonicSensor\n"
        "tank = MoveTank(OUTPUT_B, OUTPUT_C)\n"
        "eyes, colour = UltrasonicSensor(), ColorSensor()\n"
        "tank.on(30, 30)\n"
        "while eyes.distance_centimeters > 20:\n"
        "    pass\n"
        "tank.off()\n"
        "print('stopped at', round(eyes.distance_centimeters), 'cm, floor', colour.reflected_light_intensity)\n")
    result = subprocess.run([sys.executable, "-m", "simulator", str(program), "--world", "empty_arena", "--json"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.splitlines()[-1])
    assert "stopped at 2" in summary["output"] or "stopped at 1" in summary["output"]
    assert summary["collisions"] == 0
    assert 1700 < summary["pose"]["x"] < 1990


def test_collisions_are_in_the_event_stream(tmp_path):
    program = tmp_path / "crash.rlab"
    program.write_text("robolab 1 palette ev3 1.0\ndrive speed=60 amount=8 unit=rotations\nbeep\n")
    summary = summary_of(program)
    kinds = [event["kind"] for event in summary["events"]]
    assert summary["collisions"] >= 1
    assert "collision" in kinds and kinds.index("collision") < kinds.index("sound")
    times = [event["time"] for event in summary["events"]]
    assert times == sorted(times)


def test_a_loop_that_never_waits_is_stopped_and_named(tmp_path):
    """Simulated time cannot move while the program never waits: the run would never end."""
    program = tmp_path / "busy.rlab"
    program.write_text("robolab 1 palette ev3 1.0\nbeep\nforever {\n}\n")
    started = time.monotonic()
    result = robolab_run(str(program), "--until", "5")
    assert result.returncode == 1
    assert f"{program}:3:1: while running: this loop never waits" in result.stderr
    assert "the program has not waited for 5 s of real time" in result.stdout
    assert time.monotonic() - started < 30


def test_a_missing_program_is_named_not_a_traceback(tmp_path):
    result = robolab_run(str(tmp_path / "nowhere.rlab"))
    assert result.returncode == 1
    assert result.stderr.strip() == f"{tmp_path / 'nowhere.rlab'}: no such file"


def test_logged_decimals_read_as_a_person_writes_them(tmp_path):
    program = tmp_path / "sum.rlab"
    program.write_text('robolab 1 palette ev3 1.0\nlog label="sum" value=(0.1 + 0.2)\nlog label="whole" value=7\n')
    result = robolab_run(str(program))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:2] == ["log sum 0.3", "log whole 7"]
