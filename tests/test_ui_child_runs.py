"""Runs in the window go to a child process (pytest-qt, offscreen, real processes): a program that
computes hard or eats memory ends with a clear message while the window's own timer keeps ticking,
and Stop ends a run inside a long C-level operation. The tick gaps are printed, not asserted against
a frame budget (a busy machine); the one limit asserted is generous (a frozen window misses it)."""

import time

from PySide6.QtCore import QTimer

from robolab.live import FAST, FINISHED, RUNNING
from robolab.live.child import ChildRun
from robolab.live.python_program import read_python_program
from windows import open_window

HEADER = "robolab 1 palette ev3 1.0 world empty_arena\n"
SQUARING = HEADER + "var name=x value=2\nforever {\n    set name=x value=(x * x)\n    wait seconds=0.01\n}\n"
EATS_MEMORY = HEADER + "var name=s value=black\nforever {\n    set name=s value=(s + s)\n    wait seconds=0.01\n}\n"
FROZEN = 1.0   # seconds: a gap this long between the window's ticks would be a frozen window


class Ticks:
    """A timer in the window, ticking every 10 ms: when each tick came."""

    def __init__(self):
        self.times = []
        self.timer = QTimer(interval=10, timeout=lambda: self.times.append(time.perf_counter()))
        self.timer.start()

    def stop(self) -> tuple[int, float]:
        """How many ticks, and the longest gap between two (seconds)."""
        self.timer.stop()
        gaps = [b - a for a, b in zip(self.times, self.times[1:])]
        return len(self.times), max(gaps, default=0.0)


def window_with(qtbot, tmp_path, library, source, speed=1.0):
    window = open_window(qtbot, tmp_path, library)
    window.dock_simulator()
    qtbot.waitUntil(lambda: window.simulator is not None, timeout=10000)
    path = tmp_path / "program.rlab"
    path.write_text(source)
    assert window.files.open_file(path)
    panel = window.simulator
    panel.bar.speed.setCurrentIndex(panel.bar.speed.findData(speed))
    return window, panel


def run_while_ticking(qtbot, panel, timeout=60000):
    """Run the panel's program to its end with a timer ticking in the window: (ticks, longest gap)."""
    ticks = Ticks()
    try:
        with qtbot.waitSignal(panel.state_changed, timeout=timeout, check_params_cb=lambda s: s == FINISHED):
            panel.run_program()
            assert isinstance(panel.run, ChildRun)
    finally:
        count, gap = ticks.stop()
    print(f"{count} ticks, the longest gap {gap * 1000:.0f} ms")
    return count, gap


def test_a_squaring_program_ends_with_a_clear_message_while_the_window_ticks(qtbot, tmp_path, library):
    window, panel = window_with(qtbot, tmp_path, library, SQUARING)
    try:
        count, gap = run_while_ticking(qtbot, panel)   # the range guard ends it within a fraction of a second
        assert count >= 1 and gap < FROZEN   # a short run: few ticks on a busy machine, none of them late by a second
        last = panel.output.list.texts()[-1]
        assert last.startswith("line 4:") and "a number went past" in last, last
        assert panel.bar.result.text().startswith("Error on line 4")
        assert len(panel.variables.value_text("x")) < 60   # the huge number is shown cut to a readable length
    finally:
        panel.shutdown()


def test_a_program_that_eats_memory_ends_with_a_clear_message_while_the_window_ticks(qtbot, tmp_path, library):
    window, panel = window_with(qtbot, tmp_path, library, EATS_MEMORY, FAST)
    try:
        count, gap = run_while_ticking(qtbot, panel)
        assert count >= 5 and gap < FROZEN
        last = panel.output.list.texts()[-1]
        assert "the program used more than 1024 MB of memory (MemoryError)" in last, last
        assert window.document.text().startswith(HEADER)   # the window, its program and its memory are fine
    finally:
        panel.shutdown()


def test_stop_during_a_long_multiplication_ends_the_run(qtbot, tmp_path, library):
    window, panel = window_with(qtbot, tmp_path, library, HEADER + "beep\n", FAST)
    power = tmp_path / "power.py"   # seconds of C, never a line of Python: only ending the process stops it
    power.write_text("#!/usr/bin/env python3\nx = 7 ** 300_000_000\n")
    panel.python_program = read_python_program(power, "ev3dev2").program
    try:
        ticks = Ticks()
        panel.run_program()
        qtbot.waitUntil(lambda: panel.run.state == RUNNING, timeout=20000)
        qtbot.wait(500)   # well inside the power
        assert panel.state == RUNNING
        asked = time.perf_counter()
        with qtbot.waitSignal(panel.state_changed, timeout=10000, check_params_cb=lambda s: s == FINISHED):
            panel.stop()
        answered = time.perf_counter() - asked
        count, gap = ticks.stop()
        print(f"Stop answered in {answered * 1000:.0f} ms; {count} ticks, the longest gap {gap * 1000:.0f} ms")
        assert panel.run.result.stopped and panel.run.error is None
        assert panel.bar.result.text().startswith("power.py: Stopped at")
        assert "the program was stopped" in panel.output.list.texts()[-1]
        assert gap < FROZEN
    finally:
        panel.shutdown()
