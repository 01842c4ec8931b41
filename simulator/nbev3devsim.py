"""The nbev3devsim profile: programs written for the OU's notebook simulator run unchanged.

nbev3devsim (innovationOUtside/nbev3devsim) runs ev3dev2 programs in the browser with a small
dialect, which this profile gives the program on the virtual brick:

- the `ev3dev2_glue` module: `get_clock()` (simulated seconds since the run started) and
  `pyState()` (a dict for messages between robots and the notebook; here, the run's own);
- its ColorSensor: `reflected_light_intensity` is the red of the floor (0..255),
  `reflected_light_intensity_pc` the same in %, `full_reflected_light_intensity` the mean of red,
  green and blue in %, `rgb`, `red`, `green`, `blue`, `hsv`, `ambient_light_intensity` 0, and
  `color` / `color_name` from the floor's hue, saturation and value; each read waits 10 ms, as
  nbev3devsim's do (a loop that reads a sensor moves the clock);
- its robot (robots/nbev3devsim.toml): motors on B (left) and C (right), the ultrasonic on 1,
  colour sensors on 2 (left) and 3 (right), the gyro on 4; the "Radial_grey" preset with its
  colour sensors 60 mm apart (robots/nbev3devsim_wide.toml);
- its notebook magics: a first line `%%sim_magic_preloaded` runs nbev3devsim's boilerplate first
  (tank_drive, tank_turn, colorLeft, colorRight, ultrasonic, gyro, speaker, say), and
  `%%sim_magic_imports` its imports; `-b BACKGROUND`, `-x X -y Y -a ANGLE` choose the world and the
  start (nbev3devsim's coordinates: pixels = mm, y down, angle clockwise). Magic lines become
  comments, so line numbers stay the program's.

The worlds (worlds/nbev3devsim/*.toml) are its best-known backgrounds, drawn anew from their
descriptions: 2362 x 1143 mm, as its backgrounds are 2362 x 1143 pixels.
"""

from __future__ import annotations

import colorsys
import math
import shlex
import sys
import time
import types
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROBOT = HERE / "robots" / "nbev3devsim.toml"
ROBOTS = {"Default_Robot": ROBOT, "Radial_grey": HERE / "robots" / "nbev3devsim_wide.toml"}
WORLDS = HERE / "worlds" / "nbev3devsim"   # not among the shipped worlds: only for the profile
BLANK = WORLDS / "blank.toml"
BACKGROUNDS = {  # nbev3devsim's name -> our world file
    name: WORLDS / f"{name.lower()}.toml"
    for name in ("Grey_bands", "Coloured_bands", "Rainbow_bands", "Lollipop", "Loop", "Two_shapes", "Square",
                 "Grey_and_black")
} | {"Empty_Map": BLANK, "Blank": BLANK}
SENSOR_DELAY = 0.01

PRELOADED = """\
from ev3dev2.motor import MoveTank, MoveSteering, SpeedPercent, OUTPUT_B, OUTPUT_C
from ev3dev2.sensor import INPUT_1, INPUT_2, INPUT_3, INPUT_4
from ev3dev2.sensor.lego import ColorSensor, GyroSensor, UltrasonicSensor
from ev3dev2.sound import Sound
"""
PRELOADED_OBJECTS = """\
speaker = Sound()


def say(text):
    speaker.speak(text, play_type=1)


tank_turn = MoveSteering(OUTPUT_B, OUTPUT_C)
tank_drive = MoveTank(OUTPUT_B, OUTPUT_C)
ultrasonic = UltrasonicSensor(INPUT_1)
colorLeft = ColorSensor(INPUT_2)
colorRight = ColorSensor(INPUT_3)
gyro = GyroSensor(INPUT_4)
"""


@dataclass
class Magic:
    """What a program's nbev3devsim magic lines ask for."""

    preload: str = ""                       # Python to run before the program
    background: str | None = None           # nbev3devsim's background name
    robot: str | None = None                # its robot preset
    start: dict = field(default_factory=dict)   # x, y, a (nbev3devsim's coordinates)


def read_magic(source: str) -> tuple[str, Magic]:
    """The program with its %magic lines turned into comments, and what they asked for."""
    magic, lines = Magic(), source.splitlines(True)
    for index, line in enumerate(lines):
        text = line.strip()
        if not text.startswith("%"):
            continue
        lines[index] = "#" + line
        try:
            words = shlex.split(text)
        except ValueError:
            words = text.split()
        name = words[0].lstrip("%")
        if name == "sim_magic_preloaded":
            magic.preload = PRELOADED + PRELOADED_OBJECTS
        elif name == "sim_magic_imports":
            magic.preload = PRELOADED
        options = {"-b": "background", "--background": "background", "-r": "robot", "--robotSetup": "robot",
                   "-x": "x", "--xpos": "x", "-y": "y", "--ypos": "y", "-a": "a", "--angle": "a"}
        for flag, value in zip(words[1:], words[2:]):
            key = options.get(flag)
            if key in ("background", "robot"):
                setattr(magic, key, value)
            elif key:
                try:
                    magic.start[key] = float(value)
                except ValueError:
                    pass
    return "".join(lines), magic


def world_name(background: str) -> Path:
    """Our world for one of nbev3devsim's backgrounds (ValueError names the ones there are)."""
    if background in BACKGROUNDS:
        return BACKGROUNDS[background]
    raise ValueError(f"nbev3devsim background {background!r} is not drawn here "
                     f"(there are: {', '.join(sorted(set(BACKGROUNDS) - {'Blank'}))})")


def magic_world(magic: Magic) -> Path:
    """The world file a program's magic names: nbev3devsim's blank background when it names none
    (ValueError for a background not drawn here)."""
    return world_name(magic.background) if magic.background else BLANK


def magic_robot(magic: Magic) -> Path:
    """The robot file a program's magic names: nbev3devsim's default robot when it names none."""
    return ROBOTS.get(magic.robot or "Default_Robot", ROBOT)


def start_pose(start: dict, world):
    """The world's start pose moved to nbev3devsim's x, y (y down) and angle (clockwise);
    ValueError when that is outside the world."""
    default = world.start
    x = start.get("x", default.x)
    y = world.height - start["y"] if "y" in start else default.y
    heading = -start["a"] if "a" in start else default.heading
    if not (0 <= x <= world.width and 0 <= y <= world.height and math.isfinite(heading)):
        raise ValueError(f"the magic's start (x {start.get('x', '-')}, y {start.get('y', '-')}, "
                         f"angle {start.get('a', '-')}) is not in the world (x 0..{world.width:g}, "
                         f"y 0..{world.height:g})")
    return type(default)(x, y, heading)


class Profile:
    """Installed for one run by the lockstep runner (install, prepare, uninstall)."""

    name = "nbev3devsim"

    def __init__(self, magic: Magic | None = None, state: dict | None = None):
        self.magic = magic or Magic()
        self.state = {} if state is None else state
        self._saved_glue = None

    def install(self, runner) -> None:
        """The glue module in sys.modules, nbev3devsim's ColorSensor in ev3dev2's place."""
        glue = types.ModuleType("ev3dev2_glue", "nbev3devsim's bridge to its simulator, on RoboLab's.")
        glue.get_clock = runner.now
        glue.pyState = lambda: self.state
        self._saved_glue = sys.modules.get("ev3dev2_glue")
        sys.modules["ev3dev2_glue"] = glue
        lego = sys.modules.get("ev3dev2.sensor.lego")
        if lego is not None:  # this run's own copy of ev3dev2 (brick.py): its class may change
            for name, value in vars(_NbColourSensor).items():
                if not name.startswith("__"):
                    setattr(lego.ColorSensor, name, value)
            lego.ColorSensor._nb_brick = runner.brick

    def prepare(self, namespace: dict) -> None:
        """Before the program: the boilerplate its magic asked for, in its namespace."""
        if self.magic.preload:
            exec(compile(self.magic.preload, "<nbev3devsim boilerplate>", "exec"), namespace)  # noqa: S102

    def uninstall(self) -> None:
        if self._saved_glue is None:
            sys.modules.pop("ev3dev2_glue", None)
        else:
            sys.modules["ev3dev2_glue"] = self._saved_glue


class _NbColourSensor:
    """nbev3devsim's ColorSensor readings, put onto ev3dev2's ColorSensor for the run: from the
    floor colour under it (the robot's colour sensors are linear: RGB-RAW is 4 x the floor's
    0..255)."""

    _nb_brick = None   # the run's virtual brick (set by Profile.install)

    def _floor(self):
        """The red, green and blue under the sensor (0..255), all three from one moment, as
        nbev3devsim reads them (three value reads could straddle a physics step)."""
        time.sleep(SENSOR_DELAY)
        self._ensure_mode(self.MODE_RGB_RAW)
        self.value(0)  # the read, with its cost
        device = self._nb_brick.by_path[self._path].device
        return [min(255, round(value / 4)) for value in device.values()[:3]]

    reflected_light_intensity = property(lambda self: self._floor()[0])
    reflected_light_intensity_pc = property(lambda self: 100.0 * self._floor()[0] / 255)
    full_reflected_light_intensity = property(lambda self: 100.0 * sum(self._floor()) / 765)
    ambient_light_intensity = property(lambda self: 0)
    rgb = property(lambda self: self._floor())
    raw = rgb
    red = property(lambda self: self._floor()[0])
    green = property(lambda self: self._floor()[1])
    blue = property(lambda self: self._floor()[2])
    calibrate_white = property(lambda self: 0)

    @property
    def hsv(self):
        h, s, v = colorsys.rgb_to_hsv(*(c / 255 for c in self._floor()))
        return [int(h * 360), int(s * 100), int(v * 100)]

    @property
    def color(self):
        return colour_of_hsv(self.hsv)

    @property
    def color_name(self):
        return self.COLORS[self.color]


def colour_of_hsv(hsv) -> int:
    """nbev3devsim's colour id for a hue (degrees), saturation and value (%): greys are black
    below 30 % value and white above; colours go by hue."""
    hue, saturation, value = hsv
    if saturation < 20:
        return 1 if value < 30 else 6
    for limit, colour in ((30, 5), (90, 4), (163, 3), (283, 2)):
        if hue < limit:
            return colour
    return 5


PROFILES = (Profile.name,)
