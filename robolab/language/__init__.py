"""The RoboLab language: read program text against its palette pack, check it, print it, compile it."""

from dataclasses import dataclass

from robolab.errors import Problem, RobolabError
from robolab.language.binder import Binder
from robolab.language.checker import Analysis, check_program
from robolab.language.compiler import Compiled, compile_program
from robolab.language.migrate import migrate
from robolab.language.printer import print_blocks, print_program
from robolab.language.syntax import gc_paused, parse_raw
from robolab.model.program import Program
from robolab.palette import Pack, PackLibrary


@dataclass
class Loaded:
    """A program read from text, with its pack and everything the checker found."""

    program: Program
    pack: Pack
    analysis: Analysis

    @property
    def problems(self) -> list[Problem]:
        return self.analysis.problems


def read_program(text: str, library: PackLibrary, file: str = "") -> Loaded:
    """Parse, migrate and bind program text; RobolabError if it cannot be read as a program.

    A program that reads but has meaning problems (unknown name, wrong place) comes back with
    them in `problems`, so an editor can still show it.
    """
    with gc_paused():
        program, pack = _read(text, library, file)
        return Loaded(program, pack, check_program(program, pack, file))


def bind_program(text: str, library: PackLibrary, file: str = "") -> tuple[Program, Pack]:
    """The program and its pack, as read_program reads them but without checking their meaning:
    for a caller that checks it anyway (a document's snapshot does), so a big file is checked once."""
    with gc_paused():
        return _read(text, library, file)


def _read(text: str, library: PackLibrary, file: str) -> tuple[Program, Pack]:
    raw = parse_raw(text, file)
    try:
        pack = library.find(raw.pack)
    except RobolabError as error:
        raise RobolabError([Problem(f"the palette pack '{raw.pack}' has problems: {error.problems[0]}",
                                    file, raw.line)]) from None
    if pack is None:
        installed = ", ".join(library.ids()) or "none"
        raise RobolabError([Problem(f"this program is for the palette pack '{raw.pack}', which is not installed "
                                    f"(installed: {installed})", file, raw.line)])
    raw = migrate(raw, pack, file)
    binder = Binder(pack, file)
    program = binder.program(raw)
    if binder.problems:
        # The program is incomplete, but its meaning checks still find the other mistakes.
        meaning = check_program(program, pack, file, assume_declared=binder.uncertain)
        raise RobolabError(binder.problems + meaning.problems)
    return program, pack


def check_text(text: str, library: PackLibrary, file: str = "") -> list[Problem]:
    """Every problem in program text (empty when it is a valid program)."""
    try:
        return read_program(text, library, file).problems
    except RobolabError as error:
        return error.problems


def parse_program(text: str, library: PackLibrary, file: str = "") -> tuple[Program, Pack]:
    """A valid program and its pack, or RobolabError naming every problem."""
    loaded = read_program(text, library, file)
    if loaded.problems:
        raise RobolabError(loaded.problems)
    return loaded.program, loaded.pack


__all__ = ["Compiled", "Loaded", "bind_program", "check_program", "check_text", "compile_program", "parse_program",
           "print_blocks", "print_program", "read_program"]
