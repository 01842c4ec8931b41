"""RobotLab .cfg settings -> a RoboLab world and robot that load, with a report line for every setting
that could not be carried over."""

import math
import textwrap

import pytest
from PIL import Image

from robolab.errors import RobolabError
from robolab.importer import import_program, write_import
from robolab.run import run_file
from simulator.robot import load_robot
from simulator.world import load_world
from tscwriter import line, tsc

CFG = """
[arena]
background=walls.bmp
mmPerPixel=2
floorColour=clSilver
wallColour=$000000FF
[robot]
wheelTrack=110
wheelDiam=49.6
gearRatio=0,125
theta=1.5707963267949
pos.x=10
pos.y=-100
left=0
right=2
[robot.output.1]
type=motor
maxRevPerSec=5.83333333333333
bias=100
noise=0
[robot.output.2]
type=bulb
[robot.output.3]
type=motor
maxRevPerSec=5.83333333333333
bias=100
noise=0
[robot.input.1]
type=switch
pos.x=50
pos.y=50
bias=0
noise=0
[robot.input.2]
type=light
pos.x=70
pos.y=-1E-14
bias=3
noise=0
diameter=5
[robot.input.3]
type=temperature
"""

BUMP = [
    line("output left on A", "output", {"name": "left", "port": "A"}),
    line("output right on C", "output", {"name": "right", "port": "C"}),
    line("sensor bumper on 1 is switch as boolean", "sensor",
         {"name": "bumper", "port": "1", "type": "switch", "mode": "boolean"}),
    line("sensor eye on 4 is light as percent", "sensor", {"name": "eye", "port": "4", "type": "light", "mode": "percent"}),
    line("main", "main", children=[
        line("forward [left right]", "forward", {"ports": "left right"}),
        line("on [left right]", "on", {"ports": "left right"}),
        line("while bumper = 0", "while", {"condition": "bumper = 0"}, [line("comment", "comment", {"note": ""})]),
        line("off [left right]", "off", {"ports": "left right"}),
        line("send 7", "send", {"message": "7"}),
    ]),
]


@pytest.fixture
def course(tmp_path):
    """A RobotLab course folder: bump.tsc, bump.cfg and walls.bmp (white, with a red wall along the top)."""
    image = Image.new("RGB", (230, 380), (255, 255, 255))
    for y in range(0, 20):
        for x in range(230):
            image.putpixel((x, y), (255, 0, 0))
    image.save(tmp_path / "walls.bmp")
    (tmp_path / "bump.cfg").write_text(textwrap.dedent(CFG).lstrip(), encoding="cp1252")
    (tmp_path / "bump.tsc").write_bytes(tsc(BUMP))
    return tmp_path


def test_the_arena_becomes_a_world_with_its_image_scale_colours_and_start(course, library):
    result = import_program(course / "bump.tsc", library)
    write_import(result, course / "out")
    world = load_world(course / "out" / "bump.world.toml")
    assert (world.width, world.height) == (230 * 2 + 500, 380 * 2 + 500)  # the image, with 250 mm round it
    assert world.mm_per_pixel == 2 and world.wall_colour == (255, 0, 0)
    assert world.floor_rgb(10, 10) == (192, 192, 192)  # clSilver round the image
    assert world.floor_rgb(world.width / 2, world.height - 260) == (255, 0, 0)
    assert (world.start.x, world.start.y, world.start.heading) == pytest.approx(
        (world.width / 2 + 10, world.height / 2 - 100, 90.0), abs=0.01)
    assert world.wall_rects and world.robot == course / "out" / "bump.robot.toml"
    assert (course / "out" / "walls.bmp").read_bytes() == (course / "walls.bmp").read_bytes()


def test_the_robot_gets_its_wheels_motors_and_sensors(course, library):
    cfg = course / "bump.cfg"
    cfg.write_text(cfg.read_text(encoding="cp1252").replace("bias=100\nnoise=0\n[robot.input.1]",
                                                            "bias=90\nnoise=4\n[robot.input.1]"), encoding="cp1252")
    result = import_program(course / "bump.tsc", library)
    write_import(result, course / "out")
    robot = load_robot(course / "out" / "bump.robot.toml")
    assert robot.axle_track == 110
    # 49.6 mm wheels at 1/8 of 5.83 rev/s, at RobotLab's loaded 80 %: 90.9 mm/s at the EV3's 1050 deg/s.
    assert math.pi * robot.wheel_diameter * 1050 / 360 == pytest.approx(90.9, rel=0.01)
    assert robot.motors["A"].wheel == "left" and robot.motors["C"].wheel == "right"
    assert robot.motors["C"].bias == pytest.approx(-0.1) and robot.motors["C"].noise == pytest.approx(0.04)
    assert robot.motors["B"].wheel is None  # the bulb: a motor turning freely
    touch, light, eye = robot.sensors["1"], robot.sensors["2"], robot.sensors["4"]
    assert (touch.kind, touch.x, touch.y) == ("touch", 50, 50)
    assert (light.kind, light.x, light.y, light.diameter, light.bias) == ("color", 70, 0, 10, 3)
    assert eye.kind == "color"  # the program reads a light sensor on 4, so the robot has one there
    assert "3" not in robot.sensors
    assert max(x for x, _ in robot.chassis) == 50  # the switches are at the front edge, so they touch first
    report = "\n".join(result.report_lines)
    for expected in ["[robot.output.2] type=bulb: the EV3 has no lamp outputs",
                     "[robot.output.3] noise=4: imported as a random speed error of 4 %",
                     "[robot.input.3] type=temperature: RoboLab's simulator has no such RobotLab sensor",
                     "[robot.input.4] type=unused: the program uses input 4 as a light sensor (eye)"]:
        assert expected in report, expected


def test_a_switch_closes_on_the_wall_colour_and_the_robot_stops(course, library):
    result = import_program(course / "bump.tsc", library)
    written = write_import(result, course / "out")
    summary, problems = run_file(str(written[0]), library, until=30)
    assert problems == [] and summary.returncode == 0, summary.error
    assert [e["number"] for e in summary.events if e["kind"] == "message"] == [7]
    wall = load_world(written[1]).height - 250 - 20 * 2  # the red band's lower edge
    assert wall - 52 < summary.pose["y"] < wall - 48  # stopped with its front (50 mm ahead) on the wall


def test_without_a_cfg_robotlabs_standard_robot_and_a_blank_arena_are_used(tmp_path, library):
    (tmp_path / "alone.tsc").write_bytes(tsc(BUMP))
    result = import_program(tmp_path / "alone.tsc", library)
    assert result.report_lines[0] == ("alone.cfg: no simulator settings beside the program; "
                                      "RobotLab's standard robot and a blank arena are used")
    written = write_import(result, tmp_path)
    world, robot = load_world(written[1]), load_robot(written[2])
    assert (world.width, world.height) == (230 * 2.5 + 500, 380 * 2.5 + 500) and result.image is None
    assert set(robot.motors) == {"A", "C"} and robot.sensors["1"].kind == "touch"


def test_bad_settings_are_noted_and_replaced_by_robotlabs_defaults(course, library):
    cfg = course / "bump.cfg"
    text = cfg.read_text(encoding="cp1252")
    text = text.replace("wheelTrack=110", "wheelTrack=wide").replace("wallColour=$000000FF", "wallColour=clWindow")
    text = text.replace("background=walls.bmp", "background=C:\\course\\gone.bmp").replace("pos.y=-100", "pos.y=9000")
    cfg.write_text(text, encoding="cp1252")
    result = import_program(course / "bump.tsc", library)
    report = "\n".join(result.report_lines)
    for expected in ["bump.cfg [robot] wheelTrack=wide: not a number; 120 is used",
                     "bump.cfg [arena] wallColour=clWindow: not a colour RoboLab knows; #ff0000 is used",
                     "bump.cfg [arena] background=C:\\course\\gone.bmp: the image cannot be found",
                     "bump.cfg [robot] pos.x, pos.y: the robot starts outside the"]:
        assert expected in report, expected
    written = write_import(result, course / "out")
    assert load_world(written[1]).start.y < load_world(written[1]).height  # loads, start moved inside
    assert load_robot(written[2]).axle_track == 120


def test_settings_that_are_not_ini_are_refused_naming_the_file(course, library):
    (course / "bump.cfg").write_bytes(b"\x00\x01 this is not a settings file")
    with pytest.raises(RobolabError) as raised:
        import_program(course / "bump.tsc", library)
    assert str(raised.value).startswith(f"{course / 'bump.cfg'}: not readable RobotLab simulator settings")


def test_an_import_never_replaces_files_unless_asked(course, library):
    result = import_program(course / "bump.tsc", library)
    write_import(result, course)
    (course / "bump.rlab").write_text("my own edits", encoding="utf-8")
    with pytest.raises(RobolabError) as raised:
        write_import(result, course)
    assert "bump.rlab: already exists; not replaced" in str(raised.value)
    assert (course / "bump.rlab").read_text(encoding="utf-8") == "my own edits"
    write_import(result, course, overwrite=True)
    assert (course / "bump.rlab").read_text(encoding="utf-8") == result.program_text


def test_the_programs_own_background_line_chooses_the_arena(course, library):
    Image.new("RGB", (230, 380), (0, 0, 0)).save(course / "night.bmp")
    (course / "bump.tsc").write_bytes(tsc([line('background "night.bmp"', "background", {"path": "night.bmp"},
                                                cls="cBackgroundStatement")] + BUMP))
    result = import_program(course / "bump.tsc", library)
    assert 'background file="night.bmp"' in result.program_text and result.image == course / "night.bmp"
    assert any("background=walls.bmp: the program's background line names \"night.bmp\"" in line
               for line in result.report_lines)
    (course / "night.bmp").unlink()
    result = import_program(course / "bump.tsc", library)
    assert result.image == course / "walls.bmp"
    assert "the program's background \"night.bmp\" is not beside it; the world uses the settings' arena " \
           "(walls.bmp)" in result.report_lines
