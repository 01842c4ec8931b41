"""The program's lines as an item model: one row per block, in the program's order, and for a
command with several bodies (if/else) one header row per body. The canvas is a QTreeView over it.

It follows the document's events, and a change touches only its own rows: an insert adds rows, a
delete removes them, a move takes the rows out and puts the same rows back (with their bodies),
a value change redescribes one row; opening another program rebuilds all rows in one reset.
The rows are QStandardItems (kept in C++): a tree view lays out every visible row after each
insert, and asking a Python model for each one costs about 270 ms at 20,000 lines.

A row's words are made when it is first drawn or measured (`label`), not when the rows are made:
opening 20,000 lines made labels for 16,000 commands of which a screen shows forty.
"""

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel

from robolab.document import Changed, Document, Reset
from robolab.model.edits import Change
from robolab.model.program import Block
from robolab.palette import COMMENT
from robolab.ui import labels
from robolab.ui.line_painter import BLOCK, BODY, COLOUR, COMMENT_LINE, KIND, PROBLEM, SEGMENTS

COMMENT_COLOUR = "#8a94a3"
LINE_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
BODY_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class ProgramModel(QStandardItemModel):
    # Before all rows go: a view closes its open rows first (with thousands open, Qt's reset
    # otherwise takes time growing with the square of their number: 7 s at 5,000 lines).
    about_to_rebuild = Signal()

    def __init__(self, document: Document, parent=None):
        super().__init__(parent)
        self.document = document
        self.moved: list[QStandardItem] = []  # rows a move took out and put back (the view keeps them open)
        self.busy = False  # between the program's change and the rows' (a view waits before reading paths)
        self.rebuilding = False  # all rows are going (a view need not look at each)
        document.subscribe(self._on_event)
        self.rebuild()

    # --- following the document --------------------------------------------------------------

    def _on_event(self, event) -> None:
        if isinstance(event, Reset):
            self.rebuild()
        elif isinstance(event, Changed):
            self.mirror(event.change)

    def rebuild(self) -> None:
        """All rows anew, as one model reset (Open, New: linear in the lines)."""
        rows = [self.make(block) for block in self.document.program.blocks]
        self.busy = self.rebuilding = True
        try:
            self.about_to_rebuild.emit()
            self.clear()
            if rows:
                self.invisibleRootItem().appendRows(rows)
                _learn_rows(self.invisibleRootItem())
        finally:
            self.busy = self.rebuilding = False

    def mirror(self, change: Change) -> None:
        """Change just the rows of the blocks the change took out, put in or set."""
        self.busy = True
        try:
            self._mirror(change)
        finally:
            self.busy = False

    def _mirror(self, change: Change) -> None:
        taken = {}  # a moved block keeps its rows: id(block) -> its row
        for path, block in reversed(change.removed):
            owner, index = self.slot(path)
            if any(block is b for _, b in change.added):
                taken[id(block)] = owner.takeRow(index)[0]
            else:
                owner.removeRow(index)
        self.moved = []
        for path, block in change.added:
            owner, index = self.slot(path)
            item = taken.pop(id(block), None)
            if item is not None:
                self.moved.append(item)
            owner.insertRow(index, [item or self.make(block)])
        for path, _, _, _ in change.values:
            self.describe(self.item_at(path), self.document.program.block_at(path))

    # --- rows and paths -----------------------------------------------------------------------

    def make(self, block: Block) -> QStandardItem:
        """The row of a block, with rows for its body (a header row per body when it has several);
        its words come later, when it is first shown (`label`)."""
        item, command = self._look_of(block)
        names = command.bodies if command else ()
        if len(names) == 1:
            inner = [self.make(b) for b in block.bodies.get(names[0], [])]
            if inner:
                item.appendRows(inner)
        elif len(names) > 1:
            for name in names:
                header = self._header(name, item.data(COLOUR))
                inner = [self.make(b) for b in block.bodies.get(name, [])]
                if inner:
                    header.appendRows(inner)
                item.appendRow(header)
        return item

    def _look_of(self, block: Block) -> tuple[QStandardItem, object]:
        """A new row looking like the block's command, and the command."""
        item = QStandardItem()
        return item, self._describe_look(item, block)

    def _header(self, name: str, colour: str) -> QStandardItem:
        """The header row of the body `name` of an if/else."""
        header = QStandardItem(name)
        header.setData(BODY, KIND)
        header.setData(colour, COLOUR)
        header.setData([(name, False)], SEGMENTS)
        header.setFlags(BODY_FLAGS)
        return header

    def describe(self, item: QStandardItem, block: Block) -> None:
        """A row's look and words, anew (after its values changed)."""
        self._describe_look(item, block)
        self._describe_words(item, block)

    def _describe_look(self, item: QStandardItem, block: Block):
        """A row's kind, colour, flags and help; returns the block's command (None for a comment)."""
        pack = self.document.pack
        command = pack.command(block.command) if block.command != COMMENT else None
        if block.command == COMMENT:
            kind, colour = COMMENT_LINE, COMMENT_COLOUR
        else:
            category = pack.category(command.category) if command else None
            kind, colour = BLOCK, category.colour if category else COMMENT_COLOUR
        item.setData(kind, KIND)
        item.setData(colour, COLOUR)
        item.setFlags(LINE_FLAGS)
        if not item.data(PROBLEM):
            item.setToolTip(command.help if command else "")
        return command

    def _describe_words(self, item: QStandardItem, block: Block) -> None:
        segments = labels.segments(block, self.document.pack)
        item.setData(segments, SEGMENTS)
        item.setText("".join(text for text, _ in segments))

    def label(self, index) -> None:
        """Give the row at `index` its words if it has none yet (the painter asks before it reads
        them). Quietly: the view asking is the one that reads them, so no change is announced."""
        item = self.itemFromIndex(index)
        if item is None or self.busy or item.data(KIND) == BODY or item.data(SEGMENTS) is not None:
            return
        block = self.document.program.block_at(self.path_of(item))
        quiet = self.blockSignals(True)
        try:
            self._describe_words(item, block)
        finally:
            self.blockSignals(quiet)

    def words(self, item: QStandardItem) -> str:
        """What a row reads (a body header: the body's name), made now if it was not shown yet."""
        self.label(item.index())
        return item.text()

    def is_body(self, item: QStandardItem | None) -> bool:
        return item is not None and item.data(KIND) == BODY

    def item_at(self, path: tuple) -> QStandardItem:
        """The row of the block at `path` (IndexError, KeyError or AttributeError if there is none)."""
        owner, index = self.slot(path)
        item = owner.child(index)
        if item is None:
            raise IndexError(path)
        return item

    def slot(self, path: tuple) -> tuple[QStandardItem, int]:
        """The row whose children the block at `path` is among, and its index there."""
        owner = self.invisibleRootItem()
        for step in path[:-1]:
            if isinstance(step, int):
                owner = owner.child(step)
                if owner is None:
                    raise IndexError(path)
            elif owner.rowCount() and self.is_body(owner.child(0)):
                owner = next(owner.child(i) for i in range(owner.rowCount()) if owner.child(i).text() == step)
        return owner, path[-1]

    def path_of(self, item: QStandardItem) -> tuple:
        """The block path of a row (a body header's: its owner's path and the body's name)."""
        chain = []
        while item is not None:
            chain.append(item)
            item = item.parent()
        path, parent = (), None
        for item in reversed(chain):
            if self.is_body(item):
                path += (item.text(),)
            else:
                if parent is not None and not self.is_body(parent):
                    path += (self._single_body(path),)
                path += (item.row(),)
            parent = item
        return path

    def _single_body(self, path: tuple) -> str:
        block = self.document.program.block_at(path)
        return self.document.pack.command(block.command).bodies[0]

    def rows(self, item: QStandardItem | None = None):
        """Every row under `item` (the whole program when None), depth first, as (text, kind, depth)."""
        item = item or self.invisibleRootItem()
        for row in range(item.rowCount()):
            child = item.child(row)
            yield self.words(child), child.data(KIND), 0
            for text, kind, depth in self.rows(child):
                yield text, kind, depth + 1


def _learn_rows(root: QStandardItem) -> None:
    """Ask every row once where it is. A QStandardItem remembers its row from the last time it
    was asked; rows appended in bulk have not been asked, and Qt then searches for them at every
    edit (for each open row's persistent index): a move at 20,000 lines took 4 times as long."""
    stack = [root]
    while stack:
        item = stack.pop()
        for row in range(item.rowCount()):
            child = item.child(row)
            child.row()
            if child.rowCount():
                stack.append(child)
