"""Watching a running program from outside: busy reports and stops, without a trace hook.

A trace hook on every line (sys.settrace) costs a program more than half its speed, so the
lockstep runner does without one unless someone wants every line (LockstepRunner.line_hook).
Instead this thread looks at the runner a few times a second:

- when the program has run `busy_limit` wall seconds without waiting, it reports it (the
  runner records a "busy" event, with the line read from the running thread's frames);
- when a stop was asked for and the program keeps running without waiting, it raises the
  stop exception in the runner's thread (PyThreadState_SetAsyncExc), so even
  `while True: pass` stops; a program that swallows it gets it again every RESEND seconds.
"""
import sys
import threading

from .patches import real_perf

POLL = 0.02    # seconds between looks
RESEND = 0.5   # seconds before a swallowed stop is raised again


def raise_in_thread(thread_id: int, exc_type: type) -> None:
    """Raise exc_type in the thread at its next bytecode boundary."""
    import ctypes   # only a stop that must be raised needs it (its import is a fiftieth of a run's start-up)

    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exc_type))


def lines_in(frame, filename):
    """The lines of every frame of `filename` in the stack from `frame`, innermost first."""
    lines = []
    while frame is not None:
        if frame.f_code.co_filename == filename:
            lines.append(frame.f_lineno)
        frame = frame.f_back
    return lines


def thread_frame(thread_id: int):
    return sys._current_frames().get(thread_id)


class Watchdog:
    """Watches `runner` (running, wall_in, busy_limit, stop_asked, report_busy, stop_exception)
    whose loop runs in the thread `thread_id`."""

    def __init__(self, runner, thread_id: int):
        self.runner, self.thread_id = runner, thread_id
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="lockstep watchdog", daemon=True)
        self._sent = (None, 0.0)   # (greenlet, wall time) of the last stop raised

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._done.set()
        self._thread.join()

    def _watch(self):
        runner = self.runner
        reported = None
        while not self._done.wait(POLL):
            g, since = runner.running, runner.wall_in
            if g is None:
                continue
            now = real_perf()
            if now - since > runner.busy_limit and reported != (g, since):
                reported = (g, since)
                runner.report_busy(lines_in(thread_frame(self.thread_id), runner.filename))
            if runner.stop_asked and now - since > POLL and self._should_send(g, now):
                self._sent = (g, now)
                if runner.running is g:
                    g.stop_sent = True
                    raise_in_thread(self.thread_id, runner.stop_exception)

    def _should_send(self, g, now):
        last, when = self._sent
        if last is g:
            return now - when > RESEND
        return not getattr(g, "stop_sent", False)
