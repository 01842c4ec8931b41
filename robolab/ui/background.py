"""Long work off the window's thread: its result comes back on the window's thread, or is dropped
when newer work was asked for meanwhile. While any such work runs, the interpreter switches
threads every millisecond (Python's default is 5 ms), so the window keeps its turns."""

import sys
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable

from PySide6.QtCore import QObject, Qt, Signal

SWITCH_S = 0.001  # while work runs, the window's thread waits at most this long for the interpreter

_lock = threading.Lock()
_working = 0
_switch = sys.getswitchinterval()


def switch_often() -> None:
    """Work starts on a worker thread: let the window's thread have the interpreter often."""
    global _working, _switch
    with _lock:
        if not _working:
            _switch = sys.getswitchinterval()
            sys.setswitchinterval(min(_switch, SWITCH_S))
        _working += 1


def switch_as_before() -> None:
    """That work is over: once no work runs, the interpreter switches as it did before."""
    global _working
    with _lock:
        _working -= 1
        if not _working:
            sys.setswitchinterval(_switch)


class Background(QObject):
    """One worker thread: `start(work, done)` runs work() there, then done(future) here on the
    window's thread (future.result() gives work's result or raises its error), unless `start` or
    `cancel` came meanwhile: that result is stale, and dropped."""

    _finished = Signal(int, object)  # (ticket, Future), from the worker thread

    def __init__(self, name: str, parent=None):
        super().__init__(parent)
        self._name = name
        self._ticket = 0
        self._done: Callable | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @property
    def busy(self) -> bool:
        """Work was started and its result is not in yet."""
        return self._done is not None

    def start(self, work: Callable, done: Callable[[Future], None]) -> None:
        self._ticket += 1
        ticket, self._done = self._ticket, done
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix=f"robolab-{self._name}")
        self._pool.submit(self._run, work).add_done_callback(lambda future: self._send(ticket, future))

    def cancel(self) -> None:
        """Drop the result of the work running now, if any."""
        self._ticket += 1
        self._done = None

    @staticmethod
    def _run(work: Callable):
        switch_often()
        try:
            return work()
        finally:
            switch_as_before()

    def _send(self, ticket: int, future: Future) -> None:
        try:
            self._finished.emit(ticket, future)
        except RuntimeError:  # the window closed meanwhile
            pass

    def _deliver(self, ticket: int, future: Future) -> None:
        if ticket != self._ticket or self._done is None:
            return
        done, self._done = self._done, None
        done(future)

    def close(self) -> None:
        self.cancel()
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
