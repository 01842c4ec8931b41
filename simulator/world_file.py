"""Reading a world file: TOML -> checked plain data, with `file:line: message` problems.

The format is described in world.py. This module only parses and checks; world.py renders.
tomllib keeps no line numbers, so `key_lines` scans the text for the line each key is on.
"""

from __future__ import annotations

import difflib
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from simulator.bounded import MAX_PIXELS, UnreadableFile, open_image, read_text, parse_toml


class WorldError(Exception):
    """A world file that cannot be used; `.problems` lists each as `file:line: message`."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


# ----------------------------------------------------------------------------- key lines

_HEADER = re.compile(r"\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"\s*((?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'))*)\s*=(.*)$")
_NAME = re.compile(r"\"([^\"]*)\"|'([^']*)'|([A-Za-z0-9_-]+)")


def _names(dotted: str) -> tuple:
    return tuple(a or b or c for a, b, c in _NAME.findall(dotted))


def _depth_change(value: str) -> int:
    """Open minus closed brackets in a value, ignoring strings and a trailing comment."""
    value = re.sub(r"\"(?:\\.|[^\"\\])*\"|'[^']*'", "", value).split("#")[0]
    return value.count("[") + value.count("{") - value.count("]") - value.count("}")


def key_lines(text: str) -> dict[tuple, int]:
    """Each table and key path -> its 1-based line; arrays of tables are indexed: ("line", 2, "width")."""
    found: dict[tuple, int] = {}
    counts: dict[tuple, int] = {}
    table: tuple = ()
    depth = 0
    open_string = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if open_string:
            if open_string in line:
                open_string = ""
            continue
        if depth > 0:  # inside a value spread over several lines
            depth = max(0, depth + _depth_change(line))
            continue
        header = _HEADER.match(line)
        if header and not _KEY.match(line):
            names = _names(header.group(2))
            path: tuple = ()
            for i, name in enumerate(names):
                path += (name,)
                if i == len(names) - 1 and header.group(1) == "[[":
                    counts[path] = counts.get(path, -1) + 1
                    path += (counts[path],)
                elif path in counts:
                    path += (counts[path],)
            table = path
            found.setdefault(path, number)
            continue
        key = _KEY.match(line)
        if not key:
            continue
        found.setdefault(table + _names(key.group(1)), number)
        value = key.group(2)
        for quote in ('"""', "'''"):
            if value.count(quote) == 1:
                open_string = quote
        if not open_string:
            depth = max(0, _depth_change(value))
    return found


def line_of(lines: dict[tuple, int], path: tuple) -> int:
    """The line of `path`, or of the nearest enclosing key or table; 1 if none."""
    path = tuple(path)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return 1


# ----------------------------------------------------------------------------- checked data

DEFAULT_MM_PER_PIXEL = 2.0

@dataclass
class Shape:
    """A shape as written: kind "polygon" (points), "rectangle" (x0, y0, x1, y1, corner radius)
    or "circle" (cx, cy, r)."""
    kind: str
    points: list = field(default_factory=list)
    rect: tuple = ()
    radius: float = 0.0
    centre: tuple = ()

    def polygon(self, segments: int = 48) -> list[tuple[float, float]]:
        if self.kind == "polygon":
            return [tuple(p) for p in self.points]
        if self.kind == "circle":
            cx, cy = self.centre
            return [(cx + self.radius * math.cos(2 * math.pi * i / segments),
                     cy + self.radius * math.sin(2 * math.pi * i / segments)) for i in range(segments)]
        x0, y0, x1, y1 = self.rect
        r = min(self.radius, (x1 - x0) / 2, (y1 - y0) / 2)
        if r <= 0:
            return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
        quarter = max(2, segments // 4)
        points = []
        for (cx, cy), start in (((x1 - r, y0 + r), -90), ((x1 - r, y1 - r), 0), ((x0 + r, y1 - r), 90),
                                ((x0 + r, y0 + r), 180)):
            for i in range(quarter + 1):
                a = math.radians(start + 90 * i / quarter)
                points.append((cx + r * math.cos(a), cy + r * math.sin(a)))
        return points


@dataclass
class Paint:
    kind: str            # "line" or "area"
    shape: Shape
    colour: tuple
    width: float = 0.0   # lines only, mm
    closed: bool = False
    order: int = 0       # line in the file: paint is drawn in file order


@dataclass
class Solid:
    shape: Shape
    mass: float | None = None
    colour: tuple = (128, 128, 128)
    name: str = ""


@dataclass
class WorldSpec:
    path: Path
    name: str
    description: str = ""
    size: tuple | None = None
    floor: tuple = (255, 255, 255)
    floor_image: Path | None = None
    floor_source: object = None      # the floor image, read and decoded (a Pillow RGB image)
    mm_per_pixel: float | None = None
    wall_colour: tuple | None = None
    border: bool = False
    border_thickness: float = 50.0
    start: tuple | None = None       # (x, y, heading degrees)
    robot: Path | None = None        # the robot model file this world is made for (None: the default)
    paint: list = field(default_factory=list)
    walls: list = field(default_factory=list)
    obstacles: list = field(default_factory=list)
    zones: list = field(default_factory=list)   # (name, Shape)
    beacons: list = field(default_factory=list)  # (channel, x, y): IR beacons (infrared.py)
    lines: dict = field(default_factory=dict)   # key path -> line in the file

    def at(self, where: tuple, message: str) -> str:
        """A problem about the key at `where`, as `file:line: message`."""
        return f"{self.path}:{line_of(self.lines, where)}: {message}"


TOP_KEYS = {"name", "description", "size", "floor", "floor_image", "mm_per_pixel", "wall_colour",
            "border", "border_thickness", "start", "line", "area", "wall", "obstacle", "zone", "robot",
            "beacon"}
SHAPE_KEYS = {"points", "polygon", "rectangle", "corner_radius", "centre", "radius"}
TABLE_KEYS = {
    "start": {"x", "y", "heading"},
    "line": SHAPE_KEYS | {"width", "colour", "closed"},
    "area": SHAPE_KEYS | {"colour"},
    "wall": SHAPE_KEYS | {"colour"},
    "obstacle": SHAPE_KEYS | {"colour", "mass", "name"},
    "zone": SHAPE_KEYS | {"name"},
    "beacon": {"x", "y", "channel"},
}
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}$")
MAX_MM = 1_000_000.0        # 1 km: any length or position in a world
MAX_MM_PER_PIXEL = 1000.0
MIN_MM_PER_PIXEL = 0.01
MAX_SHAPES = 2000           # lines, areas, walls, obstacles and zones in one world
MAX_POINTS = 10_000         # points in one polygon or line
MAX_HEADING = 36_000.0      # degrees either way: a hundred turns
MAX_MASS = 1000.0           # kg


MIN_MASS = 0.001           # kg: a gram; lighter is numerically nothing to the physics


def _solid_enough(points) -> bool:
    """Convex, wound one way, with at least 1 mm² of area: a body the physics can give a moment."""
    area = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1])) / 2
    turning = 0.0
    for i in range(len(points)):
        (x0, y0), (x1, y1), (x2, y2) = points[i - 2], points[i - 1], points[i]
        ax, ay, bx, by = x1 - x0, y1 - y0, x2 - x1, y2 - y1
        cross = ax * by - ay * bx
        if cross * area < 0:
            return False
        turning += math.atan2(cross, ax * bx + ay * by)
    return abs(area) >= 1.0 and abs(abs(turning) - 2 * math.pi) < 1e-6


def _sane(value, limit: float) -> bool:
    """Finite and within +-limit (huge TOML integers are compared, never turned into floats)."""
    if isinstance(value, float) and not math.isfinite(value):
        return False
    return -limit <= value <= limit


def _too_big(value, limit: float) -> str:
    shown = f"{value!r}" if isinstance(value, float) or abs(value) < 10 ** 30 else \
        f"a number of about {int(abs(value).bit_length() * 0.30103) + 1} digits"
    return f"must be a finite number between {-limit:g} and {limit:g}, got {shown}"


def _short(value, most: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= most else text[:most] + "…"


class _Checker:
    def __init__(self, path: Path, text: str):
        self.path = path
        self.lines = key_lines(text)
        self.problems: list[str] = []

    def problem(self, where: tuple, message: str) -> None:
        self.problems.append(f"{self.path}:{line_of(self.lines, where)}: {message}")

    @staticmethod
    def label(where: tuple) -> str:
        if len(where) >= 2 and isinstance(where[1], int):
            head = f"{where[0]} {where[1] + 1}"
            return head + (f" {'.'.join(map(str, where[2:]))}" if len(where) > 2 else "")
        return ".".join(map(str, where))

    def keys(self, table: dict, allowed: set, where: tuple) -> None:
        for key in table:
            if key not in allowed:
                guess = difflib.get_close_matches(key, sorted(allowed), n=1)
                hint = f" (did you mean '{guess[0]}'?)" if guess else ""
                inside = f" in [{self.label(where)}]" if where else ""
                self.problem(where + (key,), f"unknown key '{key}'{inside}{hint}")

    def number(self, value, where: tuple, positive: bool = False, limit: float = MAX_MM):
        """A finite number of at most `limit` either way (more than 0 if `positive`), or None."""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.problem(where, f"{self.label(where)}: expected a number, got {_short(value)}")
            return None
        if not _sane(value, limit):
            self.problem(where, f"{self.label(where)}: {_too_big(value, limit)}")
            return None
        if positive and value <= 0:
            self.problem(where, f"{self.label(where)}: must be more than 0, got {_short(value)}")
            return None
        return float(value)

    def string(self, value, where: tuple):
        if not isinstance(value, str):
            self.problem(where, f"{self.label(where)}: expected a string, got {_short(value)}")
            return None
        return value

    def colour(self, value, where: tuple):
        if not isinstance(value, str) or not _COLOUR.match(value):
            self.problem(where, f"{self.label(where)}: colour must be #rrggbb, got {_short(value)}")
            return None
        return tuple(int(value[i:i + 2], 16) for i in (1, 3, 5))

    def numbers(self, value, count: int, where: tuple, what: str):
        if (not isinstance(value, list) or len(value) != count
                or any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in value)):
            self.problem(where, f"{self.label(where)}: expected {what}, got {_short(value)}")
            return None
        wild = next((v for v in value if not _sane(v, MAX_MM)), None)
        if wild is not None:
            self.problem(where, f"{self.label(where)}: {_too_big(wild, MAX_MM)}")
            return None
        return tuple(float(v) for v in value)

    def shape(self, table: dict, where: tuple, points_key: str):
        """One of points/polygon, rectangle (+ corner_radius), centre + radius."""
        given = [k for k in ("points", "polygon", "rectangle", "centre") if k in table]
        if len(given) != 1:
            what = "points" if points_key == "points" else "polygon"
            self.problem(where, f"[{self.label(where)}] needs exactly one of {what}, rectangle, "
                                f"centre + radius; got {', '.join(given) or 'none'}")
            return None
        key = given[0]
        if key in ("points", "polygon"):
            if key != points_key:
                self.problem(where + (key,), f"{self.label(where + (key,))}: use '{points_key}' here")
                return None
            points = table[key]
            if not isinstance(points, list) or not all(
                    isinstance(p, list) and len(p) == 2
                    and all(not isinstance(v, bool) and isinstance(v, (int, float)) for v in p) for p in points):
                self.problem(where + (key,), f"{self.label(where + (key,))}: expected a list of [x, y] "
                                             f"points in mm, got {_short(points)}")
                return None
            wild = next((v for p in points for v in p if not _sane(v, MAX_MM)), None)
            if wild is not None:
                self.problem(where + (key,), f"{self.label(where + (key,))}: {_too_big(wild, MAX_MM)}")
                return None
            least = 2 if key == "points" else 3
            if len(points) < least:
                self.problem(where + (key,), f"{self.label(where + (key,))}: needs at least {least} points, "
                                             f"got {len(points)}")
                return None
            if len(points) > MAX_POINTS:
                self.problem(where + (key,), f"{self.label(where + (key,))}: at most {MAX_POINTS:,} points, "
                                             f"got {len(points):,}")
                return None
            return Shape("polygon", points=[(float(x), float(y)) for x, y in points])
        if key == "rectangle":
            rect = self.numbers(table[key], 4, where + (key,), "[x0, y0, x1, y1] in mm")
            if rect is None:
                return None
            x0, y0, x1, y1 = rect
            if x0 >= x1 or y0 >= y1:
                self.problem(where + (key,), f"{self.label(where + (key,))}: x0 < x1 and y0 < y1 needed, "
                                             f"got {_short(table[key])}")
                return None
            radius = 0.0
            if "corner_radius" in table:
                radius = self.number(table["corner_radius"], where + ("corner_radius",))
                if radius is None:
                    return None
            return Shape("rectangle", rect=rect, radius=radius)
        centre = self.numbers(table["centre"], 2, where + ("centre",), "[x, y] in mm")
        if "radius" not in table:
            self.problem(where + ("centre",), f"[{self.label(where)}] has a centre but no radius")
            return None
        radius = self.number(table["radius"], where + ("radius",), positive=True)
        if centre is None or radius is None:
            return None
        return Shape("circle", centre=centre, radius=radius)


def floor_extent(spec: WorldSpec) -> tuple[float, float, float] | None:
    """The world's (width, height) in mm and mm per pixel, as World renders it; None when a
    floor image is named but could not be read (its size is unknown)."""
    source = spec.floor_source
    mpp = spec.mm_per_pixel
    if source is not None:
        if mpp is None:
            mpp = spec.size[0] / source.width if spec.size else None
            if mpp is None:
                return None
        size = spec.size or (source.width * mpp, source.height * mpp)
    elif spec.floor_image is None:
        mpp = mpp or DEFAULT_MM_PER_PIXEL
        size = spec.size or (1.0, 1.0)
    else:
        return None
    return float(size[0]), float(size[1]), mpp


def _check_extent(spec: WorldSpec, check: _Checker, data: dict) -> None:
    """The floor raster within the pixel cap, and the start inside the world (with the other problems)."""
    if spec.floor_source is not None and spec.mm_per_pixel is None and spec.size is None:
        check.problem(("floor_image",), "floor_image needs mm_per_pixel (or size)")
        return
    extent = floor_extent(spec)
    if extent is None or ("size" in data and spec.size is None):
        return
    width, height, mpp = extent
    pixels = (width / mpp + 1) * (height / mpp + 1)   # floats: a tiny mm_per_pixel makes no huge int
    if not math.isfinite(pixels) or pixels > MAX_PIXELS:
        where = ("mm_per_pixel",) if "mm_per_pixel" in data else ("size",)
        check.problem(where, f"the floor would be {width / mpp:,.0f} x {height / mpp:,.0f} pixels at "
                             f"{mpp:g} mm per pixel (at most {MAX_PIXELS:,} in all): make mm_per_pixel "
                             "larger or the world smaller")
    if spec.start is not None:
        x, y, _ = spec.start
        if not (0 <= x <= width and 0 <= y <= height):
            check.problem(("start",), f"start ({x:g}, {y:g}) is outside the world (0..{width:g}, 0..{height:g})")


def read_world_file(path: Path) -> WorldSpec:
    """Parse and check a world file (and its floor image); raise WorldError listing every problem found."""
    path = Path(path)
    try:
        text = read_text(path)
    except UnreadableFile as error:
        raise WorldError([f"{path}:{error.line}: cannot read the world file: {error}"]) from None
    try:
        data = parse_toml(text)
    except UnreadableFile as error:
        raise WorldError([f"{path}:{error.line}: {error}"]) from None

    check = _Checker(path, text)
    spec = WorldSpec(path=path, name=path.stem, lines=check.lines)
    check.keys(data, TOP_KEYS, ())
    if "name" in data:
        spec.name = check.string(data["name"], ("name",)) or spec.name
    if "description" in data:
        spec.description = check.string(data["description"], ("description",)) or ""
    if "size" in data:
        spec.size = check.numbers(data["size"], 2, ("size",), "[width, height] in mm")
        if spec.size and min(spec.size) < 1:
            check.problem(("size",), f"size: width and height must be at least 1 mm, got {_short(data['size'])}")
            spec.size = None
    if "floor" in data:
        spec.floor = check.colour(data["floor"], ("floor",)) or spec.floor
    if "mm_per_pixel" in data:
        spec.mm_per_pixel = check.number(data["mm_per_pixel"], ("mm_per_pixel",), positive=True,
                                         limit=MAX_MM_PER_PIXEL)
        if spec.mm_per_pixel is not None and spec.mm_per_pixel < MIN_MM_PER_PIXEL:
            check.problem(("mm_per_pixel",), f"mm_per_pixel: must be at least {MIN_MM_PER_PIXEL:g}, "
                                             f"got {_short(data['mm_per_pixel'])}")
            spec.mm_per_pixel = None
    if "floor_image" in data:
        name = check.string(data["floor_image"], ("floor_image",))
        if name is not None:
            image = path.parent / name
            if not os.path.lexists(image):
                check.problem(("floor_image",), f"floor_image: '{_short(name)[1:-1]}' not found (looked in {path.parent})")
            else:
                try:
                    spec.floor_source = open_image(image)
                    spec.floor_image = image
                except UnreadableFile as error:
                    check.problem(("floor_image",), f"floor_image: '{_short(name)[1:-1]}' cannot be read: {error}")
    elif "size" not in data:
        check.problem((), "missing size: give size = [width, height] in mm (or a floor_image)")
    if "robot" in data:  # e.g. an imported RobotLab arena and the robot its .cfg described
        name = check.string(data["robot"], ("robot",))
        if name is not None:
            robot = path.parent / name
            if os.path.lexists(robot):
                spec.robot = robot   # read (bounded, checked) with the robot model
            else:
                check.problem(("robot",), f"robot: '{_short(name)[1:-1]}' not found (looked in {path.parent})")
    if "wall_colour" in data:
        spec.wall_colour = check.colour(data["wall_colour"], ("wall_colour",))
    if "border" in data:
        if not isinstance(data["border"], bool):
            check.problem(("border",), f"border: expected true or false, got {_short(data['border'])}")
        else:
            spec.border = data["border"]
    if "border_thickness" in data:
        spec.border_thickness = check.number(data["border_thickness"], ("border_thickness",), positive=True) or 50.0

    if "start" in data:
        start = data["start"]
        if not isinstance(start, dict):
            check.problem(("start",), f"start: expected a table with x, y, heading, got {_short(start)}")
        else:
            check.keys(start, TABLE_KEYS["start"], ("start",))
            missing = [k for k in ("x", "y") if k not in start]
            if missing:
                check.problem(("start",), f"start: missing {' and '.join(missing)}")
            else:
                x = check.number(start["x"], ("start", "x"))
                y = check.number(start["y"], ("start", "y"))
                heading = check.number(start.get("heading", 0), ("start", "heading"), limit=MAX_HEADING)
                if None not in (x, y, heading):
                    spec.start = (x, y, heading)

    shapes = sum(len(data[kind]) for kind in ("line", "area", "wall", "obstacle", "zone")
                 if isinstance(data.get(kind), list))
    if shapes > MAX_SHAPES:   # each is a body or a drawing to the physics and the view: keep it quick
        first = next(k for k in ("line", "area", "wall", "obstacle", "zone") if k in data)
        check.problem((first, 0), f"{shapes:,} lines, areas, walls, obstacles and zones: at most {MAX_SHAPES:,} "
                                   "in a world")
        raise WorldError(check.problems)
    for kind in ("line", "area", "wall", "obstacle", "zone"):
        if kind not in data:
            continue
        items = data[kind]
        if not isinstance(items, list) or not all(isinstance(t, dict) for t in items):
            check.problem((kind,), f"{kind}: expected [[{kind}]] tables, got {_short(items)}")
            continue
        for index, table in enumerate(items):
            where = (kind, index)
            check.keys(table, TABLE_KEYS[kind], where)
            shape = check.shape(table, where, "points" if kind == "line" else "polygon")
            colour = None
            if "colour" in table:
                colour = check.colour(table["colour"], where + ("colour",))
            if kind in ("line", "area"):
                if "colour" not in table:
                    check.problem(where, f"[{check.label(where)}] needs a colour")
                width = 0.0
                if kind == "line":
                    if "width" not in table:
                        check.problem(where, f"[{check.label(where)}] needs a width (mm)")
                    else:
                        width = check.number(table["width"], where + ("width",), positive=True)
                    closed = table.get("closed", False)
                    if not isinstance(closed, bool):
                        check.problem(where + ("closed",), f"{check.label(where + ('closed',))}: "
                                                           f"expected true or false, got {_short(closed)}")
                    if shape is not None and shape.kind == "polygon" and len(shape.points) < 2:
                        shape = None
                if shape is not None and colour is not None and width is not None:
                    spec.paint.append(Paint(kind, shape, colour, width, table.get("closed") is True,
                                            order=line_of(check.lines, where)))
            elif kind == "wall":
                if shape is not None:
                    spec.walls.append(Solid(shape, None, colour or (90, 90, 90)))
            elif kind == "obstacle":
                mass = None
                if "mass" in table:
                    mass = check.number(table["mass"], where + ("mass",), limit=MAX_MASS)
                    if mass is not None and mass < MIN_MASS:
                        check.problem(where + ("mass",), f"{check.label(where + ('mass',))}: "
                                                         f"must be at least {MIN_MASS:g} kg, got {_short(table['mass'])}")
                        mass = None
                name = ""
                if "name" in table:
                    name = check.string(table["name"], where + ("name",)) or ""
                if shape is not None and mass is not None and not _solid_enough(shape.polygon()):
                    check.problem(where, f"[{check.label(where)}] has a mass, so it must be a convex shape of "
                                         "at least 1 mm² (the physics cannot push anything else)")
                    shape = None
                if shape is not None:
                    spec.obstacles.append(Solid(shape, mass, colour or (160, 110, 60), name))
            else:
                if "name" not in table:
                    check.problem(where, f"[{check.label(where)}] needs a name")
                    continue
                name = check.string(table["name"], where + ("name",))
                if shape is not None and name is not None:
                    spec.zones.append((name, shape))
    _read_beacons(data, check, spec)
    spec.paint.sort(key=lambda p: p.order)
    _check_extent(spec, check, data)
    if check.problems:
        raise WorldError(check.problems)
    return spec


def _read_beacons(data: dict, check: "_Checker", spec: WorldSpec) -> None:
    """[[beacon]] tables: an IR remote in beacon mode at x, y on channel 1..4 (default 1)."""
    items = data.get("beacon", [])
    if not isinstance(items, list) or not all(isinstance(t, dict) for t in items):
        check.problem(("beacon",), f"beacon: expected [[beacon]] tables, got {items!r}")
        return
    for index, table in enumerate(items):
        where = ("beacon", index)
        check.keys(table, TABLE_KEYS["beacon"], where)
        if "x" not in table or "y" not in table:
            check.problem(where, f"[{check.label(where)}] needs x and y (mm)")
            continue
        x, y = check.number(table["x"], where + ("x",)), check.number(table["y"], where + ("y",))
        channel = table.get("channel", 1)
        if channel not in (1, 2, 3, 4) or isinstance(channel, bool):
            check.problem(where + ("channel",), f"{check.label(where + ('channel',))}: must be 1, 2, 3 or 4, "
                                                f"got {channel!r}")
            continue
        if x is not None and y is not None:
            spec.beacons.append((channel, x, y))
