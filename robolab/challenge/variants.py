"""Variants: the layout of a challenge for variant k (1, 2, 3, ...), the same on every machine.

Each variant draws its start pose and the moves of the `[[vary]]` groups from a random generator
seeded by the challenge's id, version and k (not Python's hash, which changes per process), so a
tutor's variant 2 is the student's variant 2.
"""

from __future__ import annotations

import copy
import hashlib
import random
from dataclasses import dataclass, replace
from pathlib import Path

from robolab.challenge.geometry import placed
from robolab.challenge.model import Challenge
from simulator.world import Pose, World, shipped_world
from simulator.world_file import Shape, read_world_file


@dataclass
class Layout:
    """One variant's world, with the robot's start and every zone (polygons in the world, mm)."""

    variant: int
    world: World
    start: Pose
    zones: dict


def variant_seed(challenge: Challenge, variant: int) -> int:
    digest = hashlib.sha256(f"{challenge.id}\0{challenge.version}\0{variant}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def _pick(rng: random.Random, low_high: tuple) -> float:
    low, high = low_high
    return round(low + (high - low) * rng.random(), 1) if high > low else float(low)


def _moved(shape: Shape, dx: float, dy: float) -> Shape:
    if shape.kind == "polygon":
        return replace(shape, points=[(x + dx, y + dy) for x, y in shape.points])
    if shape.kind == "circle":
        return replace(shape, centre=(shape.centre[0] + dx, shape.centre[1] + dy))
    x0, y0, x1, y1 = shape.rect
    return replace(shape, rect=(x0 + dx, y0 + dy, x1 + dx, y1 + dy))


def world_path(challenge: Challenge) -> Path:
    world = challenge.world
    return shipped_world(world) if "/" not in world and "\\" not in world and not world.endswith(".toml") \
        else Path(world)


def layout(challenge: Challenge, variant: int) -> Layout:
    """The layout for `variant` (0: the world exactly as written, with the challenge's fixed start).
    Kept on the challenge: a marking server makes each once, and every child it forks reuses it."""
    made = challenge.layouts.get(variant)
    if made is None:
        made = challenge.layouts[variant] = _layout(challenge, variant)
    return made


def _layout(challenge: Challenge, variant: int) -> Layout:
    rng = random.Random(variant_seed(challenge, variant))
    spec = copy.deepcopy(read_world_file(world_path(challenge)))
    zone_shapes = {name: shape for name, shape in spec.zones}
    for zone in challenge.zones:
        if not zone.relative:
            zone_shapes[zone.name] = zone.shape
    for move in challenge.moves:
        dx, dy = (_pick(rng, move.dx), _pick(rng, move.dy)) if variant else (0.0, 0.0)
        lines = [p for p in spec.paint if p.kind == "line"]
        areas = [p for p in spec.paint if p.kind == "area"]
        for kind, ref in move.things:
            if kind == "line":
                lines[ref - 1].shape = _moved(lines[ref - 1].shape, dx, dy)
            elif kind == "area":
                areas[ref - 1].shape = _moved(areas[ref - 1].shape, dx, dy)
            elif kind == "wall":
                spec.walls[ref - 1].shape = _moved(spec.walls[ref - 1].shape, dx, dy)
            elif kind == "obstacle":
                for obstacle in spec.obstacles:
                    if obstacle.name == ref:
                        obstacle.shape = _moved(obstacle.shape, dx, dy)
            elif kind == "zone" and ref in zone_shapes:
                zone_shapes[ref] = _moved(zone_shapes[ref], dx, dy)
    base = spec.start or (None, None, 0.0)
    start = []
    for key, fallback in zip(("x", "y", "heading"), base):
        wanted = challenge.start.get(key)
        if wanted is None:
            start.append(fallback)
        else:
            start.append(_pick(rng, wanted) if variant else (wanted[0] + wanted[1]) / 2)
    spec.start = tuple(start) if None not in start else None
    world = World(spec)
    begin = Pose(*world.start) if spec.start is None else Pose(*spec.start)
    zones = {name: shape.polygon() for name, shape in zone_shapes.items()}
    for zone in challenge.zones:
        if zone.relative:
            zones[zone.name] = placed(zone.shape.polygon(), begin.x, begin.y, begin.heading)
    return Layout(variant, world, begin, zones)
