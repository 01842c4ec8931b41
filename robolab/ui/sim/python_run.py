"""Simulator → "Run a Python program…": an ev3dev2, old ev3dev or nbev3devsim program file run as it
is in the simulator panel, with the usual Run/Pause/Stop, output, readouts and world view.

The reading is plain Python (robolab.live.python_program); this module asks for the file and the
profile, puts the program's own world in the panel (nbev3devsim), and shows what it prints. The
program on the canvas is not touched: Run runs the Python file until another program is opened or
"Run the program on the canvas" is chosen.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QInputDialog

from robolab.live import FINISHED, PAUSED, RUNNING
from robolab.live.python_program import EV3DEV2, NBEV3DEVSIM, guessed_profile, read_python_program

PRINTED_MAX = 2000   # printed lines shown per run: a loop printing at full speed must not swamp the window
PROFILE_LABELS = {EV3DEV2: "ev3dev2 (also old ev3dev programs)",
                  NBEV3DEVSIM: "nbev3devsim (the OU's notebook simulator)"}


def run_python_file(panel, path, profile: str | None = None) -> bool:
    """Run a Python file in the simulator panel (profile None: guessed from its first line);
    False, said in the panel's output, when it cannot run."""
    if panel._active():
        panel.output.list.add(None, "note", "Stop the program that is running first.")
        panel.tabs.setCurrentWidget(panel.output)
        return False
    try:
        setup = read_python_program(path, profile)
    except ValueError as error:
        panel.output.list.add(None, "error", f"Not run: {error}")
        panel.tabs.setCurrentWidget(panel.output)
        return False
    if setup.world is not None:   # nbev3devsim: the background, robot and start its magic line names
        panel.show_world(setup.world, setup.robot, setup.world_file)
    panel.python_program = setup.program
    PythonRunView.of(panel)
    panel.run_program()
    return True


class PythonRunView(QObject):
    """What the panel shows of a Python program's run beyond a block program's: what it prints,
    line by line in Output as it runs (an .rlab program speaks through events instead), its
    traceback when it fails, and the line it is paused at."""

    @classmethod
    def of(cls, panel) -> "PythonRunView":
        watcher = getattr(panel, "_python_run_view", None)
        if watcher is None:
            watcher = panel._python_run_view = cls(panel)
        return watcher

    def __init__(self, panel):
        super().__init__(panel)
        self.panel = panel
        self.run, self.chunks, self.partial, self.lines = None, 0, "", 0
        self.shown = None   # the run whose output is all shown
        panel.timer.timeout.connect(self.poll)
        panel.state_changed.connect(self._state_changed)

    def _state_changed(self, state: str) -> None:
        """At the end, the rest of the output; paused, the line the program waits at (its lines
        are not the canvas program's, so the bar says it)."""
        run, panel = self.panel.run, self.panel
        if run is None or not getattr(run.program, "is_python", False):
            return
        if state == FINISHED:
            self.poll(final=True)
        elif state == PAUSED and run.current_line:
            panel.bar.show_result("python", f"{run.program.title}: paused at line {run.current_line}")
        elif state == RUNNING and panel.python_program is run.program:
            panel.bar.show_result("python", panel.python_title())

    def poll(self, final: bool = False) -> None:
        run = self.panel.run
        if run is None or run is self.shown or not getattr(run.program, "is_python", False):
            return
        if run is not self.run:
            self.run, self.chunks, self.partial, self.lines = run, 0, "", 0
        printed = run.printed        # appended to by the run's reader thread only
        end = len(printed)
        text = self.partial + "".join(printed[self.chunks:end])
        self.chunks = end
        lines = text.split("\n")
        self.partial = "" if final else lines.pop()
        time = run.latest.time
        for line in lines:
            if (line or not final) and self.lines <= PRINTED_MAX:
                self.lines += 1
                self.panel.output.list.add(time, "output", line if self.lines <= PRINTED_MAX else
                                           f"… more printed than the {PRINTED_MAX} lines shown here")
        if not final:
            return
        self.shown = run
        if run.result is not None and run.result.returncode and run.result.stderr.strip():
            for line in run.result.stderr.rstrip().splitlines()[-12:]:
                self.panel.output.list.add(None, "note", line)


class PythonRunActions(QObject):
    """The Simulator menu: run a Python program file, or go back to the program on the canvas."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        bar = window.menuBar()
        self.menu = bar.addMenu("&Simulator")
        help_menu = next((a for a in bar.actions() if a.text() == "&Help"), None)
        if help_menu is not None:
            bar.insertMenu(help_menu, self.menu)  # Help stays last
        self.run_action = QAction("Run a &Python program…", window)
        self.run_action.setToolTip("Run an ev3dev2 or nbev3devsim Python program on the simulated robot")
        self.run_action.triggered.connect(self.choose)
        self.back_action = QAction("Run the program on the &canvas", window)
        self.back_action.triggered.connect(self.back_to_canvas)
        self.menu.addActions([self.run_action, self.back_action])
        self.menu.aboutToShow.connect(self._enable)

    def panel(self):
        self.window.dock_simulator()
        return self.window.simulator

    def _enable(self) -> None:
        panel = self.window.simulator
        self.back_action.setEnabled(panel is not None and panel.python_program is not None)

    def choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Run a Python program", str(Path.home()),
                                              "Python programs (*.py);;All files (*)")
        if not path:
            return
        profile = self.ask_profile(path)
        if profile is not None:
            self.run_file(path, profile)

    def ask_profile(self, path) -> str | None:
        """ev3dev2 or nbev3devsim (chosen first when the file starts with a %%sim_magic line)."""
        try:
            with open(path, encoding="utf-8", errors="replace") as file:
                guess = guessed_profile(file.read(4096))
        except OSError:
            guess = EV3DEV2
        labels = list(PROFILE_LABELS.values())
        label, chosen = QInputDialog.getItem(self.window, "Run a Python program",
                                             f"Run {Path(path).name} as a program for:", labels,
                                             labels.index(PROFILE_LABELS[guess]), False)
        return next((key for key, text in PROFILE_LABELS.items() if text == label), None) if chosen else None

    def run_file(self, path, profile: str | None = None) -> bool:
        panel = self.panel()
        self.window.panels["Simulator"].raise_()
        return run_python_file(panel, path, profile)

    def back_to_canvas(self) -> None:
        panel = self.panel()
        if panel.python_program is not None and not panel._active():
            panel.set_document(panel.document)
