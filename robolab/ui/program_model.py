"""The program's lines as a flat item model: one row per printed line, in reading order (a block's
row, then the rows of its body; a command with several bodies (if/else) has a header row per body),
each row with its depth. The canvas shows it as a list and the line painter draws the indentation.

Flat, not a tree: a tree view keeps a persistent index for every open row, and Qt walks all of
them on every insert and remove (thousands at 20,000 lines, about 40 ms a move); flat rows have
none, so a move costs Qt a removal and an insertion of its own rows and one pass of its layout.

It follows the document's events, and a change touches only its own rows: a delete removes the
block's rows, an insert makes rows for the new block and its body, a move does both, a value change
redescribes one row; opening another program rebuilds all rows at once. The rows are
QStandardItems (kept in C++: asking a Python model for each row costs about 270 ms at 20,000
lines). `lines` mirrors them in Python (block, depth, body name of a header) for the walks that
find a row's path or a path's row; the row of each block (by its identity) is noted again when
asked after rows came or went.

A row's words are made when it is first drawn or measured (`label`), not when the rows are made:
opening 20,000 lines made labels for 16,000 commands of which a screen shows forty.
"""

from bisect import bisect_left
from operator import attrgetter

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel

from robolab.document import Changed, Document, Reset
from robolab.model.edits import Change
from robolab.model.program import Block
from robolab.palette import COMMENT
from robolab.ui import labels
from robolab.ui.line_painter import BLOCK, BODY, COLOUR, COMMENT_LINE, DEPTH, KIND, PROBLEM, SEGMENTS

COMMENT_COLOUR = "#8a94a3"
LINE_FLAGS = (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
              | Qt.ItemFlag.ItemNeverHasChildren)
BODY_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
_DEPTH = attrgetter("depth")


class Line:
    """What a row shows: a block (or, for a header row, the block whose body `body` it heads)."""

    __slots__ = ("block", "depth", "body")

    def __init__(self, block: Block, depth: int, body: str | None = None):
        self.block, self.depth, self.body = block, depth, body


class ProgramModel(QStandardItemModel):
    def __init__(self, document: Document, parent=None):
        super().__init__(parent)
        self.document = document
        self.lines: list[Line] = []
        self._rows: dict[int, tuple] | None = None  # id(block) -> (its row when noted, len(_shifts) then)
        self._shifts: list[tuple[int, int]] = []  # rows that came (+) or went (-): (at, how many)
        self._outer: list[int] | None = None  # rows of the top-level lines (made when a path needs them)
        self._firsts: dict[tuple, object] = {}  # rows to copy: (command, depth) -> (row, command), headers
        self.busy = False  # between the program's change and the rows' (a view waits before reading paths)
        document.subscribe(self._on_event)
        self.rebuild()

    # --- following the document --------------------------------------------------------------

    def _on_event(self, event) -> None:
        if isinstance(event, Reset):
            self.rebuild()
        elif isinstance(event, Changed):
            self.mirror(event.change)

    def rebuild(self) -> None:
        """All rows anew (Open, New: linear in the lines)."""
        lines, items, self._firsts = [], [], {}  # another program may come with another pack
        for block in self.document.program.blocks:
            self._make(block, 0, lines, items)
        self.busy, self._outer = True, None
        try:
            self.removeRows(0, self.rowCount())  # not clear(): Qt's takes time growing with the square of the rows
            self.lines, self._rows, self._shifts = lines, None, []
            if items:
                self.invisibleRootItem().appendRows(items)
        finally:
            self.busy = False

    def mirror(self, change: Change) -> None:
        """Change just the rows of the blocks the change took out, put in or set."""
        self.busy = True
        try:
            self._take_out([block for _, block in change.removed])
            for path, block in change.added:
                self._put_in(path, block)
            for path, _, _, _ in change.values:
                self.describe(self.item_at(path), self.document.program.block_at(path))
        finally:
            self.busy = False

    def _take_out(self, blocks: list[Block]) -> None:
        """Remove the rows of these blocks (each with its body), the lowest first so the rows above
        keep their numbers."""
        spans = sorted((row, row + self.span(row)) for row in (self.row_of(b) for b in blocks))
        outermost = []
        for first, end in spans:
            if not outermost or first >= outermost[-1][1]:
                outermost.append((first, end))
        for first, end in reversed(outermost):
            del self.lines[first:end]
            self._shifted(first, first - end)
            self.removeRows(first, end - first)

    def _put_in(self, path: tuple, block: Block) -> None:
        """Rows for a block (and its body) where `path` in the program puts it: after the rows of
        the block before it, else first under its body's header or owner."""
        program = self.document.program
        if path[-1] > 0:
            before = self.row_of(program.block_at(path[:-1] + (path[-1] - 1,)))
            row, depth = before + self.span(before), self.lines[before].depth
        elif len(path) == 1:
            row, depth = 0, 0
        else:
            above = self.row_of(program.block_at(path[:-2]))
            above = self.header_row(above, path[-2]) or above
            row, depth = above + 1, self.lines[above].depth + 1
        lines, items = [], []
        self._make(block, depth, lines, items)
        self.lines[row:row] = lines
        self._shifted(row, len(lines))
        if self._rows is not None:  # a moved block's rows are somewhere else now
            since = len(self._shifts)
            self._rows.update((id(line.block), (row + n, since)) for n, line in enumerate(lines) if line.body is None)
        self.invisibleRootItem().insertRows(row, items)

    # --- rows ---------------------------------------------------------------------------------

    def _make(self, block: Block, depth: int, lines: list, items: list) -> None:
        """The rows of a block at `depth` and of its body (a header row per body when it has several);
        its words come later, when it is first shown (`label`). Each row is a copy of a first row
        made for its command and depth: one call into Qt a row instead of eight."""
        key = (block.command, depth)
        if (first := self._firsts.get(key)) is None:
            row = QStandardItem()
            row.setData(depth, DEPTH)
            first = self._firsts[key] = row, self._describe_look(row, block)
        item, command = first[0].clone(), first[1]
        lines.append(Line(block, depth))
        items.append(item)
        names = command.bodies if command else ()
        if len(names) == 1:
            for inner in block.bodies.get(names[0], []):
                self._make(inner, depth + 1, lines, items)
        elif len(names) > 1:
            for name in names:
                lines.append(Line(block, depth + 1, name))
                key = (name, item.data(COLOUR), depth + 1)
                if (header := self._firsts.get(key)) is None:
                    header = self._firsts[key] = self._header(*key)
                items.append(header.clone())
                for inner in block.bodies.get(name, []):
                    self._make(inner, depth + 2, lines, items)

    def _header(self, name: str, colour: str, depth: int) -> QStandardItem:
        """The header row of the body `name` of an if/else."""
        header = QStandardItem(name)
        header.setData(BODY, KIND)
        header.setData(colour, COLOUR)
        header.setData([(name, False)], SEGMENTS)
        header.setData(depth, DEPTH)
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
        quiet = self.blockSignals(True)
        try:
            self._describe_words(item, self.lines[index.row()].block)
        finally:
            self.blockSignals(quiet)

    def words(self, item: QStandardItem) -> str:
        """What a row reads (a body header: the body's name), made now if it was not shown yet."""
        self.label(item.index())
        return item.text()

    def is_body(self, item: QStandardItem | None) -> bool:
        return item is not None and item.data(KIND) == BODY

    def rows(self):
        """Every row, in order, as (text, kind, depth)."""
        for row, line in enumerate(self.lines):
            item = self.item(row)
            yield self.words(item), item.data(KIND), line.depth

    # --- the shape of the rows ------------------------------------------------------------------

    def span(self, row: int) -> int:
        """How many rows the line at `row` takes with the lines inside it."""
        lines, depth, end = self.lines, self.lines[row].depth, row + 1
        while end < len(lines) and lines[end].depth > depth:
            end += 1
        return end - row

    def has_inner(self, row: int) -> bool:
        """Whether lines are inside this one (it can be closed)."""
        return row + 1 < len(self.lines) and self.lines[row + 1].depth > self.lines[row].depth

    def headed(self, row: int) -> bool:
        """Whether this line's bodies have header rows (an if/else)."""
        return self.has_inner(row) and self.lines[row].body is None and self.lines[row + 1].body is not None

    def header_row(self, row: int, name: str) -> int | None:
        """The header row of the body `name` of the block at `row`, or None (a single body has none)."""
        depth = self.lines[row].depth + 1
        for inner in range(row + 1, row + self.span(row)):
            line = self.lines[inner]
            if line.depth == depth and line.body == name:
                return inner
        return None

    def owner_row(self, row: int) -> int | None:
        """The row of the line this one is inside (for a block in an else: the else header), or None."""
        depth = self.lines[row].depth
        while row > 0:
            row -= 1
            if self.lines[row].depth < depth:
                return row
        return None

    # --- rows and paths -------------------------------------------------------------------------

    def row_of(self, block: Block) -> int:
        """The row of a block of the program (KeyError if it has none): where it was when the rows
        were last noted, moved by the rows that came and went since, else noted again (20,000
        rows: 3 ms)."""
        noted = self._rows.get(id(block)) if self._rows is not None else None
        if noted is not None:
            row, since = noted
            for at, count in self._shifts[since:]:
                if row >= (at if count > 0 else at - count):
                    row += count
            line = self.lines[row] if row < len(self.lines) else None
            if line is not None and line.block is block and line.body is None:
                return row
        self._rows = {id(line.block): (row, 0) for row, line in enumerate(self.lines) if line.body is None}
        self._shifts = []
        return self._rows[id(block)][0]

    def _shifted(self, at: int, count: int) -> None:
        """Note that `count` rows came at `at` (went from it, when negative)."""
        self._outer = None
        if self._rows is not None:
            self._shifts.append((at, count))
            if len(self._shifts) > 64:  # noting every row again is cheaper now
                self._rows, self._shifts = None, []

    def item_at(self, path: tuple) -> QStandardItem:
        """The row of the block at `path`, or with a body's name last, of that body's header
        (IndexError, KeyError or AttributeError if there is none)."""
        if isinstance(path[-1], str):
            row = self.header_row(self.row_of(self.document.program.block_at(path[:-1])), path[-1])
            if row is None:
                raise KeyError(path)
            return self.item(row)
        return self.item(self.row_of(self.document.program.block_at(path)))

    def path_of(self, item: QStandardItem) -> tuple:
        """The block path of a row (a body header's: its owner's path and the body's name)."""
        return self.path_at(item.row())

    def path_at(self, row: int) -> tuple:
        lines, steps = self.lines, []
        if lines[row].body is not None:
            steps.append(lines[row].body)
            row = self.owner_row(row)
        while True:
            depth, index, above = lines[row].depth, 0, row - 1
            if depth == 0:  # among the top-level lines: thousands of rows may be above it
                if self._outer is None:
                    self._outer = [r for r, depth in enumerate(map(_DEPTH, lines)) if not depth]
                steps.append(bisect_left(self._outer, row))
                return tuple(reversed(steps))
            while above >= 0 and lines[above].depth >= depth:
                index += lines[above].depth == depth
                above -= 1
            steps.append(index)
            owner = lines[above]
            if owner.body is not None:
                steps.append(owner.body)
                above = self.owner_row(above)
            else:
                steps.append(self.document.pack.command(owner.block.command).bodies[0])
            row = above
