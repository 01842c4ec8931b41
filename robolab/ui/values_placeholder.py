"""Stands in for the value editor (robolab.ui.values) until it is installed, with its interface."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from robolab.ui import theme as th


class PlaceholderValueEditor(QWidget):
    value_changed = Signal(str, object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.label = QLabel("Select a line to see its values.")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        QVBoxLayout(self).addWidget(self.label)

    def show_block(self, program, path, pack) -> None:
        self.label.setText("Select a line to see its values." if path is None else "")

    def focus_first(self) -> None:
        self.setFocus()

    def set_zoom(self, factor: float) -> None:
        self.label.setFont(th.ui_font(factor))
