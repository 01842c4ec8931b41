"""The open program: model, pack, file, dirty flag and change events, with no Qt.

Widgets listen to a Document and edit it only through `apply` (undo commands call it), so every
view mirrors the same program, and everything here is testable without a display.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from robolab.errors import Problem, RobolabError
from robolab.files import read_text, write_atomic
from robolab.model import edits
from robolab.model.edits import Change, EditError
from robolab.model.program import Block, Program
from robolab.palette import COMMENT, Pack, PackLibrary
from robolab.palette.types import sample_value

DEFAULT_PACK = "ev3"


@dataclass
class Event:
    """What happened: "changed" (with the change), "reset" (a new program), "saved"."""

    kind: str
    change: Change | None = None


@dataclass
class Document:
    program: Program
    pack: Pack
    library: PackLibrary
    path: Path | None = None
    origin: str = ""  # the example an untitled program was copied from, for its title
    _listeners: list[Callable[[Event], None]] = field(default_factory=list, repr=False)
    _position: int = 0  # edits done minus edits undone
    _saved: int | None = 0  # _position when last saved; None once that state cannot come back

    # --- creating ------------------------------------------------------------------------------

    @classmethod
    def new(cls, library: PackLibrary, pack_id: str = DEFAULT_PACK) -> "Document":
        pack = library.find(pack_id) or library.load(library.files()[0])
        return cls(Program(pack.id, pack.version), pack, library)

    @classmethod
    def open(cls, path: str | Path, library: PackLibrary) -> "Document":
        """A document for the file; RobolabError (with file, line and column) if it cannot be read.

        A program that reads but has meaning problems opens, so they can be fixed in the editor.
        """
        from robolab.language import read_program

        loaded = read_program(read_text(path), library, str(path))
        return cls(loaded.program, loaded.pack, library, Path(path))

    @classmethod
    def from_text(cls, text: str, library: PackLibrary, name: str = "") -> "Document":
        from robolab.language import read_program

        loaded = read_program(text, library, name)
        return cls(loaded.program, loaded.pack, library, origin=Path(name).stem if name else "")

    # --- events and edits ------------------------------------------------------------------------

    def subscribe(self, listener: Callable[[Event], None]) -> None:
        self._listeners.append(listener)

    def _emit(self, event: Event) -> None:
        for listener in list(self._listeners):
            listener(event)

    def apply(self, change: Change, step: str = "do") -> None:
        """Carry out a change. `step` is "do" for a new edit, "undo" or "redo" (for the dirty flag)."""
        edits.apply(self.program, change)
        if step == "undo":
            self._position -= 1
        else:
            if step == "do" and self._saved is not None and self._position < self._saved:
                self._saved = None  # the saved state was undone and is now overwritten
            self._position += 1
        self._emit(Event("changed", change))

    def replace(self, other: "Document") -> None:
        """Show another program in this document (Open, New, Recover), as one reset event."""
        self.program, self.pack, self.path, self.origin = other.program, other.pack, other.path, other.origin
        self._position, self._saved = 0, 0
        self._emit(Event("reset"))

    @property
    def dirty(self) -> bool:
        return self._position != self._saved

    def mark_dirty(self) -> None:
        """A program that holds unsaved work though nothing was edited here (a recovered autosave)."""
        self._saved = None

    # --- text and files -------------------------------------------------------------------------

    @property
    def title(self) -> str:
        if self.path:
            return self.path.name
        return f"{self.origin} (copy)" if self.origin else "Untitled"

    def text(self) -> str:
        from robolab.language import print_program

        return print_program(self.program, self.pack)

    def save(self, path: str | Path | None = None) -> None:
        path = Path(path) if path else self.path
        if path is None:
            raise ValueError("a new program needs a file name to save to")
        write_atomic(path, self.text())
        self.path = path
        self._saved = self._position
        self._emit(Event("saved"))

    def snippet(self, paths: list[tuple]) -> str:
        """The selected lines (with their bodies) as program text, for the clipboard."""
        from robolab.language import print_blocks

        paths = edits.outermost(self.program, self.pack, paths)
        return print_blocks([self.program.block_at(p) for p in paths], self.pack)

    def blocks_from_text(self, text: str, source: str = "the clipboard") -> list[Block]:
        """Lines of program text (a snippet, or a whole program with its header) as blocks;
        EditError saying why when the text is not lines of this program's pack."""
        from robolab.language import read_program

        if not text.strip():
            raise EditError(f"{source} holds no program lines")
        header = f"robolab 1 palette {self.pack.id} {self.pack.version}\n"
        whole = text if text.lstrip().startswith("robolab ") else header + text
        try:
            loaded = read_program(whole, self.library, "clipboard")
        except RobolabError as error:
            first = error.problems[0]
            line = first.line - (0 if whole is text else 1)
            raise EditError(f"{source} is not RoboLab lines (line {line}: {first.message})") from None
        if loaded.pack.id != self.pack.id:
            raise EditError(f"those lines are for the {loaded.pack.id} palette, this program uses {self.pack.id}")
        return loaded.program.blocks

    # --- new lines --------------------------------------------------------------------------------

    def new_block(self, command_id: str) -> Block:
        """A block as the palette inserts it: default values, and a fresh name where it declares one."""
        from robolab.language.binder import default_value
        from robolab.model.expr import Num

        if command_id == COMMENT:
            return Block(COMMENT, {"text": "a note about the program"})
        command = self.pack.command(command_id)
        if command is None:
            raise EditError(f"'{command_id}' is not a command of {self.pack.label}")
        declares = any(p.type == "name" and p.role == "declare" and not p.list for p in command.params)
        taken = self.declared_names() if declares else set()
        args = {}
        for param in command.params:
            value = default_value(param)
            if value is None:
                value = Num(param.min if param.min is not None else 0) if param.type == "expression" \
                    else sample_value(param)
            if param.type == "name" and param.role == "declare" and not param.list:
                value = _fresh(value, taken)
            args[param.name] = value
        return Block(command_id, args, {name: [] for name in command.bodies})

    def declared_names(self) -> set[str]:
        names = set()
        for _, block in self.program.walk():
            command = self.pack.command(block.command)
            for param in command.params if command else ():
                if param.type == "name" and param.role == "declare":
                    value = block.args.get(param.name)
                    names.update(value if isinstance(value, tuple) else (value,))
        return names

    # --- what the checker and compiler say ------------------------------------------------------

    def number_lines(self) -> dict[int, tuple]:
        """Give every block the line it has in the saved text (edits move lines); line -> path."""
        lines: dict[int, tuple] = {}
        line = 1  # the header

        def visit(blocks, prefix, depth):
            nonlocal line
            for index, block in enumerate(blocks):
                path = prefix + (index,)
                line += 1
                block.line, block.column, block.positions = line, 4 * depth + 1, {}
                lines[line] = path
                command = self.pack.command(block.command) if block.command != COMMENT else None
                if command is None or not command.bodies:
                    continue
                for position, name in enumerate(command.bodies):
                    body = block.bodies.get(name, [])
                    if position and not body:
                        continue
                    if position:
                        line += 1  # "} else {"
                    visit(body, path + (name,), depth + 1)
                line += 1  # "}"

        visit(self.program.blocks, (), 0)
        return lines

    def problems(self) -> list[tuple[Problem, tuple | None]]:
        """Each problem the checker finds, with the path of the line it is on."""
        from robolab.language import check_program

        lines = self.number_lines()
        analysis = check_program(self.program, self.pack, self.title)
        return [(problem, lines.get(problem.line)) for problem in analysis.problems]

    def python(self) -> str:
        """The generated Python; RobolabError with the problems while the program has some."""
        from robolab.language import compile_program

        self.number_lines()
        name = self.path.stem if self.path else "program"
        return compile_program(self.program, self.pack, name=name).source


def _fresh(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    number = 2
    while f"{name}{number}" in taken:
        number += 1
    return f"{name}{number}"
