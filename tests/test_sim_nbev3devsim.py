"""The nbev3devsim profile (simulator/nbev3devsim.py): programs in the style of the OU's notebook
simulator run unchanged: its magic lines and boilerplate, ev3dev2_glue, its colour sensor
properties, its robot with two colour sensors, and its backgrounds drawn as worlds."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from simulator.nbev3devsim import BACKGROUNDS, colour_of_hsv, read_magic
from simulator.run import run_program
from simulator.world import load_world

ROOT = Path(__file__).resolve().parents[1]

BANDS = """\
%%sim_magic_preloaded -b Coloured_bands -x 100 -y 700

# Drive over the coloured bands until the left sensor sees pure blue
from time import sleep
import ev3dev2_glue as glue

tank_drive.on(SpeedPercent(30), SpeedPercent(30))
while colorLeft.rgb != [0, 0, 255]:
    print('Colour: ' + colorLeft.color_name, round(colorLeft.reflected_light_intensity_pc))
    sleep(0.5)
tank_drive.off()
print("blue at", round(glue.get_clock(), 1), round(colorRight.full_reflected_light_intensity, 1), glue.pyState())
say("Blue")
"""

LOLLIPOP = """\
%%sim_magic_preloaded -b Lollipop

# Follow the outside edge of the lollipop's line with the right sensor; stop on the red bar.
from ev3dev2_glue import get_clock

start = get_clock()
while colorRight.color_name != 'Red':
    if colorRight.reflected_light_intensity_pc < 40:
        tank_drive.on(SpeedPercent(25), SpeedPercent(-10))
    else:
        tank_drive.on(SpeedPercent(5), SpeedPercent(25))
tank_drive.off()
print('Red after', round(get_clock() - start), 's')
"""

PLAIN = """\
from ev3dev2.motor import MoveTank, SpeedPercent, OUTPUT_B, OUTPUT_C
from ev3dev2.sensor import INPUT_2, INPUT_3
from ev3dev2.sensor.lego import ColorSensor
from ev3dev2_glue import get_clock

left, right = ColorSensor(INPUT_2), ColorSensor(INPUT_3)
tank = MoveTank(OUTPUT_B, OUTPUT_C)
tank.on(SpeedPercent(20), SpeedPercent(20))
while left.reflected_light_intensity > 100:    # nbev3devsim: the red of the floor, 0..255
    pass
tank.off()
print(left.reflected_light_intensity, left.hsv, left.color_name, right.red, round(get_clock(), 2))
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text))
    return path


def test_a_preloaded_notebook_cell_drives_to_the_blue_band(tmp_path):
    summary = run_program(write(tmp_path, "bands.py", BANDS), profile="nbev3devsim")
    assert summary.returncode == 0, summary.error
    assert summary.world == "nbev3devsim Coloured_bands"
    lines = summary.output.splitlines()
    assert lines[0] == "Colour: White 100" and "Colour: Red 100" in lines and "Colour: Green 0" in lines
    assert lines[-1].startswith("blue at ") and lines[-1].endswith(" 33.3 {}")
    # nbev3devsim's x 100, y 700 (y down): our y 443; the left sensor (60 ahead) is in the blue band
    assert summary.pose["y"] == pytest.approx(443, abs=2) and 1050 < summary.pose["x"] + 60 < 1250
    assert [e["text"] for e in summary.events if e["kind"] == "sound"] == ["Blue"]


def test_a_line_follower_goes_round_the_lollipop_and_stops_at_the_red_bar(tmp_path):
    summary = run_program(write(tmp_path, "lollipop.py", LOLLIPOP), profile="nbev3devsim", until=120)
    assert summary.returncode == 0, summary.error
    assert summary.output.startswith("Red after ")
    assert summary.pose["x"] + 60 == pytest.approx(1880, abs=25)   # its sensors reach the red bar
    assert summary.pose["y"] == pytest.approx(1143 - 571.5, abs=40)  # on the stick
    assert summary.distance > 2000   # once round the oval first


def test_a_plain_program_uses_the_glue_and_its_reflected_light_on_a_chosen_world(tmp_path):
    program = write(tmp_path, "plain.py", PLAIN)
    world = BACKGROUNDS["Grey_bands"]
    summary = run_program(program, world, profile="nbev3devsim")
    assert summary.returncode == 0, summary.error
    red = int(summary.output.split()[0])
    assert red <= 100 and 1440 < summary.pose["x"] + 60 < 1480   # stopped at the black band's edge
    # without the profile ev3dev2 has no such module: the error names it
    plain = run_program(program, world)
    assert plain.returncode == 1 and "No module named 'ev3dev2_glue'" in plain.error


def test_the_magic_names_the_robot_preset_and_the_command_line_takes_the_profile(tmp_path):
    program = write(tmp_path, "wide.py", "%%sim_magic_preloaded -r Radial_grey\nprint(colorLeft.address)\n")
    done = subprocess.run([sys.executable, "-m", "simulator", str(program), "--profile", "nbev3devsim"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "ev3-ports:in2" and "nbev3devsim blank" in done.stdout
    bad = write(tmp_path, "bad.py", "%%sim_magic -b FLL_2019_City_Shaper\npass\n")
    done = subprocess.run([sys.executable, "-m", "simulator", str(bad), "--profile", "nbev3devsim"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 2 and "nbev3devsim background 'FLL_2019_City_Shaper' is not drawn here" in done.stderr
    outside = write(tmp_path, "outside.py", "%%sim_magic -x 5000 -y nan\npass\n")
    with pytest.raises(ValueError, match=r"the magic's start \(x 5000.0, y nan, angle -\) is not in the world"):
        run_program(outside, profile="nbev3devsim")


def test_magic_lines_become_comments_and_the_backgrounds_load():
    source, magic = read_magic("%%sim_magic_imports -x 10 -y 20 -a 90 -b Loop\nprint(1)\n")
    assert source == "#%%sim_magic_imports -x 10 -y 20 -a 90 -b Loop\nprint(1)\n"
    assert magic.background == "Loop" and magic.start == {"x": 10.0, "y": 20.0, "a": 90.0}
    assert "MoveTank" in magic.preload and "tank_drive" not in magic.preload
    for name, path in BACKGROUNDS.items():
        world = load_world(path)
        assert (world.width, world.height) == (2362, 1143), name
    assert [colour_of_hsv(hsv) for hsv in ([0, 0, 10], [0, 0, 90], [0, 100, 100], [60, 100, 100],
                                           [120, 100, 100], [240, 100, 100], [350, 90, 90])] == [1, 6, 5, 4, 3, 2, 5]
