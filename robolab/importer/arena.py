"""RobotLab simulator settings (.cfg, INI) -> a RoboLab world file and robot model file (TOML text).

RobotLab measured the start pose from the arena's centre (mm, y up, theta in radians); RoboLab
measures from the bottom-left corner in degrees. RobotLab's robot: wheels of wheelDiam mm,
wheelTrack mm apart, turned through gearRatio by motors of maxRevPerSec at full power; its
sensors at pos.x (forward) and pos.y (left) mm from the axle's middle. Each setting either becomes
a world or robot key, or a note for the import report saying why it could not.
"""

import configparser
import math
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from robolab.errors import Problem, RobolabError

ARENA_PIXELS = (230, 380)  # every course arena image is this size; an arena without one is too
EV3_LARGE_REV_PER_SEC = 1050 / 360  # the simulated EV3 large motor's top speed
# RobotLab's motors ran at about 80 % of maxRevPerSec with the robot's load on them. The course's own
# square_challenge_solution says so twice: its 104/100 s turns are right angles and its 350/100 s
# sides go evenly round grey_square.bmp only at 90.6 mm/s, 0.8 of the 113.6 mm/s its .cfg gives.
LOADED_SPEED = 0.8
MARGIN = 250.0  # mm of floor round the arena image
PORTS = "ABCD"
DELPHI_COLOURS = {
    "clblack": "#000000", "clmaroon": "#800000", "clgreen": "#008000", "clolive": "#808000",
    "clnavy": "#000080", "clpurple": "#800080", "clteal": "#008080", "clgray": "#808080",
    "clgrey": "#808080", "clsilver": "#c0c0c0", "clred": "#ff0000", "cllime": "#00ff00",
    "clyellow": "#ffff00", "clblue": "#0000ff", "clfuchsia": "#ff00ff", "claqua": "#00ffff",
    "clwhite": "#ffffff", "clltgray": "#c0c0c0", "cldkgray": "#808080", "clmoneygreen": "#c0dcc0",
    "clskyblue": "#a6caf0", "clcream": "#fffbf0", "clmedgray": "#a0a0a4",
}
DEFAULTS = {  # what RobotLab's own settings held, for a .cfg that leaves something out
    "robot": {"wheelTrack": "120", "wheelDiam": "49.6", "gearRatio": "0.125", "theta": str(math.pi / 2),
              "pos.x": "0", "pos.y": "0", "left": "0", "right": "2"},
    "arena": {"background": "", "mmPerPixel": "2.5", "floorColour": "clWhite", "wallColour": "clRed"},
}


@dataclass
class Arena:
    """What a .cfg became: world and robot file texts, the image to copy beside them, notes."""

    world: str
    robot: str
    image: Path | None = None
    notes: list = field(default_factory=list)


@dataclass
class Needs:
    """What the program declares, so the robot has a device wherever the program expects one."""

    outputs: dict = field(default_factory=dict)  # port letter -> name
    sensors: dict = field(default_factory=dict)  # port digit -> (name, "switch" | "light" | ...)


def read_cfg(path: Path | None) -> tuple[configparser.ConfigParser, list[str]]:
    """The settings (RobotLab's defaults where the file is missing or silent) and notes."""
    settings = configparser.ConfigParser(interpolation=None, strict=False)
    settings.optionxform = str
    settings.read_dict(DEFAULTS)
    notes = []
    if path is None or not path.is_file():
        notes.append(f"{path.name if path else 'settings'}: no simulator settings beside the program; "
                     "RobotLab's standard robot and a blank arena are used")
        return settings, notes
    try:
        settings.read_string(path.read_bytes().decode("cp1252"), source=str(path))
    except (configparser.Error, OSError) as error:
        raise RobolabError([Problem(f"not readable RobotLab simulator settings: {error}".splitlines()[0],
                                    str(path))]) from None
    return settings, notes


class _Settings:
    """Reads values from the .cfg, noting any that cannot be read (and using RobotLab's default)."""

    def __init__(self, settings, file: str, notes: list):
        self.settings, self.file, self.notes = settings, file, notes

    def text(self, section: str, key: str, default: str = "") -> str:
        if not self.settings.has_section(section):
            return default
        return self.settings[section].get(key, default).strip()

    def number(self, section: str, key: str, default: float) -> float:
        raw = self.text(section, key, "")
        if raw == "":
            return default
        try:
            value = float(raw.replace(",", ".") if "." not in raw else raw)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            self.notes.append(f"{self.file} [{section}] {key}={raw}: not a number; {default:g} is used")
            return default
        return value

    def colour(self, section: str, key: str, default: str) -> str:
        raw = self.text(section, key, "")
        if not raw:
            return default
        named = DELPHI_COLOURS.get(raw.lower())
        if named:
            return named
        try:  # a TColor number: $00BBGGRR or decimal
            value = int(raw[1:], 16) if raw.startswith("$") else int(raw, 0)
        except ValueError:
            value = -1
        if 0 <= value <= 0xFFFFFF:
            return f"#{value & 0xFF:02x}{(value >> 8) & 0xFF:02x}{(value >> 16) & 0xFF:02x}"
        self.notes.append(f"{self.file} [{section}] {key}={raw}: not a colour RoboLab knows; {default} is used")
        return default


def arena_from_cfg(cfg: Path | None, name: str, needs: Needs, robot_file: str) -> Arena:
    """World and robot texts for a program called `name`, from its .cfg (or RobotLab's defaults)."""
    settings, notes = read_cfg(cfg)
    read = _Settings(settings, cfg.name if cfg else "settings", notes)
    world, image = _world(read, cfg, name, robot_file)
    return Arena(world, _robot(read, name, needs), image, notes)


def _fmt(value: float) -> str:
    return repr(round(float(value), 3))


def _world(read: _Settings, cfg: Path | None, name: str, robot_file: str) -> tuple[str, Path | None]:
    notes = read.notes
    mpp = read.number("arena", "mmPerPixel", 2.5)
    if mpp <= 0:
        notes.append(f"{read.file} [arena] mmPerPixel={mpp:g}: must be more than 0; 2.5 is used")
        mpp = 2.5
    floor = read.colour("arena", "floorColour", "#ffffff")
    wall = read.colour("arena", "wallColour", "#ff0000")
    background = read.text("arena", "background")
    image, pixels = None, ARENA_PIXELS
    if background:
        candidate = (cfg.parent if cfg else Path.cwd()) / Path(background.replace("\\", "/")).name
        try:
            with Image.open(candidate) as opened:
                pixels = opened.size
            image = candidate
        except (OSError, UnidentifiedImageError, ValueError):
            notes.append(f"{read.file} [arena] background={background}: the image cannot be found or read "
                         f"beside the settings; a blank {floor} arena is used")
    # Round the image, floorColour: RobotLab's robot could drive off the picture, so it gets room to.
    width = max(pixels[0], ARENA_PIXELS[0]) * mpp + 2 * MARGIN
    height = max(pixels[1], ARENA_PIXELS[1]) * mpp + 2 * MARGIN
    x = width / 2 + read.number("robot", "pos.x", 0.0)
    y = height / 2 + read.number("robot", "pos.y", 0.0)
    heading = math.degrees(read.number("robot", "theta", math.pi / 2))
    heading = (heading + 180.0) % 360.0 - 180.0
    margin = 70.0
    inside_x, inside_y = min(max(x, margin), width - margin), min(max(y, margin), height - margin)
    if (inside_x, inside_y) != (x, y):
        notes.append(f"{read.file} [robot] pos.x, pos.y: the robot starts outside the "
                     f"{width:g} x {height:g} mm arena, at ({x - width / 2:g}, {y - height / 2:g}) mm "
                     "from its centre; it starts at the arena's edge instead")
    lines = [
        f"# RoboLab world imported from RobotLab's {read.file}.",
        f"# RobotLab put the start {read.text('robot', 'pos.x', '0')}, {read.text('robot', 'pos.y', '0')} mm "
        "from the arena's centre, facing theta "
        f"{read.text('robot', 'theta', '1.5708')} rad; RoboLab measures from the bottom-left corner, in degrees.",
        f"name = {_quote(name)}",
        f"description = {_quote('RobotLab arena' + (' ' + image.name if image else '') + ' for ' + name)}",
        f"size = [{_fmt(width)}, {_fmt(height)}]",
        f'floor = "{floor}"',
    ]
    if image is not None:
        lines += [f"floor_image = {_quote(image.name)}"]
    lines += [f"mm_per_pixel = {_fmt(mpp)}", f'wall_colour = "{wall}"', f"robot = {_quote(robot_file)}", "",
              "[start]", f"x = {_fmt(inside_x)}", f"y = {_fmt(inside_y)}", f"heading = {_fmt(heading)}", ""]
    return "\n".join(lines), image


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _robot(read: _Settings, name: str, needs: Needs) -> str:
    notes = read.notes
    track = read.number("robot", "wheelTrack", 120.0)
    diameter = read.number("robot", "wheelDiam", 49.6)
    gear = read.number("robot", "gearRatio", 0.125)
    for key, value, default in (("wheelTrack", track, 120.0), ("wheelDiam", diameter, 49.6), ("gearRatio", gear, 0.125)):
        if value <= 0:
            notes.append(f"{read.file} [robot] {key}={value:g}: must be more than 0; {default:g} is used")
    track, diameter, gear = (v if v > 0 else d for v, d in ((track, 120.0), (diameter, 49.6), (gear, 0.125)))
    wheels = {}
    for side, default in (("left", 0), ("right", 2)):
        index = int(read.number("robot", side, default))
        if index not in range(len(PORTS)):
            notes.append(f"{read.file} [robot] {side}={index}: no such output; output {default + 1} is used")
            index = default
        wheels[side] = PORTS[index]
    if wheels["left"] == wheels["right"]:
        notes.append(f"{read.file} [robot]: one output drives both wheels; outputs A and C are used")
        wheels = {"left": "A", "right": "C"}

    motors, state = _motors(read, wheels, needs)
    top = {side: _top_speed(read, port) for side, port in wheels.items()}
    mean = (top["left"] + top["right"]) / 2 or 5.833
    # The EV3 model has no gearing: the wheel is sized so a motor turn rolls as far as RobotLab's did.
    rolling = diameter * gear * mean * LOADED_SPEED / EV3_LARGE_REV_PER_SEC
    lines = [
        f"# RoboLab robot model imported from RobotLab's {read.file}.",
        f"# RobotLab: wheels {diameter:g} mm across, {track:g} mm apart, turned through gear ratio {gear:g} by",
        f"# motors of {mean:g} rev/s, which ran at about {LOADED_SPEED:.0%} of that under load: the robot drove",
        f"# {diameter * math.pi * gear * mean * LOADED_SPEED:.1f} mm/s at full power. The simulated EV3 large "
        "motor turns its wheel",
        "# directly at 1050 deg/s, so wheel_diameter is the diameter that rolls as far per motor turn:",
        f"# {diameter:g} x {gear:g} x {mean * LOADED_SPEED:.3g} rev/s / {EV3_LARGE_REV_PER_SEC:.3g} rev/s.",
        "[robot]",
        f"name = {_quote('RobotLab robot for ' + name)}",
        f"wheel_diameter = {_fmt(rolling)}",
        f"axle_track = {_fmt(track)}",
        "mass = 0.6",
        f"chassis = {_chassis(read, track)}",
        "",
    ]
    for port in sorted(motors):
        spec = motors[port]
        lines += [f"[motors.{port}]"] + [f"{k} = {v}" for k, v in spec.items()] + [""]
    lines += _sensors(read, needs)
    if state:
        notes.append(f"{read.file}: the Controls window's output state is not imported ({'; '.join(state)}): "
                     "a RoboLab program starts with its outputs off, forwards, at power 7, as on the brick")
    return "\n".join(lines)


def _top_speed(read: _Settings, port: str) -> float:
    return read.number(f"robot.output.{PORTS.index(port) + 1}", "maxRevPerSec", 5.833)


def _motors(read: _Settings, wheels: dict, needs: Needs) -> tuple[dict, list]:
    notes, motors, state = read.notes, {}, []
    speeds = [_top_speed(read, port) for port in wheels.values()]
    mean = sum(speeds) / 2 or 5.833
    for index, port in enumerate(PORTS, start=1):
        section = f"robot.output.{index}"
        kind = read.text(section, "type", "unused").lower()
        wheel = next((side for side, p in wheels.items() if p == port), None)
        if wheel is None and kind == "unused" and port not in needs.outputs:
            continue
        if kind == "bulb":
            notes.append(f"{read.file} [{section}] type=bulb: the EV3 has no lamp outputs; "
                         f"output {port} is a motor turning freely" + (" (it drives a wheel)" if wheel else ""))
        elif kind not in ("motor", "unused"):
            notes.append(f"{read.file} [{section}] type={kind}: not a RobotLab output type RoboLab knows; a motor is used")
        elif kind == "unused" and wheel is None:
            notes.append(f"{read.file} [{section}]: unused in the settings, but the program uses output {port} "
                         f"({needs.outputs[port]}); it gets a motor turning freely")
        spec = {"kind": '"large"'}
        if wheel:
            spec["wheel"] = f'"{wheel}"'
            if kind == "unused":
                notes.append(f"{read.file} [{section}]: unused in the settings, but it drives the {wheel} wheel "
                             f"([robot] {wheel}); it gets a motor")
        bias = read.number(section, "bias", 100.0)
        noise = read.number(section, "noise", 0.0)
        factor = (bias / 100.0) * ((_top_speed(read, port) / mean) if wheel else 1.0)
        if abs(factor - 1.0) > 1e-9:
            spec["bias"] = _fmt(factor - 1.0)
        if noise:
            spec["noise"] = _fmt(abs(noise) / 100.0)
            notes.append(f"{read.file} [{section}] noise={noise:g}: imported as a random speed error of "
                         f"{abs(noise):g} % (standard deviation); RobotLab's exact noise model is not known")
        motors[port] = spec
        power, dirn, on = (read.text(section, key) for key in ("power", "dirn", "onOff"))
        if any((power, dirn, on)):
            state.append(f"output {index}: power {power or '?'}, dirn {dirn or '?'}, onOff {on or '?'}")
    return motors, state


def _chassis(read: _Settings, track: float) -> str:
    """A box round the wheels whose front is where the switch sensors are (so they touch first)."""
    switches = [read.number(f"robot.input.{n}", "pos.x", 50.0) for n in range(1, 5)
                if read.text(f"robot.input.{n}", "type").lower() == "switch"]
    front = max(switches) if switches else 60.0
    front = max(front, 20.0)
    half = track / 2 + 8
    back = -max(track / 2, 40.0)
    return f"[[{_fmt(back)}, {_fmt(-half)}], [{_fmt(front)}, {_fmt(-half)}], [{_fmt(front)}, {_fmt(half)}], " \
           f"[{_fmt(back)}, {_fmt(half)}]]"


SENSOR_KINDS = {"switch": "touch", "light": "color"}


def _sensors(read: _Settings, needs: Needs) -> list[str]:
    notes, lines = read.notes, []
    mpp = read.number("arena", "mmPerPixel", 2.5)
    for port in "1234":
        section = f"robot.input.{port}"
        kind = read.text(section, "type", "unused").lower()
        wanted = needs.sensors.get(port)
        if wanted and wanted[1] in SENSOR_KINDS and SENSOR_KINDS.get(kind) != SENSOR_KINDS[wanted[1]]:
            notes.append(f"{read.file} [{section}] type={kind}: the program uses input {port} as a "
                         f"{wanted[1]} sensor ({wanted[0]}), so the robot gets one there")
            kind = wanted[1]
        if kind not in SENSOR_KINDS:
            if kind != "unused":
                notes.append(f"{read.file} [{section}] type={kind}: RoboLab's simulator has no such RobotLab "
                             "sensor; the input is left empty")
            continue
        spec = {"kind": f'"{SENSOR_KINDS[kind]}"',
                "x": _fmt(read.number(section, "pos.x", 70.0 if kind == "light" else 50.0)),
                "y": _fmt(read.number(section, "pos.y", 0.0))}
        bias, noise = read.number(section, "bias", 0.0), read.number(section, "noise", 0.0)
        if kind == "light":
            pixels = read.number(section, "diameter", read.number(section, "radius", 1.0))
            spec["diameter"] = _fmt(max(pixels, 0.0) * mpp)
            if bias:
                spec["bias"] = _fmt(bias)
            if noise:
                spec["noise"] = _fmt(abs(noise))
                notes.append(f"{read.file} [{section}] noise={noise:g}: imported as a random error of "
                             f"{abs(noise):g} % (standard deviation); RobotLab's exact noise model is not known")
        else:
            spec["width"] = "16.0"
            if bias or noise:
                notes.append(f"{read.file} [{section}] bias={bias:g}, noise={noise:g}: a switch reads only "
                             "pressed or not in RoboLab, so its bias and noise are not imported")
        lines += [f"[sensors.{port}]"] + [f"{k} = {v}" for k, v in spec.items()] + [""]
    return lines
