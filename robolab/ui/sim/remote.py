"""The EV3 infrared remote control, for pressing its buttons while a program runs.

Like the real one: a channel switch (1-4), two red buttons on the left and two blue ones on the
right, held while pressed, and the beacon button, which stays on until pressed again. The panel
passes what is held to the running simulation's remote (simulator.infrared.Remote).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QGridLayout, QHBoxLayout, QLabel, QRadioButton, QToolButton, QVBoxLayout, QWidget

BUTTONS = {  # name: (label, row, column, colour)
    "top_left": ("▲", 0, 0, "#d64541"),
    "bottom_left": ("▼", 1, 0, "#d64541"),
    "top_right": ("▲", 0, 2, "#3b7dd8"),
    "bottom_right": ("▼", 1, 2, "#3b7dd8"),
}
TIPS = {"top_left": "top left (red up)", "bottom_left": "bottom left (red down)",
        "top_right": "top right (blue up)", "bottom_right": "bottom right (blue down)"}


class RemoteControl(QWidget):
    changed = Signal(int, object)   # channel 1..4, the tuple of button names held on it

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("ir_remote")
        self.held: set[str] = set()
        self.buttons: dict[str, QToolButton] = {}
        pad = QGridLayout()
        for name, (text, row, column, colour) in BUTTONS.items():
            button = QToolButton()
            button.setText(text)
            button.setObjectName(f"remote_{name}")
            button.setToolTip(f"Hold the {TIPS[name]} button")
            button.setFixedSize(54, 42)
            button.setStyleSheet(f"font-size: 18px; color: {colour};")
            button.pressed.connect(lambda n=name: self.set_held(n, True))
            button.released.connect(lambda n=name: self.set_held(n, False))
            self.buttons[name] = button
            pad.addWidget(button, row, column)
        beacon = self.buttons["beacon"] = QToolButton()
        beacon.setText("◉")
        beacon.setObjectName("remote_beacon")
        beacon.setCheckable(True)
        beacon.setToolTip("The beacon button: on until pressed again")
        beacon.setFixedSize(54, 42)
        beacon.setStyleSheet("font-size: 18px;")
        beacon.toggled.connect(lambda on: self.set_held("beacon", on))
        pad.addWidget(beacon, 0, 1, 2, 1)
        self.channels = QButtonGroup(self)
        switch = QHBoxLayout()
        switch.addWidget(QLabel("Channel"))
        for channel in (1, 2, 3, 4):
            radio = QRadioButton(str(channel))
            radio.setObjectName(f"remote_channel_{channel}")
            self.channels.addButton(radio, channel)
            switch.addWidget(radio)
        switch.addStretch(1)
        self.channels.button(1).setChecked(True)
        self.channels.idToggled.connect(self._channel_toggled)
        hint = QLabel("Hold a button while a program runs; the robot's infrared sensor hears the channel set here.")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #6b7785;")
        column = QVBoxLayout()
        column.addLayout(switch)
        column.addWidget(hint)
        column.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(pad)
        layout.addSpacing(12)
        layout.addLayout(column, 1)

    @property
    def channel(self) -> int:
        return self.channels.checkedId()

    def set_held(self, name: str, down: bool) -> None:
        (self.held.add if down else self.held.discard)(name)
        self.resend()

    def resend(self) -> None:
        """Say what is held now (e.g. to a run just started: the beacon may be on)."""
        self.changed.emit(self.channel, tuple(sorted(self.held)))

    def _channel_toggled(self, channel: int, checked: bool) -> None:
        # the switch moved: the old channel is let go, the buttons held go to the new one
        self.changed.emit(channel, tuple(sorted(self.held)) if checked else ())
