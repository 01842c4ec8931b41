"""Values of a program built in code (by an editor, say), checked as strictly as a file's.

Reading a file checks every value, but a Program can be built without reading one, and the
compiler pastes names, ports and comments into the Python: so it compiles no value unchecked.
The rules themselves are robolab.model.rules, which the editor's edits follow too.
"""

from robolab.errors import Problem
from robolab.language.printer import Layout
from robolab.model.program import Program
from robolab.model.rules import line_problems
from robolab.palette.model import Pack


def unchecked_values(program: Program, pack: Pack, file: str = "", layout: Layout | None = None) -> list[Problem]:
    """Values the file reader would have refused, in a program built in code (by an editor, say);
    each where it was read from, or with `layout` where it is printed now."""
    problems = []
    for path, block in program.walk():
        for param, message in line_problems(block, pack):
            line, column = layout.where(path, param) if layout else block.where(param)
            problems.append(Problem(message, file, line, column))
    return problems
