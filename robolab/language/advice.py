"""Things a program may do that are allowed but almost never meant, told to the student like
problems while they work (the program still runs): a loop, `if` or `define` with nothing inside."""

from robolab.errors import Problem
from robolab.model.program import Program
from robolab.palette.model import COMMENT, Pack


def empty_bodies(program: Program, pack: Pack, file: str = "", layout=None) -> list[tuple[Problem, tuple]]:
    """Each line whose bodies hold no commands (comments do not count), with its path.
    An `if` with an empty `else` is fine; one with nothing in any part is not. With `layout` (the
    printer's map of an edited program), problems say where the lines are now."""
    found = []
    for path, block in program.walk():
        command = pack.command(block.command) if block.command != COMMENT else None
        if command is None or not command.bodies:
            continue
        if any(inner.command != COMMENT for name in command.bodies for inner in block.bodies.get(name, [])):
            continue
        what = command.text.split("{")[0].strip(" :") or command.id
        line = layout.where(path)[0] if layout is not None else block.line
        found.append((Problem(f"“{what}” has nothing inside it yet: put commands in it", file, line), path))
    return found


def plural(count: int, noun: str) -> str:
    """'1 line', '2 lines', 'no lines'."""
    if count == 0:
        return f"no {noun}s"
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
