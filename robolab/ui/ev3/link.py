"""The EV3 target for the window: EV3Mode's calls on a worker thread, its callbacks as Qt signals.

A brick can take seconds to answer (or never, if it is switched off), so nothing here blocks the
window: each call is queued on one worker thread (in order), and every result, line of output or
state change arrives as a signal in the window's thread.
"""

from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QObject, Signal

from robolab.ev3.connection import BrickError
from robolab.ev3.mode import EV3Mode, unexpected
from robolab.ev3.pairing import Pairings
from robolab.ev3.program import BrickProgram


class EV3Link(QObject):
    """Connect, download, run and stop on a brick without ever blocking the window."""

    output = Signal(str, str)   # stream ("out"/"err"), line
    state = Signal(str, str)    # EV3Mode state (connected, running, lost, ...), message
    finished = Signal(object)   # the RunHandle: code, stopped, problem (on the student's line)
    block = Signal(object)      # the running block's path, when run with trace
    failed = Signal(str)        # a BrickError's message, for the status bar or a dialog
    status = Signal(dict)       # the brick's status after connect or refresh

    def __init__(self, pairings: Pairings | None = None, parent=None):
        super().__init__(parent)
        self.mode = EV3Mode(pairings, on_output=self.output.emit, on_state=self.state.emit,
                            on_exit=self.finished.emit, on_block=self.block.emit)
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ev3")

    def _queue(self, call, *args):
        """Run `call` on the worker; whatever it raises reaches the student as `failed`, never lost in
        the future nobody reads."""
        def work():
            try:
                return call(*args)
            except BrickError as error:
                self.failed.emit(str(error))
            except Exception as error:  # noqa: BLE001 - a fault of ours or of the link: said, not swallowed
                self.failed.emit(unexpected(error))
        return self._worker.submit(work)

    def connect_brick(self, spec: str):
        return self._queue(lambda: self.status.emit(self.mode.connect(spec)))

    def refresh(self):
        return self._queue(lambda: self.status.emit(self.mode.status()))

    def download(self, program: BrickProgram):
        return self._queue(self.mode.download, program)

    def run(self, program: BrickProgram, trace: bool = False):
        return self._queue(self.mode.run, program, True, trace)

    def stop(self):
        return self._queue(self.mode.stop)

    def disconnect_brick(self):
        return self._queue(self.mode.disconnect)

    def shutdown(self) -> None:
        """On closing the window: hang up and end the worker."""
        self.disconnect_brick()
        self._worker.shutdown(wait=True)
