"""Problems found in a user's file, reported as `file:line:col: message` (never a traceback)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, with where it is when that is known."""

    message: str
    file: str = ""
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        where = self.file or "<input>"
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class RobolabError(Exception):
    """A file could not be used; carries every problem found, in file order."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.column))
        super().__init__("\n".join(str(p) for p in self.problems))
