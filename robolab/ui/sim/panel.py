"""The simulator panel: the world view, the run bar, and tabs for sensors and motors, variables,
the data log and driving by hand.

It is the simulator's place in the window's run controller (robolab.ui.run_controller): it gives
the controller a SimulatorTarget (robolab.targets.simulator) and the options of a run (world, robot,
start pose, speed, a challenge's seed), and draws what only a simulator session has: the pose and
sensors of its latest snapshot 60 times a second, the trail, the data log's samples, the EV3 screen.
The run's output, its running block and its error are the controller's, as on every target.
 The run is a robolab.live.child.ChildRun, in a child process of its own, so a run
never freezes the window.
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDockWidget, QFileDialog, QSplitter, QTabWidget, QVBoxLayout, QWidget

from robolab.document.snapshot import take
from robolab.live import FINISHED, PAUSED, READY, RUNNING, at_rest
from robolab.live.child import warm_up
from robolab.live.readings import channel_names
from robolab.live.manual import ManualDrive
from robolab.targets import STARTING as SESSION_STARTING
from robolab.targets import Finished, RunOptions
from robolab.targets.simulator import SimulatorSession, SimulatorTarget
from robolab.ui.run_controller import READY as CONTROLLER_READY, Refused, RunController
from robolab.ui.run_output import RunOutput
from robolab.ui.sim.controls import OPEN_WORLD, RunBar
from robolab.ui.sim.datalog_view import DataLogView
from robolab.ui.sim.drive import DriveControls
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
SIMULATOR = "simulator"  # this panel's key in the run controller's "Run on"


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
    state_changed = Signal(str)         # ready, running, paused, finished
    world_changed = Signal(bool)        # a world was read (True: now in use; False: reported, old one kept)
    run_created = Signal(object)        # a run (robolab.live's, in this process) just started: a challenge watches it

    def __init__(self, parent=None, runs: RunController | None = None):
        """`runs`: the window's run controller; a panel on its own makes one (with an output pane of
        its own, not shown) so it can run a program by itself."""
        super().__init__(parent)
        self.setObjectName("simulator_panel")
        self.setMinimumWidth(320)   # narrower than its parts want: they squeeze (a window can be small)
        self.document = None             # anything with .program, .pack and .path (the window's Document)
        self.session = None              # the simulator session shown (robolab.targets.simulator)
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
        self._state = READY
        self._running_program = None
        self.run_settings = {}           # more run settings (a challenge's seed, time limit and goals)
        self.python_program = None       # a Python file run instead of the canvas program (python_run.py)

        self.bar = RunBar()
        self.view = WorldView()
        self.readouts = ReadoutsView()
        self.variables = VariablesView()
        self.datalog = DataLogView()
        self.controls = DriveControls()
        self.remote = RemoteControl()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for widget, title in ((self.readouts, "Sensors && motors"), (self.variables, "Variables"),
                              (self.datalog, "Data log"), (self.controls, "Drive"),
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

        self.own_runs = runs is None
        if runs is None:
            runs = RunController(self._snapshot, RunOutput(), self)
        self.runs = runs
        self.output = runs.output        # the one output pane: the panel says a world's problems there
        if self.own_runs:   # in the window, the window adds this place (it docks this panel on first use)
            self.add_to(runs)
        runs.session_started.connect(self._session_started)
        runs.session_event.connect(self._session_event)
        runs.state_changed.connect(self._runs_state)
        self.bar.use_actions(runs.actions)
        runs.target_changed.connect(self._target_chosen)
        self._target_chosen(runs.chosen or SIMULATOR)
        if self.own_runs:
            self.addActions(list(runs.actions.values()))
        self.bar.reset.connect(self.reset)
        self.bar.speed_changed.connect(lambda speed: self.session and self.session.set_speed(speed))
        self.bar.world_chosen.connect(self._world_chosen)
        self.bar.trail_toggled.connect(self._set_trail)
        self.bar.trace_toggled.connect(lambda on: self.session and self.session.set_trace(on))
        self.bar.presentation_toggled.connect(self.set_presentation)
        self.view.pose_edited.connect(self._placed)
        self.controls.drive.connect(self.drive_by_hand)
        self.controls.motor.connect(self.motor_by_hand)
        self.remote.changed.connect(lambda channel, held: self.session and self.session.press(channel, held))
        self.datalog.plotted_changed.connect(self._plotted)
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

    @property
    def run(self):
        """The robolab.live run of the session shown (a ChildRun, or a LiveRun in this process), or None."""
        return self.session.run if self.session is not None else None

    # --- what to run, and where ---------------------------------------------------------------
    def set_document(self, document) -> None:
        """The program to run (read when Run is pressed); its header's world is chosen."""
        self.document = document
        self.python_program = None       # the program opened is the one Run runs
        if self.own_runs:
            self.runs.program_opened()
        if self._active() and document.program is not self._running_program:
            self.session.stop()   # another program opened: the one running is not on the canvas any more
            self.session.wait(1.0)
            self.runs.poll()
        if not self._active():
            self.session = None
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
        return self.session is not None and self.session.state in (SESSION_STARTING, RUNNING, PAUSED)

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
            self.output.add("error", f"{problem}\nThe simulator still shows {current}; the program "
                                     "will not run until you choose a world from the list.")
        else:
            self.output.add("error", f"{problem}\nThe world stays {current}.")
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
        self.session = None
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
        self.bar.show_result(None)

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

    # --- runs: this panel is the simulator's place in the run controller --------------------------
    def _snapshot(self):
        """The program to run, as the window's document gives it (a panel on its own: taken here)."""
        document = self.document
        if hasattr(document, "snapshot"):
            return document.snapshot()
        name = Path(document.path).stem if getattr(document, "path", None) else "program"
        return take(document.program, document.pack, 0, name)

    def _program(self):
        """What Run runs: a Python file chosen in the Simulator menu, else the document's snapshot."""
        if self.python_program is not None:
            return self.python_program
        if self.document is None:
            raise Refused("Open a program first.")
        return self.runs.snapshot()

    def add_to(self, runs: RunController) -> None:
        """This panel as the simulator place of a run controller's "Run on"."""
        runs.add_target(SIMULATOR, SimulatorTarget.name, self._target, self.run_options,
                        capabilities=SimulatorSession.capabilities, program=self._program)

    def _target_chosen(self, key: str) -> None:
        """The run buttons show here only while Run on says Simulator: elsewhere they would run on the brick."""
        self.bar.show_run_buttons(key == SIMULATOR)

    def _target(self) -> SimulatorTarget:
        return SimulatorTarget(self.world, self.robot, self.start_pose)

    def run_options(self, paused: bool) -> RunOptions:
        """The options of a run here, or Refused while the world is being read or cannot be used."""
        if self._pending:
            raise Refused("The world is still being read; press Run again in a moment.", "note")
        if self.world_problem:
            raise Refused("Not run. " + self.world_problem + "\nChoose a world from the list above to run in another.")
        return RunOptions(speed=self.bar.chosen_speed(), trace=self.bar.trace.isChecked(), paused=paused,
                          settings=dict(self.run_settings))   # a challenge's goals are watched in the run's process

    def _plotted(self, names) -> None:
        """The data log's plotted figures changed: the running child samples only those."""
        if self.session is not None and self.session.run is not None:
            self.session.run.set_plotted(names)

    def _session_started(self, place: str, session) -> None:
        """A run on the simulator starts: draw it from now on (a run elsewhere: the world stays as it is)."""
        if place != SIMULATOR:
            return
        self._end_drive()
        self.session = session
        self._running_program = self.python_program or getattr(self.document, "program", None)
        if session.run is None:   # refused (a program with problems): nothing of the world changes
            return
        self.run_created.emit(session.run)
        session.run.set_plotted(self.datalog.plot.sensors)   # the child samples what is plotted
        self.remote.resend()   # a beacon left on shines for the new run too
        self._samples = 0
        self.datalog.new_run(f"run {self.runs.runs}")
        self.variables.set_names(getattr(session.program, "variables", []))
        self.view.editable = False
        self.view.start = self.start_pose
        self.view.trail = session.trail
        self.bar.show_result(*(("python", self.python_title()) if self.python_program else (None,)))

    def _runs_state(self, state: str) -> None:
        """The controller's state, when the run is this panel's (or none is shown)."""
        if self.runs.session_place not in (SIMULATOR, None) and state != CONTROLLER_READY:
            return
        if self.runs.session is not self.session and self.runs.session is not None:
            return
        shown = {SESSION_STARTING: RUNNING, CONTROLLER_READY: READY}.get(state, state)
        if shown == self._state and shown != PAUSED:
            return
        if shown == FINISHED and self.session is not None and self.session.run is not None:
            self._frame(self.session)   # the last of the run drawn before it is said to be over
        self._show_state(shown)
        if self.python_program is not None and self.run is not None:
            if shown == PAUSED:
                self._show_python_line()
            elif shown == RUNNING:
                self.bar.show_result("python", self.python_title())

    def _show_python_line(self) -> None:
        """Paused in a Python file: the bar says at which of its lines (they are not the canvas program's)."""
        run = self.run
        line = run.current_line or 0
        text = f"{run.program.title}: paused at line {line}"
        if line and self.bar.result.text() != text:
            self.bar.show_result("python", text)

    def _session_event(self, place: str, event) -> None:
        if place == SIMULATOR and isinstance(event, Finished) and self.runs.session is self.session:
            self._finished(event)

    def run_program(self, step: bool = False) -> None:
        """Run here (or continue a paused run): the controller's Run, on the simulator."""
        self.runs.choose(SIMULATOR)
        if step:
            self.runs.step()
        else:
            self.runs.run()

    def pause(self) -> None:
        self.runs.pause()

    def step(self) -> None:
        self.run_program(step=True)

    def stop(self) -> None:
        if self._active():
            self.runs.stop()
        self._end_drive()

    def reset(self) -> None:
        """The robot back at its start, the trail wiped (and a finished run forgotten)."""
        if self._active():
            return
        self._end_drive()
        self.session = None
        self.runs.forget()
        self.start_pose = self.start_pose or self.world.start
        self.view.show_state(self.start_pose, (), (), [])
        self.view.editable = True
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
        if self._active():
            self.output.add("note", "Stop the program to drive by hand.")
            return
        self._manual().drive(left, right)

    def motor_by_hand(self, port: str, power: int) -> None:
        if self._active():
            return
        self._manual().set_power(port, power)

    def _end_drive(self) -> None:
        if self.drive is not None:
            self.drive.stop()
            self.drive = None

    # --- drawing -------------------------------------------------------------------------------------
    def _tick(self) -> None:
        source = self.session if self.session is not None and self.session.run is not None else self.drive
        if source is not None and not (source is self.session and self._state == FINISHED):   # a finished run was shown whole when it ended
            self._frame(source)

    def _frame(self, source) -> None:
        self._ticks += 1
        snap = source.latest
        running = source is self.session
        if snap is not self._shown:
            self._shown = snap
            self.view.show_state(Pose(snap.x, snap.y, snap.heading), snap.sensors, snap.obstacles, paint=False)
            self.view.repaint()
            speed = self.bar.speed.currentText()
            self.view.caption = f"{snap.time:.2f} s  ·  {speed}" if running else f"{snap.time:.1f} s  ·  driving by hand"
            if self._ticks % FIGURES_EVERY == 0 or self._state != RUNNING:
                self.readouts.show_snapshot(snap)
                self.controls.show_readings(snap)
                if running:
                    self.variables.show_values(snap.variables)
        if not running:
            return
        if self.python_program is not None and self._state == PAUSED:
            self._show_python_line()
        events = source.new_events()
        if events:
            self.datalog.add_events(events)
            self._draw_screen(events, source.screen)
        samples = source.samples[self._samples:]
        self._samples += len(samples)
        self.datalog.add_samples(samples)

    def _draw_screen(self, events, image) -> None:
        """What the program shows on the EV3's screen, in the output pane beside its lines."""
        for event in events:
            if event.get("kind") == "display":
                if event.get("what") == "value":
                    self.output.show_screen(event.get("text", ""))
                elif event.get("what") in ("text", "update") and image is not None:
                    self.output.show_screen(image)

    def _finished(self, event: Finished) -> None:
        """The run ended: its last snapshot shown whole, and how it ended under the run bar."""
        session = self.session
        if session is None or session.run is None:
            return
        self._frame(session)
        snap = session.latest
        self.view.show_state(Pose(snap.x, snap.y, snap.heading), snap.sensors, snap.obstacles)
        self.readouts.show_snapshot(snap)
        self.variables.show_values(snap.variables)
        self.view.editable = True
        error = event.error
        if error is not None:
            line = f" on line {error.line}" if error.line else ""
            self.bar.show_result("error", self._titled(f"Error{line}: {error.message}"))
        elif event.stopped:
            self.bar.show_result("stopped", self._titled(f"Stopped at {snap.time:.1f} s"))
        else:
            self.bar.show_result("finished", self._titled(f"Finished at {snap.time:.1f} s"))

    def python_title(self) -> str:
        """What the run bar says of a Python program: its file and profile (not the canvas program)."""
        program = self.python_program
        return f"Python program {program.title} ({program.profile})" if program else ""

    def _titled(self, text: str) -> str:
        return f"{self.python_program.title}: {text}" if self.python_program else text

    def _show_state(self, state: str) -> None:
        self._state = state
        self.bar.show_state(state)
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
        for widget in (self.view, self.variables, self.datalog.plot, self.controls, self.tabs,
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
        if self._active():
            self.session.stop()
            self.session.wait(1.0)
        self._end_drive()
