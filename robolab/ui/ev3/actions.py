"""The window's EV3 menu: Connect, Download, the running-line highlight, Disconnect; and the EV3 brick
as a place of the window's run controller ("Run on": robolab.ui.run_controller), over EV3Target
(robolab.targets.ev3) on the link's EV3Mode.

Owns the EV3Link (so nothing here waits for a brick) and the status-bar label naming the brick. A run
on the brick, its output and its crash are the run controller's, as on the simulator. The link, the
Connect dialog and the target (which load rpyc) are imported on first use, not at start-up.
"""

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel

from robolab.errors import RobolabError
from robolab.targets import TRACE, RunOptions
from robolab.ui.run_controller import Refused

EV3 = "ev3"   # this place's key in "Run on"
NO_BRICK = "No brick chosen: EV3 › Connect to a brick… first."
MESSAGE_MS = 15000


class EV3Actions(QObject):
    """Built once by the window: `EV3Actions(window)` adds the menu, its toolbar buttons and the EV3 brick
    to "Run on"."""

    downloaded = Signal(str)  # where the program is on the brick (from the link's worker thread)

    def __init__(self, window, pairings=None):
        super().__init__(window)
        self.window = window
        self._pairings = pairings
        self._link = None
        self.brick: str | None = None   # the brick chosen in the Connect dialog
        self.state = "disconnected"     # the EV3Mode's state (robolab.ev3.mode), once there is a link
        self.dialog = None
        self.output = window.run_output   # the one output pane: what the link says about the brick
        self.brick_label = QLabel()
        self.brick_label.setObjectName("ev3_brick")
        self.brick_label.setContentsMargins(12, 0, 0, 0)
        self.window.statusBar().addPermanentWidget(self.brick_label)
        self._build_menu()
        self._build_toolbar()
        self.downloaded.connect(self._downloaded)
        runs = window.runs
        runs.add_target(EV3, "EV3 brick", self._target, self._options, capabilities=(TRACE,))
        window.add_run_target(EV3)
        runs.target_changed.connect(self._target_chosen)
        self._target_chosen(runs.chosen)
        self._show_brick()
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    @property
    def pairings(self):
        if self._pairings is None:
            from robolab.ev3.pairing import Pairings
            self._pairings = Pairings()
        return self._pairings

    @property
    def link(self):
        """The EV3Link, made on first use."""
        if self._link is None:
            from robolab.ui.ev3.link import EV3Link
            self._link = link = EV3Link(self.pairings, parent=self)
            link.state.connect(self._state)
            link.failed.connect(self._failed)
            link.status.connect(self._status)
        return self._link

    # --- building -------------------------------------------------------------------------------
    def _build_menu(self) -> None:
        bar = self.window.menuBar()
        menu = bar.addMenu("E&V3")
        help_menu = next((a for a in bar.actions() if a.text() == "&Help"), None)
        if help_menu is not None:
            bar.insertMenu(help_menu, menu)  # Help stays last
        self.menu = menu
        self.connect_action = self._add(menu, "&Connect to a brick…", self.choose_brick)
        self.download_action = self._add(menu, "&Download to the brick", self.download)
        self.trace_action = self._add(menu, "&Highlight the running line (slows the brick)", lambda: None)
        self.trace_action.setCheckable(True)
        menu.addSeparator()
        self._add(menu, "Disco&nnect", lambda: self.link.disconnect_brick())

    def _add(self, menu, text, slot) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(lambda _=False: slot())
        menu.addAction(action)
        return action

    def _build_toolbar(self) -> None:
        """Connect… and Download in the run toolbar, beside "Run on" (Download only while it says EV3)."""
        toolbar = self.window.run_toolbar
        self.brick_buttons = []
        for action, text in ((self.connect_action, "Connect…"), (self.download_action, "Download")):
            button = toolbar.addAction(text)
            button.triggered.connect(action.trigger)
            button.setToolTip(action.text().replace("&", ""))
            if action is not self.connect_action:
                self.brick_buttons.append(button)

    def _target_chosen(self, key: str) -> None:
        for button in self.brick_buttons:
            button.setVisible(key == EV3)

    # --- the run target ---------------------------------------------------------------------------
    def _target(self):
        from robolab.targets.ev3 import EV3Target
        return EV3Target(self.link.mode)

    def _options(self, paused: bool) -> RunOptions:
        """A run on the brick: refused with no brick chosen (said at once: nothing waits for a brick)."""
        if self.brick is None:
            raise Refused(NO_BRICK)
        path = self.window.document.path
        return RunOptions(trace=self.trace_action.isChecked(), settings={"file": str(path or "program")})

    # --- commands -----------------------------------------------------------------------------
    def choose_brick(self):
        """The Connect dialog, open without blocking; choosing a brick connects to it."""
        from robolab.ui.ev3.connect_dialog import ConnectDialog
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
        self.dialog = ConnectDialog(self.pairings, self.window)
        self.dialog.accepted.connect(self._chosen)
        self.dialog.open()
        return self.dialog

    def _chosen(self) -> None:
        name = self.dialog.chosen() if self.dialog is not None else None
        if name:
            self.connect_to(name)

    def connect_to(self, name: str) -> None:
        self.brick = name
        self.output.add("note", f"connecting to {name}…")
        self.link.connect_brick(name)

    def _program(self):
        """The program on the canvas as a BrickProgram; None (and why, in the output) if it cannot be."""
        from robolab.ev3.program import BrickProgram, brick_name
        if self.brick is None:
            self._say(NO_BRICK)
            return None
        document = self.window.document
        snapshot = document.snapshot()  # the one the Problems and Python views show
        try:
            return BrickProgram(brick_name(document.name), str(document.path or "program"), document.program,
                                snapshot.compiled_or_raise(), snapshot.layout)
        except RobolabError as error:
            self._say("The program has problems to fix before it can go to the brick:\n"
                      + "\n".join(f"line {p.line}: {p.message}" for p in error.problems[:5]))
            return None

    def download(self) -> None:
        program = self._program()
        if program is not None:
            self.output.add("note", f"downloading {program.name} to {self.brick}…")
            future = self.link.download(program)
            future.add_done_callback(lambda done: done.result() and self.downloaded.emit(done.result()))

    def shutdown(self) -> None:
        """The window closes: hang up (the worker thread ends)."""
        if self._link is not None:
            link, self._link = self._link, None
            link.shutdown()

    # --- what the brick says ------------------------------------------------------------------
    def _say(self, message: str) -> None:
        self.output.add("note", message)
        self.window.statusBar().showMessage(message.splitlines()[0], MESSAGE_MS)
        self.window.panels["Output"].show()

    def _downloaded(self, where: str) -> None:
        self._say(f"downloaded to {self.brick}: {where} (it can be started from the brick's file browser)")

    def _state(self, state: str, message: str) -> None:
        from robolab.ev3.mode import CONNECTED, LOST
        self.state = state
        if state == LOST:
            self._say(f"The brick dropped out: {message}. Connect to it again when it is back.")
        elif state == CONNECTED and message:
            self.window.statusBar().showMessage(f"EV3: {message}", MESSAGE_MS)
        self._show_brick()

    def _status(self, status: dict) -> None:
        volts = status.get("battery_volts")
        self.output.add("note", f"connected to {status.get('name', self.brick)}"
                        + (f", battery {volts:.1f} V" if volts else ""))

    def _failed(self, message: str) -> None:
        self._say(f"EV3: {message}")
        self._show_brick()

    def _show_brick(self) -> None:
        if self.brick is None:
            self.brick_label.setText("EV3: no brick")
            return
        from robolab.ev3.mode import CONNECTED, CONNECTING, DISCONNECTED, LOST, RUNNING
        shown = {CONNECTING: "connecting…", CONNECTED: "connected", RUNNING: "running", LOST: "dropped out",
                 DISCONNECTED: "not connected"}
        self.brick_label.setText(f"EV3: {self.brick} ({shown.get(self.state, self.state)})")
