"""`robolab run`: a .rlab program on the simulated robot, headless, with errors on the student's lines.

A program compiled before comes from the cache (robolab/runnable.py): no parsing, no compiling.
"""

import tempfile
from pathlib import Path

from robolab.errors import Problem
from robolab.files import check_writable, read_text
from robolab.runnable import Runnable, runnable
from robolab.tracebacks import error_message, innermost, origin_in
from robolab.worlds import world_to_run
from simulator.run import RunSummary, run_program


def run_file(path: str, library, world: str | None = None, until: float | None = None,
             seed: int = 0, trace: str | None = None) -> tuple[RunSummary, list[Problem]]:
    """Compile (or take from the cache) and run a program; the summary, and the program error on the
    student's line if any. library: a PackLibrary, or the extra pack places (see runnable())."""
    if trace:
        check_writable(trace, Path(path).stem + ".csv")
    program: Runnable = runnable(path, read_text(path), library)
    with tempfile.TemporaryDirectory(prefix="robolab-run-") as folder:
        python = Path(folder) / f"{Path(path).stem}.py"
        python.write_text(program.source, encoding="utf-8")
        summary = run_program(python, world_to_run(path, program.world, world), until=until, seed=seed, trace=trace,
                              line_label=program.line_of)
    problems = []
    busy = next((event for event in summary.events if event.get("kind") == "busy"), None)
    if busy is not None:
        problems.append(Problem("while running: this loop never waits, so simulated time stood still and the "
                                "run was stopped (give it something that takes time, e.g. a wait)",
                                path, *(innermost(busy.get("lines", []), program.place) or (0, 0))))
    elif summary.returncode and not summary.stopped:
        place = origin_in(summary.error, python, program.place, summary.error_line)
        problems.append(Problem(f"while running: {error_message(summary.error)}", path, *(place or (0, 0))))
    return summary, problems
