"""The EV3 infrared sensor on the simulated brick (simulator/infrared.py), read through the real
python-ev3dev2: proximity from the world's walls, the remote's buttons on channels 1-4 (with
process() and its callbacks), beacon heading and distance; the default robot's optional IR sensor."""

import math
import textwrap

import pytest

from simulator.infrared import Remote, button_code, parse_press, remote_of
from simulator.lockstep import LockstepRunner
from simulator.physics import Simulation
from simulator.robot import RobotError, load_robot
from simulator.run import run_program
from simulator.world import load_world


def simulation(world="empty_arena"):
    return Simulation(load_world(world), load_robot())


def run(sim, source, until=30):
    result = LockstepRunner(sim, textwrap.dedent(source), until=until).run()
    assert result.returncode == 0, result.stderr
    return result


def test_the_default_robot_takes_its_optional_ir_sensor_when_a_program_asks_for_one(tmp_path):
    # In the style of ev3dev's demo robots: drive until the IR sensor sees the wall close.
    program = tmp_path / "approach"  # a script without .py, as the demos are
    program.write_text(textwrap.dedent("""\
        #!/usr/bin/env python3
        from time import sleep
        from ev3dev2.motor import MoveTank, OUTPUT_B, OUTPUT_C
        from ev3dev2.sensor import INPUT_4
        from ev3dev2.sensor.lego import InfraredSensor
        ir = InfraredSensor(INPUT_4)
        print("start", ir.proximity)
        tank = MoveTank(OUTPUT_B, OUTPUT_C)
        tank.on(30, 30)
        while ir.proximity > 20:
            sleep(0.01)
        tank.off()
        print("stop", ir.proximity)
        """))
    summary = run_program(program, "empty_arena")
    assert summary.returncode == 0, summary.error
    assert summary.output.splitlines() == ["start 100", "stop 20"]
    # 20 % is 140 mm: the sensor (75 mm ahead of the axle) stops about 140 mm from the wall at 2000
    assert 2000 - (summary.pose["x"] + 75) == pytest.approx(140, abs=12)
    plugged = [e for e in summary.events if e["kind"] == "sensor"]
    assert plugged and "infrared sensor plugged into port 4 instead of the ultrasonic" in plugged[0]["text"]


def test_a_robot_without_an_ir_sensor_says_which_device_is_missing(tmp_path):
    robot = tmp_path / "r.toml"
    robot.write_text(load_robot().path.read_text().split("# Optional sensors")[0])
    program = tmp_path / "p.py"
    program.write_text("from ev3dev2.sensor.lego import InfraredSensor\nInfraredSensor().proximity\n")
    summary = run_program(program, "empty_arena", robot=robot)
    assert summary.returncode == 1 and "InfraredSensor" in summary.error and "not connected" in summary.error


def test_remote_buttons_reach_process_callbacks_and_buttons_pressed():
    sim = simulation()
    remote_of(sim).schedule([(1.0, 1, "top_left"), (2.0, 1, ()), (2.5, 4, "beacon"),
                             (3.0, 2, ("top_right", "bottom_right")), (3.5, 3, ("top_left", "bottom_left"))])
    result = run(sim, """
        import time
        from ev3dev2.sensor.lego import InfraredSensor
        ir = InfraredSensor()
        ir.on_channel1_top_left = lambda state: print("ch1 top_left", state, round(time.monotonic(), 1))
        ir.on_channel4_beacon = lambda state: print("ch4 beacon", state)
        for _ in range(400):
            ir.process()
            time.sleep(0.01)
        print(ir.buttons_pressed(2), ir.top_right(2), ir.bottom_right(2), ir.top_left(2))
        print(ir.buttons_pressed(3), ir.beacon(4), ir.buttons_pressed(1))
        print(ir.value(0), ir.value(1), ir.value(2), ir.value(3))
    """)
    assert result.stdout.splitlines() == [
        "ch1 top_left True 1.0", "ch1 top_left False 2.0", "ch4 beacon True",
        "['top_right', 'bottom_right'] True True False",
        "['top_left', 'bottom_left'] True []",
        "0 11 10 9",
    ]


def test_the_window_presses_a_button_while_the_program_waits_for_it():
    sim = simulation()
    remote = remote_of(sim)

    def on_step():  # what the window's remote does: press between physics steps
        if sim.step_count == round(1.5 / sim.dt):
            remote.press(1, ["top_right"])

    runner = LockstepRunner(sim, textwrap.dedent("""
        import time
        from ev3dev2.sensor.lego import InfraredSensor
        ir = InfraredSensor()
        while not ir.top_right():
            time.sleep(0.05)
        print("pressed", round(time.monotonic(), 1))
    """), until=10, on_step=on_step)
    result = runner.run()
    assert result.stdout == "pressed 1.5\n", result.stderr


def test_beacon_heading_and_distance_follow_where_the_beacon_is():
    sim = simulation()  # the robot at (1000, 750) heading +x; its IR sensor 75 mm ahead
    remote_of(sim).place_beacon(1, 1575, 750)      # straight ahead, 500 mm from the sensor
    remote_of(sim).place_beacon(2, 1075, 450)      # 90 degrees to the right, 300 mm
    remote_of(sim).place_beacon(3, 500, 750)       # behind: not seen
    result = run(sim, """
        from ev3dev2.sensor.lego import InfraredSensor
        ir = InfraredSensor()
        print(ir.heading_and_distance(1), ir.heading_and_distance(2), ir.heading_and_distance(3),
              ir.heading_and_distance(4))
    """)
    assert result.stdout == "(0, 25) (25, 15) (0, None) (0, None)\n"


def test_button_codes_and_scripted_presses_are_checked():
    assert button_code(["top_left"]) == 1 and button_code(["beacon"]) == 9
    assert button_code(["top_left", "bottom_right"]) == 6
    assert button_code(["top_left", "top_right", "bottom_left"]) == 0  # the sensor cannot code three
    assert parse_press("1.5:2:top_left+top_right") == (1.5, 2, ("top_left", "top_right"))
    assert parse_press("3:1:") == (3.0, 1, ())
    for bad, words in (("1:5:top_left", "channel must be 1, 2, 3 or 4"), ("x:1:top_left", "seconds"),
                       ("1:1:red", "unknown IR remote button 'red'"), ("1:top_left", "TIME:CHANNEL"),
                       ("-1:1:beacon", "0 or more")):
        with pytest.raises(ValueError, match=words):
            parse_press(bad)
    with pytest.raises(ValueError):
        Remote().press(0, ["top_left"])


def test_robot_files_accept_infrared_and_check_optional_sensors(tmp_path):
    robot = load_robot()
    assert robot.optional_sensors["4"].kind == "infrared" and robot.sensors["4"].kind == "ultrasonic"
    path = tmp_path / "bad.toml"
    path.write_text(load_robot().path.read_text() + '\n[optional_sensors.5]\nkind = "infrared"\n'
                    '\n[optional_sensors.1]\nkind = "laser"\n')
    with pytest.raises(RobotError) as raised:
        load_robot(path)
    text = "\n".join(raised.value.problems)
    assert "unknown sensor port '5'" in text and "optional_sensors.1: kind must be one of" in text
    assert "infrared" in text


def test_the_ev3_packs_infrared_commands_run_on_the_simulated_remote(tmp_path):
    from robolab.cli import main as robolab

    source = tmp_path / "remote.rlab"
    source.write_text(textwrap.dedent("""\
        robolab 1 palette ev3 1.0 world empty_arena
        wait_remote button=top_right channel=2
        start_driving speed=30
        wait_until condition=(ir_proximity < 30 or remote_beacon)
        stop_driving
        log label="proximity" value=ir_proximity
        """))
    out = tmp_path / "remote.py"
    assert robolab(["compile", str(source), "-o", str(out)]) == 0
    python = out.read_text()
    assert "infrared_sensor.top_right(2)" in python and "'top_right'" not in python
    summary = run_program(out, "empty_arena", remote=[(2.0, 2, "top_right"), (2.2, 2, ())])
    assert summary.returncode == 0, summary.error
    assert summary.output.strip() == "log proximity 29" or summary.output.strip() == "log proximity 30"
    assert 2000 - (summary.pose["x"] + 75) == pytest.approx(205, abs=15)
    # the beacon button stops it at once instead
    early = run_program(out, "empty_arena", remote=[(2.0, 2, "top_right"), (3.0, 1, "beacon")])
    assert early.returncode == 0 and early.pose["x"] < summary.pose["x"] - 300


def test_a_beacon_in_the_world_file_is_sought_and_reached(tmp_path):
    from simulator.world import WorldError, load_world

    world = tmp_path / "beacon.toml"
    world.write_text('size = [2000, 1500]\nborder = true\n\n[start]\nx = 300\ny = 300\nheading = 0\n\n'
                     '[[beacon]]\nx = 1500\ny = 1100\nchannel = 3\n')
    assert load_world(world).beacons == [(3, 1500.0, 1100.0)]
    program = tmp_path / "seek.py"
    program.write_text(textwrap.dedent("""\
        # In the style of ev3dev's beacon-following demos: turn towards the beacon, drive to it.
        from time import sleep
        from ev3dev2.motor import MoveSteering, OUTPUT_B, OUTPUT_C
        from ev3dev2.sensor.lego import InfraredSensor
        ir, steer = InfraredSensor(), MoveSteering(OUTPUT_B, OUTPUT_C)
        while True:
            heading, distance = ir.heading_and_distance(channel=3)
            if distance is None:
                steer.on(-100, 20)           # spin left until it is seen
            elif distance <= 8:
                break
            else:
                steer.on(max(-100, min(100, heading * 4)), 40)
            sleep(0.02)
        steer.off()
        print("at the beacon", ir.heading_and_distance(3))
        """))
    summary = run_program(program, world, until=60)
    assert summary.returncode == 0, summary.error
    x, y = summary.pose["x"], summary.pose["y"]
    assert ((x - 1500) ** 2 + (y - 1100) ** 2) ** 0.5 < 260   # within 16 cm of the sensor, plus its 75 mm
    bad = tmp_path / "bad.toml"
    bad.write_text('size = [2000, 1500]\n\n[[beacon]]\nx = 1\ny = 1\nchannel = 5\n\n[[beacon]]\nx = 4\n')
    with pytest.raises(WorldError) as raised:
        load_world(bad)
    assert raised.value.problems == [f"{bad}:6: beacon 1 channel: must be 1, 2, 3 or 4, got 5",
                                     f"{bad}:8: [beacon 2] needs x and y (mm)"]


def test_a_remote_controlled_tank_script_in_the_style_of_ev3devs_track3r(tmp_path):
    # A module beside an extensionless script, as ev3dev's demo robots are laid out; ev3dev2's own
    # RemoteControlledTank drives the tracks from the remote, the beacon button works the claw.
    (tmp_path / "tracked.py").write_text(textwrap.dedent("""\
        from ev3dev2.motor import OUTPUT_A, OUTPUT_B, OUTPUT_C, MediumMotor
        from ev3dev2.control.rc_tank import RemoteControlledTank

        class ClawTank(RemoteControlledTank):
            def __init__(self):
                RemoteControlledTank.__init__(self, OUTPUT_B, OUTPUT_C)
                self.claw = MediumMotor(OUTPUT_A)
                self.claw.reset()
                self.remote.on_channel1_beacon = self.move_claw

            def move_claw(self, state):
                self.claw.run_to_rel_pos(speed_sp=200, position_sp=-75 if state else 75)
        """))
    script = tmp_path / "ClawTank"
    script.write_text(textwrap.dedent("""\
        #!/usr/bin/env python3
        import logging
        from tracked import ClawTank
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)5s %(message)s")
        tank = ClawTank()
        tank.main()
        """))
    summary = run_program(script, "empty_arena", until=6.0, remote=[
        (1.0, 1, ("top_left", "top_right")), (3.0, 1, ()), (4.0, 1, "beacon")])
    assert summary.stopped and summary.error == "", summary.error
    # inversed polarity, as TRACK3R's gears need: both top buttons drive it backwards, for 2 s
    assert 1000 - summary.pose["x"] == pytest.approx(2 * 400 * math.pi * 56 / 360, rel=0.1)
    assert abs(summary.pose["heading"]) < 2
