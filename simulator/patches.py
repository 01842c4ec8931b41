"""Process-wide patches for programs running in lockstep, dispatching on the current greenlet.

While a LockstepRunner runs, time.sleep/time/monotonic/perf_counter (and their _ns forms),
atexit.register, threading.Thread.start/join/is_alive, threading.local and sys.stdout/stderr
are replaced. Called from a program greenlet (one with a `runner`) they use that runner's
simulated clock, atexit list, greenlet threads and output; called from anything else
(another thread, the loop) they are the real ones. install()/uninstall() nest.
"""
import atexit
import sys
import threading
import time

import greenlet

EPOCH = 1700000000.0             # time.time() at simulated time 0
_real = {name: getattr(time, name) for name in
         ("sleep", "time", "time_ns", "monotonic", "monotonic_ns", "perf_counter", "perf_counter_ns")}
real_perf = time.perf_counter
_real_thread = {name: getattr(threading.Thread, name) for name in ("start", "join", "is_alive")}
_real_local = threading.local
_real_atexit = (atexit.register, atexit.unregister)
_install_lock = threading.RLock()
_installed = [0]


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
        r.output(str(text), self._which)
        return len(text)

    def flush(self):
        if _runner() is None:
            self._real.flush()

    def __getattr__(self, name):
        return getattr(self._real, name)


def install():
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


def uninstall():
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
