"""The window's one run controller: Run, Pause, Step and Stop (F5, F6, F10, Shift+F5) for whichever
target "Run on" chooses, over the plain-Python run-target interface (robolab.targets).

A place that can run a program (the simulator panel, the EV3 actions) adds itself with `add_target`:
it makes its RunTarget and the RunOptions of a run (or says why it cannot run now). The controller
starts a session from the document's snapshot (or what the place runs instead: a Python file),
drains `session.events()` on a timer, writes the run's lines in the one output pane, outlines the
running block (`running_block`), selects the block of an error (`error_block`, wired by the window),
and enables each action by the session's state and capabilities. It knows no target by its insides: a place that draws more of its own sessions (the
simulator's world view) hears `session_started`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QStyle, QWidget

from robolab.errors import RobolabError
from robolab.targets import (FINISHED, PAUSE, PAUSED, RUNNING, STARTING, STEP, Finished, Output, RunningBlock,
                             RunOptions, StateChanged)

POLL_MS = 16          # the session's events are drained 60 times a second
READY = "ready"       # no run yet (or the last one forgotten): what the controller shows besides STATES
STATE_WORDS = {READY: "ready", STARTING: "starting…", RUNNING: "running", PAUSED: "paused", FINISHED: "finished"}
KEYS = {"run": "F5", "pause": "F6", "step": "F10", "stop": "Shift+F5"}   # the help's keyboard table


class Refused(Exception):
    """A place cannot run now (no brick chosen, the world still being read): the message says why;
    `kind` "note" when it is only a moment's wait, "error" when the student must do something."""

    def __init__(self, message: str, kind: str = "error"):
        super().__init__(message)
        self.message, self.kind = message, kind


@dataclass
class Place:
    """Where a program can run, as "Run on" lists it."""

    key: str                                     # "simulator", "ev3"
    title: str                                   # "Simulator", "EV3 brick"
    target: Callable[[], object]                 # the RunTarget (made on first use)
    options: Callable[[bool], RunOptions]        # the options of a run (paused: Step from the start), or Refused
    capabilities: frozenset = frozenset()        # what its sessions can do (robolab.targets PAUSE, STEP, ...)
    program: Callable[[], object] | None = None  # what it runs, when not the document's snapshot


class RunController(QObject):
    state_changed = Signal(str)          # ready, starting, running, paused, finished
    running_block = Signal(object)       # the running block's path, or None
    running_line = Signal(int)           # the running line of the Python (0: none)
    error_block = Signal(object, str)    # a run's error: its block's path (or None) and the message
    session_started = Signal(str, object)   # the place's key and its new session
    session_event = Signal(str, object)     # every event of the session, after the controller's own use
    target_changed = Signal(str)         # the key of the place chosen in "Run on"
    said = Signal(str)                   # a line for the status bar

    def __init__(self, snapshot: Callable[[], object], output, parent=None):
        super().__init__(parent)
        self.snapshot = snapshot         # the program as it is now (robolab.document.Document.snapshot)
        self.output = output             # robolab.ui.run_output.RunOutput
        self.places: dict[str, Place] = {}
        self.chosen: str | None = None
        self.session = None
        self.session_place: str | None = None
        self.state = READY
        self.runs = 0
        self._block = None
        self._same_program = True        # no other program opened since the run started
        self.actions: dict[str, QAction] = {}
        style = parent.style() if isinstance(parent, QWidget) else None
        for name, icon, text, tip in (
                ("run", QStyle.StandardPixmap.SP_MediaPlay, "Run", "Run the program"),
                ("pause", QStyle.StandardPixmap.SP_MediaPause, "Pause", "Pause: the robot and the clock stand still"),
                ("step", QStyle.StandardPixmap.SP_MediaSkipForward, "Step", "Run one block, then pause"),
                ("stop", QStyle.StandardPixmap.SP_MediaStop, "Stop", "Stop the program")):
            action = QAction(text, self)
            action.setObjectName(f"run_{name}")
            if style is not None:
                action.setIcon(style.standardIcon(icon))
            action.setShortcut(QKeySequence(KEYS[name]))
            action.setToolTip(f"{tip} ({KEYS[name]})")
            action.triggered.connect(getattr(self, name))
            self.actions[name] = action
        self.target_group = QActionGroup(self)   # "Run on": one place checked
        self.target_actions: dict[str, QAction] = {}
        self.timer = QTimer(self, interval=POLL_MS, timeout=self.poll)
        output.list.error_block.connect(self.error_block.emit)   # a clicked error line selects its block again
        self._enable()

    # --- places ------------------------------------------------------------------------------------
    def add_target(self, key: str, title: str, target, options, capabilities=frozenset(), program=None) -> QAction:
        """A place to run on; its "Run on" action (checkable, in the controller's group)."""
        self.places[key] = Place(key, title, target, options, frozenset(capabilities), program)
        action = QAction(f"Run on the {title}", self)
        action.setCheckable(True)
        action.triggered.connect(lambda _=False, k=key: self.choose(k))
        self.target_group.addAction(action)
        self.target_actions[key] = action
        if self.chosen is None:
            self.choose(key)
        return action

    def choose(self, key: str) -> None:
        """Run on this place from now on (a run going on elsewhere goes on)."""
        if key not in self.places:
            return
        self.chosen = key
        self.target_actions[key].setChecked(True)
        if not self._active():
            self.output.set_target(self.places[key].title)
        self._enable()
        self.target_changed.emit(key)

    # --- the actions ---------------------------------------------------------------------------------
    def _active(self) -> bool:
        return self.session is not None and self.state in (STARTING, RUNNING, PAUSED)

    def run(self) -> None:
        """Run on the chosen place; while paused, continue."""
        if self._active():
            if self.state == PAUSED:
                self.session.resume()
            return
        self._start(paused=False)

    def pause(self) -> None:
        if self._active() and PAUSE in self.session.capabilities:
            self.session.pause()

    def step(self) -> None:
        """One block, then pause; from no run, a run paused before its first block."""
        if self._active():
            if STEP in self.session.capabilities:
                self.session.step()
            return
        self._start(paused=True)

    def stop(self) -> None:
        if self._active():
            self.output.add("note", "stopping…")
            self.session.stop()

    def _start(self, paused: bool) -> None:
        place = self.places.get(self.chosen)
        if place is None:
            return
        try:
            options = place.options(paused)
            program = place.program() if place.program is not None else self.snapshot()
            target = place.target()
        except Refused as why:
            self.output.add(why.kind, why.message)
            self.said.emit(why.message.splitlines()[0])
            return
        except RobolabError as error:   # a place that checks the program itself
            self._problems(error)
            return
        self.runs += 1
        self._same_program = True
        self._block = None
        session = target.start(program, options)
        self.session, self.session_place = session, place.key
        self.output.header(self.runs, session.target)
        self.state = session.state
        self.session_started.emit(place.key, session)
        self.timer.start()
        self.poll()
        self._enable()
        self.state_changed.emit(self.state)

    def _problems(self, error: RobolabError) -> None:
        self.output.add("error", "The program has problems to fix before it can run:\n"
                        + "\n".join(f"line {p.line}: {p.message}" if p.line else p.message
                                    for p in error.problems[:5]))

    # --- what the session says -----------------------------------------------------------------------
    def poll(self) -> None:
        """Drain the session's events, in order, and show them."""
        session = self.session
        if session is None:
            self.timer.stop()
            return
        for event in session.events():
            if isinstance(event, StateChanged):
                self._state(event)
            elif isinstance(event, Output):
                self._output(event)
            elif isinstance(event, RunningBlock):
                self._running(event.block, event.line)
            elif isinstance(event, Finished):
                self._finished(event)
            self.session_event.emit(self.session_place, event)
        if self.session is session and session.state == FINISHED and self.state != FINISHED:
            self._finished(Finished(exit_code=None))   # a session that ended without saying how

    def _state(self, event: StateChanged) -> None:
        if event.state == FINISHED:
            return   # said by Finished, which follows
        self.state = event.state
        if event.detail:
            self.output.add("note", event.detail)
        self._enable()
        self.state_changed.emit(self.state)

    def _output(self, event: Output) -> None:
        kind = event.kind or event.stream
        if event.text or event.screen is None:
            self.output.add(kind, event.text, time=event.time)
        if event.screen is not None:
            self.output.show_screen(event.screen)
        words = event.spoken
        if words:
            self.output.list.say(words)

    def _running(self, block, line) -> None:
        if block != self._block or block is None:
            self._block = block
            self.running_block.emit(block)
        self.running_line.emit(line or 0)

    def _finished(self, event: Finished) -> None:
        self.timer.stop()
        self.state = FINISHED
        self._running(None, None)   # the outline goes when the run ends, however it ends
        when = f" at {event.time:.1f} s" if event.time is not None else ""
        error = event.error
        if error is not None:
            where = f"line {error.line}: " if error.line and f"line {error.line}:" not in error.message else ""
            block = error.block if self._same_program else None
            self.output.add("error", where + error.message, block)
            self.error_block.emit(block, error.message)
        elif event.stopped:
            self.output.add("note", f"the program was stopped{when}")
        elif event.exit_code in (0, None):
            self.output.add("note", f"the program ended{when}")
        else:
            self.output.add("error", f"the program ended with exit code {event.exit_code}")
        self._enable()
        self.state_changed.emit(self.state)

    def program_opened(self) -> None:
        """Another program opened: the run of the last one stops, its blocks are not this one's, and
        the pane starts afresh."""
        self._same_program = False
        if self._active():
            self.session.stop()
        else:
            self.output.clear()
            self.output.set_target(self.places[self.chosen].title if self.chosen else "")

    def forget(self) -> None:
        """The last run is not shown any more (Reset in the simulator): ready again."""
        if not self._active():
            self.session = self.session_place = None
            self.state = READY
            self._enable()
            self.state_changed.emit(self.state)

    # --- what can be pressed ---------------------------------------------------------------------------
    def _enable(self) -> None:
        active, state = self._active(), self.state
        place = self.places.get(self.chosen)
        can = self.session.capabilities if active else (place.capabilities if place else frozenset())
        chosen = place is not None
        run = self.actions["run"]
        run.setText("Continue" if state == PAUSED else "Run")
        run.setEnabled(chosen and (not active or state == PAUSED))
        self.actions["pause"].setEnabled(active and state == RUNNING and PAUSE in can)
        self.actions["step"].setEnabled(chosen and STEP in can and (not active or state in (RUNNING, PAUSED)))
        self.actions["stop"].setEnabled(active)
        for action in self.target_actions.values():
            action.setEnabled(not active)

    def state_words(self) -> str:
        """The state as a student reads it, with the target: "running on the Simulator"."""
        words = STATE_WORDS.get(self.state, self.state)
        if self.session is not None and self.state != READY:
            return f"{words} on the {self.session.target}"
        return words

    def shutdown(self) -> None:
        """The window closes: stop whatever runs."""
        self.timer.stop()
        if self._active():
            self.session.stop()
            self.session.wait(1.0)
