"""The program canvas: a tree view over the program's lines (robolab.ui.program_model), which
mirrors the document and never writes it.

Every edit it wants (a drop, Alt+Up, Tab, Delete) is computed as a model Change and handed to the
window as `edit_requested`, which pushes an undo command; the document then tells the model what
changed, the model updates just those rows, and the canvas selects what changed. A drop the
palette would refuse is not offered: the indicator turns red and `refused` carries the reason.
"""

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QPointF, QRect, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QPainter, QPen, QStandardItem
from PySide6.QtWidgets import QAbstractItemView, QTreeView

from robolab.document import Changed, Document, Reset
from robolab.model import edits
from robolab.model.edits import Change, EditError
from robolab.ui import theme as th
from robolab.ui.canvas_drops import DragAndDrop
from robolab.ui.line_painter import PROBLEM, RUNNING, LineDelegate
from robolab.ui.program_model import ProgramModel


class ProgramCanvas(DragAndDrop, QTreeView):
    edit_requested = Signal(object, str)  # Change, what it does (for the Edit menu)
    zoom_requested = Signal(int)  # Ctrl+wheel: +1 larger, -1 smaller
    file_dropped = Signal(str)  # a .rlab file dropped from a file manager
    typed = Signal(str)  # a letter typed on a line: the start of a command to find
    refused = Signal(str)
    paths_selected = Signal(list)
    values_requested = Signal()  # Enter: go to the value editor

    def __init__(self, document: Document, parent=None, model: ProgramModel | None = None):
        super().__init__(parent)
        self.document = document
        self.setObjectName("canvas")
        self.setHeaderHidden(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setAcceptDrops(True)
        self.setUniformRowHeights(False)  # a long line wraps onto more rows of text (line_painter)
        self.setExpandsOnDoubleClick(False)
        self.setAnimated(False)
        self.setAutoScroll(True)
        self.setDropIndicatorShown(False)  # this canvas draws its own, which knows bodies
        self.delegate = LineDelegate(self)
        self.setItemDelegate(self.delegate)
        self._indicator: tuple[QRect, bool] | None = None  # the drop line, and whether it is allowed
        self._problems: list[QStandardItem] = []  # rows marked with a problem
        self._running: QStandardItem | None = None
        self._quiet = False  # selecting in code: say `paths_selected` once, at the end
        self.zoom = 1.0
        self.set_zoom(1.0)
        self.program_model = model or ProgramModel(document, self)
        self.setModel(self.program_model)
        self.selectionModel().selectionChanged.connect(self._selection_changed)
        self._closed: list[QStandardItem] = []  # rows a move takes out closed
        self.program_model.rowsAboutToBeRemoved.connect(self._note_closed)
        self.program_model.about_to_rebuild.connect(self.collapseAll)
        if model is None:  # a second view of the same rows (a picture) does not follow edits
            document.subscribe(self._on_event)
        self.expandAll()

    # --- following the document ------------------------------------------------------------------

    def _on_event(self, event) -> None:
        if isinstance(event, Changed):  # the model has changed its rows already
            self._after_change(event.change)
        elif isinstance(event, Reset):  # the model has all new rows
            self._after_reset()

    def _after_reset(self) -> None:
        self._problems, self._running = [], None
        self.expandAll()

    def _after_change(self, change: Change) -> None:
        for item in self.program_model.moved:  # rows put back by a move open as they were
            self._expand(item)
        self._closed = []
        touched = change.touched()
        if not touched and change.removed:  # after a delete, the line that took its place
            touched = [self._nearest(change.removed[0][0])] if self.program_model.rowCount() else []
        self.select_paths(touched)

    def _note_closed(self, parent, first: int, last: int) -> None:
        """Before rows go (a move takes them out to put them back): which of them are closed."""
        model = self.program_model
        if model.rebuilding:  # every row goes (and its state with it)
            return
        owner = model.itemFromIndex(parent) if parent.isValid() else model.invisibleRootItem()
        stack = [owner.child(row) for row in range(first, last + 1)]
        while stack:
            item = stack.pop()
            if item is not None and item.rowCount():
                if not self.isExpanded(item.index()):
                    self._closed.append(item)
                stack.extend(item.child(i) for i in range(item.rowCount()))

    def _expand(self, item: QStandardItem) -> None:
        """Open a row put back by a move and the rows inside it (a closed one stays closed)."""
        stack = [item]
        while stack:
            row = stack.pop()
            if row.rowCount():
                self.setExpanded(row.index(), not any(row is closed for closed in self._closed))
                stack.extend(row.child(i) for i in range(row.rowCount()))

    def _nearest(self, path: tuple) -> tuple:
        """The line now at `path`, else the one before it, else the line whose body it was in."""
        blocks = edits.blocks_in(self.document.program, path[:-1])
        if path[-1] < len(blocks):
            return path
        if blocks:
            return path[:-1] + (len(blocks) - 1,)
        return path[:-2] if len(path) > 1 else (0,)

    def picture(self, width: int = 900):
        """The whole program as one image (however long), for a report."""
        copy = ProgramCanvas(self.document, model=self.program_model)
        copy.set_zoom(self.zoom, self.delegate.theme)
        copy.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        copy.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        copy.setStyleSheet("QTreeView { border: none; }")
        copy.resize(width, 200)
        rows, index = 0, copy.model().index(0, 0)
        while index.isValid():
            rows += 1
            index = copy.indexBelow(index)
        row = copy.sizeHintForRow(0) if rows else 20
        copy.resize(width, rows * row + 16)
        copy.ensurePolished()
        image = copy.grab()
        copy.setModel(None)
        copy.deleteLater()
        return image

    # --- paths and rows --------------------------------------------------------------------------

    def item_at(self, path: tuple) -> QStandardItem:
        """The row of the block at `path`."""
        return self.program_model.item_at(path)

    def line_text(self, path: tuple) -> str:
        """What the line at `path` reads on the canvas."""
        return self.program_model.words(self.item_at(path))

    def path_of(self, item: QStandardItem) -> tuple:
        return self.program_model.path_of(item)

    def _is_body(self, item) -> bool:
        return self.program_model.is_body(item)

    def _single_body(self, item) -> str | None:
        """The body name of a block row whose lines are its direct children."""
        from robolab.palette import COMMENT

        block = self.document.program.block_at(self.path_of(item))
        command = self.document.pack.command(block.command) if block.command != COMMENT else None
        return command.bodies[0] if command and len(command.bodies) == 1 else None

    def item_below(self, pos) -> QStandardItem | None:
        """The row at a point of the viewport, or None."""
        index = self.indexAt(pos)
        return self.program_model.itemFromIndex(index) if index.isValid() else None

    def item_rect(self, item: QStandardItem) -> QRect:
        return self.visualRect(item.index())

    def current_item(self) -> QStandardItem | None:
        index = self.currentIndex()
        return self.program_model.itemFromIndex(index) if index.isValid() else None

    def selected_items(self) -> list[QStandardItem]:
        model = self.program_model
        return [model.itemFromIndex(index) for index in self.selectionModel().selectedRows()]

    def selected_paths(self) -> list[tuple]:
        paths = [self.path_of(item) for item in self.selected_items() if not self._is_body(item)]
        return edits.outermost(self.document.program, self.document.pack, paths)

    def _selection_changed(self, *_) -> None:
        if not self._quiet and not self.program_model.busy:
            self.paths_selected.emit(self.selected_paths())

    def select_paths(self, paths: list[tuple]) -> None:
        """Select these lines (opening what they are inside), telling listeners once."""
        self._quiet = True
        try:
            selection = QItemSelection()
            indexes = [self.item_at(p).index() for p in paths]
            for index in indexes:
                selection.select(index, index)
            flags = QItemSelectionModel.SelectionFlag
            self.selectionModel().select(selection, flags.ClearAndSelect | flags.Rows)
            if indexes:
                self.selectionModel().setCurrentIndex(indexes[0], flags.NoUpdate)
                self.scrollTo(indexes[0])  # opens closed lines it is inside
        finally:
            self._quiet = False
        self.paths_selected.emit(self.selected_paths())

    def insertion_point(self) -> tuple:
        """Where a palette command goes: after the selected line, or first in a selected body."""
        current = self.current_item() if self.selectionModel().hasSelection() else None
        if current is None:
            return (len(self.document.program.blocks),)
        if self._is_body(current):
            return self.path_of(current.parent()) + (current.text(), 0)
        paths = self.selected_paths()
        last = paths[-1] if paths else self.path_of(current)
        return last[:-1] + (last[-1] + 1,)

    def set_problems(self, problems: dict[tuple, str]) -> None:
        """Mark lines with a problem (path -> message); clears the others. Linear in the problems."""
        for item in self._problems:
            try:
                item.setData(None, PROBLEM)
                path = self.path_of(item)
                block = self.document.program.block_at(path)
                command = self.document.pack.command(block.command)
                item.setToolTip(command.help if command else "")
            except (RuntimeError, IndexError, KeyError, AttributeError):  # its row went with an edit
                pass
        self._problems = []
        for path, message in problems.items():
            try:
                item = self.item_at(path)
            except (IndexError, KeyError, AttributeError, StopIteration):
                continue
            item.setData(message, PROBLEM)
            item.setToolTip(message)
            self._problems.append(item)

    def set_running(self, path) -> None:
        """Outline the line the robot is running (None: no run), and keep it in view."""
        previous, self._running = self._running, None
        if previous is not None:
            try:
                previous.setData(False, RUNNING)
            except RuntimeError:  # its row went with an edit
                pass
        if path is None:
            return
        try:
            item = self.item_at(tuple(path))
        except (IndexError, KeyError, AttributeError, StopIteration, TypeError):
            return  # the program changed since the run started
        item.setData(True, RUNNING)
        self._running = item
        self.scrollTo(item.index())

    # --- zoom and look ---------------------------------------------------------------------------

    def set_zoom(self, zoom: float, theme: th.Theme | None = None) -> None:
        self.zoom = zoom
        self.delegate.zoom = zoom
        if theme is not None:
            self.delegate.theme = theme
        self.setFont(th.ui_font(zoom))
        self.setIndentation(int(26 * zoom))
        self.scheduleDelayedItemsLayout()
        self.viewport().update()

    def drawBranches(self, painter: QPainter, rect: QRect, index) -> None:
        """Indentation guides and an expand arrow, with no selection colour in the margin."""
        theme = self.delegate.theme
        depth, parent = 0, index.parent()
        while parent.isValid():
            depth += 1
            parent = parent.parent()
        painter.save()
        painter.fillRect(rect, QColor(theme.surface))
        step = self.indentation()
        left = rect.right() + 1 - (depth + 1) * step
        painter.setPen(QPen(QColor(theme.border), 1))
        for level in range(depth):
            x = left + level * step + step // 2
            painter.drawLine(x, rect.top(), x, rect.bottom())
        if self.model().hasChildren(index):
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            size = step * 0.22
            cx, cy = left + depth * step + step / 2, rect.center().y() + 0.5
            painter.setPen(QPen(QColor(theme.muted), max(1.5, 1.6 * self.zoom), Qt.PenStyle.SolidLine,
                                Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
            if self.isExpanded(index):
                points = [QPointF(cx - size, cy - size / 2), QPointF(cx, cy + size / 2), QPointF(cx + size, cy - size / 2)]
            else:
                points = [QPointF(cx - size / 2, cy - size), QPointF(cx + size / 2, cy), QPointF(cx - size / 2, cy + size)]
            painter.drawPolyline(points)
        painter.restore()

    def wheelEvent(self, event) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom_requested.emit(1 if event.angleDelta().y() > 0 else -1)
            event.accept()
        else:
            super().wheelEvent(event)

    # --- keyboard --------------------------------------------------------------------------------

    def event(self, event):
        if event.type() == event.Type.KeyPress and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            backwards = event.key() == Qt.Key.Key_Backtab or event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            self._keyboard_edit(edits.outdent if backwards else edits.indent,
                                "Outdent" if backwards else "Indent")
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:
        alt = event.modifiers() & Qt.KeyboardModifier.AltModifier
        if alt and event.key() == Qt.Key.Key_Up:
            self._keyboard_edit(edits.move_up, "Move up")
        elif alt and event.key() == Qt.Key.Key_Down:
            self._keyboard_edit(edits.move_down, "Move down")
        elif event.matches(QKeySequence.StandardKey.Delete) or event.key() == Qt.Key.Key_Backspace:
            self.delete_selected()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.values_requested.emit()
        elif event.text().isprintable() and event.text().strip() and not event.modifiers() & (
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            self.typed.emit(event.text())  # typing a command's name finds it in the palette
        else:
            super().keyPressEvent(event)

    def _keyboard_edit(self, operation, text: str) -> None:
        self.request(lambda program, pack: operation(program, pack, self.selected_paths()), text)

    def delete_selected(self) -> None:
        self.request(lambda program, pack: edits.delete(program, pack, self.selected_paths()), "Delete")

    def request(self, plan, text: str) -> bool:
        """Compute a change with plan(program, pack) and ask for it; a refusal goes to the status bar."""
        try:
            change = plan(self.document.program, self.document.pack)
        except EditError as error:
            self.refused.emit(str(error))
            return False
        if not change.is_empty:
            self.edit_requested.emit(change, text)
        return True
