"""The colour sensor's measured response (simulator/colour_response.py): black tape about 5,
white paper about 75, red light; python-ev3dev2's follow_line with its published gains follows
a line on it; RobotLab's robots keep RobotLab's 0..100 light sensor."""

import textwrap

import pytest

from simulator.colour_response import ambient_pct, raw_rgb, reflected_pct
from simulator.robot import RobotError, load_robot
from simulator.run import run_program

FOLLOW = """\
from ev3dev2.motor import OUTPUT_B, OUTPUT_C, MoveTank, SpeedPercent, follow_for_ms, LineFollowErrorTooFast
from ev3dev2.sensor.lego import ColorSensor
tank = MoveTank(OUTPUT_B, OUTPUT_C)
tank.cs = ColorSensor()
print("on the line", tank.cs.reflected_light_intensity)
try:
    # the gains of python-ev3dev2's own follow_line example
    tank.follow_line(kp=11.3, ki=0.05, kd=3.2, speed=SpeedPercent(30), target_light_intensity=40,
                     follow_for=follow_for_ms, ms=10000)
except LineFollowErrorTooFast:
    tank.stop()
    raise
print("done")
"""


def test_the_curve_reads_black_tape_white_paper_and_the_red_light():
    assert round(reflected_pct((0, 0, 0))) == 5 and round(reflected_pct((255, 255, 255))) == 75
    assert round(reflected_pct((128, 128, 128))) == 40          # grey: a straight line between
    assert reflected_pct((220, 20, 20)) > 60 > 10 > reflected_pct((0, 80, 200))  # red bright, blue dark
    # ambient: the room's light off the floor, 9 % over white paper, under 1 % over black tape
    assert (round(ambient_pct((255, 255, 255))), round(ambient_pct((0, 0, 0)))) == (9, 1)
    assert ambient_pct((0, 0, 0)) < ambient_pct((0, 0, 255)) < ambient_pct((255, 0, 0)) < ambient_pct((0, 255, 0))
    # RGB-RAW: white paper 300 a channel (python-ev3dev2's measured white), black tape 20
    assert [round(c) for c in raw_rgb((255, 0, 128))] == [300, 20, 161]
    assert [round(c) for c in raw_rgb((255, 0, 128), "linear")] == [1020, 0, 512]
    assert reflected_pct((255, 255, 255), "linear") == 100 and reflected_pct((0, 0, 0), "linear") == 0


def test_follow_line_with_published_gains_goes_round_the_track(tmp_path):
    program = tmp_path / "follow.py"
    program.write_text(FOLLOW)
    summary = run_program(program, "line_track")
    assert summary.returncode == 0, summary.error
    assert summary.output.splitlines() == ["on the line 5", "done"]
    # 10 s at 30 %: along the bottom straight, round the right-hand bend, onto the top straight
    pose = summary.pose
    assert pose["y"] == pytest.approx(1150, abs=40) and abs(pose["heading"]) > 150
    assert summary.distance > 1400


def test_a_robot_file_chooses_robotlabs_light_sensor_and_a_bad_curve_is_named(tmp_path):
    text = load_robot().path.read_text().replace("diameter = 10.0 ", 'response = "linear"\ndiameter = 10.0 ')
    path = tmp_path / "r.toml"
    path.write_text(text)
    assert load_robot(path).sensors["3"].response == "linear"
    program = tmp_path / "p.py"
    program.write_text("from ev3dev2.sensor.lego import ColorSensor\nprint(ColorSensor().reflected_light_intensity)\n")
    assert run_program(program, "empty_arena", robot=path).output == "94\n"  # the floor is #f0f0f0
    assert run_program(program, "empty_arena").output == "71\n"
    path.write_text(text.replace('"linear"', '"nxt"'))
    with pytest.raises(RobotError) as raised:
        load_robot(path)
    assert "sensors.3: response must be one of ev3, linear, not 'nxt'" in raised.value.problems[0]


RGB = """\
from ev3dev2.sensor.lego import ColorSensor
sensor = ColorSensor()
print(sensor.raw, sensor.rgb, sensor.ambient_light_intensity)
"""


def test_ev3dev2_reads_white_paper_as_white_and_the_room_light_off_the_floor(tmp_path):
    program = tmp_path / "rgb.py"
    program.write_text(RGB)
    # empty_arena's floor is #f0f0f0 (reflected light 71): raw 284 a channel, which ev3dev2's
    # default scaling (white paper 300) makes 241 of 255; ambient light 9 % of 71/75
    assert run_program(program, "empty_arena").output == "(284, 284, 284) (241, 241, 241) 9\n"


def test_the_reading_kept_per_red_level_is_the_curve_s_for_any_floor_colour():
    """Sensors read COL-REFLECT from a table made once (sensors.py): it must be what the curve gives,
    whatever the floor's green and blue."""
    from simulator.colour_response import reflected_pct
    from simulator.sensors import _REFLECTED_EV3

    for red in range(256):
        for green, blue in ((0, 0), (255, 255), (red, 255 - red)):
            assert _REFLECTED_EV3[red] == round(max(0.0, min(100.0, reflected_pct((red, green, blue)))))
    assert (_REFLECTED_EV3[0], _REFLECTED_EV3[255]) == (5, 75)
