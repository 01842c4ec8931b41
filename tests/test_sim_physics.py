"""The simulator's robot model, motors, sensors and physics (simulator/robot.py, motor.py,
sensors.py, physics.py)."""

import math

import pytest

from simulator.motor import Motor
from simulator.physics import Simulation
from simulator.robot import RobotError, load_robot
from simulator.world import load_world

MM_PER_DEG = math.pi * 56.0 / 360.0


def make_world(tmp_path, body="", start=(1000, 750, 0), size=(2000, 1500), floor="#ffffff"):
    path = tmp_path / "w.toml"
    path.write_text(
        f'size = [{size[0]}, {size[1]}]\nfloor = "{floor}"\nborder = true\n'
        f"[start]\nx = {start[0]}\ny = {start[1]}\nheading = {start[2]}\n" + body,
        encoding="utf-8",
    )
    return load_world(path)


def sim_in(tmp_path, body="", start=(1000, 750, 0), seed=0, **kw):
    return Simulation(make_world(tmp_path, body, start, **kw), load_robot(), seed=seed)


def drive(sim, left, right, command="run-forever", **sp):
    for port, speed in (("B", left), ("C", right)):
        motor = sim.motors[port]
        motor.set("speed_sp", str(speed))
        for key, value in sp.items():
            motor.set(key, str(value))
        motor.set("command", command)


def run(sim, seconds):
    for _ in range(round(seconds / sim.dt)):
        sim.step()


# ----- robot model --------------------------------------------------------------------------
def test_default_robot_is_the_education_base():
    robot = load_robot()
    assert robot.wheel_diameter == 56 and robot.axle_track == 120
    assert {p: m.kind for p, m in robot.motors.items()} == {"A": "medium", "B": "large", "C": "large"}
    assert robot.motors["B"].wheel == "left" and robot.motors["C"].wheel == "right"
    assert {p: s.kind for p, s in robot.sensors.items()} == {
        "1": "touch", "2": "gyro", "3": "color", "4": "ultrasonic"}


def test_bad_robot_file_names_file_and_line(tmp_path):
    path = tmp_path / "bad.toml"
    text = load_robot().path.read_text().replace("axle_track = 120.0", "axle_track = -5")
    path.write_text(text)
    with pytest.raises(RobotError) as info:
        load_robot(path)
    line = next(i for i, l in enumerate(text.splitlines(), 1) if l.startswith("axle_track"))
    assert info.value.problems == [f"{path}:{line}: axle_track must be a positive number, not -5"]


def test_robot_file_unknown_sensor_kind(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(load_robot().path.read_text().replace('kind = "gyro"', 'kind = "compass"'))
    with pytest.raises(RobotError, match=r"bad.toml:\d+: sensors.2: kind must be one of"):
        load_robot(path)


# ----- motor attributes ---------------------------------------------------------------------
def test_motor_attributes_like_the_driver():
    m = Motor("B", "large")
    assert m.get("address") == "ev3-ports:outB" and m.get("driver_name") == "lego-ev3-l-motor"
    assert m.get("count_per_rot") == "360" and m.get("max_speed") == "1050"
    assert Motor("A", "medium").get("max_speed") == "1560"
    assert "run-to-rel-pos" in m.get("commands").split() and m.get("stop_actions") == "coast brake hold"
    assert m.get("state") == ""
    for name, bad in (("speed_sp", "1051"), ("speed_sp", "x"), ("duty_cycle_sp", "101"), ("time_sp", "-1"),
                      ("stop_action", "float"), ("polarity", "up"), ("command", "fly")):
        with pytest.raises(ValueError):
            m.set(name, bad)
    m.set("position", "100")
    assert m.get("position") == "100"
    m.set("command", "reset")
    assert m.get("position") == "0"


def test_free_motor_run_timed_and_ramps():
    m = Motor("A", "medium", has_wheel=False)
    m.set("speed_sp", "780")
    m.set("time_sp", "1000")
    m.set("ramp_up_sp", "1000")
    m.set("command", "run-timed")
    m.update(0.005)
    assert m.get("state") == "running ramping"
    for _ in range(400):
        m.update(0.005)
    assert m.get("state") == ""
    # ramps up for 0.5 s (780 of 1560 in 1000 ms), then 0.5 s at 780: 195 + 390 degrees,
    # then coasts down (780^2 / (2 * 4000 deg/s^2) = 76 degrees)
    assert 650 < int(m.get("position")) < 670


# ----- driving ------------------------------------------------------------------------------
def test_run_timed_half_speed_drives_straight(tmp_path):
    sim = sim_in(tmp_path)
    drive(sim, 525, 525, "run-timed", time_sp=2000, stop_action="brake")
    run(sim, 3)
    expected = 525 * 2 * MM_PER_DEG
    x, y, heading = sim.pose
    assert abs((x - 1000) - expected) < 0.03 * expected
    assert abs(y - 750) < 0.5 and abs(heading) < 0.1
    assert sim.motors["B"].get("state") == "" and sim.motors["C"].get("state") == ""
    assert abs(int(sim.motors["B"].get("position")) - 1050) < 0.03 * 1050
    assert abs(sim.distance_travelled - (x - 1000)) < 1


def test_opposite_speeds_spin_in_place(tmp_path):
    sim = sim_in(tmp_path)
    drive(sim, -300, 300, "run-timed", time_sp=1000, stop_action="hold")
    run(sim, 1.5)
    x, y, heading = sim.pose
    assert math.hypot(x - 1000, y - 750) < 0.5
    wheel_mm = abs(int(sim.motors["C"].get("position"))) * MM_PER_DEG
    expected = math.degrees(2 * wheel_mm / 120.0)  # counter-clockwise: right wheel forward
    assert abs(heading - (expected - 360 * round(expected / 360))) < 1.0
    # the gyro counts clockwise positive, unwrapped
    assert abs(int(sim.sensors["2"].get("value0")) + expected) <= 1


def test_wall_stops_robot_and_stalls_motors(tmp_path):
    sim = sim_in(tmp_path, '[[wall]]\nrectangle = [1300, 0, 1400, 1500]\n')
    drive(sim, 600, 600)
    run(sim, 2)
    front = sim.pose.x + 85  # the chassis's front edge
    assert front - 1300 < 2.0 and sim.pose.x > 1200
    assert "stalled" in sim.motors["B"].get("state").split()
    assert sim.collisions == 1 and sim.events[0]["type"] == "collision"
    position = sim.motors["B"].get("position")
    run(sim, 0.5)
    assert sim.motors["B"].get("position") == position  # a blocked wheel's encoder stays
    assert sim.sensors["1"].get("value0") == "1"  # touch: the bumper is at the wall


def test_touch_released_away_from_walls(tmp_path):
    sim = sim_in(tmp_path)
    sim.step()
    assert sim.sensors["1"].get("mode") == "TOUCH" and sim.sensors["1"].get("value0") == "0"


def test_pushing_a_movable_box_moves_it(tmp_path):
    box = '[[obstacle]]\nname = "box"\nrectangle = [1200, 700, 1300, 800]\nmass = 0.3\n'
    sim = sim_in(tmp_path, box)
    drive(sim, 400, 400)
    run(sim, 2)
    (name, bx, _by, _), = sim.obstacle_positions()
    assert name == "box" and bx > 1250 + 100
    assert sim.pose.x + 85 <= bx - 50 + 2  # the robot is behind the box, not through it


def test_heavy_fixed_obstacle_does_not_move(tmp_path):
    box = '[[obstacle]]\nname = "rock"\nrectangle = [1200, 700, 1300, 800]\n'
    sim = sim_in(tmp_path, box)
    drive(sim, 400, 400)
    run(sim, 2)
    assert sim.obstacle_positions() == [] and sim.pose.x + 85 < 1202


# ----- sensors ------------------------------------------------------------------------------
def test_colour_sensor_black_and_white(tmp_path):
    black = '[[area]]\nrectangle = [1000, 0, 1200, 1500]\ncolour = "#000000"\n'
    sim = sim_in(tmp_path, black, start=(900, 750, 0))  # sensor at x 960: white floor
    colour = sim.sensors["3"]
    assert colour.get("driver_name") == "lego-ev3-color" and colour.get("address") == "ev3-ports:in3"
    assert colour.get("modes").split() == ["COL-REFLECT", "COL-AMBIENT", "COL-COLOR", "REF-RAW", "RGB-RAW",
                                           "COL-CAL"]
    colour.set("mode", "COL-COLOR")
    assert colour.get("value0") == "6"
    colour.set("mode", "COL-REFLECT")  # the EV3's measured curve (colour_response.py): white paper 75
    assert colour.get("value0") == "75" and colour.get("units") == "pct"
    drive(sim, 300, 300, "run-to-rel-pos", position_sp=int(100 / MM_PER_DEG))  # 100 mm on: x 1060
    run(sim, 1.5)
    assert colour.get("value0") == "5"  # black tape
    colour.set("mode", "COL-COLOR")
    assert colour.get("value0") == "1"
    colour.set("mode", "RGB-RAW")
    assert colour.get("num_values") == "3" and [colour.get(f"value{i}") for i in range(3)] == ["20", "20", "20"]


def test_ultrasonic_distance_to_wall(tmp_path):
    sim = sim_in(tmp_path, '[[wall]]\nrectangle = [1500, 0, 1600, 1500]\n')
    us = sim.sensors["4"]
    sim.step()
    assert us.get("mode") == "US-DIST-CM" and us.get("decimals") == "1" and us.get("units") == "cm"
    assert abs(int(us.get("value0")) - (1500 - 1075)) <= 1  # tenths of cm = mm; sensor 75 mm ahead
    sim.step()
    us.set("mode", "US-DIST-IN")
    assert abs(int(us.get("value0")) - round(425 / 2.54)) <= 1


def test_ultrasonic_nothing_in_range(tmp_path):
    sim = sim_in(tmp_path, size=(6000, 6000), start=(1000, 3000, 0))
    sim.step()
    assert sim.sensors["4"].get("value0") == "2550"


def test_ultrasonic_beam_sees_obstacle_off_axis(tmp_path):
    # A post 10 degrees to the left of the sensor's axis, 400 mm away.
    cx, cy = 1075 + 400 * math.cos(math.radians(10)), 750 + 400 * math.sin(math.radians(10))
    sim = sim_in(tmp_path, f'[[obstacle]]\ncentre = [{cx:.1f}, {cy:.1f}]\nradius = 20\n')
    sim.step()
    assert 370 <= int(sim.sensors["4"].get("value0")) <= 400


def test_gyro_modes_and_reset(tmp_path):
    sim = sim_in(tmp_path)
    gyro = sim.sensors["2"]
    assert gyro.get("driver_name") == "lego-ev3-gyro" and "GYRO-G&A" in gyro.get("modes").split()
    drive(sim, 200, -200)  # turning right: clockwise
    run(sim, 0.5)
    assert int(gyro.get("value0")) > 0
    gyro.set("mode", "GYRO-G&A")  # a mode change restarts the angle from 0
    assert gyro.get("value0") == "0"
    run(sim, 0.2)
    rate = math.degrees(2 * 200 * MM_PER_DEG / 120)  # 93 deg/s
    assert int(gyro.get("value1")) == round(rate) and abs(int(gyro.get("value0")) - 0.2 * rate) <= 1
    gyro.set("direct", b"\x11")
    assert gyro.get("value0") == "0"


# ----- positions and stop actions -----------------------------------------------------------
@pytest.mark.parametrize("stop_action, final_state", [("brake", ""), ("coast", ""), ("hold", "holding")])
def test_run_to_rel_pos_ends_at_the_position(tmp_path, stop_action, final_state):
    sim = sim_in(tmp_path)
    drive(sim, 400, 400, "run-to-rel-pos", position_sp=720, stop_action=stop_action)
    sim.step()
    assert "running" in sim.motors["B"].get("state")
    run(sim, 3)
    for port in "BC":
        assert abs(int(sim.motors[port].get("position")) - 720) <= 2
        assert sim.motors[port].get("state") == final_state
    assert abs(sim.pose.x - 1000 - 720 * MM_PER_DEG) < 2


def test_determinism(tmp_path):
    def trajectory(seed):
        box = '[[obstacle]]\nrectangle = [1200, 650, 1300, 750]\nmass = 0.4\n'
        sim = sim_in(tmp_path, box, seed=seed)
        drive(sim, 500, 420)
        poses = []
        for _ in range(6):
            run(sim, 0.5)
            poses.append((tuple(sim.pose), sim.sensors["4"].get("value0"), sim.motors["B"].get("position")))
        return poses

    assert trajectory(3) == trajectory(3)


def test_noise_is_seeded(tmp_path):
    robot_text = load_robot().path.read_text().replace(
        'diameter = 10.0', 'diameter = 10.0\nnoise = 2.0').replace('kind = "large"\nwheel = "left"',
                                                                   'kind = "large"\nwheel = "left"\nnoise = 0.05')
    (tmp_path / "r.toml").write_text(robot_text)
    robot = load_robot(tmp_path / "r.toml")
    world = make_world(tmp_path)

    def readings(seed):
        sim = Simulation(world, robot, seed=seed)
        drive(sim, 400, 400)
        out = []
        for _ in range(50):
            sim.step()
            out.append((sim.sensors["3"].get("value0"), sim.pose))
        return out

    assert readings(1) == readings(1) and readings(1) != readings(2)
