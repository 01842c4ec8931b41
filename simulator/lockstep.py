"""Run an ev3dev2 program in lockstep with the physics, on the simulated clock.

    runner = LockstepRunner(simulation, "prog.py")        # or a source string
    result = runner.run(until=30.0)                        # stop() from any thread
    result.returncode, result.stdout, result.stderr, result.events, result.time, result.writes

Design: the program runs as __main__ in a greenlet ("program greenlet"); run() is the
loop. The program runs until it waits; every wait (time.sleep, Motor.wait's poll, a sound,
an attribute read crossing a physics step) puts the greenlet on a queue ordered by wake
time and switches back to the loop, which steps the physics (sim.step(), sim.dt) until the
next wake time and switches into the greenlet. When the waiting greenlet would be the next
to run anyway (nobody else wakes sooner, no stop, no on_step or line_hook to call from the
loop), it steps the physics itself instead: the same steps in the same order, without the
two switches and the queue (a physics step that raises is handed to the loop, which raises
it from run()). Invariant: physics time <= program time < physics time + dt. Every device
attribute read or write costs `access_cost` (1 ms) of simulated time, so busy loops move the
clock. Clock in integer microseconds: runs are deterministic.

`record_writes` (default True) keeps every attribute write in `RunResult.writes`, for tests
and tools that compare what a program did; a plain run turns it off, so that a long run keeps
no per-access records (and the garbage collector has none to scan).

The program sees simulated time, greenlet threads and its own atexit and output through
the process-wide patches in patches.py. Its output lines that mean something (messages,
logged values: output.py) become timed events.

No trace hook runs by default (it would halve the program's speed): `current_line` is read
from the program's frames when asked, and a watchdog thread (watchdog.py) reports a program
that has not waited for `busy_limit` wall seconds and delivers stop() to one that never
waits. Setting `line_hook` (a callable taking the line number) turns on a trace hook that
calls it at every line of the program's file, in the program, for stepping line by line.
"""
import builtins
import heapq
import linecache
import os
import sys
import threading
import traceback
from pathlib import Path

import greenlet

from . import patches
from .brick import Brick
from .devices import plug_optional_sensor
from .output import line_event
from .patches import ProgramGreenlet, real_perf
from .watchdog import Watchdog, lines_in, thread_frame


class _Stopped(SystemExit):
    """Raised in the program by stop() (a SystemExit, so the program's finally blocks run)."""


# Runs are one at a time per process: the ev3dev2 modules in sys.modules are per run.
_run_lock = threading.Lock()


class RunResult:
    def __init__(self, **fields):
        self.__dict__.update(fields)

    def commands(self, port):
        return self.values(port, "command")

    def values(self, port, attribute):
        return [w.value for w in self.writes if w.port == str(port) and w.attribute == attribute]

    def __repr__(self):
        return (f"RunResult(returncode={self.returncode}, stopped={self.stopped}, time={self.time}, "
                f"writes={len(self.writes)}, stderr={self.stderr[-400:]!r})")


class LockstepRunner:
    """Run `program` (a path, or source text) on `simulation` (step(), dt, time, motors,
    sensors). until: default simulated-time limit for run(). busy_limit: wall seconds
    without waiting before a "busy" event; stop_when_busy: also stop the program then.
    on_step: called after every physics step (in the loop, e.g. to pace or trace a run).
    line_hook: see the module docstring; may be set or cleared while the program runs."""

    stop_exception = _Stopped

    def __init__(self, simulation, program, until=None, *, source=None, access_cost=0.001,
                 busy_limit=2.0, stop_when_busy=False, argv=None, buttons=(), on_step=None,
                 line_hook=None, record_writes=True, profile=None):
        self.sim, self.until = simulation, until
        if source is None and isinstance(program, str) and _is_source(program):
            source, program = program, None
        if source is None:
            self.filename = os.path.abspath(os.fspath(program))
            self.source = Path(self.filename).read_text()
        else:
            self.filename = os.fspath(program) if program else "<program>"
            self.source = source
        self.argv = list(argv) if argv else [self.filename]
        self.busy_limit, self.stop_when_busy = busy_limit, stop_when_busy
        self.on_step, self.line_hook = on_step, line_hook
        self.profile = profile     # a dialect for the run (nbev3devsim.Profile): install, prepare, uninstall
        self.events = []
        self.dt_us = round(simulation.dt * 1e6)
        self.phys_us = round(getattr(simulation, "time", 0.0) * 1e6)
        self.now_us = self.phys_us
        self.free_us = 0           # the clock may move on below this without waiting (see tick_us); 0: look
        self.brick = Brick(simulation.motors, simulation.sensors, self, self.events, access_cost,
                           record_writes=record_writes,
                           plug=lambda drivers, address: plug_optional_sensor(simulation, drivers, address))
        self.brick.buttons.update(buttons)
        self.steps = 0
        self.running = None        # the program greenlet running now (None while the loop runs)
        self.wall_in = real_perf()  # wall time it was switched into
        self._stop = False
        self._queue, self._seq = [], 0
        self._atexit, self._out, self._err = [], [], []
        self._partial_line = ""
        self._threads = []
        self._killing = False
        self._stop_delivered = False
        self._loop = None
        self._main = None
        self._last = None           # the greenlet that ran last
        self._line = None           # the last line known (traced, or where the program ended)
        self._thread_id = None
        self._inline = False        # may a waiting greenlet step the physics itself (see above)
        self._until_us = None
        self._crash = None          # what a physics step stepped inside a greenlet raised
        self._tracer = self._trace  # the trace hook, one object (a bound method is a new one each time)
        self._ran = False
        self.returncode = None

    # --- the clock, as the brick and the patches see it -----------------------------
    def now(self):
        return self.now_us / 1e6

    def sleep(self, seconds):
        self._wait_until(self.now_us + max(0, round(seconds * 1e6)))

    def tick(self, seconds):
        self.tick_us(round(seconds * 1e6))

    def tick_us(self, us):
        """A small cost in whole microseconds: the clock moves on, and the program waits only
        when that crosses a physics step or another greenlet's wake time, or a stop was asked for.
        `free_us` is where it must stop and wait: the next physics step or wake time, whichever
        comes first (0, when a stop was asked for). It is kept until it may have come sooner (a
        greenlet queued, a stop asked for: they set it to 0). The brick's attribute I/O makes the
        first test itself (brick.py), a call fewer per access."""
        new = self.now_us + us
        if new >= self.free_us:
            limit, queue = self.phys_us + self.dt_us, self._queue
            self.free_us = 0 if self._stop else limit if not queue or queue[0][0] > limit else queue[0][0]
            if new >= self.free_us:
                self._wait_until(new)
                return
        self.now_us = new

    def wait_step(self, end=None):
        """Sleep until the next physics step (not past `end` seconds)."""
        wake = self.phys_us + self.dt_us
        if end is not None:
            wake = min(wake, max(self.now_us, round(end * 1e6)))
        self._wait_until(max(wake, self.now_us))

    def _wait_until(self, wake_us):
        if self._killing:
            raise greenlet.GreenletExit()
        if self._stop:
            self._check_stop(greenlet.getcurrent())
        if self._inline and self.line_hook is None and (not self._queue or wake_us < self._queue[0][0]) \
                and (self._until_us is None or wake_us <= self._until_us) and sys.gettrace() is not self._tracer:
            # Step the physics up to wake_us here, in the waiting greenlet, as the loop would before
            # switching back to it; unless a stop has been asked for meanwhile (the loop delivers it).
            try:
                stop = self._advance(wake_us)
            except _Stopped:
                raise
            except BaseException as ex:  # noqa: BLE001 - the loop raises it, out of run()
                self._crash = ex
                self._loop.switch()
                raise greenlet.GreenletExit() from None   # only ever switched back into to end
            if not stop:
                if wake_us > self.now_us:
                    self.now_us = wake_us
                self.wall_in = real_perf()
                return
        g = greenlet.getcurrent()
        self._push(wake_us, g)
        self._loop.switch()
        if self._killing:
            raise greenlet.GreenletExit()
        self._check_stop(g)
        self.wall_in = real_perf()

    def _check_stop(self, g):
        if self._stop and not getattr(g, "stop_sent", False):
            g.stop_sent = True
            raise _Stopped(0)

    def _push(self, wake_us, g):
        self.free_us = 0
        heapq.heappush(self._queue, (wake_us, self._seq, g))
        self._seq += 1

    # --- what the program prints (the patched sys.stdout/stderr) ----------------------
    def output(self, text, which):
        if which != "out":
            self._err.append(text)
            return
        self._out.append(text)
        if "\n" not in text:
            self._partial_line += text
            return
        lines = (self._partial_line + text).split("\n")
        self._partial_line = lines.pop()
        for line in lines:
            event = line_event(line)
            if event is not None:
                self.events.append({"time": self.now_us / 1e6, **event})

    # --- watching and control (from any thread) ----------------------------------------
    def stop(self):
        """Ask the program to stop (from any thread): SystemExit at its next wait, or
        wherever it is if it does not wait (the watchdog raises it there)."""
        self._stop = True
        self.free_us = 0

    @property
    def stop_asked(self):
        return self._stop

    @property
    def current_line(self):
        """The line of the program's file running now (or where it waits, or ended)."""
        lines = self.current_lines
        return lines[0] if lines else self._line

    @property
    def current_lines(self):
        """The lines of the program's file on the running (or last run) stack, innermost first:
        a program waiting inside one of its helper functions is also at the line that called it."""
        running, here = self.running, greenlet.getcurrent()
        if running is not None and here is running:
            frame = sys._getframe()
        elif running is not None and threading.get_ident() != self._thread_id:
            frame = thread_frame(self._thread_id)
        else:
            frame = self.program_frame
        return lines_in(frame, self.filename)

    @property
    def program_frame(self):
        """The innermost frame of the program greenlet that ran last, suspended where it waits
        (None once it has ended): where its line and its variables are, between steps."""
        last = self._last
        return last.gr_frame if last is not None and not last.dead else None

    def report_busy(self, lines):
        """The program has not waited for busy_limit wall seconds (from the watchdog). lines: where
        it was caught in its file, innermost first (a helper's line, then the line that called it)."""
        line = lines[0] if lines else None
        where = f" (line {line})" if line else ""
        self.events.append({
            "time": self.now_us / 1e6, "kind": "busy", "line": line, "lines": list(lines),
            "text": f"the program has not waited for {self.busy_limit:g} s of real time{where}; "
                    "simulated time stands still meanwhile"})
        if self.stop_when_busy:
            self._stop = True
            self.free_us = 0

    # --- the loop -------------------------------------------------------------------
    def run(self, until=None):
        if self._ran:
            raise RuntimeError("a LockstepRunner runs once")
        self._ran = True
        until = self.until if until is None else until
        until_us = None if until is None else round(until * 1e6)
        wall0 = real_perf()
        with _run_lock:
            patches.install()
            old_argv, old_path, old_trace = sys.argv, list(sys.path), sys.gettrace()
            try:
                self.brick.install()
                if self.profile is not None:
                    self.profile.install(self)
                sys.argv = self.argv
                sys.path.insert(0, os.path.dirname(self.filename) if os.path.isabs(self.filename) else os.getcwd())
                self._loop = greenlet.getcurrent()
                self._thread_id = threading.get_ident()
                self._main = ProgramGreenlet(self._main_body, self._loop, self)
                self._push(self.now_us, self._main)
                try:
                    with Watchdog(self, self._thread_id):
                        self._until_us, self._inline = until_us, self.on_step is None
                        try:
                            timed_out = self._run_loop(until_us)
                        finally:
                            self._inline = False
                        cut_short = not self._main.dead
                        self._finish()
                finally:
                    self._kill_all()  # also when the physics raised: nothing left suspended
                if cut_short and not self._stop:
                    self.returncode = 124   # still running at `until` (as `timeout` says)
            finally:
                sys.settrace(old_trace)
                if self.profile is not None:
                    self.profile.uninstall()
                self.brick.uninstall()
                sys.argv = old_argv
                sys.path[:] = old_path
                patches.uninstall()
        if self._partial_line:
            self.output("\n", "out")
        return RunResult(
            returncode=self.returncode, stopped=self._stop, timed_out=timed_out,
            stdout="".join(self._out), stderr="".join(self._err), events=self.events,
            writes=self.brick.writes, time=self.now_us / 1e6, physics_time=self.phys_us / 1e6,
            steps=self.steps, wall=real_perf() - wall0, line=self._line)

    def _alive(self):
        if not self._main.dead:
            return True
        return any(not t.daemon and not t._sim_greenlet.dead for t in self._threads)

    def _run_loop(self, until_us):
        cleanup_end = None
        while self._queue and self._alive():
            try:
                wake, _, g = self._queue[0]
                if self._stop and not self._stop_delivered:
                    # wake every waiting greenlet now: each raises SystemExit where it waits
                    self._stop_delivered = True
                    cleanup_end = (self.now_us + 2_000_000, real_perf() + 1.0)
                    pending, self._queue = sorted(self._queue), []
                    for _, _, g in pending:
                        self._switch(g)
                    continue
                if cleanup_end and (wake > cleanup_end[0] or real_perf() > cleanup_end[1]):
                    return False  # the program's cleanup takes too long: _finish ends it
                if until_us is not None and wake > until_us:
                    if not self._advance(until_us):
                        self.now_us = max(self.now_us, until_us)
                        return True
                    continue
                if self._advance(wake):
                    continue
                heapq.heappop(self._queue)
                self.now_us = max(self.now_us, wake)
                self._switch(g)
            except _Stopped:
                continue  # the watchdog's stop landed just after the program waited: it stops at its wait
        return False

    def _advance(self, target_us):
        """Step the physics while a whole step fits before target_us. True when a stop
        has just been asked for (and is not delivered yet)."""
        step, on_step = self.sim.step, self.on_step
        while self.phys_us + self.dt_us <= target_us:
            if self._stop and not self._stop_delivered:
                return True
            step()
            self.phys_us += self.dt_us
            self.steps += 1
            if on_step is not None:
                on_step()
        return self._stop and not self._stop_delivered

    def _switch(self, g):
        if g.dead:
            return
        self._last = g
        if self.line_hook is not None:
            self._trace_lines(g)
        elif sys.gettrace() is self._tracer:
            sys.settrace(None)
        self.wall_in = real_perf()
        self.running = g
        try:
            g.switch()
        except _Stopped:
            pass  # raised by the watchdog into the loop, just after the program waited
        finally:
            self.running = None
        if self._crash is not None:
            crash, self._crash = self._crash, None
            raise crash

    def _finish(self):
        """After the main program: atexit handlers, then end whatever is left."""
        handlers, self._atexit[:] = list(reversed(self._atexit)), []
        if handlers:
            if self._alive():  # cut short (until, or a stop whose cleanup took too long)
                self._kill_all()
                self._killing = False
            def run_handlers():
                for func, args, kwargs in handlers:
                    try:
                        func(*args, **kwargs)
                    except BaseException:  # noqa: BLE001 - as Python's atexit: report, go on
                        self._err.append(traceback.format_exc())
            g = ProgramGreenlet(run_handlers, self._loop, self)
            g.stop_sent = True   # a stop already asked for does not cut the handlers short
            self._stop_backup, self._stop = self._stop, False
            self._push(self.now_us, g)
            wall = real_perf()
            while self._queue and not g.dead and real_perf() - wall < 2.0:
                wake, _, h = heapq.heappop(self._queue)
                if self._advance(wake):
                    break
                self.now_us = max(self.now_us, wake)
                self._switch(h)
            self._stop = self._stop or self._stop_backup
            self.free_us = 0

    def _kill_all(self):
        """End every greenlet still waiting (daemon threads, a stopped program's leftovers),
        while the patches are still in place."""
        self._killing = True
        for _ in range(3):
            pending, self._queue = self._queue, []
            for _, _, g in sorted(pending):
                if not g.dead:
                    try:
                        g.throw(greenlet.GreenletExit)
                    except BaseException:  # noqa: BLE001,S110 - ending it, whatever it raises
                        pass
        for g in [self._main] + [t._sim_greenlet for t in self._threads]:
            if g is not None and not g.dead:
                try:
                    g.throw(greenlet.GreenletExit)
                except BaseException:  # noqa: BLE001,S110 - ending it, whatever it raises
                    pass

    # --- the program -------------------------------------------------------------
    def _main_body(self):
        self.wall_in = real_perf()
        linecache.cache[self.filename] = (len(self.source), None, self.source.splitlines(True), self.filename)
        namespace = {"__name__": "__main__", "__file__": self.filename, "__builtins__": builtins}
        try:
            code = compile(self.source, self.filename, "exec")
            if self.profile is not None:
                self.profile.prepare(namespace)
            exec(code, namespace)  # noqa: S102 - running the program is the point
            self.returncode = 0
        except SystemExit as ex:
            self._ended_at(ex)
            self.returncode = _exit_code(ex, self._err)
        except greenlet.GreenletExit:
            self.returncode = 124   # still running when the run ended (until): like `timeout`
        except BaseException as ex:  # noqa: BLE001 - the program's error, as Python reports it
            self._ended_at(ex)
            self._err.append(_format(ex))
            self.returncode = 1

    def _ended_at(self, ex):
        """Remember the program's line where `ex` ended it (the innermost of its frames)."""
        tb, line = ex.__traceback__, None
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == self.filename:
                line = tb.tb_lineno
            tb = tb.tb_next
        if line is not None:
            self._line = line

    def _start_thread(self, thread):
        def body():
            try:
                thread.run()
            except (SystemExit, greenlet.GreenletExit):
                pass
            except BaseException as ex:  # noqa: BLE001 - as threading's excepthook does
                self._err.append(f"Exception in thread {thread.name}:\n" + _format(ex))
        g = ProgramGreenlet(body, self._loop, self, thread)
        thread._sim_greenlet = g
        thread._started.set()
        self._threads.append(thread)
        self._push(self.now_us, g)

    # --- tracing every line, only when line_hook is set -----------------------------
    def _trace_lines(self, g):
        """Trace the program's frames in `g` (already running ones too) and new ones."""
        if sys.gettrace() is not self._tracer:
            sys.settrace(self._tracer)  # an exception raised by the trace hook unsets it
        frame = g.gr_frame
        while frame is not None:
            if frame.f_code.co_filename == self.filename and frame.f_trace is None:
                frame.f_trace = self._trace_line
            frame = frame.f_back

    def _trace(self, frame, event, arg):
        if frame.f_code.co_filename == self.filename:
            return self._trace_line
        return None

    def _trace_line(self, frame, event, arg):
        if event == "line":
            self._line = frame.f_lineno
            hook = self.line_hook
            if hook is not None:
                hook(frame.f_lineno)
            self._check_stop(greenlet.getcurrent())
        return self._trace_line


def _is_source(text):
    """A string given as the program is its source unless it names a file: a path ending in
    .py, or an existing file (ev3dev programs are often scripts without .py, run by their #!)."""
    if "\n" in text:
        return True
    return not text.endswith(".py") and not os.path.isfile(text)


def _exit_code(ex, err):
    code = ex.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    err.append(f"{code}\n")
    return 1


def _format(ex):
    tb = ex.__traceback__
    if tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next  # our own frame (exec) is not the program's business
    return "".join(traceback.format_exception(type(ex), ex, tb))
