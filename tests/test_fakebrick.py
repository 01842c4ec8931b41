"""Tests of the fake-brick harness: small ev3dev2 programs run against the real library."""
import textwrap

import pytest

try:
    from tests.fakebrick import FakeBrick, Write
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from fakebrick import FakeBrick, Write

HEADER = """\
import time
from ev3dev2.motor import MoveTank, LargeMotor, MediumMotor, OUTPUT_A, OUTPUT_B, OUTPUT_C, SpeedPercent
"""


def run(tmp_path, body, brick=None, **kwargs):
    program = tmp_path / "program.py"
    program.write_text(HEADER + textwrap.dedent(body))
    brick = brick or FakeBrick(tmp_path)
    kwargs.setdefault("timeout", 10.0)
    return brick.run(program, **kwargs)


def ok(result):
    assert result.returncode == 0 and not result.timed_out, result.stderr
    return result


def test_move_tank_on_for_seconds(tmp_path):
    result = ok(run(tmp_path, """
        MoveTank(OUTPUT_B, OUTPUT_C).on_for_seconds(SpeedPercent(50), SpeedPercent(50), 2)
        print("done at", time.time())
    """))
    for port in "BC":
        assert [(w.attribute, w.value) for w in result.writes if w.port == port] == [
            ("command", "reset"),  # MoveTank resets its motors
            ("speed_sp", "525"),  # 50 % of a large motor's max_speed 1050
            ("time_sp", "2000"),
            ("stop_action", "hold"),
            ("command", "run-timed"),
        ]
        assert result.commands(port) == ["reset", "run-timed"]
    assert result.commands("A") == []
    assert 0 < result.writes[-1].time < 0.05  # reads cost 1 ms each
    # The call blocks until the motors stop "running": two virtual seconds, no real ones.
    assert 2.0 <= result.virtual_time < 2.1
    assert 2.0 <= float(result.stdout.split()[-1]) - 1700000000.0 < 2.1


def test_on_for_rotations_and_off(tmp_path):
    result = ok(run(tmp_path, """
        tank = MoveTank(OUTPUT_B, OUTPUT_C)
        tank.on_for_rotations(SpeedPercent(30), SpeedPercent(30), 1)
        print(tank.left_motor.position)
        tank.on(SpeedPercent(-20), SpeedPercent(20))
        time.sleep(1)
        tank.off()
        MediumMotor(OUTPUT_A).on_for_degrees(SpeedPercent(50), -90)
    """))
    assert result.values("B", "position_sp") == ["360"]
    assert result.final("B", "speed_sp") == "-210"
    assert result.values("C", "speed_sp") == ["315", "210"]
    assert result.commands("B") == ["reset", "run-to-rel-pos", "run-forever", "stop"]
    assert result.stdout.split() == ["360"]  # the motor model moved the encoder
    assert result.final("A", "position_sp") == "-90"
    assert result.final("A", "speed_sp") == "780"  # 50 % of a medium motor's 1560
    assert result.final("A", "position") == "-90"


def test_colour_sensor_sees_set_value(tmp_path):
    brick = FakeBrick(tmp_path)
    brick.set_sensor(3, value0=42)
    brick.set_sensor(2, value0=30)
    result = ok(run(tmp_path, """
        from ev3dev2.sensor.lego import ColorSensor, UltrasonicSensor
        from ev3dev2.sensor.lego import GyroSensor
        print(ColorSensor().reflected_light_intensity, UltrasonicSensor().distance_centimeters)
        gyro = GyroSensor()
        print(gyro.angle)
        gyro.reset()
        print(gyro.angle)
    """, brick))
    assert result.stdout.split() == ["42", "255.0", "30", "0"]
    assert result.stderr == ""  # no "Failed to import evdev" warning
    assert result.values("3", "mode") == []  # COL-REFLECT is already the mode


def test_attributes_read_back_what_was_written(tmp_path):
    result = ok(run(tmp_path, """
        from ev3dev2.sensor.lego import ColorSensor
        m = LargeMotor(OUTPUT_B)
        m.speed_sp = 1000
        m.speed_sp = 5
        cs = ColorSensor()
        cs.color
        print(m.speed_sp, cs.mode)
    """))
    assert result.stdout.split() == ["5", "COL-COLOR"]  # not "500", "COL-COLORCT"
    assert result.values("3", "mode") == ["COL-COLOR"]


def test_schedule_presses_touch_sensor(tmp_path):
    result = ok(run(tmp_path, """
        from ev3dev2.sensor import INPUT_1
        from ev3dev2.sensor.lego import TouchSensor
        ts = TouchSensor(INPUT_1)
        tank = MoveTank(OUTPUT_B, OUTPUT_C)
        while not ts.is_pressed:
            time.sleep(0.01)
        tank.on_for_seconds(SpeedPercent(50), SpeedPercent(50), 1)
    """, schedule=[(2.0, 1, {"value0": 1})]))
    runs = [w for w in result.writes if w.attribute == "command" and w.value == "run-timed"]
    assert [w.port for w in runs] == ["B", "C"]
    assert all(2.0 <= w.time < 2.1 for w in runs)
    assert 3.0 <= result.virtual_time < 3.2


def test_sounds_are_recorded(tmp_path):
    result = ok(run(tmp_path, """
        from ev3dev2.sound import Sound
        s = Sound()
        s.beep()
        s.play_tone(440, 1.0)
        s.speak('hi')
    """))
    assert result.sounds[0] == ["beep"]
    assert result.sounds[1][:5] == ["beep", "-f", "440", "-l", "1000"]
    assert result.sounds[2][0] == "espeak" and result.sounds[2][-1] == "hi"
    assert result.sounds[3][0] == "aplay"
    times = [t for t, argv in result.sound_calls if argv[0] in ("beep", "espeak")]
    assert times == [0.0, 0.2, 1.2]  # a beep blocks for its length (200 ms by default)


@pytest.mark.parametrize("loop", ["pass", "time.sleep(0.1)"])
def test_endless_loop_is_killed_and_keeps_writes(tmp_path, loop):
    result = run(tmp_path, f"""
        m = LargeMotor(OUTPUT_B)
        m.on(SpeedPercent(40))
        print("started")
        while True:
            {loop}
    """, timeout=1.0)
    assert result.timed_out
    assert result.commands("B") == ["run-forever"]
    assert result.final("B", "speed_sp") == "420"
    assert "started" in result.stdout


def test_virtual_timeout_stops_a_program_that_sleeps_forever(tmp_path):
    result = run(tmp_path, """
        m = LargeMotor(OUTPUT_B)
        while True:
            m.on_for_seconds(SpeedPercent(10), 1)
            time.sleep(1)
    """, virtual_timeout=10.0)
    assert result.timed_out
    assert 10.0 <= result.virtual_time < 10.1
    assert result.commands("B") == ["run-timed"] * 5


def test_exception_gives_nonzero_returncode(tmp_path):
    result = run(tmp_path, """
        LargeMotor(OUTPUT_B).on(SpeedPercent(10))
        1 / 0
    """)
    assert result.returncode != 0 and not result.timed_out
    assert "ZeroDivisionError" in result.stderr and "Traceback" in result.stderr
    assert result.commands("B") == ["run-forever"]


def test_custom_robot_and_driver_matching(tmp_path):
    brick = FakeBrick(tmp_path, motors={"B": "large", "C": "medium"}, sensors={3: "colour"})
    result = ok(run(tmp_path, """
        from ev3dev2 import DeviceNotFound
        from ev3dev2.sensor.lego import ColorSensor, TouchSensor
        for make in (lambda: LargeMotor(OUTPUT_A), lambda: LargeMotor(OUTPUT_C), TouchSensor,
                     lambda: MediumMotor(OUTPUT_C), ColorSensor):
            try:
                print(make().address)
            except DeviceNotFound:
                print("missing")
    """, brick))
    assert result.stdout.split() == ["missing", "missing", "missing", "ev3-ports:outC", "ev3-ports:in3"]


def test_out_of_range_write_fails_like_the_kernel(tmp_path):
    result = run(tmp_path, """
        LargeMotor(OUTPUT_B).speed_sp = 2000
    """)
    assert result.returncode != 0
    assert "out of range" in result.stderr
    assert result.values("B", "speed_sp") == []


def test_leds_are_recorded(tmp_path):
    result = ok(run(tmp_path, """
        from ev3dev2.led import Leds
        Leds().set_color("LEFT", "RED")
    """))
    assert result.final("red_left", "brightness") == "255"
    assert result.final("green_left", "brightness") == "0"
