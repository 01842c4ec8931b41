"""The open program: model, pack, file, revision, undo history and typed events, with no Qt.

Views subscribe to a Document and change it only through `edit` (which goes on its history, so
it can be undone), so every view shows the same program. The revision counts every change: a
snapshot (robolab.document.snapshot) computed for one revision is stale once there is another.
"""

import weakref
from pathlib import Path

from robolab.document.events import Changed, EventEmitter, Reset, Saved
from robolab.document.history import History
from robolab.document.snapshot import Snapshot, take
from robolab.errors import RobolabError
from robolab.files import read_text, write_atomic
from robolab.model import edits
from robolab.model.edits import Change, EditError
from robolab.model.program import Block, Program
from robolab.palette import COMMENT, Pack, PackLibrary
from robolab.palette.types import sample_value

DEFAULT_PACK = "ev3"


class Document:
    def __init__(self, program: Program, pack: Pack, library: PackLibrary, path: Path | None = None,
                 origin: str = ""):
        self.program, self.pack, self.library = program, pack, library
        self.path = Path(path) if path else None
        self.origin = origin  # the example an untitled program was copied from, for its title
        self.revision = 0
        self.events = EventEmitter()
        # The window puts one over its QUndoStack here. This one reaches the document through a
        # weak reference: a cycle would keep a document that is never shown (a file read that
        # was dropped) alive once the window froze the collector (SnapshotKeeper.settle).
        myself = weakref.ref(self)
        self.history = History(lambda change: myself().apply(change))
        self._snapshot: Snapshot | None = None

    # --- creating ------------------------------------------------------------------------------

    @classmethod
    def new(cls, library: PackLibrary, pack_id: str = DEFAULT_PACK) -> "Document":
        pack = library.find(pack_id) or library.load(library.files()[0])
        return cls(Program(pack.id, pack.version), pack, library)

    @classmethod
    def open(cls, path: str | Path, library: PackLibrary) -> "Document":
        """A document for the file; RobolabError (with file, line and column) if it cannot be read.

        A program that reads but has meaning problems opens, so they can be fixed in the editor
        (its snapshot finds them: it is not checked here too).
        """
        from robolab.language import bind_program

        program, pack = bind_program(read_text(path), library, str(path))
        return cls(program, pack, library, Path(path))

    @classmethod
    def from_text(cls, text: str, library: PackLibrary, name: str = "") -> "Document":
        from robolab.language import bind_program

        program, pack = bind_program(text, library, name)
        return cls(program, pack, library, origin=Path(name).stem if name else "")

    # --- events and edits ------------------------------------------------------------------------

    def subscribe(self, listener) -> None:
        """listener(event) for each Changed, Reset and Saved; a bound method is held weakly."""
        self.events.subscribe(listener)

    def unsubscribe(self, listener) -> None:
        self.events.unsubscribe(listener)

    def edit(self, change: Change, text: str) -> None:
        """Make an edit the user asked for, as one step of the undo history."""
        self.history.push(change, text)

    def apply(self, change: Change) -> None:
        """Carry out a change (the history calls this for an edit, its undo and its redo)."""
        edits.apply(self.program, change)
        self.revision += 1
        self.events.emit(Changed(change, self.revision))

    def replace(self, other: "Document") -> None:
        """Show another program in this document (Open, New, Recover), as one reset event."""
        self.program, self.pack, self.path, self.origin = other.program, other.pack, other.path, other.origin
        self._snapshot = None  # the last program's snapshot goes with it
        self.revision += 1
        self.history.clear()
        self.events.emit(Reset(self.revision))

    @property
    def dirty(self) -> bool:
        """Unsaved work: the history is away from the point where the file was last written."""
        return not self.history.is_clean()

    def mark_dirty(self) -> None:
        """A program that holds unsaved work though nothing was edited here (a recovered autosave)."""
        self.history.forget_clean()

    # --- the snapshot of this revision -----------------------------------------------------------

    @property
    def name(self) -> str:
        """The program's name in its Python: the file's stem."""
        return self.path.stem if self.path else "program"

    def snapshot(self) -> Snapshot:
        """Text, problems and Python of the program as it is now: computed once per revision
        (here, or by a thread that offered it), then shared."""
        if self._snapshot is None or self._snapshot.revision != self.revision or self._snapshot.name != self.name:
            self._snapshot = take(self.program, self.pack, self.revision, self.name)
        return self._snapshot

    def offer(self, snapshot: Snapshot) -> bool:
        """Keep a snapshot computed elsewhere if it is of this revision; False (dropped) if stale."""
        if snapshot.revision != self.revision or snapshot.name != self.name:
            return False
        self._snapshot = snapshot
        return True

    @property
    def current_snapshot(self) -> Snapshot | None:
        """The snapshot of this revision if one is computed already, else None (without computing)."""
        snapshot = self._snapshot
        return snapshot if snapshot and snapshot.revision == self.revision and snapshot.name == self.name else None

    def scope_at(self, path: tuple):
        """The names the line at `path` can use in its values (the value editor's drop-downs), kept
        with this revision's snapshot so choosing lines back and forth works them out once."""
        from robolab.language.scope import Scope

        snapshot = self.current_snapshot
        scopes = snapshot.extra.setdefault("scopes", {}) if snapshot is not None else {}
        if path not in scopes:
            scopes[path] = Scope(self.program, self.pack, path)
        return scopes[path]

    # --- text and files -------------------------------------------------------------------------

    @property
    def title(self) -> str:
        if self.path:
            return self.path.name
        return f"{self.origin} (copy)" if self.origin else "Untitled"

    def text(self) -> str:
        if (snapshot := self.current_snapshot) is not None:
            return snapshot.text
        from robolab.language import print_program

        return print_program(self.program, self.pack)

    def save(self, path: str | Path | None = None) -> None:
        path = Path(path) if path else self.path
        if path is None:
            raise ValueError("a new program needs a file name to save to")
        write_atomic(path, self.text())
        self.path = path
        self.history.set_clean()
        self.events.emit(Saved(path))

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


def _fresh(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    number = 2
    while f"{name}{number}" in taken:
        number += 1
    return f"{name}{number}"
