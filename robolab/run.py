"""`robolab run`: a .rlab program on the simulated robot, headless, with errors on the student's lines."""

import tempfile
from pathlib import Path

from robolab.errors import Problem
from robolab.files import check_writable, read_text
from robolab.language import compile_program, parse_program
from robolab.model.program import Program
from robolab.palette import PackLibrary
from simulator.run import RunSummary, run_program
from simulator.world import shipped_worlds

DEFAULT_WORLD = "empty_arena"


def world_for(program_file: Path, program: Program, chosen: str | None = None) -> str:
    """The world to run in: the one asked for, else the one the header names (a shipped world or a
    path beside the program), else a world file beside it (square.rlab -> square.world.toml, as
    RobotLab kept x.cfg beside x.tsc), else the empty arena."""
    named = chosen or program.world
    if named:
        if named in shipped_worlds():
            return named
        path = Path(named) if chosen else program_file.parent / named
        return str(path)
    beside = program_file.with_suffix(".world.toml")
    return str(beside) if beside.is_file() else DEFAULT_WORLD


def _program_line(program: Program, compiled, python_line: int) -> int | None:
    """The line in the .rlab file of the block that a line of the compiled Python belongs to."""
    block = _block_of(program, compiled, python_line)
    return block.line if block else None


def run_file(path: str, library: PackLibrary, world: str | None = None, until: float | None = None,
             seed: int = 0, trace: str | None = None) -> tuple[RunSummary, list[Problem]]:
    """Compile and run a program; the summary, and the program error on the student's line if any."""
    if trace:
        check_writable(trace, Path(path).stem + ".csv")
    source = read_text(path)
    program, pack = parse_program(source, library, path)
    compiled = compile_program(program, pack, name=Path(path).stem)
    with tempfile.TemporaryDirectory(prefix="robolab-run-") as folder:
        python = Path(folder) / f"{Path(path).stem}.py"
        python.write_text(compiled.source, encoding="utf-8")
        summary = run_program(python, world_for(Path(path), program, world), until=until, seed=seed, trace=trace,
                              line_label=lambda line: _program_line(program, compiled, line))
    problems = []
    busy = next((event for event in summary.events if event.get("kind") == "busy"), None)
    if busy is not None:
        block = _block_of(program, compiled, busy.get("line"))
        problems.append(Problem("while running: this loop never waits, so simulated time stood still and the "
                                "run was stopped (give it something that takes time, e.g. a wait)",
                                path, *_where(block)))
    elif summary.returncode and not summary.stopped:
        origin = compiled.block_in_traceback(summary.error, python)
        block = program.block_at(origin) if origin else _block_of(program, compiled, summary.error_line)
        last = summary.error.strip().splitlines()[-1] if summary.error.strip() else "the program failed"
        problems.append(Problem(f"while running: {last}", path, *_where(block)))
    return summary, problems


def _block_of(program: Program, compiled, python_line: int | None):
    origin = compiled.block_at_line(python_line) if python_line else None
    return program.block_at(origin) if origin else None


def _where(block) -> tuple[int, int]:
    return (block.line, block.column) if block else (0, 0)
