"""The simulator panel: the world view, the run bar, and tabs for sensors and motors, variables,
output with the EV3 screen, the data log and driving by hand.

The run itself is a robolab.live.LiveRun in its own thread; this panel polls its latest Snapshot
60 times a second and draws it, so a run never freezes the window. It tells the rest of the
window which block runs (running_block, a model path) and which Python line (running_line), and
where a run-time error happened (error_block).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDockWidget, QFileDialog, QSplitter, QTabWidget, QVBoxLayout, QWidget

from robolab.errors import RobolabError
from robolab.live import FINISHED, PAUSED, READY, RUNNING, LiveProgram, LiveRun
from robolab.live.manual import ManualDrive
from robolab.ui.sim.controls import OPEN_WORLD, RunBar
from robolab.ui.sim.datalog_view import DataLogView
from robolab.ui.sim.drive import DriveControls
from robolab.ui.sim.output import OutputView
from robolab.ui.sim.readouts import ReadoutsView, VariablesView
from robolab.ui.sim.world_view import WorldView
from robolab.ui.theme import ui_font
from simulator.physics import Pose
from simulator.robot import RobotError, load_robot
from simulator.world import WorldError, load_world, shipped_worlds

FRAME_MS = 16            # 60 frames a second
FIGURES_EVERY = 6        # sensor cards and variables: 10 times a second
DEFAULT_WORLD = "empty_arena"
PRESENTATION_ZOOM = 1.6
TRACE_HOLD = 0.35        # wall seconds each block is shown when tracing


class SimulatorPanel(QWidget):
    running_block = Signal(object)      # the running block's path (a tuple), or None
    running_line = Signal(int)          # the running line of the Python (0: none)
    error_block = Signal(object, str)   # a run-time error: the block's path (or None) and the message
    state_changed = Signal(str)         # ready, running, paused, finished

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("simulator_panel")
        self.setMinimumWidth(320)   # narrower than its parts want: they squeeze (a window can be small)
        self.document = None             # anything with .program, .pack and .path (the window's Document)
        self._run_layout = None          # the running program's printer map (from the window's snapshot)
        self.run: LiveRun | None = None
        self.drive: ManualDrive | None = None
        self.world = self.robot = None
        self.world_name = ""
        self.start_pose: Pose | None = None
        self.runs = 0
        self.zoom = 1.0
        self._ticks = 0
        self._shown = None
        self._samples = 0
        self._block = self._line = None
        self._state = READY
        self._running_program = None

        self.bar = RunBar()
        self.view = WorldView()
        self.readouts = ReadoutsView()
        self.variables = VariablesView()
        self.output = OutputView()
        self.datalog = DataLogView()
        self.controls = DriveControls()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for widget, title in ((self.readouts, "Sensors && motors"), (self.variables, "Variables"),
                              (self.output, "Output"), (self.datalog, "Data log"), (self.controls, "Drive")):
            self.tabs.addTab(widget, title)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.view)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.bar)
        layout.addWidget(splitter, 1)

        self.bar.run.connect(self.run_program)
        self.bar.pause.connect(self.pause)
        self.bar.step.connect(self.step)
        self.bar.stop.connect(self.stop)
        self.bar.reset.connect(self.reset)
        self.bar.speed_changed.connect(lambda speed: self.run and self.run.set_speed(speed))
        self.bar.world_chosen.connect(self._world_chosen)
        self.bar.trail_toggled.connect(self._set_trail)
        self.bar.trace_toggled.connect(lambda on: self.run and self.run.set_trace(TRACE_HOLD if on else 0))
        self.bar.presentation_toggled.connect(self.set_presentation)
        self.view.pose_edited.connect(self._placed)
        self.controls.drive.connect(self.drive_by_hand)
        self.controls.motor.connect(self.motor_by_hand)
        self.output.list.itemClicked.connect(self._output_clicked)
        self.timer = QTimer(self, interval=FRAME_MS, timeout=self._tick)
        self.timer.start()
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)   # docked, it gets no closeEvent of its own
        self.set_world(DEFAULT_WORLD)
        self._show_state(READY)

    @property
    def state(self) -> str:
        """What the panel shows: ready, running, paused or finished (a finished run fully shown)."""
        return self._state

    # --- what to run, and where ---------------------------------------------------------------
    def set_document(self, document) -> None:
        """The program to run (read when Run is pressed); its header's world is chosen."""
        self.document = document
        if self._active() and document.program is not self._running_program:
            self.stop()   # another program opened: the one running is not on the canvas any more
            self.run.wait(1.0)
        named = getattr(document.program, "world", "")
        if named and not self._active():
            path = getattr(document, "path", None)
            target = named if named in shipped_worlds() or path is None else str(Path(path).parent / named)
            if target != self.world_name:
                self.set_world(target)
        self._show_state(self._state)

    def _active(self) -> bool:
        return self.run is not None and self.run.state in (RUNNING, PAUSED)

    def set_world(self, name_or_path: str) -> bool:
        """Load a shipped world or a world file; a bad file is reported and the world kept."""
        try:
            world = load_world(name_or_path)
            robot = load_robot(getattr(world, "robot", None))
        except (WorldError, RobotError) as error:
            self.output.list.add(None, "error", "The world cannot be used:\n" + "\n".join(error.problems))
            self.tabs.setCurrentWidget(self.output)
            return False
        except OSError as error:
            self.output.list.add(None, "error", f"{name_or_path}: {error.strerror or error}")
            return False
        self._end_drive()
        self.world, self.robot, self.world_name = world, robot, str(name_or_path)
        self.start_pose = world.start
        self.view.set_world(world, robot)
        self.view.start = world.start
        self.view.show_state(world.start)
        shipped = list(shipped_worlds())
        self.bar.set_worlds(shipped, self.world_name, None if self.world_name in shipped else self.world_name)
        self.run = None
        self._show_state(READY)
        return True

    def _world_chosen(self, choice: str) -> None:
        if choice == OPEN_WORLD:
            path, _ = QFileDialog.getOpenFileName(self, "Open a world", str(Path.home()), "Worlds (*.toml)")
            if not path or not self.set_world(path):
                self.bar.set_worlds(list(shipped_worlds()), self.world_name)
            return
        self.set_world(choice)

    def _placed(self, pose: Pose) -> None:
        self._end_drive()
        self.start_pose = pose
        self.view.trail = []

    # --- run controls ------------------------------------------------------------------------------
    def live_program(self) -> LiveProgram | None:
        document = self.document
        if document is None:
            return None
        name = Path(document.path).stem if getattr(document, "path", None) else "program"
        try:
            if hasattr(document, "snapshot"):  # the window's Document: its snapshot is compiled already
                snapshot = document.snapshot()
                self._run_layout = snapshot.layout  # where the run's blocks are in the text
                return LiveProgram.from_snapshot(document.program, document.pack, snapshot)
            self._run_layout = None
            return LiveProgram.build(document.program, document.pack, name)
        except RobolabError as error:
            self.output.list.add(None, "error", "The program has problems to fix before it can run:\n"
                                 + "\n".join(p.message for p in error.problems[:5]))
            self.tabs.setCurrentWidget(self.output)
            return None

    def run_program(self, step: bool = False) -> None:
        """Run (or continue a paused run)."""
        if self.run is not None and self.run.state == PAUSED and not step:
            self.run.resume()
            self._show_state(RUNNING)
            return
        if self.run is not None and self.run.state in (RUNNING, PAUSED):
            return
        program = self.live_program()
        if program is None:
            return
        self._end_drive()
        self.runs += 1
        self._running_program = self.document.program
        self.run = LiveRun(program, self.world, self.robot, start=self.start_pose, speed=self.bar.chosen_speed())
        if self.bar.trace.isChecked():
            self.run.set_trace(TRACE_HOLD)
        self._samples = 0
        self._block = self._line = None
        self.output.clear()
        self.datalog.new_run(f"run {self.runs}")
        self.variables.set_names(program.variables)
        self.view.editable = False
        self.view.start = self.start_pose
        self.view.trail = self.run.trail
        self.run.start(step=step)
        self._show_state(RUNNING)

    def pause(self) -> None:
        if self.run is not None:
            self.run.pause()

    def step(self) -> None:
        if self.run is not None and self.run.state in (RUNNING, PAUSED):
            self.run.step()
            self._show_state(RUNNING)
        else:
            self.run_program(step=True)

    def stop(self) -> None:
        if self.run is not None:
            self.run.stop()
        self._end_drive()

    def reset(self) -> None:
        """The robot back at its start, the trail wiped (and a finished run forgotten)."""
        if self.run is not None and self.run.state in (RUNNING, PAUSED):
            return
        self._end_drive()
        self.run = None
        self.start_pose = self.start_pose or self.world.start
        self.view.show_state(self.start_pose, (), (), [])
        self.view.editable = True
        self._emit_place(None, None)
        self._show_state(READY)

    # --- driving by hand ---------------------------------------------------------------------------
    def _manual(self) -> ManualDrive:
        if self.drive is None:
            pose = self.view.pose
            self.drive = ManualDrive(self.world, self.robot, start=pose)
            self.view.trail = self.drive.trail
            self.drive.start()
        return self.drive

    def drive_by_hand(self, left: int, right: int) -> None:
        if self.run is not None and self.run.state in (RUNNING, PAUSED):
            self.output.list.add(None, "note", "Stop the program to drive by hand.")
            return
        self._manual().drive(left, right)

    def motor_by_hand(self, port: str, power: int) -> None:
        if self.run is not None and self.run.state in (RUNNING, PAUSED):
            return
        self._manual().set_power(port, power)

    def _output_clicked(self, item) -> None:
        """An error line clicked: its block is selected again."""
        block = item.data(Qt.ItemDataRole.UserRole)
        if block is not None:
            self.error_block.emit(tuple(block), item.text().split(": ", 1)[-1])

    def _end_drive(self) -> None:
        if self.drive is not None:
            self.drive.stop()
            self.drive = None

    # --- drawing -------------------------------------------------------------------------------------
    def _tick(self) -> None:
        source = self.run or self.drive
        if source is None:
            return
        lock = getattr(source, "frame_lock", None)
        if lock is None:
            self._frame(source)
            return
        with lock:   # the run waits while a frame is drawn
            self._frame(source)

    def _frame(self, source) -> None:
        self._ticks += 1
        snap = source.latest
        if snap is not self._shown:
            self._shown = snap
            self.view.show_state(Pose(snap.x, snap.y, snap.heading), snap.sensors, snap.obstacles, paint=False)
            self.view.repaint()
            speed = self.bar.speed.currentText()
            self.view.caption = f"{snap.time:.2f} s  ·  {speed}" if self.run else f"{snap.time:.1f} s  ·  driving by hand"
            state = self.run.state if self.run else RUNNING
            if self._ticks % FIGURES_EVERY == 0 or state != RUNNING:
                self.readouts.show_snapshot(snap)
                self.controls.show_readings(snap)
                if self.run is not None:
                    self.variables.show_values(snap.variables)
        run = self.run
        if run is None:
            return
        if snap.block != self._block or snap.line != self._line:
            self._emit_place(snap.block, snap.line)
        events = run.new_events()
        if events:
            self.output.add_events(events, run.screen)
            self.datalog.add_events(events)
        samples = run.samples[self._samples:]
        self._samples += len(samples)
        self.datalog.add_samples(samples)
        if run.state != self._state:
            self._show_state(run.state)
            if run.state == FINISHED:
                self._finished(run)

    def _emit_place(self, block, line) -> None:
        self._block, self._line = block, line
        self.running_block.emit(block)
        self.running_line.emit(line or 0)

    def _finished(self, run: LiveRun) -> None:
        snap = run.latest
        self.readouts.show_snapshot(snap)
        self.variables.show_values(snap.variables)
        self.view.editable = True
        error = run.error
        if error is not None:
            message, block = error
            where = ""
            if block is not None and self.document is not None:
                try:
                    line = self._run_layout.where(block)[0] if self._run_layout else \
                        self.document.program.block_at(block).line
                    where = f" (line {line})"
                except (IndexError, KeyError, AttributeError):
                    where = ""
            self.output.list.add(snap.time, "error", f"error{where}: {message}", block)
            self.tabs.setCurrentWidget(self.output)
            self._emit_place(block, snap.line)
            self.error_block.emit(block, message)
        else:
            result = run.result
            how = "stopped" if result is not None and result.stopped else "ended"
            self.output.list.add(snap.time, "note", f"the program {how}")
            self._emit_place(None, None)

    def _show_state(self, state: str) -> None:
        self._state = state
        self.bar.show_state(state, has_program=self.document is not None)
        self.state_changed.emit(state)

    def _set_trail(self, on: bool) -> None:
        self.view.show_trail = on
        self.view.update()

    # --- zoom and presentation ---------------------------------------------------------------------
    def set_zoom(self, zoom: float) -> None:
        """Follow the window's zoom (tutors on a projector)."""
        self.zoom = zoom
        font = ui_font(zoom)
        self.setFont(font)
        # Item views and cards do not take the font from their parent under the window's style sheet.
        for widget in (self.view, self.variables, self.output.list, self.datalog.plot, self.controls,
                       *self.readouts.cards.values()):
            widget.setFont(font)
        self.readouts.zoom_font = font

    def set_presentation(self, on: bool) -> None:
        """The simulator large: its dock floats, maximised (on a second screen when there is one)."""
        if self.bar.present.isChecked() != on:
            self.bar.present.setChecked(on)
            return
        self.set_zoom(PRESENTATION_ZOOM if on else 1.0)
        dock = self.parentWidget()
        while dock is not None and not isinstance(dock, QDockWidget):
            dock = dock.parentWidget()
        target = dock if dock is not None else self
        if on:
            if dock is not None:
                dock.setFloating(True)
            screens = QGuiApplication.screens()
            if len(screens) > 1:
                target.setGeometry(screens[1].availableGeometry())
            target.showMaximized()
        elif dock is not None:
            dock.setFloating(False)
        else:
            target.showNormal()

    def closeEvent(self, event) -> None:
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop whatever runs (the window closes)."""
        try:
            self.timer.stop()
        except RuntimeError:   # the panel's Qt half is gone already (application quitting)
            pass
        if self.run is not None:
            self.run.stop()
            self.run.wait(1.0)
        self._end_drive()
