"""A run in a child process (robolab.live.child), with real processes: Stop ends a run inside a long
C-level operation, a program that eats memory or a child that dies ends with a clear message, and
huge values reach the window cut to a readable length."""

import dataclasses
import os
import time

import pytest

from robolab.language import parse_program
from robolab.live import FAST, FINISHED, RUNNING, LiveProgram
from robolab.live.child import ChildRun, readable
from robolab.worlds import read_world

HEADER = "robolab 1 palette ev3 1.0\n"


def program_running(library, python: str | None = None, source: str = HEADER + "var name=x value=2\n"):
    """A LiveProgram; `python`: its compiled Python replaced (a long C-level operation no block makes)."""
    program, pack = parse_program(source, library, "long.rlab")
    live = LiveProgram.build(program, pack, "long")
    if python is not None:
        live.compiled = dataclasses.replace(live.compiled, source=python)
    return live


def start(live, **settings):
    run = ChildRun(live, *read_world("empty_arena"), speed=FAST, **settings)
    run.start()
    return run


def test_stop_inside_a_long_c_level_operation_ends_the_run(library):
    run = start(program_running(library, "x = 7 ** 300_000_000\n"))
    deadline = time.monotonic() + 30
    while run.state != RUNNING and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.5)   # well inside the power (it takes many seconds)
    assert run.state == RUNNING
    asked = time.monotonic()
    run.stop()
    assert run.wait(5.0)
    answered = time.monotonic() - asked
    assert run.result.stopped and run.error is None
    assert not run._child.is_alive()
    print(f"stop answered in {answered * 1000:.0f} ms")


def test_a_program_that_eats_memory_ends_with_a_clear_message(library):
    python = "x = []\nwhile True:\n    x.append(bytearray(20_000_000))\n"
    run = start(program_running(library, python), memory=400 << 20)
    assert run.wait(30)
    message, _ = run.error
    assert message.startswith("the program used more than 400 MB of memory"), message


def test_a_child_that_dies_is_reported(library):
    run = start(program_running(library, source=HEADER + "forever {\n    wait seconds=0.1\n}\n"))
    deadline = time.monotonic() + 30
    while run.latest.time < 0.5 and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(run._child.pid, 9)
    assert run.wait(5.0) and run.state == FINISHED
    message, block = run.error
    assert "the simulator's process stopped (it was killed)" in message and block is None


def test_a_squaring_program_is_stopped_by_the_runaway_guard_and_shown_readable(library):
    source = HEADER + "var name=x value=2\nforever {\n    set name=x value=(x * x)\n    wait seconds=0.01\n}\n"
    run = start(program_running(library, source=source))
    assert run.wait(30)
    message, block = run.error
    print(message, block)
    assert block == (1, "do", 0) and "OverflowError" in message


@pytest.mark.parametrize("value, shown", [(10, 10), (-(10 ** 400), "-about 10^400 (401 digits)"),
                                          (2 ** 100_000, "about 10^30102 (30103 digits)"), (1.5, 1.5),
                                          ("a" * 300, "a" * 200 + "…"), (True, True)],
                         ids=["small", "negative huge", "huge", "float", "long string", "bool"])
def test_huge_values_are_cut_to_a_readable_length(value, shown):
    assert readable(value) == shown


def test_in_the_window_a_crashed_run_leaves_the_program_and_its_undo_history(qtbot, tmp_path, library):
    from PySide6.QtCore import QTimer

    from tests.windows import open_window

    window = open_window(qtbot, tmp_path, library)
    qtbot.waitUntil(lambda: window.simulator is not None, timeout=10000)
    panel = window.simulator
    try:
        program = tmp_path / "forever.rlab"
        program.write_text(HEADER + "forever {\n    wait seconds=0.1\n}\n")
        assert window.files.open_file(program)
        window.insert_command("beep")
        text, undo = window.document.text(), window.undo_stack.count()
        assert undo == 1 and window.document.dirty
        panel.run_program()
        assert isinstance(panel.run, ChildRun)
        qtbot.waitUntil(lambda: panel.run.latest.time > 0.3, timeout=20000)
        ticks = []
        timer = QTimer(interval=10, timeout=lambda: ticks.append(1))
        timer.start()
        os.kill(panel.run._child.pid, 9)
        qtbot.waitUntil(lambda: panel.state == FINISHED, timeout=10000)
        timer.stop()
        assert ticks   # the window's own timer kept ticking
        assert "the simulator's process stopped (it was killed)" in panel.output.list.texts()[-1]
        assert window.document.text() == text and window.undo_stack.count() == undo and window.document.dirty
        panel.run_program()   # and the next run works
        qtbot.waitUntil(lambda: panel.run.latest.time > 0.3, timeout=20000)
        panel.stop()
        qtbot.waitUntil(lambda: panel.state == FINISHED, timeout=10000)
        assert panel.bar.result.text().startswith("Stopped at")
    finally:
        panel.shutdown()
