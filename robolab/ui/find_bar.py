"""Find a line in a long program by the words it shows (Ctrl+F): Enter goes to the next match.
It searches the program itself (each line's words and values as the canvas writes them), not rows."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from robolab.model import edits
from robolab.ui import labels
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

    def matches(self) -> list[tuple]:
        """The paths of the lines whose text (command words and values, as the canvas shows them)
        holds every word typed, in reading order."""
        words = self.edit.text().lower().split()
        if not words:
            return []
        document = self.canvas.document
        found = [(path, block) for path, block in document.program.walk()
                 if all(w in labels.text_of(block, document.pack).lower() for w in words)]
        return sorted((p for p, _ in found), key=lambda p: edits.reading_key(document.program, document.pack, p))

    def find(self, step: int) -> bool:
        """Select the match after (step 1), before (-1) or at (0) the current line."""
        found = self.matches()
        self.count.setText(f"{len(found)} found" if self.edit.text().strip() else "")
        if not found:
            return False
        current = self.canvas.selected_paths()[:1]
        if current and current[0] in found:
            index = (found.index(current[0]) + step) % len(found)
        else:
            index = 0 if step >= 0 else len(found) - 1
        self.canvas.select_paths([found[index]])  # a match in a closed loop opens it
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
