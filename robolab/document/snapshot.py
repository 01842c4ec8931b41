"""Everything the window shows about one revision of a program, computed once and shared: the
printed text, the printer's map between blocks and lines, the problems (each with its block),
the checker's analysis and the compiled Python with its line map.

Problems, the Python tab, the value editor, simulator runs and downloads to the brick all read
the same snapshot, so a program is checked and compiled once per revision, not once per view.
`take` reads the program without changing it, so a thread may compute it while the window goes
on; a result for a revision that is no longer current is simply not kept (`Document.offer`).
"""

from dataclasses import dataclass, field

from robolab.errors import Problem, RobolabError
from robolab.language.advice import empty_bodies
from robolab.language.checker import Analysis, check_program
from robolab.language.compiler import Compiled, compile_program
from robolab.language.printer import Layout, print_program
from robolab.language.validate import unchecked_values
from robolab.model.program import Program
from robolab.palette import Pack


@dataclass(frozen=True)
class Snapshot:
    revision: int
    name: str  # the program's name in the Python's header (its file's stem)
    text: str
    layout: Layout
    problems: tuple[tuple[Problem, tuple | None], ...]  # each problem with its block's path
    analysis: Analysis
    compiled: Compiled | None = None  # None while there are problems
    blocks: int = 0  # how many lines (blocks) the program has
    advice: tuple[tuple[Problem, tuple], ...] = ()  # allowed but almost never meant (language/advice.py)
    extra: dict = field(default_factory=dict, compare=False)  # views may keep derived things here
    # what it was taken from, for a run or a download (robolab.targets): the program and its pack
    program: Program | None = field(default=None, compare=False, repr=False)
    pack: Pack | None = field(default=None, compare=False, repr=False)

    @property
    def python(self) -> str:
        """The Python, or a comment saying why there is none yet."""
        if self.compiled is not None:
            return self.compiled.source
        return "# The program has problems, so it cannot become Python yet:\n" + "".join(
            f"#   line {p.line}: {p.message}\n" for p, _ in self.problems)

    def compiled_or_raise(self) -> Compiled:
        """The Python for a run or a download; RobolabError naming the problems when there are some."""
        if self.compiled is None:
            raise RobolabError([p for p, _ in self.problems])
        return self.compiled


def take(program: Program, pack: Pack, revision: int, name: str = "program") -> Snapshot:
    """The snapshot of `program` as it is now (read only; the caller says which revision it is)."""
    # No pause of the cycle collector here (as reading a file has): on a thread, the one
    # collection after it walked everything made meanwhile while holding the interpreter.
    layout = Layout()
    text = print_program(program, pack, layout)
    found = unchecked_values(program, pack, name, layout)
    analysis = check_program(program, pack, name, layout=layout)
    found += analysis.problems
    compiled = None
    if not found:
        try:
            compiled = compile_program(program, pack, name=name, analysis=analysis, layout=layout)
        except RobolabError as error:  # the pack's Python is broken: say so, as a problem
            found = list(error.problems)
    problems = tuple((p, layout.path_at(p.line)) for p in found)
    advice = tuple(empty_bodies(program, pack, name, layout))
    return Snapshot(revision, name, text, layout, problems, analysis, compiled, len(layout.blocks), advice,
                    program=program, pack=pack)
