"""The "EV3 output" panel: what the program on the brick prints, and what the link says about the brick.

Coloured as the simulator's Output tab (not imported from it: that would load the simulator at start-up).
An error line keeps the block it belongs to: clicking it selects that block again, through the window's
error_block wiring.
"""

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem

from robolab.ui.theme import ui_font

COLOURS = {"output": "#1f2733", "stderr": "#b3261e", "error": "#d93025", "note": "#6b7785"}


class EV3OutputView(QListWidget):
    running_block = Signal(object)      # the block running on the brick (traced runs), or None
    error_block = Signal(object, str)   # a crash on the brick: the block's path (or None) and the message

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setObjectName("ev3_output")
        self.setAccessibleName("EV3 output")
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)  # read-only: nothing to edit
        self.itemClicked.connect(self._clicked)

    def add(self, style: str, text: str, path=None) -> QListWidgetItem:
        item = QListWidgetItem(text)
        item.setForeground(QColor(COLOURS[style]))
        if style == "error":
            font = QFont(self.font())
            font.setBold(True)
            item.setFont(font)
        item.setData(Qt.ItemDataRole.UserRole, path)
        self.addItem(item)
        self.scrollToBottom()
        return item

    def line(self, stream: str, text: str) -> None:
        """A line the program printed (its stderr in red)."""
        self.add("stderr" if stream == "err" else "output", text)

    def note(self, text: str) -> None:
        self.add("note", text)

    def crash(self, path, message: str) -> None:
        """The program failed: the line names where, and the window selects that block."""
        self.add("error", message, path)
        self.error_block.emit(path, message)

    def _clicked(self, item) -> None:
        path = item.data(Qt.ItemDataRole.UserRole)
        if path is not None:
            self.error_block.emit(tuple(path), item.text())

    def texts(self) -> list[str]:
        return [self.item(i).text() for i in range(self.count())]

    def set_zoom(self, zoom: float) -> None:
        """Follow the window's zoom (tutors on a projector)."""
        self.setFont(ui_font(zoom))
