"""The Connect dialog: the bricks paired with this computer, each with its battery, versions and what it
is doing, checked in the background so the window never waits for a brick that is switched off."""

import threading

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHeaderView, QLabel, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout)

from robolab.ev3.connection import BrickError
from robolab.ev3.pairing import Pairing, Pairings
from robolab.push import brick_status

COLUMNS = ("Brick", "Address", "Battery", "Doing", "Versions")
NO_BRICKS = ("No bricks are paired with this computer yet. A tutor pairs one with\n"
             "robolab brick setup HOST --name NAME")


class _Reports(QObject):
    """Carries a brick's status from its checking thread to the dialog's thread."""

    arrived = Signal(str, object, int)  # brick name, status dict or BrickError, which round of checks


class ConnectDialog(QDialog):
    """Pick a paired brick; chosen() is its name once the dialog is accepted."""

    def __init__(self, pairings: Pairings | None = None, parent=None, timeout: float = 3.0):
        super().__init__(parent)
        self.setWindowTitle("Connect to an EV3 brick")
        self.pairings = pairings or Pairings()
        self.timeout = timeout
        self.statuses: dict[str, dict | BrickError] = {}
        self._round = 0
        self._reports = _Reports()
        self._reports.arrived.connect(self._show_status)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda _: self._connect_chosen())
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.connect_button = QPushButton("Connect")
        self.connect_button.setDefault(True)
        self.refresh_button = QPushButton("Check again")
        self.buttons.addButton(self.connect_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.refresh_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.connect_button.clicked.connect(self._connect_chosen)
        self.refresh_button.clicked.connect(self.refresh)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(760, 320)
        self.refresh()

    # -- the list ------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the pairings again and check every brick, each in its own thread."""
        self._round += 1
        try:
            bricks = self.pairings.all()
        except ValueError as error:
            bricks = []
            self.message.setText(str(error))
        else:
            self.message.setText("" if bricks else NO_BRICKS)
        self.statuses.clear()
        self.table.setRowCount(len(bricks))
        for row, pairing in enumerate(bricks):
            self._set_row(row, pairing.name, pairing.address, "…", "checking…", "")
            threading.Thread(target=self._check, args=(pairing, self._round), daemon=True).start()
        if bricks and not self.table.selectedItems():
            self.table.selectRow(0)
        self._update_buttons()

    def _check(self, pairing: Pairing, round_: int) -> None:
        try:
            result = brick_status(pairing.name, self.pairings, self.timeout)
        except BrickError as error:
            result = error
        self._reports.arrived.emit(pairing.name, result, round_)

    def _show_status(self, name: str, result, round_: int) -> None:
        if round_ != self._round:
            return  # an answer to an earlier round of checks
        row = self._row_of(name)
        if row is None:
            return
        self.statuses[name] = result
        address = self.table.item(row, 1).text()
        if isinstance(result, BrickError):
            self._set_row(row, name, address, "", "not reachable", str(result), tip=str(result))
        else:
            volts = result.get("battery_volts")
            versions = result.get("versions", {})
            doing = f"running {result['running']}" if result.get("running") else "ready"
            self._set_row(row, name, address, f"{volts:.1f} V" if volts else "?", doing,
                          f"service {versions.get('service')}, rpyc {versions.get('rpyc')}, "
                          f"Python {versions.get('python')}, ev3dev2 {versions.get('ev3dev2')}")
        self._update_buttons()

    def _set_row(self, row: int, *texts: str, tip: str = "") -> None:
        for column, text in enumerate(texts):
            item = QTableWidgetItem(text)
            if tip:
                item.setToolTip(tip)
            self.table.setItem(row, column, item)

    def _row_of(self, name: str) -> int | None:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0) and self.table.item(row, 0).text() == name:
                return row
        return None

    # -- choosing ------------------------------------------------------------------------------
    def chosen(self) -> str | None:
        rows = {index.row() for index in self.table.selectedIndexes()}
        return self.table.item(rows.pop(), 0).text() if rows else None

    def _update_buttons(self) -> None:
        name = self.chosen()
        self.connect_button.setEnabled(name is not None and not isinstance(self.statuses.get(name), BrickError))

    def _connect_chosen(self) -> None:
        if self.connect_button.isEnabled():
            self.accept()
