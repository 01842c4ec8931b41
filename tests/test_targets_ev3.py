"""The EV3 brick as a run target (robolab.targets.ev3), against the real brick service under rpyc 4.1.5 on
127.0.0.1 over a fake sysfs tree: output lines, a crash on its block and line, stop, Trace, a brick
that is absent or drops out, and a fault on the worker, each ending as a Finished that says why."""

import signal
import threading

import pytest

from robolab.document.snapshot import take
from robolab.ev3.mode import EV3Mode
from robolab.ev3.pairing import Pairings
from robolab.language import read_program
from robolab.targets import (FINISHED, RUNNING, STARTING, TRACE, Finished, Output, RunningBlock, RunOptions, RunSession,
                             RunTarget, StateChanged)
from robolab.targets.ev3 import EV3Target
from sessions import events_until, finished

try:
    from tests.ev3.standin import PROGRAMS
except ImportError:
    from ev3.standin import PROGRAMS


@pytest.fixture
def mode(brick, tmp_path):
    pairings = Pairings(tmp_path / "bricks.json")
    pairings.save(brick.pairing)
    ev3 = EV3Mode(pairings)
    ev3.connect(brick.name)
    yield ev3
    ev3.disconnect()


def snapshot_of(library, name: str = "", source: str = ""):
    source = source or (PROGRAMS / f"{name}.rlab").read_text()
    loaded = read_program(source, library, f"{name or 'program'}.rlab")
    return take(loaded.program, loaded.pack, 1, name or "program")




def printed(seen, stream="out") -> list[str]:
    return [e.text for e in seen if isinstance(e, Output) and e.stream == stream]


def test_a_run_streams_its_output_and_ends(mode, library):
    target = EV3Target(mode)
    session = target.start(snapshot_of(library, "count"))
    assert isinstance(target, RunTarget) and isinstance(session, RunSession)
    assert session.target == "EV3 brick test-brick" and session.capabilities == {TRACE}
    seen = events_until(session, finished)
    assert printed(seen) == ["log n 1", "log n 2", "log n 3"]
    states = [e.state for e in seen if isinstance(e, StateChanged)]
    assert states == [STARTING, RUNNING, FINISHED]
    kinds = [type(e).__name__ for e in seen]
    assert kinds == ["StateChanged", "StateChanged", "Output", "Output", "Output", "StateChanged", "Finished"]
    end = seen[-1]
    assert end.exit_code == 0 and not end.stopped and end.error is None
    assert session.state == FINISHED and session.wait(0) and session.events() == []


def test_a_crash_is_on_its_block_and_line(mode, library):
    snapshot = snapshot_of(library, "crash")
    seen = events_until(EV3Target(mode).start(snapshot), finished)
    assert printed(seen) == ["log before 1"]
    end = seen[-1]
    assert end.exit_code == 1 and not end.stopped
    assert end.error.message == "ZeroDivisionError: division by zero"
    assert end.error.block == (3,) and end.error.line == 5   # the comment is block 0
    assert snapshot.text.splitlines()[4].startswith('log label="ratio"')


def test_stop_ends_the_program_and_brakes_its_motors(mode, brick, library):
    session = EV3Target(mode).start(snapshot_of(library, "forever"))
    seen = events_until(session, lambda seen: len(printed(seen)) >= 2)
    assert brick.motor("B", "command") == "run-forever"
    session.stop()   # returns at once: the brick is asked on a thread of its own
    end = events_until(session, finished, seen)[-1]
    assert end.stopped and end.error is None
    for port in "BC":
        assert brick.motor(port, "command") == "stop"


def test_trace_reports_the_running_block_and_clears_it_at_the_end(mode, library):
    snapshot = snapshot_of(library, "forever")
    session = EV3Target(mode).start(snapshot, RunOptions(trace=True))
    commands = set()

    def saw_the_wait(seen):
        commands.update(snapshot.program.block_at(e.block).command for e in seen
                        if isinstance(e, RunningBlock) and e.block is not None)
        return "wait" in commands

    seen = events_until(session, saw_the_wait)
    session.stop()
    seen = events_until(session, finished, seen)
    assert commands <= {"var", "start_driving", "forever", "change", "log", "wait"}
    assert [e for e in seen if isinstance(e, RunningBlock)][-1].block is None


def test_without_a_brick_the_session_ends_saying_so(tmp_path, library):
    session = EV3Target(EV3Mode(Pairings(tmp_path / "bricks.json"))).start(snapshot_of(library, "count"))
    seen = events_until(session, finished)
    assert [e.state for e in seen if isinstance(e, StateChanged)] == [STARTING, FINISHED]
    assert seen[-1].error.message.startswith("not connected to a brick: connect first")


def test_a_brick_that_drops_out_ends_the_session_saying_so(mode, brick, library):
    session = EV3Target(mode).start(snapshot_of(library, "forever"))
    seen = events_until(session, lambda seen: len(printed(seen)) >= 2)
    brick.signal(signal.SIGKILL)
    end = events_until(session, finished, seen)[-1]
    assert end.exit_code is None and not end.stopped
    assert end.error.message.startswith("lost the connection to brick 'test-brick'")
    assert session.state == FINISHED


def test_any_exception_on_the_worker_ends_the_session_with_it(mode, library, monkeypatch):
    def broken(program):
        raise ValueError("the brick's answer cannot be read")

    monkeypatch.setattr(mode, "download", broken)
    seen = events_until(EV3Target(mode).start(snapshot_of(library, "count")), finished)
    assert [e.state for e in seen if isinstance(e, StateChanged)] == [STARTING, FINISHED]
    assert seen[-1].error.message == ("something went wrong talking to the brick "
                                      "(ValueError: the brick's answer cannot be read)")


def test_stop_while_downloading_runs_nothing(mode, brick, library, monkeypatch):
    sessions, started = [], threading.Event()
    download = mode.download

    def stopped_meanwhile(program):
        assert started.wait(10)
        sessions[0].stop()
        return download(program)

    monkeypatch.setattr(mode, "download", stopped_meanwhile)
    session = EV3Target(mode).start(snapshot_of(library, "forever"))
    sessions.append(session)
    started.set()
    seen = events_until(session, finished)
    assert seen[-1].stopped and printed(seen) == []
    assert mode.status()["running"] is None


def test_a_program_with_problems_is_finished_at_once_with_them(mode, library):
    snapshot = snapshot_of(library, source="robolab 1 palette ev3 1.0\nbeep\nset name=speed value=5\n")
    session = EV3Target(mode).start(snapshot)
    assert session.state == FINISHED
    seen = session.events()
    assert [type(e) for e in seen] == [StateChanged, Finished]
    assert seen[-1].error.line == 3 and seen[-1].error.block == (1,)
    assert "problems to fix" in seen[-1].error.message
