"""The program canvas: a tree of text lines that mirrors the document and never writes it.

Every edit it wants (a drop, Alt+Up, Tab, Delete) is computed as a model Change and handed to the
window as `edit_requested`, which pushes an undo command; the document then tells the canvas what
changed and the canvas updates just those rows. A drop the palette would refuse is not offered:
the indicator turns red and `refused` carries the reason.
"""

from PySide6.QtCore import QItemSelectionModel, QPointF, QRect, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QPainter, QPen
from PySide6.QtWidgets import QAbstractItemView, QTreeWidget, QTreeWidgetItem

from robolab.model import edits
from robolab.model.edits import Change, EditError
from robolab.palette import COMMENT
from robolab.ui import labels
from robolab.ui import theme as th
from robolab.ui.canvas_drops import DragAndDrop
from robolab.document import Changed, Document, Reset
from robolab.ui.line_painter import BLOCK, BODY, COLOUR, COMMENT_LINE, KIND, PROBLEM, RUNNING, SEGMENTS, LineDelegate

COMMENT_COLOUR = "#8a94a3"


class ProgramCanvas(DragAndDrop, QTreeWidget):
    edit_requested = Signal(object, str)  # Change, what it does (for the Edit menu)
    zoom_requested = Signal(int)  # Ctrl+wheel: +1 larger, -1 smaller
    file_dropped = Signal(str)  # a .rlab file dropped from a file manager
    typed = Signal(str)  # a letter typed on a line: the start of a command to find
    refused = Signal(str)
    paths_selected = Signal(list)
    values_requested = Signal()  # Enter: go to the value editor

    def __init__(self, document: Document, parent=None, live: bool = True):
        super().__init__(parent)
        self.document = document
        self.setObjectName("canvas")
        self.setHeaderHidden(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setAcceptDrops(True)
        self.setUniformRowHeights(True)
        self.setExpandsOnDoubleClick(False)
        self.setAnimated(False)
        self.setAutoScroll(True)
        self.setDropIndicatorShown(False)  # this canvas draws its own, which knows bodies
        self.delegate = LineDelegate(self)
        self.setItemDelegate(self.delegate)
        self._indicator: tuple[QRect, bool] | None = None  # the drop line, and whether it is allowed
        self.zoom = 1.0
        self.set_zoom(1.0)
        self.itemSelectionChanged.connect(lambda: self.paths_selected.emit(self.selected_paths()))
        if live:  # a snapshot (for a picture of the program) does not follow later edits
            document.subscribe(self._on_event)
        self.rebuild()

    # --- mirroring the document ----------------------------------------------------------------

    def _on_event(self, event) -> None:
        if isinstance(event, Reset):
            self.rebuild()
        elif isinstance(event, Changed):
            self._mirror(event.change)

    def rebuild(self) -> None:
        self.clear()
        self.addTopLevelItems([self._make(block) for block in self.document.program.blocks])
        self.expandAll()

    def _mirror(self, change: Change) -> None:
        self.blockSignals(True)
        taken = {}  # a moved block keeps its rows: id(block) -> item
        for path, block in reversed(change.removed):
            item = self.item_at(path)
            parent = item.parent()
            if parent is None:
                self.takeTopLevelItem(self.indexOfTopLevelItem(item))
            else:
                parent.removeChild(item)
            taken[id(block)] = (item, self._collapsed(item))
        for path, block in change.added:
            parent, index = self._slot(path)
            item, collapsed = taken.pop(id(block), None) or (self._make(block), set())
            if parent is None:
                self.insertTopLevelItem(index, item)
            else:
                parent.insertChild(index, item)
            self._expand(item, collapsed)
        for path, _, _, _ in change.values:
            self._describe(self.item_at(path), self.document.program.block_at(path))
        self.blockSignals(False)
        touched = change.touched()
        if not touched and change.removed:  # after a delete, the line that took its place
            touched = [self._nearest(change.removed[0][0])] if self.topLevelItemCount() else []
        self.select_paths(touched)

    def _nearest(self, path: tuple) -> tuple:
        """The line now at `path`, else the one before it, else the line whose body it was in."""
        blocks = edits.blocks_in(self.document.program, path[:-1])
        if path[-1] < len(blocks):
            return path
        if blocks:
            return path[:-1] + (len(blocks) - 1,)
        return path[:-2] if len(path) > 1 else (0,)

    def _expand(self, item: QTreeWidgetItem, collapsed: set = frozenset()) -> None:
        """Open the rows (a moved line's rows that were closed stay closed)."""
        item.setExpanded(id(item) not in collapsed)
        for i in range(item.childCount()):
            self._expand(item.child(i), collapsed)

    def _collapsed(self, item: QTreeWidgetItem) -> set:
        closed = {id(item)} if item.childCount() and not item.isExpanded() else set()
        for i in range(item.childCount()):
            closed |= self._collapsed(item.child(i))
        return closed

    def _make(self, block) -> QTreeWidgetItem:
        item = QTreeWidgetItem()
        self._describe(item, block)
        command = self.document.pack.command(block.command) if block.command != COMMENT else None
        names = command.bodies if command else ()
        if len(names) == 1:
            item.addChildren([self._make(b) for b in block.bodies.get(names[0], [])])
        elif len(names) > 1:
            for name in names:
                header = QTreeWidgetItem([name])
                header.setData(0, KIND, BODY)
                header.setData(0, COLOUR, item.data(0, COLOUR))
                header.setData(0, SEGMENTS, [(name, False)])
                header.addChildren([self._make(b) for b in block.bodies.get(name, [])])
                item.addChild(header)
        return item

    def _describe(self, item: QTreeWidgetItem, block) -> None:
        pack = self.document.pack
        if block.command == COMMENT:
            kind, colour = COMMENT_LINE, COMMENT_COLOUR
        else:
            command = pack.command(block.command)
            category = pack.category(command.category) if command else None
            kind, colour = BLOCK, category.colour if category else COMMENT_COLOUR
        item.setData(0, KIND, kind)
        item.setData(0, COLOUR, colour)
        item.setData(0, SEGMENTS, labels.segments(block, pack))
        item.setText(0, labels.text_of(block, pack))
        command = pack.command(block.command)
        if not item.data(0, PROBLEM):
            item.setToolTip(0, command.help if command else "")

    def picture(self, width: int = 900):
        """The whole program as one image (however long), for a report."""
        copy = ProgramCanvas(self.document, live=False)
        copy.set_zoom(self.zoom, self.delegate.theme)
        copy.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        copy.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        copy.setStyleSheet("QTreeView { border: none; }")
        copy.resize(width, 200)
        rows, item = 0, copy.topLevelItem(0)
        while item is not None:
            rows += 1
            item = copy.itemBelow(item)
        row = copy.sizeHintForRow(0) if rows else 20
        copy.resize(width, rows * row + 16)
        copy.ensurePolished()
        image = copy.grab()
        copy.deleteLater()
        return image

    # --- paths and items -------------------------------------------------------------------------

    def _is_body(self, item) -> bool:
        return item is not None and item.data(0, KIND) == BODY

    def _single_body(self, item) -> str | None:
        """The body name of a block item whose lines are its direct children."""
        block = self.document.program.block_at(self.path_of(item))
        command = self.document.pack.command(block.command) if block.command != COMMENT else None
        return command.bodies[0] if command and len(command.bodies) == 1 else None

    def path_of(self, item: QTreeWidgetItem) -> tuple:
        chain = []
        while item is not None:
            chain.append(item)
            item = item.parent()
        path, parent = (), None
        for item in reversed(chain):
            if self._is_body(item):
                path += (item.text(0),)
            else:
                if parent is not None and not self._is_body(parent):
                    path += (self._single_body_of_path(path),)
                path += (parent.indexOfChild(item) if parent else self.indexOfTopLevelItem(item),)
            parent = item
        return path

    def _single_body_of_path(self, path: tuple) -> str:
        block = self.document.program.block_at(path)
        return self.document.pack.command(block.command).bodies[0]

    def item_at(self, path: tuple) -> QTreeWidgetItem:
        item = self.topLevelItem(path[0])
        rest = path[1:]
        while rest:
            name, index = rest[0], rest[1]
            if item.childCount() and self._is_body(item.child(0)):
                item = next(item.child(i) for i in range(item.childCount()) if item.child(i).text(0) == name)
            item = item.child(index)
            rest = rest[2:]
        return item

    def _slot(self, path: tuple) -> tuple[QTreeWidgetItem | None, int]:
        """The item whose children a path's block is among (None: the top level), and its index."""
        if len(path) == 1:
            return None, path[0]
        owner = self.item_at(path[:-2])
        if owner.childCount() and self._is_body(owner.child(0)):
            owner = next(owner.child(i) for i in range(owner.childCount()) if owner.child(i).text(0) == path[-2])
        return owner, path[-1]

    def selected_paths(self) -> list[tuple]:
        paths = [self.path_of(item) for item in self.selectedItems() if not self._is_body(item)]
        return edits.outermost(self.document.program, self.document.pack, paths)

    def select_paths(self, paths: list[tuple]) -> None:
        """Select these lines, telling listeners once (not once per line)."""
        self.blockSignals(True)
        self.clearSelection()
        items = [self.item_at(p) for p in paths]
        for item in items:
            item.setSelected(True)
        if items:
            self.setCurrentItem(items[0], 0, QItemSelectionModel.SelectionFlag.NoUpdate)
            self.scrollToItem(items[0])
        self.blockSignals(False)
        self.paths_selected.emit(self.selected_paths())

    def insertion_point(self) -> tuple:
        """Where a palette command goes: after the selected line, or first in a selected body."""
        current = self.currentItem() if self.selectedItems() else None
        if current is None:
            return (len(self.document.program.blocks),)
        if self._is_body(current):
            return self.path_of(current.parent()) + (current.text(0), 0)
        paths = self.selected_paths()
        last = paths[-1] if paths else self.path_of(current)
        return last[:-1] + (last[-1] + 1,)

    def set_problems(self, problems: dict[tuple, str]) -> None:
        """Mark lines with a problem (path -> message); clears the others."""
        def visit(item):
            path = self.path_of(item) if not self._is_body(item) else None
            message = problems.get(path) if path else None
            if message or item.data(0, PROBLEM):
                item.setData(0, PROBLEM, message)
                block = self.document.program.block_at(path) if path else None
                command = self.document.pack.command(block.command) if block else None
                item.setToolTip(0, message or (command.help if command else ""))
            for i in range(item.childCount()):
                visit(item.child(i))
        if problems or self._had_problems:
            for i in range(self.topLevelItemCount()):
                visit(self.topLevelItem(i))
        self._had_problems = bool(problems)

    _had_problems = False
    _running = None

    def set_running(self, path) -> None:
        """Outline the line the robot is running (None: no run), and keep it in view."""
        previous, self._running = self._running, None
        if previous is not None:
            try:
                previous.setData(0, RUNNING, False)
            except RuntimeError:  # its row went with an edit
                pass
        if path is None:
            return
        try:
            item = self.item_at(tuple(path))
        except (IndexError, AttributeError, StopIteration, TypeError):
            return  # the program changed since the run started
        if item is not None:
            item.setData(0, RUNNING, True)
            self._running = item
            self.scrollToItem(item)

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
