"""The run bar: Run, Pause, Step, Stop (views of the window's run controller's actions: one Run for
every target), Reset; the speed; the world; trail and presentation.

Wide, it is one row; narrow (a docked panel on a small screen), the speed, world, Trace and Trail
go onto a second row, so every list and label stays readable. Run always says "Run"."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QStyle, QToolButton, QVBoxLayout, QWidget

from robolab.live import FAST

SPEEDS = ((0.1, "0.1×"), (0.25, "0.25×"), (0.5, "0.5×"), (1.0, "1×"), (2.0, "2×"), (5.0, "5×"), (10.0, "10×"),
          (20.0, "20×"), (FAST, "Fastest"))
OPEN_WORLD = "Open a world file…"
ICON = 18          # the run buttons' icons, at zoom 1
ONE_ROW = 760      # narrower than this (at zoom 1), the options take a second row
TEXT_BESIDE = 560  # narrower than this, only Run keeps its text beside its icon


RUN_BUTTONS = ("run", "pause", "step", "stop")   # shown here, owned by robolab.ui.run_controller


class RunBar(QWidget):
    reset = Signal()
    speed_changed = Signal(float)
    world_chosen = Signal(str)          # a shipped world's name, or OPEN_WORLD
    trail_toggled = Signal(bool)
    trace_toggled = Signal(bool)
    presentation_toggled = Signal(bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.zoom = 1.0
        rows = QVBoxLayout(self)
        rows.setContentsMargins(6, 4, 6, 4)
        rows.setSpacing(2)
        layout = self.first_row = QHBoxLayout()
        layout.setSpacing(4)
        rows.addLayout(layout)
        self.options = QWidget()
        options = QHBoxLayout(self.options)
        options.setContentsMargins(0, 0, 0, 0)
        options.setSpacing(4)
        self.second_row = QHBoxLayout()
        rows.addLayout(self.second_row)
        style = self.style()
        self.buttons = {}
        for name in (*RUN_BUTTONS, "reset"):
            button = QToolButton()
            button.setIconSize(QSize(18, 18))
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setAutoRaise(True)
            self.buttons[name] = button
            layout.addWidget(button)
        reset = self.buttons["reset"]
        reset.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_BrowserReload))
        reset.setText("Reset")
        reset.setAccessibleName("Reset")
        reset.setToolTip("Put the robot back at its start")
        reset.clicked.connect(self.reset.emit)
        layout.addStretch(1)
        self.speed = QComboBox()
        self.speed.setToolTip("Simulated time against real time")
        for value, text in SPEEDS:
            self.speed.addItem(text, value)
        self.speed.setCurrentIndex(3)
        self.speed.currentIndexChanged.connect(lambda i: self.speed_changed.emit(float(self.speed.itemData(i))))
        self.speed.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        options.addWidget(self.speed)
        self.world = QComboBox()
        self.world.setToolTip("The world the robot drives in")
        self.world.setMinimumContentsLength(10)
        self.world.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.world.activated.connect(lambda i: self.world_chosen.emit(self.world.itemData(i)))
        options.addWidget(self.world, 1)
        self.trace = QCheckBox("Trace")
        self.trace.setToolTip("Show each block a moment as it starts, even the quick ones")
        self.trace.toggled.connect(self.trace_toggled.emit)
        options.addWidget(self.trace)
        self.trail = QCheckBox("Trail")
        self.trail.setChecked(True)
        self.trail.toggled.connect(self.trail_toggled.emit)
        options.addWidget(self.trail)
        self.present = QToolButton()
        self.present.setText("Present")
        self.present.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_TitleBarMaxButton))
        self.present.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.present.setToolTip("Presentation mode: large, for a projector (Ctrl+Shift+P in the window)")
        self.present.setCheckable(True)
        self.present.toggled.connect(self.presentation_toggled.emit)
        layout.addWidget(self.present)
        self.second_row.addWidget(self.options)
        self.one_row = False
        self.result = QLabel()  # how the last run ended: finished, stopped, or its error and line
        self.result.setObjectName("run_result")
        self.result.setWordWrap(True)
        self.result.setAccessibleName("How the run ended")
        self.result.hide()
        rows.addWidget(self.result)

    def resizeEvent(self, event) -> None:
        self._arrange(event.size().width())
        super().resizeEvent(event)

    def _arrange(self, width: int) -> None:
        """Narrow: the options on a second row, and icons only on the buttons but Run (the text stays
        as tooltip and accessible name)."""
        one_row = width >= ONE_ROW * self.zoom
        if one_row != self.one_row:
            self.one_row = one_row
            if one_row:
                self.first_row.insertWidget(self.first_row.indexOf(self.present), self.options, 1)
            else:
                self.second_row.addWidget(self.options)
        beside = Qt.ToolButtonStyle.ToolButtonTextBesideIcon
        style = beside if width >= TEXT_BESIDE * self.zoom else Qt.ToolButtonStyle.ToolButtonIconOnly
        for button in (*self.buttons.values(), self.present):
            wanted = beside if button is self.buttons["run"] else style
            if button.toolButtonStyle() != wanted:
                button.setToolButtonStyle(wanted)

    def set_zoom(self, zoom: float) -> None:
        """Icons, text and lists follow the window's zoom (a projector at the back of a room)."""
        self.zoom = zoom
        size = QSize(round(ICON * zoom), round(ICON * zoom))
        for button in (*self.buttons.values(), self.present):
            button.setIconSize(size)
        box = round(14 * zoom)
        for check in (self.trace, self.trail):
            check.setStyleSheet(f"QCheckBox::indicator {{ width: {box}px; height: {box}px; }}")
        self._arrange(self.width())

    def set_worlds(self, names, chosen: str, extra: str | None = None, titles: dict | None = None) -> None:
        """The shipped worlds and one opened from a file (`extra`), each shown by its title
        (titles: name or path -> the world's own name) rather than its file name."""
        titles = titles or {}
        self.world.blockSignals(True)
        self.world.clear()
        for name in names:
            self.world.addItem(titles.get(name) or name.replace("_", " "), name)
        if extra and extra not in names:
            self.world.addItem(titles.get(extra) or extra.rsplit("/", 1)[-1], extra)
            self.world.setItemData(self.world.count() - 1, extra, Qt.ItemDataRole.ToolTipRole)
        self.world.insertSeparator(self.world.count())
        self.world.addItem(OPEN_WORLD, OPEN_WORLD)
        index = self.world.findData(chosen)
        self.world.setCurrentIndex(max(0, index))
        self.world.blockSignals(False)

    def use_actions(self, actions: dict) -> None:
        """Run, Pause, Step and Stop become views of the run controller's actions (their keys,
        text and enabled state are the actions')."""
        for name in RUN_BUTTONS:
            self.buttons[name].setDefaultAction(actions[name])

    def show_run_buttons(self, on: bool) -> None:
        for name in RUN_BUTTONS:
            self.buttons[name].setVisible(on)

    def show_state(self, state: str) -> None:
        """Enable what makes sense here while a run goes on in the simulator: ready, running, paused, finished."""
        running = state in ("running", "paused")
        self.world.setEnabled(not running)

    RESULT_COLOURS = {"finished": "#1e7e46", "stopped": "#5b6470", "error": "#c62828"}

    def show_result(self, kind: str | None, text: str = "") -> None:
        """How the run ended (kind finished, stopped or error), or nothing (None: a run starts)."""
        self.result.setVisible(kind is not None)
        self.result.setText(text)
        self.result.setStyleSheet(f"color: {self.RESULT_COLOURS.get(kind, '#1f2733')}; font-weight: 600;")

    def chosen_speed(self) -> float:
        return float(self.speed.currentData())
