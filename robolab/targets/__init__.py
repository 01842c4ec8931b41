"""Where a program runs, behind one interface: a RunTarget starts a RunSession, and the session
reports what happens as typed events.

Plain Python: no Qt, and nothing here assumes ev3dev, so a third target (Pybricks hubs) fits
beside the simulator and the EV3 brick. The window's run controller (robolab.ui.run_controller)
knows only these names. As in Thonny's Runner and its back-end proxy, a session never blocks its
caller: `start` returns at once, and whatever happens later (connecting to a brick, a download,
the program's output, its crash) arrives as events, drained by the caller from its own thread with
`RunSession.events()`.

The implementations live beside this file: robolab.targets.simulator and robolab.targets.ev3.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Protocol, Union, runtime_checkable

# A session's states: the only names a view shows for any target.
STARTING, RUNNING, PAUSED, FINISHED = "starting", "running", "paused", "finished"
STATES = (STARTING, RUNNING, PAUSED, FINISHED)

# What a session can do besides start and stop (a brick cannot pause a program, for example).
PAUSE, STEP, SPEED, TRACE = "pause", "step", "speed", "trace"


@dataclass(frozen=True)
class RunOptions:
    """How to start a run. `settings` holds what only one target reads (the simulator's world,
    robot, start pose, seed and time limit; the brick's download flag), by name."""

    speed: float = 1.0          # 1.0 is real time; math.inf runs as fast as it can
    trace: bool = False         # report the running block (it may slow the target down)
    paused: bool = False        # start paused before the first block (Step)
    settings: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RunError:
    """A run-time error, mapped to the student's block by robolab.tracebacks."""

    message: str                  # what a student reads: "ZeroDivisionError: division by zero"
    block: tuple | None = None    # the block's path in the program, when one is known
    line: int | None = None       # that block's line in the printed program


# --- events ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StateChanged:
    state: str                    # one of STATES
    detail: str = ""              # what a view may add ("downloading", "connected to ev3-1")


@dataclass(frozen=True)
class Output:
    text: str                     # one line, without its newline
    stream: str = "out"           # "out", "err", or "note" (said by RoboLab, not by the program)
    time: float | None = None     # the run's clock (simulated seconds), when the target has one
    screen: Any = None            # the brick's screen image after a draw, when the target has one
    kind: str = ""                # what the line is, for its colour: "message", "speech", "sound",
                                  # "collision", "log", ... ("" for plain output)
    spoken: str = ""              # words a view may say aloud (speech, a message), "" for none


@dataclass(frozen=True)
class RunningBlock:
    block: tuple | None           # the running block's path (None: between blocks, or not traced)
    line: int | None = None       # the running line of the Python, when known


@dataclass(frozen=True)
class Variables:
    values: dict                  # name -> value, each already cut to a readable length


@dataclass(frozen=True)
class Readings:
    time: float | None            # the run's clock, when the target has one
    sensors: tuple = ()           # robolab.live.readings.SensorReading, one a port
    motors: tuple = ()            # robolab.live.readings.MotorReading, one a port


@dataclass(frozen=True)
class Finished:
    exit_code: int | None = 0     # None when the target cannot say (killed, lost)
    stopped: bool = False         # ended by Stop
    error: RunError | None = None
    time: float | None = None     # the run's clock when it ended, when the target has one


Event = Union[StateChanged, Output, RunningBlock, Variables, Readings, Finished]


# --- the interface -----------------------------------------------------------------------------
@runtime_checkable
class RunSession(Protocol):
    """One run of one program. Every method returns at once; what follows comes as events."""

    target: str                   # names the target for a student: "Simulator", "EV3 brick ev3-1"
    capabilities: frozenset       # of PAUSE, STEP, SPEED, TRACE
    state: str                    # one of STATES

    def events(self) -> list: ...           # the events since the last call, oldest first
    def pause(self) -> None: ...
    def resume(self) -> None: ...
    def step(self) -> None: ...             # run to the next block, then pause
    def set_speed(self, speed: float) -> None: ...
    def set_trace(self, on: bool) -> None: ...
    def stop(self) -> None: ...             # asked first; the target ends the run by force if it must
    def wait(self, timeout: float | None = None) -> bool: ...   # True once Finished has been queued


@runtime_checkable
class RunTarget(Protocol):
    name: str                     # "Simulator", "EV3 brick"

    def start(self, snapshot, options: RunOptions) -> RunSession:
        """Run the program of `snapshot` (robolab.document.snapshot.Snapshot: its compiled Python,
        its layout and its name). A program with problems gives a session that is already finished,
        with the problems as its error."""


class EventQueue:
    """The events of a session, put from any thread and drained by the caller's; Finished is last."""

    def __init__(self):
        self._events: list = []
        self._lock = threading.Lock()
        self.finished = threading.Event()

    def put(self, event) -> None:
        with self._lock:
            if self.finished.is_set():
                return            # nothing follows Finished
            self._events.append(event)
            if isinstance(event, Finished):
                self.finished.set()

    def drain(self) -> list:
        with self._lock:
            events, self._events = self._events, []
        return events
