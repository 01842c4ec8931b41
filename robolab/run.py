"""`robolab run`: a .rlab program on the simulated robot, headless, with errors on the student's lines.

A program compiled before comes from the cache (robolab/runnable.py): no parsing, no compiling.
"""

import tempfile
from pathlib import Path

from robolab.errors import Problem
from robolab.files import read_text
from robolab.runnable import Runnable, runnable
from simulator.run import RunSummary, run_program
from simulator.world import shipped_worlds

DEFAULT_WORLD = "empty_arena"


def world_for(program_file: Path, program, chosen: str | None = None) -> str:
    """The world to run in: the one asked for, else the one the header names (a shipped world or a
    path beside the program), else a world file beside it (square.rlab -> square.world.toml, as
    RobotLab kept x.cfg beside x.tsc), else the empty arena. program: anything with the header's
    `world` (a Program, a Runnable)."""
    named = chosen or program.world
    if named:
        if named in shipped_worlds():
            return named
        path = Path(named) if chosen else program_file.parent / named
        return str(path)
    beside = program_file.with_suffix(".world.toml")
    return str(beside) if beside.is_file() else DEFAULT_WORLD


def run_file(path: str, library, world: str | None = None, until: float | None = None,
             seed: int = 0, trace: str | None = None) -> tuple[RunSummary, list[Problem]]:
    """Compile (or take from the cache) and run a program; the summary, and the program error on the
    student's line if any. library: a PackLibrary, or the extra pack places (see runnable())."""
    program: Runnable = runnable(path, read_text(path), library)
    with tempfile.TemporaryDirectory(prefix="robolab-run-") as folder:
        python = Path(folder) / f"{Path(path).stem}.py"
        python.write_text(program.source, encoding="utf-8")
        summary = run_program(python, world_for(Path(path), program, world), until=until, seed=seed, trace=trace,
                              line_label=program.line_of)
    problems = []
    busy = next((event for event in summary.events if event.get("kind") == "busy"), None)
    if busy is not None:
        problems.append(Problem("while running: this loop never waits, so simulated time stood still and the "
                                "run was stopped (give it something that takes time, e.g. a wait)",
                                path, *(program.place(busy.get("line")) or (0, 0))))
    elif summary.returncode and not summary.stopped:
        last = summary.error.strip().splitlines()[-1] if summary.error.strip() else "the program failed"
        problems.append(Problem(f"while running: {last}", path, *(program.place(summary.error_line) or (0, 0))))
    return summary, problems
