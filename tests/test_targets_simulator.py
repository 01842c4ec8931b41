"""The simulator as a run target (robolab.targets.simulator), with real runs in a child process or a
thread: its events in order, a run-time error on its block and printed line, stop, pause and step,
a program with problems, a Python file. Every assertion is on what the run reports."""

import os
import signal
import textwrap

import pytest
from conftest import ROOT

from robolab.document.snapshot import take
from robolab.language import read_program
from robolab.live import FAST
from robolab.live.python_program import read_python_program
from robolab.targets import (FINISHED, PAUSE, PAUSED, RUNNING, STARTING, STEP, Finished, Output, Readings,
                             RunningBlock, RunOptions, RunSession, RunTarget, StateChanged, Variables)
from robolab.targets.simulator import SimulatorTarget
from robolab.worlds import read_world
from sessions import events_until, finished

HEADER = "robolab 1 palette ev3 1.0\n"
EXAMPLES = ROOT / "examples"


def snapshot_of(library, source: str, name: str = "program"):
    loaded = read_program(source, library, f"{name}.rlab")   # a program with problems is read too
    return take(loaded.program, loaded.pack, 1, name)


def target(in_child=True) -> SimulatorTarget:
    return SimulatorTarget(*read_world("empty_arena"), in_child=in_child)




def test_a_run_reports_its_events_in_order(library):
    snapshot = snapshot_of(library, (EXAMPLES / "i_can_count.rlab").read_text(), "i_can_count")
    # 10x, not as fast as it goes: a run of a few frames might never be seen inside a block
    session = target().start(snapshot, RunOptions(speed=10.0))
    assert isinstance(session, RunSession) and isinstance(target(), RunTarget)
    assert session.target == "Simulator" and {PAUSE, STEP} <= session.capabilities
    seen = events_until(session, finished)
    states = [e.state for e in seen if isinstance(e, StateChanged)]
    assert states == [STARTING, RUNNING, FINISHED]
    messages = [e.text for e in seen if isinstance(e, Output)]
    assert messages == [f"message {n} ({word})" for n, word in enumerate(
        ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine"), start=1)]
    assert [e.spoken for e in seen if isinstance(e, Output)][:2] == ["one", "two"]
    times = [e.time for e in seen if isinstance(e, Output)]
    assert times == sorted(times) and times[0] > 0
    assert [e for e in seen if isinstance(e, Variables)][-1].values == {"N": 10}
    readings = [e for e in seen if isinstance(e, Readings)]
    assert readings and [r.time for r in readings] == sorted(r.time for r in readings)
    assert {s.port for s in readings[-1].sensors} and {m.port for m in readings[-1].motors}
    end = seen[-1]
    assert end.exit_code == 0 and not end.stopped and end.error is None
    assert end.time == pytest.approx(session.latest.time) and end.time > 9 * 1.2
    # the running block is cleared before the end, and nothing follows Finished
    assert [e for e in seen if isinstance(e, RunningBlock)][-1].block is None
    assert seen.index(end) == len(seen) - 1 and session.events() == [] and session.wait(0)
    assert session.state == FINISHED


@pytest.mark.parametrize("in_child", [True, False], ids=["child", "thread"])
def test_a_run_time_error_is_on_its_block_and_its_printed_line(library, in_child):
    source = HEADER + "var name=zero value=0\nvar name=x value=1\n# a comment\nset name=x value=(10 / zero)\n"
    snapshot = snapshot_of(library, source)
    session = target(in_child).start(snapshot, RunOptions(speed=FAST))
    assert session.wait(60)
    end = events_until(session, finished)[-1]
    assert end.exit_code and not end.stopped
    error = end.error
    assert error.message.startswith("ZeroDivisionError") and error.block == (3,)
    assert error.line == 5 and snapshot.text.splitlines()[error.line - 1].startswith("set name=x")


def test_stop_ends_a_forever_program(library):
    snapshot = snapshot_of(library, HEADER + "var name=n value=0\nforever {\n    set name=n value=(n + 1)\n"
                                    "    wait seconds=0.01\n}\n")
    session = target().start(snapshot, RunOptions(speed=1.0))
    seen = events_until(session, lambda seen: any(isinstance(e, Variables) and e.values.get("n", 0) >= 3
                                                  for e in seen))
    session.stop()
    end = events_until(session, finished, seen)[-1]
    assert end.stopped and end.error is None
    assert session.state == FINISHED


def test_pause_and_step_walk_the_blocks(library):
    snapshot = snapshot_of(library, (EXAMPLES / "i_can_count.rlab").read_text(), "i_can_count")
    session = target().start(snapshot, RunOptions(speed=FAST, paused=True))
    seen, blocks = [], []

    def shown(seen):
        return [e.block for e in seen if isinstance(e, RunningBlock)][-1:]

    for _ in range(4):
        events_until(session, lambda seen: session.state == PAUSED and shown(seen) and shown(seen)[0] not in blocks,
                     seen)
        blocks += shown(seen)
        session.step()
    # var N, main, wait, while: one block a step, in the program's order
    assert blocks == [(2,), (3,), (3, "do", 1), (3, "do", 2)]
    session.pause()   # straight after a step: it holds where the step ends, and says it is paused
    events_until(session, lambda seen: session.state == PAUSED, seen)
    held = session.latest.time
    session.resume()
    end = events_until(session, finished, seen)[-1]
    assert end.exit_code == 0 and end.time > held
    states = [e.state for e in seen if isinstance(e, StateChanged)]
    assert states[:3] == [STARTING, RUNNING, PAUSED] and states[-1] == FINISHED


def test_a_program_with_problems_is_finished_at_once_with_them(library):
    snapshot = snapshot_of(library, HEADER + "beep\nset name=speed value=5\n")
    assert snapshot.problems
    session = target().start(snapshot)
    assert session.state == FINISHED and session.wait(0)
    seen = session.events()
    assert [type(e) for e in seen] == [StateChanged, Finished]
    error = seen[-1].error
    assert error.message.startswith("The program has problems to fix before it can run:")
    assert "line 3" in error.message and error.line == 3 and error.block == (1,)
    session.stop()   # nothing to stop: no error
    assert session.events() == []


def test_a_python_file_prints_and_fails_on_its_line(tmp_path):
    path = tmp_path / "fails.py"
    path.write_text(textwrap.dedent("""\
        #!/usr/bin/env python3
        from ev3dev2.motor import MoveTank, OUTPUT_B, OUTPUT_C
        print("hello")
        print("from python")
        MoveTank(OUTPUT_B, OUTPUT_C).on_for_seconds(30, 30, 0.5)
        x = 1 / 0
        """))
    setup = read_python_program(path)
    session = target().start(setup.program, RunOptions(speed=FAST))
    seen = events_until(session, finished)
    printed = [e.text for e in seen if isinstance(e, Output) and e.stream == "out"]
    assert printed == ["hello", "from python"]
    assert any("Traceback" in e.text for e in seen if isinstance(e, Output) and e.stream == "err")
    end = seen[-1]
    assert end.error.message == "ZeroDivisionError: division by zero" and end.error.line == 6
    assert end.error.block is None and end.time >= 0.5


def test_a_run_whose_process_dies_ends_saying_so(library):
    snapshot = snapshot_of(library, HEADER + "forever {\n    wait seconds=0.1\n}\n")
    session = target().start(snapshot, RunOptions(speed=1.0))
    seen = events_until(session, lambda seen: any(isinstance(e, Readings) and e.time >= 0.3 for e in seen))
    os.kill(session.run._child.pid, signal.SIGKILL)
    end = events_until(session, finished, seen)[-1]
    assert end.exit_code is None and not end.stopped
    assert "the simulator's process stopped (it was killed)" in end.error.message and end.error.block is None
