"""Drive by hand (RobotLab's Controls window): arrow buttons, or the arrow keys, drive the robot at
the power the sliders set, with no program; the sensor cards show what it meets."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QSlider, QToolButton, QVBoxLayout, QWidget

ARROWS = {"forward": ("▲", (1, 1)), "back": ("▼", (1, -1)), "left": ("◀", (-1, 1)), "right": ("▶", (1, -1))}
KEYS = {Qt.Key.Key_Up: "forward", Qt.Key.Key_Down: "back", Qt.Key.Key_Left: "left", Qt.Key.Key_Right: "right"}


class DriveControls(QWidget):
    drive = Signal(int, int)       # left and right wheel power, -100..100 (0, 0: stop)
    motor = Signal(str, int)       # the medium motor's port and power

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.power = QSlider(Qt.Orientation.Horizontal)
        self.power.setRange(5, 100)
        self.power.setValue(40)
        self.turn = QSlider(Qt.Orientation.Horizontal)
        self.turn.setRange(5, 100)
        self.turn.setValue(25)
        self.medium = QSlider(Qt.Orientation.Horizontal)
        self.medium.setRange(-100, 100)
        self.medium.setValue(0)
        self.medium.valueChanged.connect(lambda v: self.motor.emit("A", v))
        self.buttons = {}
        pad = QGridLayout()
        for name, place in (("forward", (0, 1)), ("left", (1, 0)), ("right", (1, 2)), ("back", (2, 1))):
            button = QToolButton()
            button.setText(ARROWS[name][0])
            button.setToolTip(f"Drive {name} while held (or hold the arrow key)")
            button.setFixedSize(54, 46)
            button.setStyleSheet("font-size: 18px;")
            button.pressed.connect(lambda n=name: self.hold(n))
            button.released.connect(self.release)
            self.buttons[name] = button
            pad.addWidget(button, *place)
        stop = QToolButton()
        stop.setText("■")
        stop.setToolTip("Stop the motors")
        stop.setFixedSize(54, 46)
        stop.clicked.connect(self.release)
        pad.addWidget(stop, 1, 1)
        sliders = QVBoxLayout()
        for text, slider, unit in (("Driving power", self.power, "%"), ("Turning power", self.turn, "%"),
                                   ("Medium motor A", self.medium, "%")):
            row = QHBoxLayout()
            label = QLabel(text)
            label.setMinimumWidth(110)
            figure = QLabel(f"{slider.value()} {unit}")
            figure.setMinimumWidth(48)
            slider.valueChanged.connect(lambda v, f=figure, u=unit: f.setText(f"{v} {u}"))
            row.addWidget(label)
            row.addWidget(slider, 1)
            row.addWidget(figure)
            sliders.addLayout(row)
        self.readings = QLabel("")
        self.readings.setObjectName("drive_readings")
        self.readings.setWordWrap(True)
        self.readings.setStyleSheet("font-weight: 600;")
        sliders.addWidget(self.readings)
        hint = QLabel("Hold an arrow to drive; the sensors show what the robot meets. Works when no program runs.")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #6b7785;")
        sliders.addWidget(hint)
        layout = QHBoxLayout(self)
        layout.addLayout(pad)
        layout.addSpacing(12)
        layout.addLayout(sliders, 1)
        self.held = None

    def show_readings(self, snap) -> None:
        """What the sensors read now, in one line beside the controls."""
        text = "   ·   ".join(f"{r.name}: {r.text}" + (f" ({r.detail})" if r.detail and r.kind == "color" else "")
                               for r in snap.sensors)
        if self.readings.text() != text:
            self.readings.setText(text)

    def powers(self, name: str) -> tuple[int, int]:
        left, right = ARROWS[name][1]
        power = self.power.value() if name in ("forward", "back") else self.turn.value()
        if name == "back":
            return -power, -power
        return left * power, right * power

    def hold(self, name: str) -> None:
        self.held = name
        self.drive.emit(*self.powers(name))

    def release(self) -> None:
        self.held = None
        self.drive.emit(0, 0)

    def keyPressEvent(self, event) -> None:
        name = KEYS.get(event.key())
        if name is None:
            return super().keyPressEvent(event)
        if not event.isAutoRepeat():
            self.hold(name)

    def keyReleaseEvent(self, event) -> None:
        if KEYS.get(event.key()) and not event.isAutoRepeat():
            self.release()
        else:
            super().keyReleaseEvent(event)
