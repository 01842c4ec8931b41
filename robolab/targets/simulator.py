"""The simulator as a run target: a program's run on the simulated robot, reported as typed events.

The run itself is robolab.live's: a ChildRun (a process of its own, so whatever the program does
cannot freeze or take down the window), a challenge's goals (settings "watch") and a Python file's
printed lines included; or a LiveRun in this process's thread when a run asks for it (settings
"in_thread", or "watchers": callables that need the simulation itself after every physics step).
The session polls the run whenever its caller drains `events()` (or waits): what changed since the
last poll becomes events, in order: the state, output lines, the running block, variables, one Readings, and at the end Finished.

Simulator only, for the panel that draws the world (no other target has them): `latest` (the
robolab.live Snapshot: pose, sensors, obstacles), `trail`, `samples` (data-log samples), `screen`
(the EV3 screen image), `new_events()` (the run's own event dicts: data-log values, screen draws),
`press(channel, held)` (the IR remote), `program` and `run`.
"""

from __future__ import annotations

import threading

from robolab.errors import RobolabError
from robolab.live import FINISHED as RUN_FINISHED, PAUSED as RUN_PAUSED, RUNNING as RUN_RUNNING
from robolab.live import LiveProgram, LiveRun
from robolab.live.child import ChildRun, readable
from robolab.live.said import describe, spoken
from robolab.targets import (FINISHED, PAUSE, PAUSED, RUNNING, SPEED, STARTING, STEP, TRACE, EventQueue, Finished,
                             Output, Readings, RunError, RunningBlock, RunOptions, StateChanged, Variables)
from robolab.targets.problems import problems_error
from robolab.tracebacks import lines_in

TRACE_HOLD = 0.35          # wall seconds each block is shown when tracing
PRINTED_MAX = 2000         # a Python file's printed lines reported per run (a printing loop must not swamp a view)
TRACEBACK_LINES = 12       # the end of a Python file's traceback, reported as "err" lines
STREAMS = {"note": "note", "error": "err"}    # a run event's style -> Output's stream ("out" otherwise)
STATES = {RUN_RUNNING: RUNNING, RUN_PAUSED: PAUSED, RUN_FINISHED: FINISHED}   # a LiveRun's -> a session's
RUN_SETTINGS = ("seed", "until", "busy_limit", "watch")


class SimulatorTarget:
    """Runs programs in one world on one robot, from one start pose (each may be changed between runs,
    or given for one run in RunOptions.settings as "world", "robot", "start")."""

    name = "Simulator"

    def __init__(self, world, robot=None, start=None, in_child: bool = True):
        self.world, self.robot, self.start_pose, self.in_child = world, robot, start, in_child

    def start(self, snapshot, options: RunOptions | None = None) -> "SimulatorSession":
        """Run the program of a window document's snapshot (robolab.document.snapshot), or a Python
        file (robolab.live.python_program.PythonProgram)."""
        options = options or RunOptions()
        settings = options.settings
        if getattr(snapshot, "is_python", False):
            program, layout = snapshot, None
        else:
            layout = snapshot.layout
            try:
                program = LiveProgram.from_snapshot(snapshot.program, snapshot.pack, snapshot)
            except RobolabError as error:
                return SimulatorSession.refused(problems_error(error, snapshot))
        world = settings.get("world", self.world)
        robot = settings.get("robot", self.robot)
        start = settings.get("start", self.start_pose)
        watchers = list(settings.get("watchers", ()))
        in_thread = not self.in_child or settings.get("in_thread", False) or bool(watchers)
        arguments = {name: settings[name] for name in RUN_SETTINGS if name in settings}
        if not in_thread and "memory" in settings:
            arguments["memory"] = settings["memory"]
        kind = LiveRun if in_thread else ChildRun
        try:
            run = kind(program, world, robot, start=start, speed=options.speed, **arguments)
        except Exception as error:  # noqa: BLE001 - a world or robot the simulator cannot use: said, not raised
            return SimulatorSession.refused(RunError(f"the run could not start: {error}"))
        if watchers:   # only a run in this process has them
            run.watchers.extend(watchers)
        session = SimulatorSession(run, program, layout)
        session.set_trace(options.trace)
        session.begin(paused=options.paused)
        return session


class SimulatorSession:
    """One run on the simulator (robolab.targets.RunSession), polled when its events are drained."""

    target = SimulatorTarget.name
    capabilities = frozenset({PAUSE, STEP, SPEED, TRACE})

    def __init__(self, run, program, layout=None):
        self.run, self.program, self.layout = run, program, layout
        self.state = STARTING
        self._queue = EventQueue()
        self._raw: list[dict] = []           # the run's own event dicts, for new_events()
        self._poll_lock = threading.RLock()
        self._shown_snap = None
        self._place = (None, None)
        self._variables = None
        self._printed = self._printed_lines = 0
        self._partial = ""

    @classmethod
    def refused(cls, error: RunError) -> "SimulatorSession":
        """A session that never ran: already finished, with `error` (a program with problems)."""
        session = cls(None, None)
        session.state = FINISHED
        session._queue.put(StateChanged(FINISHED))
        session._queue.put(Finished(None, error=error))
        return session

    def begin(self, paused: bool = False) -> None:
        self._queue.put(StateChanged(STARTING))
        self.run.start(step=paused)

    # --- RunSession ----------------------------------------------------------------------------------
    def events(self) -> list:
        self._poll()
        return self._queue.drain()

    def pause(self) -> None:
        self._tell("pause")

    def resume(self) -> None:
        self._tell("resume")

    def step(self) -> None:
        self._tell("step")

    def set_speed(self, speed: float) -> None:
        self._tell("set_speed", speed)

    def set_trace(self, on: bool) -> None:
        self._tell("set_trace", TRACE_HOLD if on else 0.0)

    def stop(self) -> None:
        self._tell("stop")

    def wait(self, timeout: float | None = None) -> bool:
        if self.run is not None:
            self.run.wait(timeout)
        self._poll()
        return self._queue.finished.is_set()

    def _tell(self, name: str, *args) -> None:
        if self.run is not None and self.state != FINISHED:
            getattr(self.run, name)(*args)

    # --- simulator only: what the panel draws ----------------------------------------------------------
    @property
    def latest(self):
        """The robolab.live Snapshot now: pose, sensors, motors, obstacles, block, variables."""
        return self.run.latest if self.run is not None else None

    @property
    def trail(self) -> list:
        return self.run.trail if self.run is not None else []

    @property
    def samples(self) -> list:
        return self.run.samples if self.run is not None else []

    @property
    def screen(self):
        return self.run.screen if self.run is not None else None

    def press(self, channel, held) -> None:
        self._tell("press", channel, held)

    def new_events(self) -> list[dict]:
        """The run's own event dicts since the last call (data-log values, screen draws, ...)."""
        self._poll()
        with self._poll_lock:
            raw, self._raw = self._raw, []
        return raw

    # --- the poll: what changed becomes events -----------------------------------------------------------
    def _poll(self) -> None:
        with self._poll_lock:
            run = self.run
            if run is None or self._queue.finished.is_set():
                return
            ended = run.state == RUN_FINISHED   # read first: all it reported before ending is read below
            state = STATES.get(run.state, STARTING)
            if ended and self.state == STARTING:
                self._set_state(RUNNING)   # it ran, however briefly: said before it finished
            elif state != self.state and not ended:
                self._set_state(state)
            snap = run.latest
            for event in run.new_events():
                self._raw.append(event)
                self._output(event)
            if getattr(self.program, "is_python", False):
                self._printed_output(snap.time, ended)
            if ended:
                self._finish(snap)
                return
            if (snap.block, snap.line) != self._place:
                self._place = (snap.block, snap.line)
                self._queue.put(RunningBlock(snap.block, snap.line))
            self._report(snap)

    def _set_state(self, state: str) -> None:
        self.state = state
        self._queue.put(StateChanged(state))

    def _output(self, event: dict) -> None:
        described = describe(event)
        if described is not None:
            style, text = described
            self._queue.put(Output(text, STREAMS.get(style, "out"), event.get("time"), kind=style,
                                   spoken=spoken(event)))

    def _report(self, snap) -> None:
        """Variables when they changed, and one Readings when the run has moved on."""
        if snap is self._shown_snap:
            return
        self._shown_snap = snap
        variables = {name: readable(value) for name, value in snap.variables.items()}
        if variables != self._variables:
            self._variables = variables
            self._queue.put(Variables(variables))
        self._queue.put(Readings(snap.time, snap.sensors, snap.motors))

    def _printed_output(self, time, final: bool) -> None:
        """A Python file's printed lines (the runner's stdout; an .rlab program speaks in events)."""
        printed = self.run.printed     # appended to by the run's thread (or its reader) only
        end = len(printed)
        text = self._partial + "".join(printed[self._printed:end])
        self._printed = end
        lines = text.split("\n")
        self._partial = "" if final else lines.pop()
        for line in lines:
            if final and not line:
                continue
            self._printed_lines += 1
            if self._printed_lines <= PRINTED_MAX:
                self._queue.put(Output(line, "out", time))
            elif self._printed_lines == PRINTED_MAX + 1:
                self._queue.put(Output(f"… more printed than the {PRINTED_MAX} lines shown", "note", time))

    def _finish(self, snap) -> None:
        run = self.run
        result = run.result
        error = self._error()
        if error is not None and getattr(self.program, "is_python", False):
            for line in (result.stderr or "").rstrip().splitlines()[-TRACEBACK_LINES:]:
                self._queue.put(Output(line, "err", snap.time))
        self._report(snap)
        if self._place != (None, None):
            self._place = (None, None)
            self._queue.put(RunningBlock(None))   # the run is over: no block runs (Trace's outline goes)
        self._set_state(FINISHED)
        self._queue.put(Finished(result.returncode if result is not None else None,
                                 bool(result is not None and result.stopped), error, snap.time))

    def _error(self) -> RunError | None:
        """The run's error, its block mapped to the block's line in the printed program (a Python
        file's: the line of the file its traceback names)."""
        found = self.run.error
        if found is None:
            return None
        message, block = found
        line = None
        if block is not None and self.layout is not None:
            line = self.layout.where(block)[0] or None
        elif getattr(self.program, "is_python", False) and self.run.result is not None:
            result = self.run.result
            line = next(iter(lines_in(result.stderr or "", self.run.filename)), result.line)
        return RunError(message, block, line)

