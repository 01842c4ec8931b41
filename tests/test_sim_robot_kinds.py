"""Robots that are not driving bases: motors that drive no wheel turn freely and the chassis stays
put (an arm, a guitar, a cube solver); half a driving base is refused, saying what is missing."""

import textwrap

import pytest

from simulator.robot import RobotError, load_robot
from simulator.run import run_program

ARM = """
# An arm on a stand: a large motor turns the arm, a medium motor works the claw; no wheels.
[robot]
name = "arm"
mass = 0.8
chassis = [[-60.0, -60.0], [60.0, -60.0], [60.0, 60.0], [-60.0, 60.0]]

[motors.A]
kind = "medium"

[motors.B]
kind = "large"

[sensors.1]
kind = "touch"
x = 60.0

[sensors.4]
kind = "infrared"
x = 60.0
"""

PROGRAM = """
#!/usr/bin/env python3
# In the style of ev3dev's demo robots: home the arm, then turn it and open the claw on request.
from time import sleep
from ev3dev2.motor import LargeMotor, MediumMotor, OUTPUT_A, OUTPUT_B, SpeedPercent
from ev3dev2.sensor.lego import InfraredSensor

arm, claw = LargeMotor(OUTPUT_B), MediumMotor(OUTPUT_A)
remote = InfraredSensor()
arm.on_for_degrees(SpeedPercent(30), 90)
claw.on_for_rotations(SpeedPercent(50), -1.5)
while not remote.top_left():
    sleep(0.01)
arm.on_to_position(SpeedPercent(20), 0)
print("arm", arm.position, "claw", claw.position)
"""


def write(folder, name, text):
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip())
    return path


def test_an_arm_turns_its_motors_and_stays_put(tmp_path):
    robot = write(tmp_path, "arm.toml", ARM)
    model = load_robot(robot)
    assert all(spec.wheel is None for spec in model.motors.values())
    summary = run_program(write(tmp_path, "arm_demo", PROGRAM), "empty_arena", robot=robot,
                          remote=[(5.0, 1, "top_left")])
    assert summary.returncode == 0, summary.error
    arm, claw = summary.output.split()[1], summary.output.split()[3]
    assert abs(int(arm)) <= 3 and int(claw) == pytest.approx(-540, abs=5)
    assert summary.distance < 1 and (summary.pose["x"], summary.pose["y"]) == pytest.approx((1000, 750), abs=0.5)
    assert summary.time > 5.0


def test_half_a_driving_base_is_refused_naming_the_missing_wheel(tmp_path):
    robot = write(tmp_path, "half.toml", ARM.replace('kind = "large"\n', 'kind = "large"\nwheel = "left"\n', 1)
                  .replace("mass = 0.8", "mass = 0.8\nwheel_diameter = 56.0\naxle_track = 120.0"))
    with pytest.raises(RobotError) as raised:
        load_robot(robot)
    assert raised.value.problems == [
        f"{robot}:12: motors.B drives the left wheel but no motor drives the right wheel: a driving base has "
        "both (a robot with no wheel motors stays put)"]


def test_a_driving_base_still_needs_its_wheel_sizes(tmp_path):
    text = load_robot().path.read_text().replace("wheel_diameter = 56.0 ", "# ")
    with pytest.raises(RobotError) as raised:
        load_robot(write(tmp_path, "r.toml", text))
    assert any("[robot] needs wheel_diameter" in problem for problem in raised.value.problems)
