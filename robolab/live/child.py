"""A LiveRun in a child process of its own: the student's program and the physics never share the
window's process, so a program that computes for seconds, eats memory or crashes pymunk cannot
freeze or take down the window (and its unsaved work).

ChildRun has LiveRun's shape (start, pause, resume, step, stop, set_speed, set_trace, set_plotted,
press, wait, latest, new_events, screen, error, state, result, trail, samples, goals, verdict,
printed, current_line), so the panel draws either. The child runs an ordinary LiveRun and, 60 times
a wall second, sends what the window draws over a pipe as a Report: the latest Snapshot (its
variables cut to a readable length), new events, the trail's new points, data-log samples of the
plotted figures, the EV3 screen when it changed, what the program printed, and a challenge's goals
when they changed (the goals are watched at every step in the child; their verdict comes with the
end). A reader thread in the window's process takes them in; the window's thread only reads what
it holds.

Stop asks the child first (the run ends as it does in a thread, with its final values); a child
that has not answered after GRACE seconds (a long C-level operation such as `7 ** 30_000_000`)
is killed, and the run is reported stopped. The child's address space is capped (MEMORY_CAP): a
program that eats memory fails with a MemoryError named as such. A child that dies is reported
with the cause. A spare child waits ready (the simulator and python-ev3dev2 imported), so Run is
as quick as in a thread.
"""

from __future__ import annotations

import math
import multiprocessing
import threading
import time
from dataclasses import dataclass

from robolab.live.controller import FINISHED, PAUSED, READY, RUNNING, LiveRun, at_rest, placed_world
from robolab.live.readings import Snapshot

MEMORY_CAP = 1 << 30        # bytes of address space the child may use (1 GB)
GRACE = 0.03                # wall seconds a stopped child has to end its run before it is killed
FRAME = 1.0 / 60.0          # wall seconds between the child's reports
SHOWN_DIGITS = 24           # a number longer than this is shown rounded, with its size
SHOWN_CHARACTERS = 200      # a longer string is cut
PRINTED_SENT = 1_000_000    # characters of printed output sent to the window (it shows 2000 lines)

_context = multiprocessing.get_context("spawn")   # a fresh interpreter: no Qt, no window threads in it
_spare = None
_spare_lock = threading.Lock()


@dataclass(frozen=True)
class Ending:
    """How the program's run ended (LockstepRunner's result, the parts the window reads)."""

    returncode: int | None
    stopped: bool
    timed_out: bool = False
    stderr: str = ""
    line: int | None = None


@dataclass(frozen=True)
class Report:
    """What the child sends the window each frame (what changed since the last one)."""

    snapshot: Snapshot
    state: str
    events: list
    trail: list                 # the trail's new points (the whole trail when `whole`: it was thinned)
    whole: bool
    samples: list
    screen: object = None       # the EV3 screen (a PIL image) when the program drew on it
    printed: list = ()          # printed chunks
    line: int | None = None     # the program's running line
    goals: dict | None = None   # a challenge's goals' states, when they changed


def readable(value):
    """A variable's value as the window may show it: a huge number or string shortened, so drawing it
    never costs more than drawing a small one (Python refuses to print an int of 4,300+ digits)."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return value
    if isinstance(value, int):
        if value.bit_length() <= SHOWN_DIGITS * 3:   # fewer than 24 digits: as it is
            return value
        power = math.floor(math.log10(abs(value)))   # math.log10 takes an int of any size
        return f"{'-' if value < 0 else ''}about 10^{power} ({power + 1} digits)"
    return value if len(value) <= SHOWN_CHARACTERS else value[:SHOWN_CHARACTERS] + "…"


def _readable_snapshot(snap: Snapshot) -> Snapshot:
    from dataclasses import replace

    return replace(snap, variables={name: readable(value) for name, value in snap.variables.items()})


# --- the child -------------------------------------------------------------------------------------
def _serve(conn, memory: int) -> None:
    """The child's whole life: made ready (imports), then one run, reported over `conn`."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    except (ImportError, ValueError, OSError):   # not on this system: the run goes uncapped
        pass
    import ev3dev2.motor  # noqa: F401 - warm: the program's first import costs nothing
    import simulator.lockstep  # noqa: F401

    try:
        job = conn.recv()
    except (EOFError, OSError):
        return   # the window closed while this child waited
    program, world, robot, settings = job
    try:
        run = LiveRun(program, world, robot, **settings)
    except Exception as error:  # noqa: BLE001 - said in the window
        conn.send(("end", None, f"the run could not start: {error}", None, None, None))
        return
    sent = {"trail": 0, "samples": 0, "printed": 0, "characters": 0, "goals": {}}
    while True:
        if conn.poll(FRAME):
            while conn.poll():
                command = conn.recv()
                _obey(run, command)
                if command[0] == "stop":
                    run.wait(GRACE)   # the end (final values, a challenge's verdict) goes out before the kill
        finished = run.state == FINISHED
        conn.send(("frame", _report(run, sent)))
        if finished:
            result = run.result
            ending = None if result is None else Ending(result.returncode, bool(result.stopped),
                                                        bool(result.timed_out), result.stderr or "", result.line)
            conn.send(("end", ending, run.crash, _readable_snapshot(run.latest), run.error, run.verdict))
            return


def _report(run: LiveRun, sent: dict) -> Report:
    """What changed since the last report (`sent`: how much of each list went already)."""
    events = run.new_events()
    trail = run.trail
    if len(trail) < sent["trail"]:   # thinned in place: sent again whole
        points, whole = list(trail), True
    else:
        points, whole = trail[sent["trail"]:], False
    sent["trail"] = len(trail)
    samples = run.samples[sent["samples"]:]
    sent["samples"] += len(samples)
    printed = run.printed[sent["printed"]:]
    sent["printed"] += len(printed)
    printed = printed if sent["characters"] < PRINTED_SENT else []
    sent["characters"] += sum(map(len, printed))
    drawn = run.screen
    image = None
    if drawn is not None and any(e.get("kind") == "display" for e in events):
        image = drawn.copy()
    goals = run.goals
    changed = goals if goals != sent["goals"] else None
    sent["goals"] = goals
    return Report(_readable_snapshot(run.latest), run.state, events, points, whole, samples, image, printed,
                  run.current_line, changed)


def _obey(run: LiveRun, command: tuple) -> None:
    name, *args = command
    getattr(run, name)(*args)


def _ready_child():
    """A child made ready, waiting for its run (and the next one started, for the run after)."""
    global _spare
    with _spare_lock:
        child, _spare = _spare, None
        if child is None or not child[0].is_alive():
            child = _new_child()
        _spare = _new_child()
        return child


def _new_child(memory: int = MEMORY_CAP):
    ours, theirs = _context.Pipe()
    process = _context.Process(target=_serve, args=(theirs, memory), name="robolab run", daemon=True)
    process.start()
    theirs.close()
    return process, ours, memory


def warm_up() -> None:
    """Start a spare child now (the window calls this once it is shown), so the first Run is quick."""
    global _spare
    with _spare_lock:
        if _spare is None:
            _spare = _new_child()


# --- the window's side -------------------------------------------------------------------------------
class ChildRun:
    """A program's run in a child process, watched and controlled as a LiveRun is."""

    def __init__(self, program, world, robot=None, *, start=None, speed: float = 1.0, seed: int = 0,
                 until: float | None = None, busy_limit: float = 2.0, watch=None, memory: int = MEMORY_CAP):
        """`watch`: a challenge's goals, watched in the child (robolab.challenge.marking.GoalWatch)."""
        from simulator.robot import load_robot

        self.program = program
        self.filename = f"{program.name}.py"
        self.robot = robot or load_robot(getattr(world, "robot", None))
        self.world = placed_world(world, start)
        self.start_pose = self.world.start
        self.speed, self.trace = speed, 0.0
        self.state = READY
        self.result: Ending | None = None
        self.crash = ""
        self.memory = memory
        self._settings = {"speed": speed, "seed": seed, "until": until, "busy_limit": busy_limit, "watch": watch}
        self._last = at_rest(self.world, self.robot)
        self.trail = [(self._last.x, self._last.y)]
        self.samples = []
        self.plotted = frozenset()
        self.screen = None
        self.watch = watch
        self.goals = {}               # the watched goals' states (goal id -> open, met or missed)
        self.verdict = None           # their verdict, a VariantResult, once the run has ended
        self.printed = []             # what the program printed, in chunks
        self.current_line = None
        self._events = []
        self._error = None
        self._lock = threading.Lock()
        self._child = self._conn = None
        self._reader = None
        self._stop_at = None

    # --- control ------------------------------------------------------------------------------------
    def start(self, paused: bool = False, step: bool = False) -> None:
        if self._child is not None:
            raise RuntimeError("a ChildRun runs once")
        if self.memory == MEMORY_CAP:
            process, conn, _ = _ready_child()
        else:
            process, conn, _ = _new_child(self.memory)
        self._child, self._conn = process, conn
        self.state = RUNNING
        self._send(("job", self.program, self.world, self.robot, self._settings))
        if self.trace:
            self._send(("set_trace", self.trace))
        if self.plotted:
            self._send(("set_plotted", self.plotted))
        self._send(("start", paused, step))
        self._reader = threading.Thread(target=self._read, name="robolab run reader", daemon=True)
        self._reader.start()

    def _send(self, message) -> None:
        if message[0] == "job":
            message = message[1:]
        try:
            self._conn.send(message)
        except (OSError, ValueError, BrokenPipeError):
            pass   # the child has ended: the reader reports it

    def pause(self) -> None:
        self._command("pause")

    def resume(self) -> None:
        self._command("resume")

    def step(self) -> None:
        if self.state == READY:
            self.start(step=True)
        else:
            self._command("step")

    def set_speed(self, speed: float) -> None:
        self.speed = speed
        self._command("set_speed", speed)

    def set_trace(self, seconds: float) -> None:
        self.trace = max(0.0, float(seconds))
        self._command("set_trace", self.trace)

    def set_plotted(self, names) -> None:
        """The data log's figures drawn now: the child samples only those."""
        self.plotted = frozenset(names)
        self._command("set_plotted", self.plotted)

    def press(self, channel, held) -> None:
        """An IR remote's buttons (robolab.ui.sim.remote)."""
        self._command("press", channel, held)

    def _command(self, *command) -> None:
        if self._child is not None and self.state != FINISHED:
            self._send(command)

    def stop(self) -> None:
        """Ask the child to stop; kill it when it has not ended after GRACE seconds."""
        if self._child is None or self.state == FINISHED:
            return
        self._stop_at = time.monotonic()
        self._command("stop")
        threading.Timer(GRACE, self._end_if_still_running).start()

    def _end_if_still_running(self) -> None:
        child = self._child
        if self.state != FINISHED and child is not None and child.is_alive():
            child.kill()   # the reader sees the pipe close and reports the run stopped

    def wait(self, timeout: float | None = None) -> bool:
        if self._reader is not None:
            self._reader.join(timeout)
        return self.state == FINISHED

    # --- what the window reads ----------------------------------------------------------------------
    @property
    def latest(self) -> Snapshot:
        return self._last

    def new_events(self) -> list[dict]:
        with self._lock:
            events, self._events = self._events, []
        return events

    @property
    def error(self):
        return self._error

    # --- the reader thread -----------------------------------------------------------------------------
    def _read(self) -> None:
        conn = self._conn
        try:
            while True:
                message = conn.recv()
                if message[0] == "frame":
                    self._frame(message[1])
                elif message[0] == "end":
                    self._end(*message[1:])
                    return
        except (EOFError, OSError):
            self._died()
        finally:
            conn.close()

    def _frame(self, report: Report) -> None:
        if report.whole:
            self.trail[:] = report.trail
        else:
            self.trail.extend(report.trail)
        self.samples.extend(report.samples)
        self.printed.extend(report.printed)
        if report.screen is not None:
            self.screen = report.screen
        if report.goals is not None:
            self.goals = report.goals
        with self._lock:
            self._events.extend(report.events)
        self.current_line = report.line
        self._last = report.snapshot
        if report.state in (RUNNING, PAUSED):
            self.state = report.state

    def _end(self, ending, crash, snap, error, verdict) -> None:
        self.result, self.crash, self.verdict = ending, crash or "", verdict
        if snap is not None:
            self._last = snap
        if crash:
            error = (f"the simulator failed: {crash.strip().splitlines()[-1]}", None)
        elif error is not None and error[0].startswith("MemoryError"):
            error = (f"the program used more than {self.memory >> 20} MB of memory (MemoryError)", error[1])
        self._error = error
        self._child.join(1.0)
        self.state = FINISHED

    def _died(self) -> None:
        """The child ended without saying how: killed after Stop, or it crashed."""
        child = self._child
        child.join(1.0)
        if self._stop_at is not None:
            self.result = Ending(None, True)
        else:
            code = child.exitcode
            self.crash = f"the run's process ended unexpectedly (exit code {code})"
            cause = "it was killed" if code is not None and code < 0 else f"exit code {code}"
            self._error = (f"the simulator's process stopped ({cause}); the window and your program are "
                           "not affected: press Run to try again", None)
        self.state = FINISHED
