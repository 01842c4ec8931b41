"""Points and polygons in the world (mm): what is inside what, and where a robot's outline is."""

from __future__ import annotations

import math

from simulator.world import _inside as inside  # noqa: F401  (one point-in-polygon rule, the zones' own)


def placed(points, x: float, y: float, heading: float) -> list[tuple[float, float]]:
    """Points in a body's own frame (x forward, y left) placed at (x, y) facing `heading` degrees."""
    c, s = math.cos(math.radians(heading)), math.sin(math.radians(heading))
    return [(x + c * px - s * py, y + s * px + c * py) for px, py in points]


def outline_points(polygon) -> list[tuple[float, float]]:
    """A polygon's corners and the middles of its sides: what is checked for "all of it" or "any of it"."""
    n = len(polygon)
    middles = [((polygon[i][0] + polygon[(i + 1) % n][0]) / 2, (polygon[i][1] + polygon[(i + 1) % n][1]) / 2)
               for i in range(n)]
    return list(polygon) + middles


def overlaps(outline, zone) -> bool:
    """Does a body's outline touch the zone: a point of one inside the other?"""
    return (any(inside(zone, x, y) for x, y in outline_points(outline))
            or any(inside(outline, x, y) for x, y in zone))
