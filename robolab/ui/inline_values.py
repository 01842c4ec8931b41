"""Values changed where they are: clicking a value on a program line (a number, a choice, a port)
edits it in place, as Scratch and MakeCode users expect. A choice or port opens a menu of its
options; a number (or a sum) opens a small box, checked as the Values pane checks it. The change
goes to the window's set_value, the same one undo step the Values pane makes.

Works over any program view whose delegate has value_rects(index, rect) (line_painter) and which
offers indexAt, visualRect and selected_paths: it watches clicks on the view, nothing more."""

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QLineEdit, QMenu

from robolab.language import values as v
from robolab.language.scope import Scope
from robolab.ui import labels

MENU_TYPES = ("choice", "motor_port", "sensor_port", "colour", "boolean")
TYPED_TYPES = ("number", "expression")


class InlineValues(QObject):
    def __init__(self, canvas, set_value, refuse=None):
        super().__init__(canvas)
        self.canvas, self.set_value = canvas, set_value
        self.refuse = refuse or (lambda reason: None)
        self.menu: QMenu | None = None
        self.editor: QLineEdit | None = None
        self._pressed: QPoint | None = None
        canvas.viewport().installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
            plain = not event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
            self._pressed = event.position().toPoint() if plain else None
        elif kind == QEvent.Type.MouseButtonRelease and self._pressed is not None:
            where, self._pressed = self._pressed, None
            if (event.position().toPoint() - where).manhattanLength() < QApplication.startDragDistance():
                QTimer.singleShot(0, lambda: self.open_at(where))  # once the click has selected the line
        return False

    def value_at(self, pos: QPoint):
        """(param, its chip's rectangle, block path) for the value under pos on the selected line, or None."""
        index = self.canvas.indexAt(pos)
        if not index.isValid():
            return None
        hits = [(n, chip) for n, chip in self.canvas.delegate.value_rects(index, self.canvas.visualRect(index))
                if chip.contains(pos.toPointF() if hasattr(pos, "toPointF") else pos)]
        paths = self.canvas.selected_paths()
        if not hits or len(paths) != 1:
            return None
        document = self.canvas.document
        block = document.program.block_at(paths[0])
        command = document.pack.command(block.command)
        params = labels.slot_params(command) if command else []
        number, chip = hits[0]
        if number >= len(params) or params[number] is None:
            return None
        return params[number], chip, paths[0]

    def open_at(self, pos: QPoint) -> bool:
        """Open the editor for the value at pos (True when one opened)."""
        found = self.value_at(pos)
        if found is None:
            return False
        param, chip, path = found
        if param.list or (param.type not in MENU_TYPES and param.type not in TYPED_TYPES):
            return False  # names, texts and lists: the Values pane (Enter) edits them
        below = self.canvas.viewport().mapToGlobal(chip.bottomLeft().toPoint())
        if param.type in MENU_TYPES:
            self._open_menu(param, below)
        else:
            self._open_box(param, path, chip)
        return True

    def _open_menu(self, param, where: QPoint) -> None:
        self.menu = menu = QMenu(self.canvas)
        current = self.canvas.document.program.block_at(self.canvas.selected_paths()[0]).args.get(param.name)
        for value, label in v.options(param):
            action = QAction(label, menu)
            action.setCheckable(True)
            action.setChecked(value == current)
            action.triggered.connect(lambda _=False, chosen=value: self.set_value(param.name, chosen))
            menu.addAction(action)
        menu.popup(where)

    def _open_box(self, param, path, chip) -> None:
        document = self.canvas.document
        current = document.program.block_at(path).args.get(param.name)
        self.editor = box = QLineEdit(self.canvas.viewport())
        box.setObjectName("inline_value")
        box.setAccessibleName(param.label or param.name)
        box.setText(v.shown(param, current))
        box.selectAll()
        width = max(chip.width() + 40, 90 * self.canvas.delegate.zoom)
        box.setGeometry(chip.toRect().adjusted(-4, -2, round(width - chip.width()), 2))
        box.setFont(self.canvas.delegate.fonts()[1])
        box.show()
        box.setFocus()

        def commit():
            verdict = v.read(param, box.text(), Scope(document.program, document.pack, path))
            if not verdict.ok:
                box.setStyleSheet("border: 2px solid #c62828;")
                box.setToolTip(verdict.problem)
                self.refuse(verdict.problem)
                return
            self.close_box()
            self.canvas.setFocus()
            self.set_value(param.name, verdict.value)

        box.returnPressed.connect(commit)
        box.installEventFilter(self._Escape(self, box))

    def close_box(self) -> None:
        if self.editor is not None:
            self.editor.hide()
            self.editor.deleteLater()
            self.editor = None

    class _Escape(QObject):
        """Esc, or clicking elsewhere, puts the box away and changes nothing."""

        def __init__(self, owner, box):
            super().__init__(box)
            self.owner = owner

        def eventFilter(self, watched, event) -> bool:
            if event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape:
                self.owner.close_box()
                self.owner.canvas.setFocus()
                return True
            if event.type() == QEvent.Type.FocusOut and event.reason() in (
                    Qt.FocusReason.MouseFocusReason, Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason):
                QTimer.singleShot(0, self.owner.close_box)
            return False
