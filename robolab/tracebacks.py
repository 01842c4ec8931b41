"""Where a Python traceback passed through a program's own file: the one reading of a traceback
that `robolab run` and the window share (a light module: a cached run loads no language code)."""

import re

_FRAME = re.compile(r'^  File "(.*)", line (\d+), in ', re.MULTILINE)


def lines_in(traceback: str, filename) -> list[int]:
    """The lines of `filename` in the traceback, innermost first."""
    return [int(line) for file, line in reversed(_FRAME.findall(traceback)) if file == str(filename)]
