"""The program canvas: a view over the program's lines (robolab.ui.program_model), which mirrors
the document and never writes it.

Every edit it wants (a drop, Alt+Up, Tab, Delete) is computed as a model Change and handed to the
window as `edit_requested`, which pushes an undo command; the document then tells the model what
changed, the model updates just those rows, and the canvas selects what changed. A drop the
palette would refuse is not offered: the indicator turns red and `refused` carries the reason.

The rows are flat (one per line, with its depth) and the line painter draws the indentation; a
line with lines inside it can be closed, which hides those rows (robolab.ui.canvas_folds). Rows
differ in height (a long line wraps), so Qt knows where a row is only by measuring every row
above it, and it forgets the heights at each edit: the canvas keeps Qt from needing that after
an edit (see `verticalOffset`, `visualRegionForSelection`, `currentChanged`).
"""

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QRect, Qt, Signal
from PySide6.QtGui import QAccessible, QKeySequence, QRegion, QStandardItem
from PySide6.QtWidgets import QAbstractItemView, QTreeView

from robolab.document import Changed, Document, Reset
from robolab.model import edits
from robolab.model.edits import Change, EditError
from robolab.ui import theme as th
from robolab.ui.canvas_drops import DragAndDrop
from robolab.ui.canvas_folds import Folding
from robolab.ui.line_painter import BAND, INDENT, MARGIN, PROBLEM, RUNNING, LineDelegate
from robolab.ui.program_model import ProgramModel


class ProgramCanvas(Folding, DragAndDrop, QTreeView):
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
        self.setRootIsDecorated(False)  # flat rows: the line painter draws the indentation
        self.setItemsExpandable(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setAcceptDrops(True)
        self.setUniformRowHeights(False)  # a long line wraps onto more rows of text (line_painter)
        # The scroll bar counts rows, so scrolling to a row never measures the rows above it.
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
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
        self._init_folding()
        self.zoom = 1.0
        self.set_zoom(1.0)
        self.program_model = model or ProgramModel(document, self)
        self.setModel(self.program_model)
        self.selectionModel().selectionChanged.connect(self._selection_changed)
        if model is None:  # a second view of the same rows (a picture) does not follow edits
            document.subscribe(self._on_event)

    # --- following the document ------------------------------------------------------------------

    def _on_event(self, event) -> None:
        if isinstance(event, Changed):  # the model has changed its rows already
            self._after_change(event.change)
        elif isinstance(event, Reset):  # the model has all new rows
            self._after_reset()

    def _after_reset(self) -> None:
        self._problems, self._running, self._closed = [], None, {}

    def _after_change(self, change: Change) -> None:
        if self._closed:  # rows put back by a move stay closed as they were
            for _, block in change.added:
                self._hide_closed(self.program_model.row_of(block))
        touched = change.touched()
        if not touched and change.removed:  # after a delete, the line that took its place
            touched = [self._nearest(change.removed[0][0])] if self.program_model.rowCount() else []
        self.select_paths(touched)

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
        rows = copy.model().rowCount()
        row = copy.sizeHintForRow(0) if rows else 20
        copy.resize(width, rows * row + 16)
        copy.ensurePolished()
        image = copy.grab()
        copy.setModel(None)
        copy.deleteLater()
        return image

    # --- what Qt would otherwise measure every row above for ----------------------------------------

    def verticalOffset(self) -> int:
        """The pixels scrolled, taken as the rows scrolled times a one-line row's height. Qt asks for
        it to place a style sheet's background and a mouse drag's start; its own answer measures
        every row above the view, and after an edit each row again (20,000 rows: half a second)."""
        plain, _ = self.delegate.metrics()
        return self.verticalScrollBar().value() * int(plain.height() * (MARGIN + BAND))

    def visualRegionForSelection(self, selection) -> QRegion:
        """The whole visible rows: Qt's own answer measures every row between the view and each
        selected row, however far away (rows are drawn from cached pictures, so painting all is cheap)."""
        return QRegion(self.viewport().rect())

    def currentChanged(self, current, previous) -> None:
        """Scroll to the new current line and repaint (Qt's own measures every row between the view
        and the previous current line to repaint just it). With a screen reader on, Qt's own, which
        tells it where the focus went."""
        if QAccessible.isActive():
            super().currentChanged(current, previous)
            return
        if current.isValid() and self.hasAutoScroll():
            self.scrollTo(current)
        self.viewport().update()

    # --- paths and rows --------------------------------------------------------------------------

    def item_at(self, path: tuple) -> QStandardItem:
        """The row of the block at `path` (a body's name last: that body's header row)."""
        return self.program_model.item_at(path)

    def line_text(self, path: tuple) -> str:
        """What the line at `path` reads on the canvas."""
        return self.program_model.words(self.item_at(path))

    def path_of(self, item: QStandardItem) -> tuple:
        return self.program_model.path_of(item)

    def _is_body(self, item) -> bool:
        return self.program_model.is_body(item)

    def _single_body(self, item) -> str | None:
        """The body name of a block row whose lines come right under it (no header rows)."""
        from robolab.palette import COMMENT

        block = self.program_model.lines[item.row()].block
        command = self.document.pack.command(block.command) if block.command != COMMENT else None
        return command.bodies[0] if command and len(command.bodies) == 1 else None

    def item_below(self, pos) -> QStandardItem | None:
        """The row at a point of the viewport, or None."""
        index = self.indexAt(pos)
        return self.program_model.itemFromIndex(index) if index.isValid() else None

    def item_rect(self, item: QStandardItem) -> QRect:
        """Where a line's strip is (its row less the indentation left of it)."""
        index = item.index()
        return self.visualRect(index).adjusted(self.delegate.margin(index), 0, 0, 0)

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
                if self._closed:
                    self._reveal(index.row())
                selection.select(index, index)
            flags = QItemSelectionModel.SelectionFlag
            self.selectionModel().select(selection, flags.ClearAndSelect | flags.Rows)
            if indexes:
                self.selectionModel().setCurrentIndex(indexes[0], flags.NoUpdate)
                self.scrollTo(indexes[0])
        finally:
            self._quiet = False
        self.paths_selected.emit(self.selected_paths())

    def insertion_point(self) -> tuple:
        """Where a palette command goes: after the selected line, or first in a selected body."""
        current = self.current_item() if self.selectionModel().hasSelection() else None
        if current is None:
            return (len(self.document.program.blocks),)
        if self._is_body(current):
            return self.path_of(current) + (0,)
        paths = self.selected_paths()
        last = paths[-1] if paths else self.path_of(current)
        return last[:-1] + (last[-1] + 1,)

    def set_problems(self, problems: dict[tuple, str]) -> None:
        """Mark lines with a problem (path -> message); clears the others. Linear in the problems."""
        model = self.program_model
        for item in self._problems:
            try:
                item.setData(None, PROBLEM)
                block = model.lines[item.row()].block
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
        if self._closed:
            self._reveal(item.row())
        self.scrollTo(item.index())

    # --- zoom and look ---------------------------------------------------------------------------

    def set_zoom(self, zoom: float, theme: th.Theme | None = None) -> None:
        self.zoom = zoom
        self.delegate.zoom = zoom
        if theme is not None:
            self.delegate.theme = theme
        self.setFont(th.ui_font(zoom))
        self.setIndentation(int(INDENT * zoom))  # the step the drop lines use (the painter indents)
        self.scheduleDelayedItemsLayout()
        self.viewport().update()

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
        elif event.key() in (Qt.Key.Key_Left, Qt.Key.Key_Right) and not event.modifiers() \
                and self.currentIndex().isValid():
            self._step_in_or_out(event.key() == Qt.Key.Key_Right)
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
