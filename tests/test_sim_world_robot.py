"""A world may name the robot it is made for (an imported RobotLab arena and its robot)."""

import textwrap
from pathlib import Path

import pytest

from simulator.robot import DEFAULT_ROBOT
from simulator.run import run_program
from simulator.world import WorldError, load_world

ROBOT = """
[robot]
wheel_diameter = 40.0
axle_track = 100.0
mass = 0.5
chassis = [[-50.0, -60.0], [60.0, -60.0], [60.0, 60.0], [-50.0, 60.0]]

[motors.A]
kind = "large"
wheel = "left"

[motors.C]
kind = "large"
wheel = "right"
"""

DRIVE_A_AND_C = """
from ev3dev2.motor import OUTPUT_A, OUTPUT_C, MoveTank
MoveTank(OUTPUT_A, OUTPUT_C).on_for_seconds(50, 50, 1)
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def test_a_world_names_its_robot_file_beside_it(tmp_path):
    robot = write(tmp_path, "mine.robot.toml", ROBOT)
    world = load_world(write(tmp_path, "w.toml", 'size = [1000, 1000]\nrobot = "mine.robot.toml"\n'))
    assert world.robot == robot
    assert load_world("empty_arena").robot is None


def test_a_missing_robot_file_is_a_world_problem_on_its_line(tmp_path):
    path = write(tmp_path, "w.toml", 'size = [1000, 1000]\nrobot = "gone.toml"\n')
    with pytest.raises(WorldError) as raised:
        load_world(path)
    assert raised.value.problems == [f"{path}:2: robot: 'gone.toml' not found (looked in {tmp_path})"]


def test_a_run_in_the_world_uses_its_robot_unless_one_is_given(tmp_path):
    write(tmp_path, "mine.robot.toml", ROBOT)
    world = write(tmp_path, "w.toml", 'size = [1000, 1000]\nrobot = "mine.robot.toml"\n')
    program = write(tmp_path, "drive.py", DRIVE_A_AND_C)
    summary = run_program(program, world)
    assert summary.returncode == 0, summary.error
    assert summary.distance > 50  # its wheels are on A and C, so it drove
    # Given the default robot instead (a medium motor on A, no wheel on it), the program fails.
    other = run_program(program, world, robot=DEFAULT_ROBOT)
    assert other.returncode != 0 and "LargeMotor(ev3-ports:outA) is not connected" in other.error
