"""Worlds: where the simulated robot drives. A world file (TOML, written by hand) -> World.

Units: millimetres and degrees. Origin at the bottom-left corner, x right, y up; heading 0 points
along +x, 90 along +y. Colours are "#rrggbb". Paths are relative to the world file.

    name = "line_track"                 # optional; default: the file's name
    description = "A black oval loop"   # shown to students
    size = [2000, 1500]                 # width, height (mm); required unless floor_image gives it
    floor = "#ffffff"                   # floor colour (default white)
    floor_image = "arena.png"           # optional PNG/BMP floor; fills the world when size is absent
    mm_per_pixel = 2.5                  # the image's scale; without an image: the raster's (default 2)
    wall_colour = "#ff0000"             # floor pixels of exactly this colour are walls (RobotLab)
    border = true                       # walls just outside the four edges
    border_thickness = 50               # mm (default 50)

    [start]                             # default: the centre, heading 0
    x = 1000
    y = 350
    heading = 0

    [[line]]                            # a painted line: points (polyline), rectangle or circle
    points = [[100, 100], [500, 100], [500, 400]]
    closed = false                      # true joins the last point to the first
    width = 20                          # mm
    colour = "#000000"

    [[area]]                            # a painted area: polygon, rectangle or circle
    rectangle = [0, 0, 250, 1500]       # [x0, y0, x1, y1]; corner_radius = 100 rounds it
    colour = "#808080"
    # circle:  centre = [750, 750]  radius = 700        polygon = [[x, y], [x, y], [x, y], ...]

    [[wall]]                            # a static wall: polygon, rectangle or circle
    rectangle = [500, 0, 520, 1000]

    [[obstacle]]                        # static, or movable when it has a mass (kg)
    rectangle = [900, 700, 1000, 800]
    mass = 0.3
    name = "box"                        # optional; colour = "#rrggbb" optional too

    [[zone]]                            # a named region (polygon, rectangle or circle)
    name = "goal"
    rectangle = [1500, 1000, 2000, 1500]

Lines and areas are painted over the floor (and floor image) in the order they are written, then
the floor is kept as an RGB raster (bytes; `image` gives it as a Pillow image), so `floor_rgb` and
`floor_sample` are cheap; a floor drawn before is read back from floors.py's folder. Outside the
world the floor is black. Problems are reported as WorldError(problems), each `file:line: message`.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from simulator import floors
from simulator.world_file import DEFAULT_MM_PER_PIXEL, Shape, WorldError, WorldSpec, floor_extent, read_world_file

if TYPE_CHECKING:
    from PIL import Image

__all__ = ["Obstacle", "Pose", "World", "WorldError", "Zone", "load_world", "shipped_world", "shipped_worlds"]

WORLDS_DIR = Path(__file__).parent / "worlds"


class Pose(NamedTuple):
    x: float
    y: float
    heading: float  # degrees, counter-clockwise from +x


class Obstacle(NamedTuple):
    polygon: list
    mass: float | None  # None: static; else movable, kg
    colour: tuple = (160, 110, 60)
    name: str = ""


class Zone(NamedTuple):
    name: str
    polygon: list


def _inside(polygon, x: float, y: float) -> bool:
    inside = False
    n = len(polygon)
    for i in range(n):
        x0, y0 = polygon[i]
        x1, y1 = polygon[(i + 1) % n]
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


class World:
    """A loaded world: the floor raster, walls, obstacles, zones and start pose."""

    def __init__(self, spec: WorldSpec):
        self.path = spec.path
        self.name = spec.name
        self.description = spec.description
        extent = floor_extent(spec)   # read_world_file checked it: the image read, the raster bounded
        if extent is None:
            raise WorldError([spec.at(("floor_image",), "floor_image could not be read")])
        self.width, self.height, self.mm_per_pixel = extent
        mpp = self.mm_per_pixel
        source = spec.floor_source
        self.start = Pose(*spec.start) if spec.start is not None else Pose(self.width / 2, self.height / 2, 0.0)

        kept = floors.name_of(spec, extent)   # drawn before: no drawing, no Pillow (floors.py)
        drawn = floors.load(kept)
        if drawn is None:
            self._image = self._render(spec, source)
            self._w, self._h = self._image.size
            self._pixels = self._image.tobytes()
        else:
            self._image = None
            self._w, self._h, self._pixels, self.wall_rects = drawn
        self._scale = 1.0 / mpp
        self._kernels: dict[float, tuple] = {}  # diameter -> (points, total weight)
        self._footprints: dict[float, _Footprints] = {}

        self.walls: list[list[tuple[float, float]]] = [s.shape.polygon() for s in spec.walls]
        if spec.border:
            t, w, h = spec.border_thickness, self.width, self.height
            for x0, y0, x1, y1 in ((-t, -t, 0, h + t), (w, -t, w + t, h + t), (0, -t, w, 0), (0, h, w, h + t)):
                self.walls.append([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
        self.obstacles = [Obstacle(s.shape.polygon(), s.mass, s.colour, s.name) for s in spec.obstacles]
        self.zones = [Zone(name, shape.polygon()) for name, shape in spec.zones]
        self.beacons = list(spec.beacons)  # (channel, x, y): IR beacons shining from the start
        self.wall_colour = spec.wall_colour
        self.robot = spec.robot  # the robot model file the world names, or None for the default robot
        if drawn is None:
            self.wall_rects = self._wall_rects(spec.wall_colour) if spec.wall_colour else []
            floors.store(kept, self._w, self._h, self._pixels, self.wall_rects)

    @property
    def image(self) -> Image.Image:
        """The floor as a Pillow RGB image (made from the raster when the floor was kept)."""
        if self._image is None:
            from PIL import Image

            self._image = Image.frombytes("RGB", (self._w, self._h), self._pixels)
        return self._image

    # ------------------------------------------------------------------ rendering

    def _render(self, spec: WorldSpec, source) -> Image.Image:
        from PIL import Image, ImageDraw

        mpp = self.mm_per_pixel
        w = max(1, math.ceil(self.width / mpp - 1e-9))
        h = max(1, math.ceil(self.height / mpp - 1e-9))
        if source is not None and source.size == (w, h):
            image = source.copy()
        else:
            image = Image.new("RGB", (w, h), spec.floor)
            if source is not None:  # centred, at its own scale
                image.paste(source, ((w - source.width) // 2, (h - source.height) // 2))
        draw = ImageDraw.Draw(image)

        def px(point):
            return (point[0] / mpp, h - point[1] / mpp)

        for paint in spec.paint:
            shape: Shape = paint.shape
            if paint.kind == "area":
                if shape.kind == "circle":
                    cx, cy = px(shape.centre)
                    r = shape.radius / mpp
                    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=paint.colour)
                else:
                    draw.polygon([px(p) for p in shape.polygon()], fill=paint.colour)
                continue
            width = max(1, round(paint.width / mpp))
            if shape.kind == "circle":
                cx, cy = px(shape.centre)
                r = (shape.radius + paint.width / 2) / mpp
                draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=paint.colour, width=width)
                continue
            points = [px(p) for p in shape.polygon(segments=96)]
            closed = paint.closed or shape.kind == "rectangle"
            if closed:
                points = points + points[:2]
            draw.line(points, fill=paint.colour, width=width, joint="curve")
            if not closed:  # round ends
                r = paint.width / 2 / mpp
                for cx, cy in (points[0], points[-1]):
                    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=paint.colour)
        return image

    def _wall_rects(self, colour) -> list[tuple[float, float, float, float]]:
        """Pixels of `colour` as rectangles (mm): runs per row, identical runs merged down the rows."""
        from PIL import ImageChops

        bands = [band.point(lambda v, t=t: 255 if v == t else 0) for band, t in zip(self._image.split(), colour)]
        mask = ImageChops.darker(ImageChops.darker(bands[0], bands[1]), bands[2]).tobytes()
        w, h, mpp = self._w, self._h, self.mm_per_pixel
        pixels: list[tuple[int, int, int, int]] = []  # (c0, r0, c1, r1) in pixels, end exclusive
        open_runs: dict[tuple[int, int], int] = {}    # (c0, c1) -> first row
        run = re.compile(rb"\xff+")
        for row in range(h + 1):
            runs = set()
            if row < h:
                runs = {m.span() for m in run.finditer(mask, row * w, (row + 1) * w)}
                runs = {(a - row * w, b - row * w) for a, b in runs}
            for span in [s for s in open_runs if s not in runs]:
                pixels.append((span[0], open_runs.pop(span), span[1], row))
            for span in runs:
                open_runs.setdefault(span, row)
        rects = [(c0 * mpp, (h - r1) * mpp, c1 * mpp, (h - r0) * mpp) for c0, r0, c1, r1 in pixels]
        return sorted((x0, y0, min(x1, self.width), min(y1, self.height)) for x0, y0, x1, y1 in rects)

    # ------------------------------------------------------------------ reading the floor

    def floor_rgb(self, x: float, y: float) -> tuple[int, int, int]:
        """The floor colour at (x, y) mm; black outside the world."""
        if x < 0 or y < 0 or x >= self.width or y >= self.height:
            return (0, 0, 0)
        c = int(x * self._scale)
        r = self._h - 1 - int(y * self._scale)
        if c >= self._w or r < 0:
            return (0, 0, 0)
        i = (r * self._w + c) * 3
        p = self._pixels
        return (p[i], p[i + 1], p[i + 2])

    def _sample_kernel(self, diameter: float) -> tuple:
        """(dc, dr, weight) in pixels, and the total weight: the centre (3), six points at 0.45 r
        (2 each) and six at 0.9 r (1 each), as RobotLab's centre-weighted light sensor."""
        kernel = self._kernels.get(diameter)
        if kernel is None:
            r, s = diameter / 2, self._scale
            points = [(0, 0, 3)]
            for ring, weight, turn in ((0.45, 2, 0.0), (0.9, 1, 30.0)):
                for k in range(6):
                    a = math.radians(turn + 60 * k)
                    points.append((round(ring * r * math.cos(a) * s), -round(ring * r * math.sin(a) * s), weight))
            kernel = self._kernels[diameter] = (tuple(points), sum(p[2] for p in points))
        return kernel

    def floor_sample(self, x: float, y: float, diameter: float) -> tuple[int, int, int]:
        """Centre-weighted average colour over a disc of `diameter` mm (as RobotLab's light sensor);
        outside the world counts as black. Each pixel's average is worked out once, into a table
        the size of the floor (a robot reads the same few pixels again and again)."""
        return self.sampler(diameter)(x, y)

    def sampler(self, diameter: float):
        """floor_sample(x, y, diameter) as a function of (x, y): what a colour sensor calls every
        physics step, without finding its table each time."""
        if diameter <= self.mm_per_pixel:
            return self.floor_rgb
        footprints = self._footprints.get(diameter)
        if footprints is None:
            footprints = self._footprints[diameter] = _Footprints(self, diameter)
        at, floor, scale, last_row = footprints.at, math.floor, self._scale, self._h - 1

        def sample(x: float, y: float) -> tuple[int, int, int]:
            return at(floor(x * scale), last_row - floor(y * scale))
        return sample

    def _average(self, c: int, r: int, diameter: float) -> tuple[int, int, int]:
        points, total = self._sample_kernel(diameter)
        p, w, h = self._pixels, self._w, self._h
        red = green = blue = 0
        for dc, dr, weight in points:
            cc, rr = c + dc, r + dr
            if 0 <= cc < w and 0 <= rr < h:
                i = (rr * w + cc) * 3
                red += p[i] * weight
                green += p[i + 1] * weight
                blue += p[i + 2] * weight
        return (round(red / total), round(green / total), round(blue / total))

    def zones_at(self, x: float, y: float) -> list[str]:
        """Names of the zones containing (x, y)."""
        return [zone.name for zone in self.zones if _inside(zone.polygon, x, y)]

    def __repr__(self) -> str:
        return f"World({self.name!r}, {self.width:g} x {self.height:g} mm)"


class _Footprints:
    """A world's averaged floor for one sensor diameter: the floor raster with a margin as wide as
    the footprint (beyond it a footprint sees only black), each pixel averaged on its first read.
    Kept per row, made when first read (four bytes a pixel: done, red, green, blue), so a long run
    holds at most one such table, and a short one only the rows it crossed."""

    def __init__(self, world: World, diameter: float):
        self.world, self.diameter = world, diameter
        points, self._total = world._sample_kernel(diameter)
        self.margin = m = max(max(abs(dc), abs(dr)) for dc, dr, _ in points)
        self.width = world._w + 2 * m
        self.rows: list[bytearray | None] = [None] * (world._h + 2 * m)
        # Where the whole footprint lies on the floor, its points are these steps from its centre
        # in the pixel bytes: no bounds to check.
        self._offsets = tuple(((dr * world._w + dc) * 3, weight) for dc, dr, weight in points)
        self._inner = (m, world._w - m, m, world._h - m)

    def at(self, c: int, r: int) -> tuple[int, int, int]:
        m = self.margin
        cc, rr = c + m, r + m
        if not (0 <= cc < self.width and 0 <= rr < len(self.rows)):
            return (0, 0, 0)
        row = self.rows[rr]
        if row is None:
            row = self.rows[rr] = bytearray(4 * self.width)
        i = 4 * cc
        if not row[i]:
            row[i:i + 4] = bytes((1, *self._average(c, r)))
        return (row[i + 1], row[i + 2], row[i + 3])

    def _average(self, c: int, r: int) -> tuple[int, int, int]:
        """world._average, the same sums in the same order, without its bounds checks where the
        footprint lies wholly on the floor (almost everywhere): the colour sensor's main cost."""
        c0, c1, r0, r1 = self._inner
        if not (c0 <= c < c1 and r0 <= r < r1):
            return self.world._average(c, r, self.diameter)
        p, base = self.world._pixels, (r * self.world._w + c) * 3
        red = green = blue = 0
        for offset, weight in self._offsets:
            i = base + offset
            red += p[i] * weight
            green += p[i + 1] * weight
            blue += p[i + 2] * weight
        total = self._total
        return (round(red / total), round(green / total), round(blue / total))


def shipped_worlds() -> dict[str, Path]:
    """The worlds that come with the simulator: name -> file."""
    return {path.stem: path for path in sorted(WORLDS_DIR.glob("*.toml"))}


def shipped_world(name: str) -> Path:
    worlds = shipped_worlds()
    if name not in worlds:
        raise WorldError([(f"{name}:1: no shipped world called '{name}' "
                           f"(there are: {', '.join(worlds)})")])
    return worlds[name]


def load_world(path_or_name: str | Path) -> World:
    """Load a world file, or a shipped world by its name ("line_track")."""
    path = Path(path_or_name)
    if isinstance(path_or_name, str) and path.suffix == "" and len(path.parts) == 1 and not path.exists():
        path = shipped_world(path_or_name)
    return World(read_world_file(path))
