"""A .rlab program made ready for the brick, and its traceback from the brick mapped to the student's line."""

import re
from dataclasses import dataclass
from pathlib import Path

from robolab.errors import Problem
from robolab.files import read_text
from robolab.language import Compiled, compile_program, parse_program
from robolab.language.printer import Layout
from robolab.model.program import Program
from robolab.palette import PackLibrary
from robolab.tracebacks import error_message, origin_in

_SAFE = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass
class BrickProgram:
    """The compiled program, the name it has on the brick, and where it came from."""

    name: str
    file: str
    program: Program
    compiled: Compiled
    layout: Layout | None = None  # where the blocks are in the text now (an edited program's snapshot)

    @classmethod
    def from_file(cls, path: str, library: PackLibrary) -> "BrickProgram":
        """Compile a program file; RobolabError naming file, line and column if it has problems."""
        program, pack = parse_program(read_text(path), library, path)
        return cls.from_program(program, pack, path)

    @classmethod
    def from_program(cls, program: Program, pack, path: str) -> "BrickProgram":
        name = brick_name(Path(path).stem)
        return cls(name, path, program, compile_program(program, pack, name=name))

    @property
    def source(self) -> str:
        return self.compiled.source

    def problem_from_traceback(self, stderr: str) -> Problem | None:
        """The student's block where the program failed, from its traceback on the brick (whose folder
        there the desktop does not know: the program's file is found by its name)."""
        failed = self.failure(stderr)
        if failed is None:
            return None
        error, origin = failed
        message = f"while running on the brick: {error}"
        if origin is None:
            return Problem(message, self.file)
        return Problem(message, self.file, *self.place_of(origin))

    def failure(self, stderr: str) -> tuple[str, tuple | None] | None:
        """(the error, the path of its block or None) from a traceback on the brick; None without one."""
        if "Traceback (most recent call last)" not in stderr:
            return None
        return error_message(stderr), origin_in(stderr, f"{self.name}.py", self._block_of)

    def place_of(self, origin: tuple) -> tuple[int, int]:
        """(line, column) of a block in the program's text as it is now."""
        if self.layout:
            return self.layout.where(origin)
        block = self.program.block_at(origin)
        return block.line, block.column

    def _block_of(self, python_line: int) -> tuple | None:
        """The path of the block a line of the Python came from, when that block is in the program."""
        origin = self.compiled.block_at_line(python_line)
        return origin if origin and self.program.block_at(origin) is not None else None


def brick_name(stem: str) -> str:
    """A file name the brick accepts (letters, digits, _ and -), kept recognisable."""
    return (_SAFE.sub("_", stem).strip("_") or "program")[:64]
