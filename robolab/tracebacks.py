"""Where a failed run of a compiled program went wrong, read from its Python traceback: the one reading
that `robolab run`, `robolab push`/the brick, marking and the window share (a light module: a cached run
loads no language code).

A traceback's lines are mapped to the student's program by `origin_of`, the caller's own map from a
line of the Python to what it came from (a block's path, or its place in the text): the innermost
line of the program's file that maps to something is meant, so a failure inside a runtime helper
such as in_range (a line that belongs to no block) is placed at the block that called it.
"""

import re
from typing import Callable, Iterable, TypeVar

_FRAME = re.compile(r'^  File "(.*)", line (\d+), in ', re.MULTILINE)
_FOLDERS = re.compile(r"[/\\]")
_LIBRARY = re.compile(r"[/\\](site|dist)-packages[/\\]")
Origin = TypeVar("Origin")


def lines_in(traceback: str, filename) -> list[int]:
    """The lines of `filename` in the traceback, innermost first. A bare file name (no folder, e.g. a
    program's name on the brick, whose folder the desktop does not know) matches it in any folder but
    an installed library's (a program called motor is not ev3dev2's motor.py)."""
    filename = str(filename)
    bare = not _FOLDERS.search(filename)
    return [int(line) for file, line in reversed(_FRAME.findall(traceback))
            if file == filename or (bare and _FOLDERS.split(file)[-1] == filename and not _LIBRARY.search(file))]


def innermost(python_lines: Iterable[int | None], origin_of: Callable[[int], Origin | None]) -> Origin | None:
    """The origin of the first of these lines (innermost first) that has one."""
    return next((origin for line in python_lines if line and (origin := origin_of(line)) is not None), None)


def origin_in(traceback: str, filename, origin_of: Callable[[int], Origin | None],
              line: int | None = None) -> Origin | None:
    """Where the run failed: the innermost line of `filename` in the traceback that belongs to the
    program, else `line` (where the run was when it ended), mapped by `origin_of`."""
    return innermost([*lines_in(traceback, filename), line], origin_of)


def error_message(traceback: str, default: str = "the program failed") -> str:
    """The error a traceback ends with ("ZeroDivisionError: division by zero"), or `default`."""
    lines = traceback.strip().splitlines()
    return lines[-1].strip() if lines else default
