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
        """The student's block where the program failed, from its traceback on the brick."""
        text = stderr.strip()
        if "Traceback (most recent call last)" not in text:
            return None
        lines = [int(n) for n in re.findall(rf'File "[^"]*[/\\]{re.escape(self.name)}\.py", line (\d+)', text)]
        last = text.splitlines()[-1].strip()
        for line in reversed(lines):  # the innermost frame in the student's program
            origin = self.compiled.block_at_line(line)
            block = self.program.block_at(origin) if origin else None
            if block is not None:
                line, column = self.layout.where(origin) if self.layout else (block.line, block.column)
                return Problem(f"while running on the brick: {last}", self.file, line, column)
        return Problem(f"while running on the brick: {last}", self.file)


def brick_name(stem: str) -> str:
    """A file name the brick accepts (letters, digits, _ and -), kept recognisable."""
    return (_SAFE.sub("_", stem).strip("_") or "program")[:64]
