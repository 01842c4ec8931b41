"""The window's EV3 menu: the Run on switch, Connect, Download, Run and Stop on the brick.

Owns the EV3Link (so nothing here waits for a brick), the "EV3 output" panel and the status-bar label
naming the brick. A crash on the brick is handed to the window as error_block, as the simulator does.
The link and the Connect dialog (which load rpyc) are imported on first use, not at start-up.
"""

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel

from robolab.errors import RobolabError
from robolab.ui.ev3.output_view import EV3OutputView

SIMULATOR, EV3 = "simulator", "ev3"
TARGETS = {SIMULATOR: "Simulator", EV3: "EV3"}
NO_BRICK = "No brick chosen: EV3 › Connect to a brick… first."
MESSAGE_MS = 15000
RUN_KEYS = (("run", "F5"), ("stop", "Shift+F5"))  # the simulator's Run and Stop keys: they follow Run on
# EV3Mode's states (robolab.ev3.mode), as the status bar says them.
CONNECTING, CONNECTED, RUNNING, LOST, DISCONNECTED = "connecting", "connected", "running", "lost", "disconnected"
SHOWN = {CONNECTING: "connecting…", CONNECTED: "connected", RUNNING: "running", LOST: "dropped out",
         DISCONNECTED: "not connected"}


class EV3Actions(QObject):
    """Built once by the window: `EV3Actions(window)` adds the menu, the toolbar group and the panel."""

    downloaded = Signal(str)  # where the program is on the brick (from the link's worker thread)

    def __init__(self, window, pairings=None):
        super().__init__(window)
        self.window = window
        self._pairings = pairings
        self._link = None
        self.brick: str | None = None   # the brick chosen in the Connect dialog
        self.state = DISCONNECTED
        self.dialog = None
        self._lines = None  # the running program's Layout: its line -> block path, for its crash
        self._running = None

        self.output = EV3OutputView()
        dock = self.window.add_panel("EV3 output", self.output, "bottom")
        problems = self.window.panels.get("Problems")
        if problems is not None and self.window.dockWidgetArea(dock) == self.window.dockWidgetArea(problems):
            self.window.tabifyDockWidget(problems, dock)  # as wide as the Problems pane, a tab beside it
            problems.raise_()
        self.brick_label = QLabel()
        self.brick_label.setObjectName("ev3_brick")
        self.brick_label.setContentsMargins(12, 0, 0, 0)
        self.window.statusBar().addPermanentWidget(self.brick_label)
        self._build_menu()
        self._build_toolbar()
        self.downloaded.connect(self._downloaded)
        target = str(self.window.settings.value("ev3/target", SIMULATOR))
        self.set_target(target if target in TARGETS else SIMULATOR)
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
            link.output.connect(self._output)
            link.state.connect(self._state)
            link.finished.connect(self._finished)
            link.failed.connect(self._failed)
            link.block.connect(self.output.running_block)
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
        menu.addSection("Run on")
        self.target_group = QActionGroup(self)
        self.target_actions = {}
        for target, text in TARGETS.items():
            action = QAction(f"Run on the {text}" if target == SIMULATOR else "Run on the EV3 brick", self)
            action.setCheckable(True)
            action.triggered.connect(lambda _=False, t=target: self.set_target(t))
            self.target_group.addAction(action)
            menu.addAction(action)
            self.target_actions[target] = action
        menu.addSeparator()
        self.connect_action = self._add(menu, "&Connect to a brick…", self.choose_brick)
        self.download_action = self._add(menu, "&Download to the brick", self.download)
        self.run_action = self._add(menu, "&Run on the brick", self.run)
        self.stop_action = self._add(menu, "&Stop the brick", self.stop)
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
        toolbar = self.window.addToolBar("EV3")
        toolbar.setObjectName("toolbar_ev3")
        toolbar.addWidget(QLabel(" Run on: "))
        self.target_box = QComboBox()
        self.target_box.setAccessibleName("Run on")
        for target, text in TARGETS.items():
            self.target_box.addItem(text, target)
        self.target_box.activated.connect(lambda i: self.set_target(self.target_box.itemData(i)))
        toolbar.addWidget(self.target_box)
        self.brick_buttons = []  # shown while the target is the EV3
        for action, text in ((self.connect_action, "Connect…"), (self.download_action, "Download"),
                             (self.run_action, "Run on EV3"), (self.stop_action, "Stop EV3")):
            button = toolbar.addAction(text)
            button.triggered.connect(action.trigger)
            button.setToolTip(action.text().replace("&", ""))
            if action is not self.connect_action:
                self.brick_buttons.append(button)

    # --- the target ---------------------------------------------------------------------------
    def set_target(self, target: str) -> None:
        """Simulator or EV3: which panel is in front and whether the brick's actions are offered."""
        self.target = target
        self.target_actions[target].setChecked(True)
        self.target_box.setCurrentIndex(list(TARGETS).index(target))
        on_brick = target == EV3
        for button in self.brick_buttons:
            button.setVisible(on_brick)
        dock = self.window.panels.get("EV3 output" if on_brick else "Simulator")
        if dock is not None:
            dock.show()
            dock.raise_()
        self.route_keys()
        self.window.settings.setValue("ev3/target", target)

    def route_keys(self) -> None:
        """F5 and Shift+F5 run and stop where Run on says: the simulator's run bar or the brick. The window
        calls this again once the simulator panel is docked."""
        on_brick = self.target == EV3
        panel = getattr(self.window, "simulator", None)
        for (name, key), action in zip(RUN_KEYS, (self.run_action, self.stop_action)):
            action.setShortcut(QKeySequence(key if on_brick else ""))
            if panel is not None:
                panel.bar.buttons[name].setShortcut(QKeySequence("" if on_brick else key))

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
        self.output.note(f"connecting to {name}…")
        self.link.connect_brick(name)

    def _program(self):
        """The program on the canvas as a BrickProgram; None (and why, in the panel) if it cannot be."""
        from robolab.ev3.program import BrickProgram
        if self.brick is None:
            self._say(NO_BRICK)
            return None
        from robolab.ev3.program import brick_name
        document = self.window.document
        snapshot = document.snapshot()  # the one the Problems and Python views show
        try:
            program = BrickProgram(brick_name(document.name), str(document.path or "program"), document.program,
                                   snapshot.compiled_or_raise(), snapshot.layout)
        except RobolabError as error:
            self._say("The program has problems to fix before it can go to the brick:\n"
                      + "\n".join(f"line {p.line}: {p.message}" for p in error.problems[:5]))
            return None
        self._lines, self._running = snapshot.layout, document.program
        return program

    def download(self) -> None:
        program = self._program()
        if program is not None:
            self.output.note(f"downloading {program.name} to {self.brick}…")
            future = self.link.download(program)
            future.add_done_callback(lambda done: done.result() and self.downloaded.emit(done.result()))

    def run(self) -> None:
        program = self._program()
        if program is not None:
            self.output.clear()
            self.output.note(f"running {program.name} on {self.brick}…")
            self.link.run(program, trace=self.trace_action.isChecked())

    def stop(self) -> None:
        if self.brick is None:
            self._say(NO_BRICK)
            return
        self.output.note("stopping the brick (and its motors)…")
        self.link.stop()

    def shutdown(self) -> None:
        """The window closes: hang up (the worker thread ends)."""
        if self._link is not None:
            link, self._link = self._link, None
            link.shutdown()

    # --- what the brick says ------------------------------------------------------------------
    def _say(self, message: str) -> None:
        self.output.note(message)
        self.window.statusBar().showMessage(message.splitlines()[0], MESSAGE_MS)
        self.window.panels["EV3 output"].show()

    def _output(self, stream: str, line: str) -> None:
        self.output.line(stream, line)

    def _downloaded(self, where: str) -> None:
        self._say(f"downloaded to {self.brick}: {where} (it can be started from the brick's file browser)")

    def _state(self, state: str, message: str) -> None:
        self.state = state
        if state == LOST:
            self._say(f"The brick dropped out: {message}. Connect to it again when it is back.")
            self.output.running_block.emit(None)
        elif state == CONNECTED and message:
            self.window.statusBar().showMessage(f"EV3: {message}", MESSAGE_MS)
        self._show_brick()

    def _status(self, status: dict) -> None:
        volts = status.get("battery_volts")
        self.output.note(f"connected to {status.get('name', self.brick)}"
                         + (f", battery {volts:.1f} V" if volts else ""))

    def _failed(self, message: str) -> None:
        self._say(f"EV3: {message}")
        self._show_brick()

    def _finished(self, handle) -> None:
        self.output.running_block.emit(None)
        if handle.stopped:
            self.output.note("the program was stopped")
        elif handle.code == 0:
            self.output.note("the program ended")
        elif (problem := handle.problem) is not None:
            where = f"line {problem.line}: " if problem.line else ""
            same = self.window.document.program is self._running  # not another program opened since
            self.output.crash(self._lines.path_at(problem.line) if same and self._lines else None,
                              where + problem.message)
        else:
            self._say(f"the program ended with exit code {handle.code}")

    def _show_brick(self) -> None:
        if self.brick is None:
            text = "EV3: no brick"
        else:
            text = f"EV3: {self.brick} ({SHOWN.get(self.state, self.state)})"
        self.brick_label.setText(text)
