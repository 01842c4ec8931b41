"""Differential test: every example sends the same motor commands through the real python-ev3dev2
on a fake sysfs tree (tests/fakebrick, a subprocess) and through the simulator's virtual brick
(the real python-ev3dev2 in-process, in lockstep), given the same sensor readings over time.

Both sides see the same scripted sensors (touch pressed for a while, something close to the
ultrasonic sensor, light and dark floor), so programs that react to sensors take the same
branches. Examples that read no sensor for their path run on the real physics too."""
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.lockstep import LockstepRunner
from tests.fakebrick import FakeBrick
from tests.fakesim import DEFAULT_SENSORS, FakeSim

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(path.stem for path in (ROOT / "examples").glob("*.rlab"))
SECONDS = 12.0
MOTOR_ATTRS = ("command", "speed_sp", "position_sp", "time_sp", "stop_action", "polarity", "duty_cycle_sp")
SCHEDULE = [  # (time, port, values): as both bricks see them
    (1.0, 3, {"value0": 80}), (2.0, 1, {"value0": 1}), (2.6, 1, {"value0": 0}),
    (3.0, 4, {"value0": 120}), (3.4, 3, {"value0": 5}), (4.0, 4, {"value0": 2550}),
    (5.0, 3, {"value0": 60}), (6.5, 1, {"value0": 1}), (7.0, 1, {"value0": 0}), (8.0, 4, {"value0": 90}),
    (9.0, 4, {"value0": 2550}), (9.5, 3, {"value0": 8}), (10.0, 3, {"value0": 70}),
]
SENSOR_FREE = ("square", "spiral", "macro_with_parameters", "i_can_count", "sound_and_speech")
NO_MOTORS = ("i_can_count", "sound_and_speech")


def _compile(example, folder):
    out = folder / f"{example}.py"
    subprocess.run([sys.executable, "-m", "robolab", "compile", str(ROOT / "examples" / f"{example}.rlab"),
                    "-o", str(out)], check=True, cwd=ROOT, capture_output=True)
    return out


def _motor_writes(writes, port):
    return [(w.attribute, w.value) for w in writes if w.port == port and w.attribute in MOTOR_ATTRS]


def _same_commands(sim_writes, fake_writes, what):
    """Equal per port, except that runs cut off at SECONDS may stop a few writes apart (what the
    program's exit handlers write after the cut is left out)."""
    for port in "ABC":
        mine = _motor_writes([w for w in sim_writes if w.time < SECONDS], port)
        theirs = _motor_writes([w for w in fake_writes if w.time < SECONDS], port)
        common = min(len(mine), len(theirs))
        assert mine[:common] == theirs[:common], (what, port)
        assert len(mine) - common <= 4 and len(theirs) - common <= 4, (what, port, len(mine), len(theirs))


@pytest.fixture(scope="module")
def fake_runs(tmp_path_factory):
    """Each example on the fake sysfs brick, once for the whole module."""
    folder = tmp_path_factory.mktemp("differential")
    runs = {}
    for example in EXAMPLES:
        program = _compile(example, folder)
        result = FakeBrick(folder / example).run(program, timeout=60, virtual_timeout=SECONDS,
                                                  schedule=SCHEDULE)
        runs[example] = program, result
    return runs


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_sends_the_same_motor_commands_on_both_bricks(example, fake_runs):
    program, fake = fake_runs[example]
    assert fake.returncode in (0, None) or fake.timed_out, fake.stderr
    schedule = [(t, str(port), values) for t, port, values in SCHEDULE]
    result = LockstepRunner(FakeSim(schedule, sensors=DEFAULT_SENSORS), program).run(until=SECONDS)
    assert result.stderr == "", result.stderr
    if example not in NO_MOTORS:
        assert any(_motor_writes(fake.writes, port) for port in "ABC")
    _same_commands(result.writes, fake.writes, example)


@pytest.mark.parametrize("example", SENSOR_FREE)
def test_sensor_free_example_sends_the_same_commands_on_the_real_simulation(example, tmp_path):
    """Run to the end on the real physics: motors that ramp and take their time give the same
    commands, in the same order, as the fake brick's ideal ones."""
    from simulator.physics import Simulation
    from simulator.robot import load_robot
    from simulator.world import load_world

    program = _compile(example, tmp_path)
    fake = FakeBrick(tmp_path).run(program, timeout=60)
    assert fake.returncode == 0 and not fake.timed_out, fake.stderr
    result = LockstepRunner(Simulation(load_world("empty_arena"), load_robot(), seed=0), program).run(until=300)
    assert result.returncode == 0 and not result.timed_out, result.stderr
    for port in "ABC":
        assert _motor_writes(result.writes, port) == _motor_writes(fake.writes, port), port
    if example not in NO_MOTORS:
        assert _motor_writes(result.writes, "B")
