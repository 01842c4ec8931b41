"""Run an ev3dev2 program in lockstep with the physics, on the simulated clock.

    runner = LockstepRunner(simulation, "prog.py")        # or a source string
    result = runner.run(until=30.0)                        # stop() from any thread
    result.returncode, result.stdout, result.stderr, result.events, result.time, result.writes

Design: the program runs as __main__ in a greenlet ("program greenlet"); run() is the
loop. The program runs until it waits; every wait (time.sleep, Motor.wait's poll, a sound,
an attribute read crossing a physics step) puts the greenlet on a queue ordered by wake
time and switches back to the loop, which steps the physics (sim.step(), sim.dt) until the
next wake time and switches into the greenlet. Invariant: physics time <= program time <
physics time + dt. Every device attribute read or write costs `access_cost` (1 ms) of simulated time,
so busy loops move the clock. Clock in integer microseconds: runs are deterministic.

While run() runs, time.sleep/time/monotonic/perf_counter (and their _ns forms),
atexit.register, threading.Thread.start/join/is_alive, threading.local and sys.stdout/stderr
are patched process-wide but dispatch on the current greenlet: called from anything else
(another thread, the loop) they are the real ones. Threads started by the program are
more greenlets on the same clock (cooperative: they switch only when they wait). The
program's atexit handlers run when it ends (or is stopped).

A trace hook (sys.settrace, in the running thread) sees each line of the program's file:
it records `current_line`, raises SystemExit there once stop() was called, and reports
(and optionally stops) a program that has not waited for `busy_limit` wall seconds.
"""
import atexit
import builtins
import heapq
import linecache
import os
import sys
import threading
import time
import traceback
from pathlib import Path

import greenlet

from .brick import Brick

EPOCH = 1700000000.0             # time.time() at simulated time 0
_real = {name: getattr(time, name) for name in
         ("sleep", "time", "time_ns", "monotonic", "monotonic_ns", "perf_counter", "perf_counter_ns")}
_real_perf = time.perf_counter
_real_thread = {name: getattr(threading.Thread, name) for name in ("start", "join", "is_alive")}
_real_local = threading.local
_real_atexit = (atexit.register, atexit.unregister)
_install_lock = threading.RLock()
_installed = [0]


class _Stopped(SystemExit):
    """Raised in the program by stop() (a SystemExit, so the program's finally blocks run)."""


class ProgramGreenlet(greenlet.greenlet):
    def __init__(self, run, parent, runner, thread=None):
        super().__init__(run, parent)
        self.runner, self.thread = runner, thread


def _runner():
    g = greenlet.getcurrent()
    return getattr(g, "runner", None)


# --- process-wide patches, dispatching on the current greenlet -----------------------
def _p_sleep(seconds):
    r = _runner()
    return r.sleep(seconds) if r else _real["sleep"](seconds)


def _clock(real, scale, offset=0.0, integer=False):
    def now():
        r = _runner()
        if r is None:
            return real()
        value = (r.now_us / 1e6 + offset) * scale
        return round(value) if integer else value
    return now


_patches = {
    "sleep": _p_sleep,
    "time": _clock(_real["time"], 1, EPOCH), "time_ns": _clock(_real["time_ns"], 1e9, EPOCH, True),
    "monotonic": _clock(_real["monotonic"], 1), "monotonic_ns": _clock(_real["monotonic_ns"], 1e9, 0, True),
    "perf_counter": _clock(_real["perf_counter"], 1),
    "perf_counter_ns": _clock(_real["perf_counter_ns"], 1e9, 0, True),
}


def _p_register(func, *args, **kwargs):
    r = _runner()
    if r is None:
        return _real_atexit[0](func, *args, **kwargs)
    r._atexit.append((func, args, kwargs))
    return func


def _p_unregister(func):
    r = _runner()
    if r is None:
        return _real_atexit[1](func)
    r._atexit[:] = [h for h in r._atexit if h[0] != func]


def _p_start(self):
    r = _runner()
    if r is None:
        return _real_thread["start"](self)
    r._start_thread(self)


def _p_join(self, timeout=None):
    g = getattr(self, "_sim_greenlet", None)
    if g is None:
        return _real_thread["join"](self, timeout)
    r = _runner()
    end = None if timeout is None else r.now_us + round(timeout * 1e6)
    while not g.dead and (end is None or r.now_us < end):
        r.wait_step()


def _p_is_alive(self):
    g = getattr(self, "_sim_greenlet", None)
    return _real_thread["is_alive"](self) if g is None else not g.dead


class _GreenLocal:
    """threading.local for program greenlets: one namespace per greenlet."""

    def __init__(self):
        object.__setattr__(self, "_spaces", {})

    def _space(self):
        return object.__getattribute__(self, "_spaces").setdefault(greenlet.getcurrent(), {})

    def __getattr__(self, name):
        try:
            return self._space()[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name, value):
        self._space()[name] = value

    def __delattr__(self, name):
        try:
            del self._space()[name]
        except KeyError:
            raise AttributeError(name) from None


class _PLocal(_real_local):
    def __new__(cls, *args, **kwargs):
        if _runner() is not None and cls is _PLocal:
            return _GreenLocal()
        return _real_local.__new__(cls, *args, **kwargs)


class _Stream:
    """sys.stdout/stderr: the program's output goes to its runner, everyone else's through."""

    def __init__(self, real, which):
        self._real, self._which = real, which

    def write(self, text):
        r = _runner()
        if r is None:
            return self._real.write(text)
        (r._out if self._which == "out" else r._err).append(str(text))
        return len(text)

    def flush(self):
        if _runner() is None:
            self._real.flush()

    def __getattr__(self, name):
        return getattr(self._real, name)


def _install_patches():
    with _install_lock:
        _installed[0] += 1
        if _installed[0] > 1:
            return
        for name, func in _patches.items():
            setattr(time, name, func)
        atexit.register, atexit.unregister = _p_register, _p_unregister
        threading.Thread.start, threading.Thread.join, threading.Thread.is_alive = _p_start, _p_join, _p_is_alive
        threading.local = _PLocal
        sys.stdout, sys.stderr = _Stream(sys.stdout, "out"), _Stream(sys.stderr, "err")


def _uninstall_patches():
    with _install_lock:
        _installed[0] -= 1
        if _installed[0] > 0:
            return
        for name, func in _real.items():
            setattr(time, name, func)
        atexit.register, atexit.unregister = _real_atexit
        for name, func in _real_thread.items():
            setattr(threading.Thread, name, func)
        threading.local = _real_local
        for name in ("stdout", "stderr"):
            stream = getattr(sys, name)
            if isinstance(stream, _Stream):
                setattr(sys, name, stream._real)


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
    without waiting before a "busy" event; stop_when_busy: also stop the program then."""

    def __init__(self, simulation, program, until=None, *, source=None, access_cost=0.001,
                 busy_limit=2.0, stop_when_busy=False, argv=None, buttons=()):
        self.sim, self.until = simulation, until
        if source is None and isinstance(program, str) and ("\n" in program or not program.endswith(".py")):
            source, program = program, None
        if source is None:
            self.filename = os.path.abspath(os.fspath(program))
            self.source = Path(self.filename).read_text()
        else:
            self.filename = os.fspath(program) if program else "<program>"
            self.source = source
        self.argv = list(argv) if argv else [self.filename]
        self.busy_limit, self.stop_when_busy = busy_limit, stop_when_busy
        self.events = []
        self.dt_us = round(simulation.dt * 1e6)
        self.phys_us = round(getattr(simulation, "time", 0.0) * 1e6)
        self.now_us = self.phys_us
        self.brick = Brick(simulation.motors, simulation.sensors, self, self.events, access_cost)
        self.brick.buttons.update(buttons)
        self.current_line = None
        self.steps = 0
        self._stop = False
        self._queue, self._seq = [], 0
        self._atexit, self._out, self._err = [], [], []
        self._threads = []
        self._busy_reported = False
        self._killing = False
        self._stop_delivered = False
        self._loop = None
        self._main = None
        self._ran = False
        self.returncode = None

    # --- the clock, as the brick and the patches see it -----------------------------
    def now(self):
        return self.now_us / 1e6

    def sleep(self, seconds):
        self._wait_until(self.now_us + max(0, round(seconds * 1e6)))

    def tick(self, seconds):
        new = self.now_us + round(seconds * 1e6)
        if new < self.phys_us + self.dt_us and not (self._queue and self._queue[0][0] <= new) \
                and not self._stop:
            self.now_us = new
            return
        self._wait_until(new)

    def wait_step(self, end=None):
        """Sleep until the next physics step (not past `end` seconds)."""
        wake = self.phys_us + self.dt_us
        if end is not None:
            wake = min(wake, max(self.now_us, round(end * 1e6)))
        self._wait_until(max(wake, self.now_us))

    def _wait_until(self, wake_us):
        g = greenlet.getcurrent()
        if self._killing:
            raise greenlet.GreenletExit()
        if self._stop and not getattr(g, "stop_sent", False):
            g.stop_sent = True
            raise _Stopped(0)
        self._push(wake_us, g)
        self._loop.switch()
        if self._killing:
            raise greenlet.GreenletExit()
        if self._stop and not getattr(g, "stop_sent", False):
            g.stop_sent = True
            raise _Stopped(0)
        self._wall_in = _real_perf()

    def _push(self, wake_us, g):
        heapq.heappush(self._queue, (wake_us, self._seq, g))
        self._seq += 1

    # --- control --------------------------------------------------------------------
    def stop(self):
        """Ask the program to stop (from any thread): SystemExit at its next line or wait."""
        self._stop = True

    def run(self, until=None):
        if self._ran:
            raise RuntimeError("a LockstepRunner runs once")
        self._ran = True
        until = self.until if until is None else until
        until_us = None if until is None else round(until * 1e6)
        wall0 = _real_perf()
        with _run_lock:
            _install_patches()
            old_argv, old_path, old_trace = sys.argv, list(sys.path), sys.gettrace()
            try:
                self.brick.install()
                sys.argv = self.argv
                sys.path.insert(0, os.path.dirname(self.filename) if os.path.isabs(self.filename) else os.getcwd())
                self._loop = greenlet.getcurrent()
                self._main = ProgramGreenlet(self._main_body, self._loop, self)
                self._push(self.now_us, self._main)
                sys.settrace(self._trace)
                try:
                    timed_out = self._run_loop(until_us)
                    cut_short = not self._main.dead
                    self._finish()
                finally:
                    self._kill_all()  # also when the physics raised: nothing left suspended
                if cut_short and not self._stop:
                    self.returncode = 124   # still running at `until` (as `timeout` says)
            finally:
                sys.settrace(old_trace)
                self.brick.uninstall()
                sys.argv = old_argv
                sys.path[:] = old_path
                _uninstall_patches()
        return RunResult(
            returncode=self.returncode, stopped=self._stop, timed_out=timed_out,
            stdout="".join(self._out), stderr="".join(self._err), events=self.events,
            writes=self.brick.writes, time=self.now_us / 1e6, physics_time=self.phys_us / 1e6,
            steps=self.steps, wall=_real_perf() - wall0, line=self.current_line)

    def _alive(self):
        if not self._main.dead:
            return True
        return any(not t.daemon and not t._sim_greenlet.dead for t in self._threads)

    def _run_loop(self, until_us):
        cleanup_end = None
        while self._queue and self._alive():
            wake, _, g = self._queue[0]
            if self._stop and not self._stop_delivered:
                # wake every waiting greenlet now: each raises SystemExit where it waits
                self._stop_delivered = True
                cleanup_end = (self.now_us + 2_000_000, _real_perf() + 1.0)
                pending, self._queue = sorted(self._queue), []
                for _, _, g in pending:
                    self._switch(g)
                continue
            if cleanup_end and (wake > cleanup_end[0] or _real_perf() > cleanup_end[1]):
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
        return False

    def _advance(self, target_us):
        """Step the physics while a whole step fits before target_us. True when a stop
        has just been asked for (and is not delivered yet)."""
        while self.phys_us + self.dt_us <= target_us:
            if self._stop and not self._stop_delivered:
                return True
            self.sim.step()
            self.phys_us += self.dt_us
            self.steps += 1
        return self._stop and not self._stop_delivered

    def _switch(self, g):
        if g.dead:
            return
        self._wall_in = _real_perf()
        self._busy_reported = False
        if sys.gettrace() is not self._trace:
            sys.settrace(self._trace)  # an exception raised by the trace hook unsets it
        g.switch()

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
            wall = _real_perf()
            while self._queue and not g.dead and _real_perf() - wall < 2.0:
                wake, _, h = heapq.heappop(self._queue)
                if self._advance(wake):
                    break
                self.now_us = max(self.now_us, wake)
                self._switch(h)
            self._stop = self._stop or self._stop_backup

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
        self._wall_in = _real_perf()
        linecache.cache[self.filename] = (len(self.source), None, self.source.splitlines(True), self.filename)
        namespace = {"__name__": "__main__", "__file__": self.filename, "__builtins__": builtins}
        try:
            code = compile(self.source, self.filename, "exec")
            exec(code, namespace)  # noqa: S102 - running the program is the point
            self.returncode = 0
        except SystemExit as ex:
            self.returncode = _exit_code(ex, self._err)
        except greenlet.GreenletExit:
            self.returncode = 124   # still running when the run ended (until): like `timeout`
        except BaseException as ex:  # noqa: BLE001 - the program's error, as Python reports it
            self._err.append(_format(ex))
            self.returncode = 1

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

    def _trace(self, frame, event, arg):
        if frame.f_code.co_filename == self.filename:
            return self._trace_line
        return None

    def _trace_line(self, frame, event, arg):
        if event == "line":
            self.current_line = frame.f_lineno
            if self._stop:
                g = greenlet.getcurrent()
                if not getattr(g, "stop_sent", False):
                    g.stop_sent = True
                    raise _Stopped(0)
            elif not self._busy_reported and _real_perf() - self._wall_in > self.busy_limit:
                self._busy_reported = True
                self.events.append({
                    "time": self.now_us / 1e6, "kind": "busy", "line": frame.f_lineno,
                    "text": f"the program has not waited for {self.busy_limit:g} s of real time "
                            f"(line {frame.f_lineno}); simulated time stands still meanwhile"})
                if self.stop_when_busy:
                    self._stop = True
        return self._trace_line


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
