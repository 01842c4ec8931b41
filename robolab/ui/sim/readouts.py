"""Live figures: every sensor and motor (RobotLab's Controls window, read side), and the
program's variables with their values now. Labels change only when their text does."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (QFrame, QGridLayout, QHeaderView, QLabel, QProgressBar, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

CARD_STYLE = """
QFrame#card { background: palette(base); border: 1px solid #d5dbe3; border-radius: 8px; }
QLabel#title { color: #6b7785; }
QLabel#figure { font-weight: 600; }
QLabel#detail { color: #6b7785; }
"""


def _set(label: QLabel, text: str) -> None:
    if label.text() != text:
        label.setText(text)


class _Card(QFrame):
    def __init__(self, title: str):
        super().__init__()
        self.setObjectName("card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(1)
        self.title, self.figure, self.detail = QLabel(title), QLabel("–"), QLabel("")
        for label, name in ((self.title, "title"), (self.figure, "figure"), (self.detail, "detail")):
            label.setObjectName(name)
            layout.addWidget(label)
        self._size_figure()
        self.bar = None

    def _size_figure(self) -> None:
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.45)
        self.figure.setFont(font)

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.FontChange:   # the window's zoom: the big figure follows
            self._size_figure()
        super().changeEvent(event)

    def add_bar(self) -> None:
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(6)
        self.layout().addWidget(self.bar)


class ReadoutsView(QWidget):
    """A card per sensor and per motor, filled from Snapshots."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setStyleSheet(CARD_STYLE)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(8, 8, 8, 8)
        self.grid.setSpacing(8)
        self.cards: dict[str, _Card] = {}
        self.zoom_font: QFont | None = None   # the window's zoomed font, for cards made later

    def _card(self, key: str, title: str, bar: bool = False) -> _Card:
        card = self.cards.get(key)
        if card is None:
            card = self.cards[key] = _Card(title)
            if self.zoom_font is not None:
                card.setFont(self.zoom_font)
            if bar:
                card.add_bar()
            index = len(self.cards) - 1
            self.grid.addWidget(card, index // 2, index % 2)
        return card

    def reset(self, snap) -> None:
        """Cards for exactly the sensors and motors in `snap` (another robot: the old cards go)."""
        for card in self.cards.values():
            self.grid.removeWidget(card)
            card.hide()   # gone at once: deleteLater waits for the event loop, and a picture may come first
            card.deleteLater()
        self.cards = {}
        self.show_snapshot(snap)

    def show_snapshot(self, snap) -> None:
        for reading in snap.sensors:
            card = self._card(f"sensor {reading.port}", _title(reading))
            _set(card.figure, reading.text)
            _set(card.detail, reading.detail)
        for reading in snap.motors:
            card = self._card(f"motor {reading.port}", _title(reading), bar=True)
            _set(card.figure, f"{reading.power:+d} %" if reading.power else "0 %")
            _set(card.detail, f"{round(reading.speed)}°/s · {round(reading.position)}° turned"
                 + (f" · {reading.state}" if reading.state else ""))
            if card.bar.value() != abs(reading.power):
                card.bar.setValue(abs(reading.power))

    def figure(self, key: str) -> str:
        card = self.cards.get(key)
        return card.figure.text() if card else ""


class VariablesView(QTableWidget):
    """The program's variables: name and value now; a value that just changed shows in colour."""

    def __init__(self, parent=None):
        super().__init__(0, 2, parent)
        self.setHorizontalHeaderLabels(["Variable", "Value"])
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self._rows: dict[str, int] = {}
        self._values: dict = {}
        self.placeholder = "Variables appear here while a program runs."
        self.setToolTip(self.placeholder)

    def set_names(self, names) -> None:
        """The names to show (in program order), before their first values arrive."""
        self.setRowCount(0)
        self._rows, self._values = {}, {}
        for name in names:
            self._row(name)

    def _row(self, name: str) -> int:
        if name not in self._rows:
            row = self.rowCount()
            self.insertRow(row)
            self.setItem(row, 0, QTableWidgetItem(name))
            item = QTableWidgetItem("–")
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.setItem(row, 1, item)
            self._rows[name] = row
        return self._rows[name]

    def show_values(self, values: dict) -> None:
        for name, value in values.items():
            if self._values.get(name, object()) == value and name in self._rows:
                self.item(self._rows[name], 1).setForeground(QColor("#1f2733"))
                continue
            self._values[name] = value
            item = self.item(self._row(name), 1)
            item.setText(_shown(value))
            item.setForeground(QColor("#2f6fed"))

    def value_text(self, name: str) -> str:
        row = self._rows.get(name)
        return self.item(row, 1).text() if row is not None else ""


def _title(reading) -> str:
    kind = reading.name.rsplit(" ", 1)[0]
    return f"{kind[0].upper()}{kind[1:]}  ·  port {reading.port}"


def _shown(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.4g}" if not value.is_integer() else f"{value:.0f}"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)
