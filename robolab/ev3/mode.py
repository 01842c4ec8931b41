"""The EV3 target as a small "mode" (as Mu editor's device modes): connect, download, run, stop, status.

No Qt: the IDE calls these and passes callbacks, which arrive on background threads (the IDE hands
them to its own thread). `robolab push` uses the same object.
"""

import threading
from collections.abc import Callable

from robolab.ev3.connection import BrickConnection, BrickError, BrickLost, connect, printable
from robolab.ev3.pairing import Pairings
from robolab.ev3.program import BrickProgram
from robolab.errors import Problem

DISCONNECTED, CONNECTING, CONNECTED, RUNNING, LOST = "disconnected", "connecting", "connected", "running", "lost"


def unexpected(error: Exception) -> str:
    """An error that is not a BrickError, in words for the student (and enough for a bug report)."""
    detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"something went wrong talking to the brick ({type(error).__name__}{': ' + detail if detail else ''})"


class RunHandle:
    """One run of a program on the brick: its output so far, and how it ended."""

    def __init__(self, program: BrickProgram | None):
        self.program = program
        self.code: int | None = None
        self.stopped = False
        self.lost: BrickLost | None = None
        self.stderr: list[str] = []
        self.block: tuple | None = None  # the running block's path, when traced
        self.ended = threading.Event()

    def wait(self, timeout: float | None = None) -> int | None:
        """The exit code once it has ended (None if `timeout` passed); BrickLost if the brick dropped out."""
        if not self.ended.wait(timeout):
            return None
        if self.lost:
            raise self.lost
        return self.code

    @property
    def problem(self) -> Problem | None:
        """Where in the student's program it failed, if it failed (not when stopped)."""
        if self.program is None or self.stopped or not self.code:
            return None
        return self.program.problem_from_traceback("\n".join(self.stderr))


class EV3Mode:
    """Connect to one brick at a time and drive programs on it."""

    def __init__(self, pairings: Pairings | None = None,
                 on_output: Callable[[str, str], None] | None = None,
                 on_state: Callable[[str, str], None] | None = None,
                 on_exit: Callable[[RunHandle], None] | None = None,
                 on_block: Callable[[tuple], None] | None = None,
                 connect_timeout: float = 5.0):
        self.pairings = pairings or Pairings()
        self.on_output, self.on_state, self.on_exit, self.on_block = on_output, on_state, on_exit, on_block
        self.connect_timeout = connect_timeout
        self.connection: BrickConnection | None = None
        self.state = DISCONNECTED
        self.run_handle: RunHandle | None = None
        self._lock = threading.RLock()

    def _set_state(self, state: str, message: str = "") -> None:
        self.state = state
        if self.on_state:
            self.on_state(state, message)

    # -- connection ------------------------------------------------------------------------
    def connect(self, spec: str) -> dict:
        """Connect to --brick NAME|HOST|HOST:PORT; the brick's status. BrickError saying why not."""
        self.disconnect()
        try:
            pairing = self.pairings.resolve(spec)
        except ValueError as error:
            raise BrickError(str(error)) from None
        self._set_state(CONNECTING, pairing.label)
        try:
            self.connection = connect(pairing, self.connect_timeout, on_lost=self._lost)
            status = self.connection.status()
        except Exception as error:   # not only BrickError: never left "connecting"
            self.connection = None
            self._set_state(DISCONNECTED, str(error))
            raise
        self._set_state(CONNECTED, f"connected to {self.connection.name}")
        return status

    def disconnect(self) -> None:
        with self._lock:
            connection, self.connection = self.connection, None
        if connection is not None:
            connection.close()
            self._set_state(DISCONNECTED, "")

    def _lost(self, error: BrickLost) -> None:
        handle = self.run_handle
        if handle is not None and not handle.ended.is_set():
            handle.lost = error
            handle.ended.set()
        self._set_state(LOST, str(error))

    def connected(self) -> BrickConnection:
        """The connection in use; BrickError saying how to make one when there is none."""
        if self.connection is None:
            raise BrickError("not connected to a brick: connect first (robolab brick list shows the paired ones)")
        return self.connection

    # -- programs --------------------------------------------------------------------------
    def download(self, program: BrickProgram) -> str:
        """Save the program on the brick; the path it has there."""
        return self.connected().upload(program.name, program.source)

    def run(self, program: BrickProgram, download: bool = True, trace: bool = False, *,
            on_output: Callable[[str, str], None] | None = None,
            on_block: Callable[[tuple], None] | None = None) -> RunHandle:
        """Start the program on the brick (downloading it first); output goes to on_output. With `trace`
        on_block hears the path of the block running now (off by default: it slows the brick down).
        on_output and on_block given here are this run's own, in place of the mode's (a run target's
        session, robolab.targets.ev3)."""
        on_output, on_block = on_output or self.on_output, on_block or self.on_block
        connection = self.connected()
        if download:
            self.download(program)
        handle = RunHandle(program)
        self.run_handle = handle

        def listen(kind, *args):
            """The brick's callbacks; whatever they carry is checked, since a brick could send anything."""
            if kind == "output" and len(args) == 2:
                stream, line = "err" if args[0] == "err" else "out", printable(str(args[1]))
                if stream == "err":
                    handle.stderr.append(line)
                if on_output:
                    on_output(stream, line)
            elif kind == "line" and args and type(args[0]) is int:
                origin = program.compiled.block_at_line(args[0])
                if origin is not None and origin != handle.block:
                    handle.block = origin
                    if on_block:
                        on_block(origin)
            elif kind == "exit":
                code, stopped = (tuple(args) + (1, False))[:2]
                handle.code, handle.stopped = code if type(code) is int and -256 < code < 256 else 1, bool(stopped)
                handle.ended.set()
                if self.connection is connection:
                    self._set_state(CONNECTED, f"{program.name} ended")
                if self.on_exit:
                    self.on_exit(handle)

        connection.run(program.name, listen, trace)
        self._set_state(RUNNING, program.name)
        return handle

    def stop(self) -> dict:
        """Stop the running program (SIGINT, SIGTERM, SIGKILL on the brick) and brake every motor."""
        result = self.connected().stop()
        handle = self.run_handle
        if handle is not None:
            handle.ended.wait(2.0)  # its exit callback follows the stop's answer
        return result

    def status(self) -> dict:
        return self.connected().status()
