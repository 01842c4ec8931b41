"""The EV3 brick as a run target: download, run and stop over an EV3Mode's connection, as typed events.

The connection is made elsewhere (the window's EV3 actions, `robolab push`): the target holds the
mode. `start` never blocks: a worker thread downloads and runs the program, and whatever happens
there becomes events, so a failure of any kind (a BrickError, a fault of ours) ends the session with
a clear error and never leaves it "starting". The brick cannot pause, step or change speed; with
Trace on it reports the running block (asked for at the start: it slows the brick down).
"""

from __future__ import annotations

import threading

from robolab.errors import RobolabError
from robolab.ev3.connection import BrickError
from robolab.ev3.mode import EV3Mode, unexpected
from robolab.ev3.program import BrickProgram, brick_name
from robolab.targets import (FINISHED, RUNNING, STARTING, TRACE, EventQueue, Finished, Output, RunError, RunningBlock,
                             RunOptions, StateChanged)
from robolab.targets.problems import problems_error

CHECK_CONNECTION = 0.5    # wall seconds between looks at whether the connection was closed meanwhile


class EV3Target:
    """Runs programs on the brick `mode` is connected to."""

    name = "EV3 brick"

    def __init__(self, mode: EV3Mode):
        self.mode = mode

    def start(self, snapshot, options: RunOptions | None = None) -> "EV3Session":
        """Run the program of a window document's snapshot (robolab.document.snapshot), or a
        BrickProgram; settings: "file" (the program's file, named in errors), "download" (default True)."""
        options = options or RunOptions()
        if isinstance(snapshot, BrickProgram):
            program = snapshot
        else:
            try:
                program = BrickProgram(brick_name(snapshot.name), options.settings.get("file", f"{snapshot.name}.rlab"),
                                       snapshot.program, snapshot.compiled_or_raise(), snapshot.layout)
            except RobolabError as error:
                return EV3Session.refused(self, problems_error(error, snapshot))
        session = EV3Session(self, program, options)
        session.begin()
        return session


class EV3Session:
    """One run on the brick (robolab.targets.RunSession): a worker thread downloads, runs and waits."""

    capabilities = frozenset({TRACE})

    def __init__(self, target: EV3Target, program: BrickProgram | None, options: RunOptions | None = None):
        self.mode, self.program = target.mode, program
        connection = self.mode.connection
        self.target = f"{target.name} {connection.name}" if connection is not None else target.name
        self.options = options or RunOptions()
        self.trace = self.options.trace
        self.state = STARTING
        self.handle = None               # the EV3Mode's RunHandle once the program runs
        self._queue = EventQueue()
        self._stop_asked = threading.Event()
        self._block = None
        self._lock = threading.Lock()

    @classmethod
    def refused(cls, target: EV3Target, error: RunError) -> "EV3Session":
        """A session that never ran: already finished, with `error` (a program with problems)."""
        session = cls(target, None)
        session._finish(Finished(None, error=error))
        return session

    def begin(self) -> None:
        self._set_state(STARTING, f"downloading {self.program.name} to {self.target}")
        threading.Thread(target=self._work, name="robolab ev3 run", daemon=True).start()

    # --- RunSession ----------------------------------------------------------------------------------
    def events(self) -> list:
        return self._queue.drain()

    def pause(self) -> None:
        pass   # the brick cannot (no PAUSE in capabilities)

    def resume(self) -> None:
        pass

    def step(self) -> None:
        pass   # no STEP

    def set_speed(self, speed: float) -> None:
        pass   # no SPEED: the brick runs in real time

    def set_trace(self, on: bool) -> None:
        """Off stops reporting the running block; on takes effect only for a run started with Trace."""
        self.trace = on
        if not on:
            self._show_block(None)

    def stop(self) -> None:
        """Ask the brick to stop the program and brake its motors (on a thread of its own)."""
        if self.state == FINISHED or self._stop_asked.is_set():
            return
        self._stop_asked.set()
        threading.Thread(target=self._stop_brick, name="robolab ev3 stop", daemon=True).start()

    def wait(self, timeout: float | None = None) -> bool:
        return self._queue.finished.wait(timeout)

    # --- the worker --------------------------------------------------------------------------------------
    def _work(self) -> None:
        try:
            self._finish(self._run())
        except BrickError as error:   # BrickLost too: its message says what may still run on the brick
            self._finish(Finished(None, error=RunError(str(error))))
        except Exception as error:  # noqa: BLE001 - a fault of ours or of the link: said, never swallowed
            self._finish(Finished(None, error=RunError(unexpected(error))))

    def _run(self) -> Finished:
        mode, program = self.mode, self.program
        connection = mode.connected()
        if self.options.settings.get("download", True):
            mode.download(program)
        if self._stop_asked.is_set():
            return Finished(None, stopped=True)
        handle = self.handle = mode.run(program, download=False, trace=self.options.trace,
                                        on_output=self._output, on_block=self._running)
        self._runs()
        if self._stop_asked.is_set():   # asked while it started: the stop's thread may have found nothing
            self._stop_brick()
        while not handle.ended.wait(CHECK_CONNECTION):
            if mode.connection is not connection:
                return Finished(None, error=RunError(f"the connection to {self.target} was closed while "
                                                     f"{program.name} ran on it; it may still be running there"))
        if handle.lost is not None:
            return Finished(None, error=RunError(str(handle.lost)))
        if handle.stopped:
            return Finished(handle.code, stopped=True)
        return Finished(handle.code, error=self._error(handle) if handle.code else None)

    def _error(self, handle) -> RunError:
        """The crash on its block and line (from the traceback the brick printed), else the exit code."""
        failed = self.program.failure("\n".join(handle.stderr))
        if failed is None:
            return RunError(f"the program ended with exit code {handle.code}")
        message, block = failed
        line = self.program.place_of(block)[0] or None if block is not None else None
        return RunError(message, block, line)

    def _stop_brick(self) -> None:
        if self.handle is None:
            return   # not running yet: the worker sees the stop before it starts the program
        try:
            self.mode.stop()
        except BrickError as error:   # the brick has gone: the worker ends the session with why
            self._queue.put(Output(f"could not stop the program: {error}", "note"))
        except Exception as error:  # noqa: BLE001 - said, never swallowed
            self._queue.put(Output(f"could not stop the program: {unexpected(error)}", "note"))

    # --- callbacks, on the connection's threads ---------------------------------------------------------
    def _output(self, stream: str, line: str) -> None:
        self._runs()
        self._queue.put(Output(line, stream))

    def _running(self, block: tuple) -> None:
        self._runs()
        if self.trace:
            self._show_block(block)

    def _runs(self) -> None:
        """Said once, before anything the program does (its first line may come before mode.run returns)."""
        with self._lock:
            if self.state == STARTING:
                self._set_state(RUNNING, f"{self.program.name} runs on {self.target}")

    def _show_block(self, block) -> None:
        if block != self._block:
            self._block = block
            self._queue.put(RunningBlock(block))

    def _set_state(self, state: str, detail: str = "") -> None:
        self.state = state
        self._queue.put(StateChanged(state, detail))

    def _finish(self, finished: Finished) -> None:
        self._show_block(None)
        with self._lock:
            self._set_state(FINISHED)
            self._queue.put(finished)
