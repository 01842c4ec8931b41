"""Find a line in a long program by the words it shows (Ctrl+F): Enter goes to the next match."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QTreeWidgetItemIterator, QWidget

from robolab.ui import theme as th


class FindBar(QWidget):
    def __init__(self, canvas, parent=None):
        super().__init__(parent)
        self.canvas = canvas
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("Find a line…   (Enter: next, Shift+Enter: previous, Esc: close)")
        self.edit.setClearButtonEnabled(True)
        self.count = QLabel()
        close = QToolButton()
        close.setText("✕")
        close.setToolTip("Close (Esc)")
        close.clicked.connect(self.close_bar)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.count)
        layout.addWidget(close)
        self.edit.textChanged.connect(lambda _: self.find(0))
        self.edit.returnPressed.connect(lambda: self.find(1))
        self.edit.installEventFilter(self)
        self.hide()

    def open_bar(self) -> None:
        self.show()
        self.edit.setFocus()
        self.edit.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.canvas.setFocus()

    def matches(self) -> list:
        words = self.edit.text().lower().split()
        found, it = [], QTreeWidgetItemIterator(self.canvas)
        while it.value() is not None:
            item = it.value()
            if words and not self.canvas._is_body(item) and all(w in item.text(0).lower() for w in words):
                found.append(item)
            it += 1
        return found

    def find(self, step: int) -> bool:
        """Select the match after (step 1), before (-1) or at (0) the current line."""
        found = self.matches()
        self.count.setText(f"{len(found)} found" if self.edit.text().strip() else "")
        if not found:
            return False
        current = self.canvas.currentItem()
        if current in found:
            index = (found.index(current) + step) % len(found)
        else:
            index = 0 if step >= 0 else len(found) - 1
        item = found[index]
        parent = item.parent()
        while parent is not None:  # a match in a closed loop opens it
            parent.setExpanded(True)
            parent = parent.parent()
        self.canvas.select_paths([self.canvas.path_of(item)])
        self.count.setText(f"{index + 1} of {len(found)}")
        return True

    def eventFilter(self, watched, event) -> bool:
        if event.type() == event.Type.KeyPress:
            if event.key() == Qt.Key.Key_Escape:
                self.close_bar()
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                    event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.find(-1)
                return True
        return super().eventFilter(watched, event)

    def set_zoom(self, zoom: float, theme=None) -> None:
        self.edit.setFont(th.ui_font(zoom))
        self.count.setFont(th.ui_font(zoom))
