"""Keeps the window's snapshot of the program current: after an edit, the document's snapshot
(text, problems, Python) is computed once, on the window's thread for a small program and on a
worker thread for a big one, so typing never waits for checking and compiling. A result that
arrives after a newer edit is dropped; the newer revision's own turn comes."""

import gc
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from robolab.document import Document
from robolab.document.snapshot import take
from robolab.ui.background import switch_as_before, switch_often

THREAD_FROM = 400  # lines (blocks) from which a snapshot is computed off the window's thread
# The worker starts this long after it is asked: the window first lays out and paints what changed
# (a program just opened: its new rows, some 30 ms at 20,000 lines), which the worker, competing
# for the interpreter, would make two or three times as long.
START_MS = 100


class SnapshotKeeper(QObject):
    ready = Signal(object)  # the Snapshot of the document's current revision
    _arrived = Signal(int, object)  # (revision, Snapshot or None), from the worker thread

    def __init__(self, document: Document, parent=None):
        super().__init__(parent)
        self.document = document
        self._pool: ThreadPoolExecutor | None = None
        self._busy = self._again = self._closed = False
        self._arrived.connect(self._take_result, Qt.ConnectionType.QueuedConnection)

    @property
    def busy(self) -> bool:
        """A snapshot is being computed on the worker thread."""
        return self._busy

    def refresh(self) -> None:
        """Make the current revision's snapshot, and say `ready` when it is in."""
        document = self.document
        if self._closed:  # an edit's refresh timer may still fire as the window closes
            return
        if (snapshot := document.current_snapshot) is not None:
            self.ready.emit(snapshot)
        elif not _big(document):
            self.ready.emit(document.snapshot())
        elif self._busy:
            self._again = True  # one at a time: the newest revision goes next
        else:
            self._busy = True
            QTimer.singleShot(START_MS, self, self._start)

    def _start(self) -> None:
        """On the worker thread, the revision current now (START_MS after it was asked: an edit
        meanwhile asked for what this computes)."""
        if self._closed:
            return
        document, self._again = self.document, False
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="robolab-snapshot")
        self._pool.submit(self._compute, document.program, document.pack, document.revision, document.name)

    def _compute(self, program, pack, revision: int, name: str) -> None:
        """On the worker thread. An edit meanwhile may make the walk fail: that result is stale anyway."""
        switch_often()
        try:
            snapshot = take(program, pack, revision, name)
        except Exception:  # noqa: BLE001 - judged on the window's thread, knowing the revision
            snapshot = None
        finally:
            switch_as_before()
        try:
            self._arrived.emit(revision, snapshot)
        except RuntimeError:  # the window closed meanwhile
            pass

    def _take_result(self, revision: int, snapshot) -> None:
        self._busy = False
        if snapshot is not None and self.document.offer(snapshot):
            self.ready.emit(snapshot)
        elif snapshot is None and revision == self.document.revision:
            self.ready.emit(self.document.snapshot())  # a real failure: computed here, it raises here
        if self._again:
            self._again = False
            self.refresh()

    @staticmethod
    def settle() -> None:
        """After opening a program: set the objects alive now (the program, its rows) aside from
        the cycle collector. They are freed as usual when no longer used, but a collection no
        longer walks all of them: at 20,000 lines that walk froze the window for 300 ms now and then."""
        gc.freeze()

    def close(self) -> None:
        self._closed = True
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)


def _big(document: Document) -> bool:
    if len(document.program.blocks) >= THREAD_FROM:
        return True
    return sum(1 for _ in document.program.walk()) >= THREAD_FROM
