"""Closing and opening lines on the program canvas: a line with lines inside it shows an arrow
(drawn by the line painter); closing it hides the rows inside. A mixin of ProgramCanvas, kept
apart because it is its own small job. The canvas's rows are flat, so this is done here rather
than by Qt's tree: `isExpanded`, `setExpanded`, `expand`, `collapse`, `expandAll` and
`collapseAll` work on lines as a tree view's do, a click on the arrow and Left/Right too.

Closed lines are known by their block (a header row: its block and body), so a closed line that
moves stays closed. Hidden rows are persistent indexes to Qt, which it updates at every edit:
with every line closed at 20,000 lines a move costs about 25 ms of CPU, against 16 with all open.
"""

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt

from robolab.ui.line_painter import INDENT


class Folding:
    def _init_folding(self) -> None:
        self._closed: dict = {}  # fold key -> the block (kept alive, so its id is not another's)
        self.delegate.folds = self._fold_state

    def _fold_key(self, row: int):
        line = self.program_model.lines[row]
        return id(line.block) if line.body is None else (id(line.block), line.body)

    def _fold_state(self, index) -> bool | None:
        """For the painter: None for a line with nothing inside, else whether it is open."""
        row = index.row()
        if not self.program_model.has_inner(row):
            return None
        return self._fold_key(row) not in self._closed

    def isExpanded(self, index) -> bool:
        return index.isValid() and self._fold_key(index.row()) not in self._closed

    def setExpanded(self, index, opened: bool) -> None:
        """Open or close a line: closing hides the rows of the lines inside it."""
        if not index.isValid() or self.isExpanded(index) == opened:
            return
        row, model = index.row(), self.program_model
        if not opened:
            self._closed[self._fold_key(row)] = model.lines[row].block
            self._hide_closed(row)
            return
        del self._closed[self._fold_key(row)]
        inner, end = row + 1, row + model.span(row)
        while inner < end:
            self.setRowHidden(inner, QModelIndex(), False)
            closed = self._fold_key(inner) in self._closed
            inner += model.span(inner) if closed else 1
        self.viewport().update()

    def expand(self, index) -> None:
        self.setExpanded(index, True)

    def collapse(self, index) -> None:
        self.setExpanded(index, False)

    def expandAll(self) -> None:
        if not self._closed:
            return
        self._closed = {}
        for row in range(self.program_model.rowCount()):
            if self.isRowHidden(row, QModelIndex()):
                self.setRowHidden(row, QModelIndex(), False)
        self.viewport().update()

    def collapseAll(self) -> None:
        """Close every line with lines inside it: all but the top-level rows hide."""
        model = self.program_model
        for row, line in enumerate(model.lines):
            if model.has_inner(row):
                self._closed[self._fold_key(row)] = line.block
            if line.depth:
                self.setRowHidden(row, QModelIndex(), True)
        self.viewport().update()

    def _hide_closed(self, row: int) -> None:
        """Hide the rows inside the closed lines among the line at `row` and those inside it."""
        model = self.program_model
        end = row + model.span(row)
        while row < end:
            if model.has_inner(row) and self._fold_key(row) in self._closed:
                span = model.span(row)
                for inner in range(row + 1, row + span):
                    self.setRowHidden(inner, QModelIndex(), True)
                row += span
            else:
                row += 1
        self.viewport().update()

    def _reveal(self, row: int) -> None:
        """Open the lines that the row at `row` is inside."""
        model, owners = self.program_model, []
        owner = model.owner_row(row)
        while owner is not None:
            owners.append(owner)
            owner = model.owner_row(owner)
        for owner in reversed(owners):
            self.setExpanded(model.index(owner, 0), True)

    def mousePressEvent(self, event) -> None:
        """A click on a line's arrow opens or closes it."""
        index = self.indexAt(event.position().toPoint())
        if index.isValid() and event.button() == Qt.MouseButton.LeftButton \
                and self.program_model.has_inner(index.row()):
            step = int(INDENT * self.zoom)
            left = self.visualRect(index).left() + self.program_model.lines[index.row()].depth * step
            if left <= event.position().x() < left + step:
                self.setExpanded(index, not self.isExpanded(index))
                event.accept()
                return
        super().mousePressEvent(event)

    def _step_in_or_out(self, inwards: bool) -> None:
        """Right opens a closed line, else goes to the first line inside; Left closes an open line,
        else goes to the line this one is inside (as a tree view's arrow keys do)."""
        index, model = self.currentIndex(), self.program_model
        row = index.row()
        if model.has_inner(row) and self.isExpanded(index) != inwards:
            self.setExpanded(index, inwards)
            return
        target = (row + 1 if model.has_inner(row) else None) if inwards else model.owner_row(row)
        if target is not None:
            flags = QItemSelectionModel.SelectionFlag
            self.selectionModel().setCurrentIndex(model.index(target, 0), flags.ClearAndSelect | flags.Rows)
