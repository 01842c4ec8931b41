"""Which world a program runs in, and reading it: one rule for `robolab run` and the window.

A program's header may name its world: `world line_track` (a shipped world), `world corridor`
(corridor.toml or corridor.world.toml beside the program) or `world "arenas/corridor.toml"` (a path
from the program's folder). With no name, x.world.toml beside x.rlab is used if it is there (as
RobotLab kept x.cfg beside x.tsc), else the empty arena. Reading is bounded (simulator.bounded), so
a name pointing at a device, a pipe or a huge file is refused quickly with a clear message.
"""

from __future__ import annotations

from pathlib import Path

from simulator.robot import RobotModel, load_robot
from simulator.world import World, WorldError, load_world, shipped_worlds

DEFAULT_WORLD = "empty_arena"
BESIDE = (".toml", ".world.toml")  # `world NAME` finds NAME.toml or NAME.world.toml beside the program


def program_world(named: str, program_file: str | Path | None) -> str | Path:
    """The world a program's header names (or "" for none), as a shipped world's name or a file.
    WorldError, naming what was looked for, when the name finds nothing."""
    if not named:
        if program_file is not None:
            beside = Path(program_file).with_suffix(".world.toml")
            if beside.is_file():
                return beside
        return DEFAULT_WORLD
    if any(ord(c) < 32 for c in named):
        raise WorldError([f"{program_file or 'the program'}:1: the world's name {named!r} holds a control "
                          "character; name a shipped world or a file"])
    if named in shipped_worlds():
        return named
    folder = Path(program_file).parent if program_file is not None else Path.cwd()
    given = folder / named
    candidates = [given] if Path(named).suffix or "/" in named or "\\" in named else \
        [folder / (named + suffix) for suffix in BESIDE]
    for candidate in candidates:
        if candidate.exists() or candidate.is_symlink():
            return candidate
    looked = " or ".join(c.name for c in candidates)
    raise WorldError([f"{program_file or 'the program'}:1: no world called '{named}': not a shipped world "
                      f"({', '.join(shipped_worlds())}), and no {looked} in {folder}"])


def world_to_run(program_file: str | Path | None, named: str, chosen: str | None = None) -> str | Path:
    """The world asked for (`--world`: a shipped name or a path), else the one the program names."""
    if chosen:
        return chosen if chosen in shipped_worlds() else Path(chosen)
    return program_world(named, program_file)


def read_world(world: str | Path) -> tuple[World, RobotModel]:
    """A world and the robot it is made for, read and checked; WorldError or RobotError if not.
    Plain and bounded, so the window can call it on a worker thread."""
    loaded = load_world(world)
    return loaded, load_robot(loaded.robot)
