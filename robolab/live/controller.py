"""One watched run of a program on the simulated robot: run, pause, step, stop, at a chosen speed.

The lockstep runner runs in a worker thread (its greenlets live there). Everything this class
does to the run happens in that thread, in two callbacks:

- after every physics step: pacing against the wall clock (speed 0.1x..20x, or as fast as
  possible), holding while paused, recording the trail, watching a challenge's goals, sampling
  the figures the data log plots, and, 60 times a wall second, a Snapshot (pose, sensors,
  motors, running block, variables) for the window to draw. It wraps the simulation's step
  rather than being the runner's on_step: with no on_step the runner may step the physics
  inside the waiting program's greenlet, without two greenlet switches and the wake queue per
  step (a run about 15 % faster), so it may run there: it then finds the program's frames on
  its own stack;
- line_hook, set only while stepping, pausing or tracing (a trace hook halves the program's
  speed): it holds the program where the next block starts, or, tracing, shows each block a
  moment before it runs (RobotLab's Trace).

The window calls start/pause/resume/step/stop/set_speed from its own thread; they only set flags
and wake the worker. stop() is answered within a physics step, or by the runner's watchdog
within a few hundredths of a second when the program never waits (`forever` with nothing inside).
"""

from __future__ import annotations

import copy
import math
import sys
import threading
import time
import traceback

from simulator.infrared import remote_of
from simulator.lockstep import LockstepRunner
from simulator.physics import Pose, Simulation
from simulator.robot import load_robot

from robolab.live.program import LiveProgram
from robolab.live.readings import Snapshot, plotted_values, snapshot
from robolab.tracebacks import error_message, origin_in

_wall = time.perf_counter          # the real clock (a program greenlet sees simulated time)
FRAME = 1.0 / 60.0                 # wall seconds between snapshots
SAMPLE_EVERY = 0.05                # simulated seconds between data-log samples of the plotted figures
TRAIL_STEP_MM = 6.0                # the trail gets a point each time the robot has travelled this far
TRAIL_MAX = 20_000                 # more points: every other one is dropped (long runs at full speed)
SAMPLES_MAX = 100_000              # data-log samples kept (83 simulated minutes)
FAST = math.inf                    # speed: as fast as possible
FAST_STRIDE = 4                    # as fast as possible, the trail, pause, samples and frames are seen to every 4 steps

READY, RUNNING, PAUSED, FINISHED = "ready", "running", "paused", "finished"


def add_to_trail(trail: list, x: float, y: float) -> None:
    """Append a point; a trail grown past TRAIL_MAX keeps every other point (in place: the view
    holds the same list)."""
    trail.append((x, y))
    if len(trail) > TRAIL_MAX:
        trail[:] = trail[::2]


def placed_world(world, start: Pose | None):
    """The world with the robot starting at `start` (the world itself when None)."""
    if start is None:
        return world
    placed = copy.copy(world)
    placed.start = start
    return placed


def at_rest(world, robot, start: Pose | None = None) -> Snapshot:
    """What the panel shows before a run: `robot` standing at `start` (the world's own when None),
    with a reading for each of its sensors and motors."""
    sim = Simulation(placed_world(world, start), robot)
    return snapshot(sim, sim.pose.heading)


class LiveRun:
    """A program's run in `world` (a loaded simulator World), watched and controlled live."""

    def __init__(self, program: LiveProgram, world, robot=None, *, start: Pose | None = None,
                 speed: float = 1.0, seed: int = 0, until: float | None = None, busy_limit: float = 2.0,
                 watch=None):
        """`watch`: a challenge's goals to watch at every step (robolab.challenge.marking.GoalWatch)."""
        self.program, self.until = program, until
        self.sim = Simulation(placed_world(world, start), robot or load_robot(getattr(world, "robot", None)), seed=seed)
        self.start_pose = self.sim.pose
        self.runner = LockstepRunner(self.sim, f"{program.name}.py", source=program.source,
                                     busy_limit=busy_limit, record_writes=False)
        self._physics_step = self.sim.step
        self.sim.step = self._step   # the runner steps through this, in its loop or in the program's greenlet
        self.filename = self.runner.filename
        new_profile = getattr(program, "new_profile", None)   # a Python file's dialect (python_program.py)
        self.runner.profile = new_profile() if new_profile else None
        self.speed = speed
        self.trace = 0.0                # wall seconds each block is shown before it runs (0: off)
        self.state = READY
        self.result = None
        self.crash = ""                 # a traceback when the simulator itself failed
        self.trail = [(self.start_pose.x, self.start_pose.y)]
        self.samples = []               # (time, {name: value}) of the plotted figures (set_plotted)
        self.plotted = frozenset()      # the data log's figures drawn now: only those are sampled
        self._cond = threading.Condition()
        self._pause_wanted = False
        self._stepping = False
        self._thread = None
        self._next_frame = 0.0
        self._next_sample = 0.0
        self._next_sample_wall = 0.0
        self._trail_due = TRAIL_STEP_MM   # the robot's distance travelled at which the trail gets a point
        self._skip = 0                  # steps to go before the next look (as fast as possible)
        self._anchor = (0.0, 0.0)       # (wall, simulated time) the pacing counts from
        self._event_index = [0, 0]
        self._last = self._snap()
        self._namespace = None
        self.watchers = []              # called after every physics step, in the run's thread
        self.watch = watch
        self._watcher = watch.watcher(program, self.sim, self.runner) if watch is not None else None
        self.verdict = None             # the watched goals' verdict (a VariantResult) once the run has ended

    # --- control, from the window's thread -------------------------------------------
    def start(self, paused: bool = False, step: bool = False) -> None:
        """Start the run in its worker thread; `step`: stop where the first block starts."""
        if self._thread is not None:
            raise RuntimeError("a LiveRun runs once")
        self._stepping = step
        self._pause_wanted = paused
        if step or paused or self.trace:
            self.runner.line_hook = self._line_hook
        self.state = RUNNING
        self._thread = threading.Thread(target=self._work, name="robolab live run", daemon=True)
        self._thread.start()

    def pause(self) -> None:
        with self._cond:
            if self.state == RUNNING:
                self._pause_wanted = True
                self.runner.line_hook = self._line_hook  # hold at the next block if no step comes first
                self._cond.notify_all()   # out of a pacing wait at once

    def resume(self) -> None:
        with self._cond:
            self._pause_wanted = self._stepping = False
            self.runner.line_hook = self._line_hook if self.trace else None
            if self.state == PAUSED:
                self.state = RUNNING
            self._cond.notify_all()

    def step(self) -> None:
        """Run on until the next block starts, then pause (starts the run when it is ready)."""
        if self.state == READY:
            self.start(step=True)
            return
        with self._cond:
            if self.state not in (RUNNING, PAUSED):
                return
            self._stepping, self._pause_wanted = True, False
            self.runner.line_hook = self._line_hook
            if self.state == PAUSED:
                self.state = RUNNING
            self._cond.notify_all()

    def stop(self) -> None:
        with self._cond:
            self.runner.stop()
            self._pause_wanted = self._stepping = False
            self._cond.notify_all()

    def set_trace(self, seconds: float) -> None:
        """Show each block for `seconds` of wall time before it runs (0: no tracing)."""
        with self._cond:
            self.trace = max(0.0, float(seconds))
            if self.trace:
                self.runner.line_hook = self._line_hook
            elif not (self._stepping or self._pause_wanted):
                self.runner.line_hook = None
            self._cond.notify_all()

    def set_speed(self, speed: float) -> None:
        """Simulated seconds per wall second (FAST: as fast as the machine goes)."""
        with self._cond:
            self.speed = speed
            self._anchor = (_wall(), self.sim.time)
            self._cond.notify_all()

    def set_plotted(self, names) -> None:
        """The data log's figures the window draws now (sensor and motor names, readings.channel_names):
        only those are sampled, and no more often than a frame is drawn."""
        self.plotted = frozenset(names)

    def press(self, channel, held) -> None:
        """The IR remote's buttons held on `channel` (robolab.ui.sim.remote)."""
        remote_of(self.sim).press(channel, held)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the run to end; True when it has."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self.state == FINISHED

    # --- what the window reads ---------------------------------------------------------
    @property
    def latest(self) -> Snapshot:
        return self._last

    def new_events(self) -> list[dict]:
        """Events since the last call: the program's (messages, logs, sounds, screen, busy) and
        the physics' (collisions), each with a time and a kind."""
        found = []
        for index, source in enumerate((self.runner.events, self.sim.events)):
            end = len(source)
            for event in source[self._event_index[index]:end]:
                event = dict(event)
                event.setdefault("kind", event.pop("type", "event"))
                found.append(event)
            self._event_index[index] = end
        return sorted(found, key=lambda event: event.get("time", 0.0))

    @property
    def goals(self) -> dict:
        """The watched goals' states now (goal id -> open, met or missed); {} when nothing is watched."""
        return self._watcher.states() if self._watcher is not None else {}

    @property
    def printed(self) -> list[str]:
        """What the program has printed so far, in chunks (appended to by the run's thread only)."""
        return self.runner._out

    @property
    def current_line(self) -> int | None:
        """The program's line running now (a Python file's run shows it when paused)."""
        return self.runner.current_line

    @property
    def screen(self):
        """The EV3 screen as a PIL image when the program has drawn on it, else None."""
        return getattr(self.runner.brick, "display_image", None)

    @property
    def error(self) -> tuple[str, tuple | None] | None:
        """(message, block path) when the program failed while running."""
        result = self.result
        if self.crash:
            return f"the simulator failed: {self.crash.strip().splitlines()[-1]}", None
        if result is None or not result.returncode or result.stopped or result.timed_out:
            return None
        message = error_message(result.stderr, f"the program ended with exit code {result.returncode}")
        return message, origin_in(result.stderr, self.filename, self.program.block_at_line, result.line)

    # --- the worker thread ---------------------------------------------------------------
    def _work(self):
        self._anchor = (_wall(), self.sim.time)
        try:
            self.result = self.runner.run(self.until)
            if self._watcher is not None:
                self.verdict = self.watch.verdict(self._watcher, self.program, self.runner, self.result,
                                                  self.sim.time)
        except BaseException:  # noqa: BLE001 - shown to the user; the window must live on
            self.crash = traceback.format_exc()
        finally:
            with self._cond:
                block, line = self._final_place()
                namespace = self._namespace
                variables = self.program.values_in_scopes([namespace.copy()]) if namespace else None
                self._last = self._snap(block, line, variables)
                self.state = FINISHED
                self._cond.notify_all()

    def _final_place(self):
        result = self.result
        line = result.line if result is not None else None
        return self.program.block_at_line(line), line

    def _step(self):
        """One physics step, then what is watched after it: kept lean, one call a step, it is a
        share of every step's time."""
        self._physics_step()
        if self._watcher is not None:
            self._watcher.on_step()
        if self.watchers:
            for watch in self.watchers:
                watch()
        if self._skip:   # as fast as possible: the rest every FAST_STRIDE steps (a frame shows seconds anyway)
            self._skip -= 1
            return
        if self.speed == FAST:
            self._skip = FAST_STRIDE - 1
        sim = self.sim
        if sim.distance_travelled >= self._trail_due:   # a float, where the pose is a call into pymunk
            self._trail_due = sim.distance_travelled + TRAIL_STEP_MM
            add_to_trail(self.trail, *sim.chassis.position)
        if self._pause_wanted:
            self._hold(self._program_frame())
        if self.speed != FAST:
            self._pace()
        now = _wall()
        if self.plotted and sim.time >= self._next_sample and now >= self._next_sample_wall:
            self._sample(now)
        if now >= self._next_frame:
            self._next_frame = now + FRAME
            self._last = self._snap_frame(self._program_frame())

    def _sample(self, now: float) -> None:
        """The plotted figures, every SAMPLE_EVERY simulated seconds but at most once a drawn frame
        (at high speeds the plot could not show more)."""
        if len(self.samples) < SAMPLES_MAX:
            self._next_sample, self._next_sample_wall = self.sim.time + SAMPLE_EVERY, now + FRAME
            self.samples.append((self.sim.time, plotted_values(self.sim, self.start_pose.heading, self.plotted)))

    def _pace(self):
        speed = self.speed
        if self.runner.stop_asked:
            return
        wall0, sim0 = self._anchor
        ahead = wall0 + (self.sim.time - sim0) / speed - _wall()
        if ahead > 0.002:
            with self._cond:
                self._cond.wait(min(ahead, 0.1))
            if self.runner.running is not None:   # stepping in the program's greenlet: it is waiting, not busy
                self.runner.wall_in = _wall()
        elif ahead < -0.25:   # far behind (a slow machine, a busy program): do not rush to catch up
            self._anchor = (_wall(), self.sim.time)

    def _line_hook(self, line):
        """Called at every line of the program while stepping or pausing (in the program)."""
        if line not in self.program.starts:
            return
        if self._stepping:
            self._stepping, self._pause_wanted = False, True
        if self._pause_wanted:
            self._hold(sys._getframe(1), in_program=True)
        elif self.trace:
            self._show_block(sys._getframe(1))

    def _show_block(self, frame):
        """Tracing: the block about to run is shown for `trace` wall seconds (the clock waits)."""
        with self._cond:
            self._last = self._snap_frame(frame)
            end = _wall() + self.trace
            while self.trace and not self._pause_wanted and not self._stepping and not self.runner.stop_asked:
                left = end - _wall()
                if left <= 0:
                    break
                self._cond.wait(min(left, 0.2))
                self.runner.wall_in = _wall()   # not a busy program
            self._anchor = (_wall(), self.sim.time)
        if self._pause_wanted and not self.runner.stop_asked:
            self._hold(frame, in_program=True)

    def _hold(self, frame, in_program=False):
        """Pause here until resumed, stepped or stopped (`in_program`: in the program's greenlet)."""
        in_program = in_program or self.runner.running is not None
        with self._cond:
            self._last = self._snap_frame(frame)
            while self._pause_wanted and not self.runner.stop_asked:
                self.state = PAUSED   # again when a step and then a pause both came before this thread woke
                self._cond.wait(0.2)
                if in_program:
                    self.runner.wall_in = _wall()  # the watchdog must not take a pause for a busy program
            if self.state == PAUSED:
                self.state = RUNNING
            if not self._stepping and not self._pause_wanted and not self.trace:
                self.runner.line_hook = None
            self._anchor = (_wall(), self.sim.time)

    def _program_frame(self):
        """The program's frame where it waits; when the physics is stepped inside its greenlet,
        the stack this call is on (it runs through the program's frames)."""
        if self.runner.running is not None:
            return sys._getframe(2)
        return self.runner.program_frame

    def _snap_frame(self, frame) -> Snapshot:
        if self._namespace is None:
            self._namespace = _program_globals(frame, self.filename)
        block, line = self.program.block_in_frames(frame, self.filename)
        variables = self.program.values_in_frames(frame, self.filename) if frame is not None else self._last.variables
        return snapshot(self.sim, self.start_pose.heading, block, line, variables)

    def _snap(self, block=None, line=None, variables=None) -> Snapshot:
        if variables is None:
            last = getattr(self, "_last", None)
            variables = last.variables if last else {}
        return snapshot(self.sim, self.start_pose.heading, block, line, variables)


def _program_globals(frame, filename):
    """The program's module namespace (it outlives the run: final values are read from it)."""
    while frame is not None:
        if frame.f_code.co_filename == filename:
            return frame.f_globals
        frame = frame.f_back
    return None
