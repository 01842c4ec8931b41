"""A program with problems as the error of a run that never started: one wording for every target."""

from robolab.errors import RobolabError
from robolab.targets import RunError

SHOWN_PROBLEMS = 5


def problems_error(error: RobolabError, snapshot) -> RunError:
    """A program with problems, as the error of a run that never started: the first problem's block."""
    problems = list(error.problems)
    lines = [f"line {p.line}: {p.message}" if p.line else p.message for p in problems[:SHOWN_PROBLEMS]]
    more = len(problems) - SHOWN_PROBLEMS
    message = "The program has problems to fix before it can run:\n" + "\n".join(lines) + (
        f"\n(and {more} more)" if more > 0 else "")
    block = next((path for problem, path in snapshot.problems if problem is problems[0]), None) if problems else None
    return RunError(message, block, problems[0].line or None if problems else None)
