"""The simulator panel: the world view, the run bar, and tabs for sensors and motors, variables,
output with the EV3 screen, the data log and driving by hand.

The run itself is a robolab.live.child.ChildRun, a LiveRun in a child process; this panel polls
its latest Snapshot 60 times a second and draws it, so a run never freezes the window. It tells the rest of the
window which block runs (running_block, a model path) and which Python line (running_line), and
where a run-time error happened (error_block).
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDockWidget, QFileDialog, QSplitter, QTabWidget, QVBoxLayout, QWidget

from robolab.errors import RobolabError
from robolab.live import FINISHED, PAUSED, READY, RUNNING, LiveProgram, at_rest
from robolab.live.child import ChildRun, warm_up
from robolab.live.readings import channel_names
from robolab.live.manual import ManualDrive
from robolab.ui.sim.controls import OPEN_WORLD, RunBar
from robolab.ui.sim.datalog_view import DataLogView
from robolab.ui.sim.drive import DriveControls
from robolab.ui.sim.output import OutputView
from robolab.ui.sim.readouts import ReadoutsView, VariablesView
from robolab.ui.sim.remote import RemoteControl
from robolab.ui.sim.world_view import WorldView
from robolab.ui.sim.world_reader import WorldReader
from robolab.ui.theme import ui_font
from robolab.worlds import DEFAULT_WORLD, read_world, world_to_run
from simulator.physics import Pose
from simulator.world import WorldError, shipped_worlds

FRAME_MS = 16            # 60 frames a second
FIGURES_EVERY = 6        # sensor cards and variables: 10 times a second
PRESENTATION_ZOOM = 1.6
TRACE_HOLD = 0.35        # wall seconds each block is shown when tracing


def world_title(world, name_or_path: str) -> str:
    """How the world list names a world: its own `name` when the file gives one, else its file's
    name without .toml and underscores."""
    stem = Path(str(name_or_path)).stem
    own = getattr(world, "name", "") or ""
    return (own if own and own != stem else stem).replace("_", " ")


@functools.cache
def shipped_titles() -> tuple[tuple[str, str], ...]:
    """The shipped worlds' titles, read once from their files' `name` (without loading the worlds)."""
    titles = []
    for name, path in shipped_worlds().items():
        try:
            with open(path, "rb") as file:
                own = tomllib.load(file).get("name", "")
        except (OSError, tomllib.TOMLDecodeError):
            own = ""
        titles.append((name, own if isinstance(own, str) and own.strip() else name.replace("_", " ")))
    return tuple(titles)


def _short_name(world: str) -> str:
    """A world as the list shows it: a shipped world's name with spaces, a file's name or short path."""
    if world in shipped_worlds():
        return world.replace("_", " ")
    return world if len(world) <= 40 else Path(world).name


class SimulatorPanel(QWidget):
    running_block = Signal(object)      # the running block's path (a tuple), or None
    running_line = Signal(int)          # the running line of the Python (0: none)
    error_block = Signal(object, str)   # a run-time error: the block's path (or None) and the message
    state_changed = Signal(str)         # ready, running, paused, finished
    world_changed = Signal(bool)        # a world was read (True: now in use; False: reported, old one kept)
    run_created = Signal(object)        # a run about to start (a challenge follows it)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("simulator_panel")
        self.setMinimumWidth(320)   # narrower than its parts want: they squeeze (a window can be small)
        self.document = None             # anything with .program, .pack and .path (the window's Document)
        self._run_layout = None          # the running program's printer map (from the window's snapshot)
        self.run: ChildRun | None = None
        self.drive: ManualDrive | None = None
        self.world = self.robot = None
        self.world_name = ""
        self.start_pose: Pose | None = None
        self.runs = 0
        self.zoom = 1.0
        self.presenter = None  # set by a window that has a presentation mode of its own: Present is that
        self._ticks = 0
        self._shown = None
        self._samples = 0
        self._block = self._line = None
        self._state = READY
        self._running_program = None
        self.run_settings = {}           # more ChildRun arguments (a challenge's seed, time limit and goals)
        self.python_program = None       # a Python file run instead of the canvas program (python_run.py)

        self.bar = RunBar()
        self.view = WorldView()
        self.readouts = ReadoutsView()
        self.variables = VariablesView()
        self.output = OutputView()
        self.datalog = DataLogView()
        self.controls = DriveControls()
        self.remote = RemoteControl()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for widget, title in ((self.readouts, "Sensors && motors"), (self.variables, "Variables"),
                              (self.output, "Output"), (self.datalog, "Data log"), (self.controls, "Drive"),
                              (self.remote, "IR remote")):
            self.tabs.addTab(widget, title)
        self.splitter = splitter = QSplitter(Qt.Orientation.Vertical)
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
        self.remote.changed.connect(lambda channel, held: self.run and self.run.press(channel, held))
        self.datalog.plotted_changed.connect(lambda names: self.run and self.run.set_plotted(names))
        self.output.list.itemClicked.connect(self._output_clicked)
        self.timer = QTimer(self, interval=FRAME_MS, timeout=self._tick)
        self.timer.start()
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)   # docked, it gets no closeEvent of its own
        self.reader = WorldReader()
        self.reader.done.connect(self._world_read)
        self._pending = 0              # the world being read (a ticket), 0 when none
        self._pending_for_program = False
        self.world_problem = ""        # why the world the program asked for is not the one in use
        self.show_world(*read_world(DEFAULT_WORLD), DEFAULT_WORLD)   # shipped: read at once
        self._show_state(READY)
        QTimer.singleShot(0, warm_up)   # a child process waits ready for the first Run

    @property
    def state(self) -> str:
        """What the panel shows: ready, running, paused or finished (a finished run fully shown)."""
        return self._state

    # --- what to run, and where ---------------------------------------------------------------
    def set_document(self, document) -> None:
        """The program to run (read when Run is pressed); its header's world is chosen."""
        self.document = document
        self.python_program = None       # the program opened is the one Run runs
        if self._active() and document.program is not self._running_program:
            self.stop()   # another program opened: the one running is not on the canvas any more
            self.run.wait(1.0)
        if not self._active():
            self.run = None
            self._clear_run()   # another program: nothing of the last run's stays in view
            if not self.run_settings:   # a challenge chooses its own world
                self._program_world(document)
        self._show_state(self._state if self._active() else READY)

    def _program_world(self, document) -> None:
        """The world the program's header names (or x.world.toml beside x.rlab), read off this thread."""
        named = getattr(document.program, "world", "")
        path = getattr(document, "path", None)
        self.world_problem = ""
        if not named and path is None:
            return
        try:
            target = world_to_run(path, named)
        except WorldError as error:
            self._world_failed(str(named), error.problems, for_program=True)
            return
        if str(target) != self.world_name:
            self.set_world(target, for_program=True)

    def _active(self) -> bool:
        return self.run is not None and self.run.state in (RUNNING, PAUSED)

    def set_world(self, target, for_program: bool = False) -> None:
        """Use a shipped world (read at once: it is ours) or a world file (read on the thread pool:
        it could be anything); `world_changed` says how it went, and until then Run waits. A bad file
        is reported here and the world in use is kept; when it is the world the program names, Run
        refuses until a world that works is chosen."""
        self._pending_for_program = for_program
        if str(target) in shipped_worlds():
            self._pending = self.reader.ticket()
            self._world_read(self._pending, str(target), *WorldReader.read(str(target)))
            return
        self._pending = self.reader.request(target)
        self.view.caption = f"reading the world {Path(str(target)).name}…"
        self.view.update()

    def _world_read(self, ticket: int, target, result, problems) -> None:
        if ticket != self._pending:
            return   # a newer world was asked for meanwhile
        self._pending = 0
        if result is None:
            self._world_failed(str(target), problems, self._pending_for_program)
        elif self._active():
            self._world_failed(str(target), ["a program is running; stop it to change the world"], False)
        else:
            self.show_world(*result, str(target))
        self.world_changed.emit(result is not None)

    def _world_failed(self, target: str, problems: list, for_program: bool) -> None:
        """Said in the window; for the program's own world, remembered: Run refuses until a world
        that works is chosen, so nobody runs in the previous arena without being told."""
        shown = _short_name(target) if target else "the world"
        problem = f"The world {shown} cannot be used:\n" + "\n".join(problems[:8])
        current = _short_name(self.world_name)
        if for_program:
            self.world_problem = problem
            self.output.list.add(None, "error", f"{problem}\nThe simulator still shows {current}; the program "
                                               "will not run until you choose a world from the list.")
        else:
            self.output.list.add(None, "error", f"{problem}\nThe world stays {current}.")
        self.tabs.setCurrentWidget(self.output)
        self.view.caption = f"{shown} cannot be used: see Output"
        self.view.update()
        self._list_worlds()

    def show_world(self, world, robot, name: str) -> None:
        """Use a loaded world (a challenge's layout, say) and robot."""
        self._end_drive()
        self.world_problem = ""
        self.world, self.robot, self.world_name = world, robot, name
        self.start_pose = world.start
        self.view.set_world(world, robot)
        self.view.start = world.start
        self.view.caption = ""
        self._list_worlds()
        self.run = None
        self._clear_run()
        self._show_state(READY)

    def _clear_run(self) -> None:
        """The panel as before any run of this program in this world with this robot: the clock,
        the trail, a card for each of the robot's sensors and motors, no variables, no output, no
        highlight."""
        self.view.trail = []
        self.view.show_state(self.start_pose or self.world.start, (), (), [])
        self.view.caption = ""
        self.view.editable = True
        self._shown = None
        rest = at_rest(self.world, self.robot, self.start_pose)
        self.readouts.reset(rest)
        self.datalog.set_channels(channel_names(rest))
        self.variables.set_names([])
        self.output.clear()
        self.bar.show_result(None)
        self._emit_place(None, None)

    def _list_worlds(self) -> None:
        """The world list: the shipped worlds by title, and the world file in use when it is not one."""
        shipped = list(shipped_worlds())
        extra = None if self.world_name in shipped else self.world_name
        titles = dict(shipped_titles())
        if extra:
            titles[extra] = world_title(self.world, extra)
        self.bar.set_worlds(shipped, self.world_name, extra, titles)

    def _world_chosen(self, choice: str) -> None:
        if choice == OPEN_WORLD:
            path, _ = QFileDialog.getOpenFileName(self, "Open a world", str(Path.home()), "Worlds (*.toml)")
            if path:
                self.set_world(path)
            else:
                self._list_worlds()
            return
        self.set_world(choice)

    def _placed(self, pose: Pose) -> None:
        self._end_drive()
        self.start_pose = pose
        self.view.trail = []

    # --- run controls ------------------------------------------------------------------------------
    def live_program(self) -> LiveProgram | None:
        if self.python_program is not None:
            return self.python_program
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
        if self._pending or self.world_problem:
            note = "The world is still being read; press Run again in a moment." if self._pending else \
                "Not run. " + self.world_problem + "\nChoose a world from the list above to run in another."
            self.output.list.add(None, "note" if self._pending else "error", note)
            self.tabs.setCurrentWidget(self.output)
            return
        program = self.live_program()
        if program is None:
            return
        self._end_drive()
        self.runs += 1
        self._running_program = self.python_program or self.document.program
        # In a child process, so the window outlives whatever the program does.
        self.run = ChildRun(program, self.world, self.robot, start=self.start_pose, speed=self.bar.chosen_speed(),
                            **self.run_settings)
        self.run_created.emit(self.run)
        self.remote.resend()   # a beacon left on shines for the new run too
        if self.bar.trace.isChecked():
            self.run.set_trace(TRACE_HOLD)
        self.run.set_plotted(self.datalog.plot.sensors)
        self._samples = 0
        self._block = self._line = None
        self.output.clear()
        self.datalog.new_run(f"run {self.runs}")
        self.variables.set_names(program.variables)
        self.view.editable = False
        self.view.start = self.start_pose
        self.view.trail = self.run.trail
        self.run.start(step=step)
        self.bar.show_result(*(("python", self.python_title()) if self.python_program else (None,)))
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
        self.bar.show_result(None)
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
        if source is not None:
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
        if run is None or self._state == FINISHED:
            return   # a finished run was shown whole by _finished: its outline stays off
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

    def _finished(self, run: ChildRun) -> None:
        snap = run.latest  # the last one: the frame that saw the run end may have drawn the one before
        self.view.show_state(Pose(snap.x, snap.y, snap.heading), snap.sensors, snap.obstacles)
        self.readouts.show_snapshot(snap)
        self.variables.show_values(snap.variables)
        self.view.editable = True
        error = run.error
        if error is not None:
            message, block = error
            line = run.result.line if getattr(run.program, "is_python", False) and run.result else None
            if block is not None and self.document is not None:
                try:
                    line = self._run_layout.where(block)[0] if self._run_layout else \
                        self.document.program.block_at(block).line
                except (IndexError, KeyError, AttributeError):
                    line = None
            where = f" (line {line})" if line else ""
            self.output.list.add(snap.time, "error", f"error{where}: {message}", block)
            self.bar.show_result("error", self._titled(f"Error on line {line}: {message}" if line else f"Error: {message}"))
            self.tabs.setCurrentWidget(self.output)
            self._emit_place(None, None)   # the run is over: no outline; the error's block is selected
            self.error_block.emit(block, message)
        else:
            result = run.result
            how = "stopped" if result is not None and result.stopped else "ended"
            self.output.list.add(snap.time, "note", f"the program {how}")
            self.bar.show_result(how if how == "stopped" else "finished",
                                 self._titled(f"Stopped at {snap.time:.1f} s" if how == "stopped" else
                                              f"Finished at {snap.time:.1f} s"))
            self._emit_place(None, None)

    def python_title(self) -> str:
        """What the run bar says of a Python program: its file and profile (not the canvas program)."""
        program = self.python_program
        return f"Python program {program.title} ({program.profile})" if program else ""

    def _titled(self, text: str) -> str:
        return f"{self.python_program.title}: {text}" if self.python_program else text

    def _show_state(self, state: str) -> None:
        self._state = state
        self.bar.show_state(state, has_program=self.document is not None or self.python_program is not None)
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
        # Item views, cards and the run bar's controls do not take the font from their parent under
        # the window's style sheet.
        for widget in (self.view, self.variables, self.output.list, self.datalog.plot, self.controls, self.tabs,
                       *self.readouts.cards.values(), *self.bar.findChildren(QWidget)):
            widget.setFont(font)
        self.bar.set_zoom(zoom)
        self.readouts.zoom_font = font

    def world_first(self, on: bool) -> None:
        """The world takes the panel's whole height (presentation: the tabs step aside), or its usual share."""
        self.tabs.setVisible(not on)
        if not on:
            total = max(1, sum(self.splitter.sizes()))
            self.splitter.setSizes([round(total * 0.6), total - round(total * 0.6)])

    def set_presentation(self, on: bool) -> None:
        """The simulator large: its dock floats, maximised (on a second screen when there is one)."""
        if self.bar.present.isChecked() != on:
            self.bar.present.setChecked(on)
            return
        if self.presenter is not None:
            self.presenter(on)
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
