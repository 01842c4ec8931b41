"""A challenge as plain data: what the file says, checked (robolab/challenge/loader.py reads it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from robolab.challenge.goals import Goal


@dataclass(frozen=True)
class ZoneSpec:
    """A zone the challenge adds to its world; `relative`: its shape is in the robot's start frame."""

    name: str
    shape: object          # simulator.world_file.Shape
    relative: bool = False


@dataclass(frozen=True)
class Move:
    """Things moved together by the same random (dx, dy) in each variant."""

    things: tuple          # ("obstacle", "can"), ("zone", "box"), ("line", 1), ("area", 2), ("wall", 3)
    dx: tuple = (0.0, 0.0)
    dy: tuple = (0.0, 0.0)


@dataclass
class Challenge:
    path: Path
    id: str
    version: int
    title: str
    description: str
    world: str             # a shipped world's name, or a world file's path
    pack: str
    time_limit: float
    goals: list[Goal]
    pass_mark: float
    stars: tuple
    level: str | None = None
    robot: str | None = None
    start: dict = field(default_factory=dict)    # "x"/"y"/"heading" -> (low, high)
    zones: list[ZoneSpec] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)
    layouts: dict = field(default_factory=dict, repr=False, compare=False)   # variant -> Layout, made once

    @property
    def total(self) -> float:
        return sum(goal.points for goal in self.goals)

    @property
    def label(self) -> str:
        return f"{self.id} {self.version}"

    def stars_for(self, score: float) -> int:
        return sum(1 for mark in self.stars if score >= mark - 1e-9)

    def passed(self, score: float) -> bool:
        return score >= self.pass_mark - 1e-9
