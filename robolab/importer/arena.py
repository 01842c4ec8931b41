"""RobotLab simulator settings (.cfg) -> a RoboLab world file and robot model file (TOML text).

RobotLab measured the start pose from the arena's centre (mm, y up, theta in radians); RoboLab
measures from the bottom-left corner in degrees. Each setting either becomes a world or robot
key, or a note for the import report saying why it could not.
"""

import math
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from simulator.bounded import UnreadableFile, open_image
from simulator.robot import RobotError, load_robot

from robolab.importer.robot_model import Needs, robot_text
from robolab.importer.settings import Settings, comment, fmt, quote, read_cfg

ARENA_PIXELS = (230, 380)  # every course arena image is this size; an arena without one is too
MARGIN = 250.0  # mm of floor round the arena image


@dataclass
class Arena:
    """What a .cfg became: world and robot file texts, the image to copy beside them, notes."""

    world: str
    robot: str
    image: Path | None = None
    notes: list = field(default_factory=list)


def arena_from_cfg(cfg: Path | None, name: str, needs: Needs, robot_file: str) -> Arena:
    """World and robot texts for a program called `name`, from its .cfg (or RobotLab's defaults)."""
    settings, notes = read_cfg(cfg)
    read = Settings(settings, cfg.name if cfg else "settings", notes)
    world, image = _world(read, cfg, name, robot_file, needs)
    robot = robot_text(read, name, needs)
    problems = _robot_problems(robot)
    if problems:   # figures each in range that together make no robot (a wheel a kilometre across)
        notes.append(f"{read.file} [robot]: these settings make no robot RoboLab can simulate "
                     f"({'; '.join(problems[:3])}); RobotLab's standard robot is used")
        robot = robot_text(Settings(read_cfg(None)[0], read.file, []), name, needs)
    return Arena(world, robot, image, notes)


def _robot_problems(text: str) -> list[str]:
    """What the simulator's own robot check says of a robot file text ("line N: ..."), if anything."""
    with tempfile.TemporaryDirectory(prefix="robolab-import-") as folder:
        path = Path(folder) / "robot.toml"
        path.write_text(text, encoding="utf-8")
        try:
            load_robot(path)
        except RobotError as error:
            return [p.replace(f"{path}:", "line ", 1) for p in error.problems]
    return []


def _file_name(path: str) -> str:
    """The file name of a path written on Windows or elsewhere."""
    return Path(path.replace("\\", "/")).name


def _world(read: Settings, cfg: Path | None, name: str, robot_file: str, needs: Needs) -> tuple[str, Path | None]:
    notes = read.notes
    mpp = read.number("arena", "mmPerPixel", 2.5)
    if mpp <= 0:
        notes.append(f"{read.file} [arena] mmPerPixel={mpp:g}: must be more than 0; 2.5 is used")
        mpp = 2.5
    floor = read.colour("arena", "floorColour", "#ffffff")
    wall = read.colour("arena", "wallColour", "#ff0000")
    background = read.text("arena", "background")
    folder = cfg.parent if cfg else Path.cwd()
    if needs.background and _file_name(needs.background).lower() != _file_name(background).lower():
        if (folder / _file_name(needs.background)).is_file():
            notes.append(f"{read.file} [arena] background={background}: the program's background line names "
                         f"\"{needs.background}\", which RobotLab showed when it ran; the world uses that")
            background = needs.background
        else:
            notes.append(f"the program's background \"{needs.background}\" is not beside it; the world uses "
                         f"the settings' arena ({background or 'blank'})")
    image, pixels = None, ARENA_PIXELS
    if background:
        candidate = folder / _file_name(background)
        try:
            pixels = open_image(candidate).size
            image = candidate
        except UnreadableFile as error:
            notes.append(f"{read.file} [arena] background={background}: the image cannot be found or read "
                         f"beside the settings ({error}); a blank {floor} arena is used")
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
        f"# RobotLab put the start {comment(read.text('robot', 'pos.x', '0'))}, "
        f"{comment(read.text('robot', 'pos.y', '0'))} mm "
        "from the arena's centre, facing theta "
        f"{comment(read.text('robot', 'theta', '1.5708'))} rad; RoboLab measures from the bottom-left corner, in degrees.",
        f"name = {quote(name)}",
        f"description = {quote('RobotLab arena' + (' ' + image.name if image else '') + ' for ' + name)}",
        f"size = [{fmt(width)}, {fmt(height)}]",
        f'floor = "{floor}"',
    ]
    if image is not None:
        lines += [f"floor_image = {quote(image.name)}"]
    lines += [f"mm_per_pixel = {fmt(mpp)}", f'wall_colour = "{wall}"', f"robot = {quote(robot_file)}", "",
              "[start]", f"x = {fmt(inside_x)}", f"y = {fmt(inside_y)}", f"heading = {fmt(heading)}", ""]
    return "\n".join(lines), image
