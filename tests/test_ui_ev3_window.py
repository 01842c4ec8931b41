"""The EV3 target in the window (pytest-qt, offscreen), against the stand-in brick (the real brick service
under rpyc 4.1.5 on 127.0.0.1 over a fake sysfs tree): connect, run, output, stop, a crash selects its block,
all through the window's one run controller and its one output pane."""
import os
import signal
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.exceptions import TimeoutError as WaitTimeout

from robolab.ev3 import pairing
from robolab.ev3.pairing import Pairings
from robolab.ui.canvas import RUNNING
from tests.windows import open_window

try:
    from tests.ev3.standin import PROGRAMS, free_port
except ImportError:
    from ev3.standin import PROGRAMS, free_port

SHOTS = Path(os.environ.get("ROBOLAB_SHOTS", "/tmp/robolab-shots"))


def make(qtbot, tmp_path, library, monkeypatch):
    monkeypatch.setattr(pairing, "default_file", lambda: tmp_path / "bricks.json")  # not the user's bricks
    return open_window(qtbot, tmp_path, library)


@pytest.fixture
def window(qtbot, tmp_path, library, monkeypatch):
    window = make(qtbot, tmp_path, library, monkeypatch)
    yield window
    window.ev3.shutdown()


def texts(window):
    return window.run_output.texts()


def trigger(window, name):
    window.runs.actions[name].trigger()


def connect(window, qtbot, brick):
    Pairings().save(brick.pairing)
    dialog = window.ev3.choose_brick()
    qtbot.waitUntil(lambda: brick.name in dialog.statuses, timeout=15000)
    dialog.connect_button.click()
    qtbot.waitUntil(lambda: window.ev3.brick_label.text() == f"EV3: {brick.name} (connected)", timeout=15000)


def test_connect_run_output_and_stop_from_the_window(window, qtbot, tmp_path, brick):
    ev3 = window.ev3
    window.runs.choose("ev3")
    assert window.panels["Output"].isVisible() and window.panels["Output"].windowTitle() == "Output · EV3 brick"
    connect(window, qtbot, brick)
    qtbot.waitUntil(lambda: any("battery 7.5 V" in t for t in texts(window)), timeout=5000)  # said after "connected"
    assert window.files.open_file(PROGRAMS / "count.rlab")
    ev3.download_action.trigger()
    qtbot.waitUntil(lambda: "downloaded to test-brick" in window.statusBar().currentMessage(), timeout=15000)
    assert "log_value('n', n)" in (brick.programs / "count.py").read_text()
    trigger(window, "run")
    qtbot.waitUntil(lambda: "the program ended" in texts(window), timeout=15000)
    run = texts(window)[texts(window).index("Run 1 on the EV3 brick test-brick"):]   # the run's header names the brick
    assert [t for t in run if t.startswith("log")] == ["log n 1", "log n 2", "log n 3"]
    assert window.panels["Output"].windowTitle() == "Output · EV3 brick test-brick"

    assert window.files.open_file(PROGRAMS / "forever.rlab")
    trigger(window, "run")
    qtbot.waitUntil(lambda: "log n 3" in texts(window), timeout=15000)
    assert window.runs.state == "running" and "running on the EV3 brick test-brick" == window.runs.state_words()
    assert not window.runs.actions["pause"].isEnabled() and not window.runs.actions["step"].isEnabled()  # a brick cannot
    assert brick.motor("B", "command") == "run-forever"
    started = time.monotonic()
    trigger(window, "stop")
    assert time.monotonic() - started < 0.2  # the window did not wait for the brick
    qtbot.waitUntil(lambda: "the program was stopped" in texts(window), timeout=10000)
    assert brick.motor("B", "command") == "stop"
    assert window.runs.state == "finished" and window.runs.actions["run"].isEnabled()
    SHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SHOTS / "ev3_window.png"))


def test_a_crash_on_the_brick_selects_its_block(window, qtbot, brick):
    connect(window, qtbot, brick)
    assert window.files.open_file(PROGRAMS / "crash.rlab")
    window.canvas.select_paths([(0,)])
    window.runs.choose("ev3")
    window.activateWindow()   # the Connect dialog had the keyboard
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    qtbot.keyClick(window.canvas, Qt.Key.Key_F5)   # F5 runs where "Run on" says
    try:
        qtbot.waitUntil(lambda: any(t.startswith("line 5:") for t in texts(window)), timeout=15000)
    except WaitTimeout:  # what the brick did say (it failed once under a full run: say why next time)
        raise AssertionError(f"no 'line 5:' in the output: {texts(window)}") from None
    qtbot.waitUntil(lambda: window.canvas.selected_paths() == [(3,)], timeout=15000)  # log ratio (10 / d)
    errors = [t for t in texts(window) if t.startswith("line 5:")]
    assert errors and "ZeroDivisionError" in errors[0]
    assert "ZeroDivisionError" in window.statusBar().currentMessage()
    assert "log before 1" in texts(window) and "log after 2" not in texts(window)
    window.canvas.select_paths([(0,)])   # clicking the error line selects its block again
    output = window.run_output.list
    output.itemClicked.emit(output.item(texts(window).index(errors[0])))
    assert window.canvas.selected_paths() == [(3,)]


def test_running_with_no_brick_chosen_says_so_and_does_not_wait(window, qtbot):
    window.runs.choose("ev3")
    started = time.monotonic()
    trigger(window, "run")
    assert time.monotonic() - started < 0.5
    assert "No brick chosen" in window.statusBar().currentMessage()
    assert "No brick chosen" in texts(window)[-1]
    assert window.ev3.brick_label.text() == "EV3: no brick"
    assert window.runs.session is None and window.runs.actions["run"].isEnabled()
    size = window.run_output.list.font().pointSizeF()
    window.set_zoom(1.5)  # the pane follows the window's zoom, for a projector
    assert window.run_output.list.font().pointSizeF() == pytest.approx(size * 1.5, rel=0.1)


def test_an_unreachable_brick_is_named_and_the_target_is_remembered(window, qtbot, tmp_path, library, monkeypatch):
    window.runs.choose("ev3")
    window.ev3.connect_to(f"127.0.0.1:{free_port()}")
    qtbot.waitUntil(lambda: "service is not running" in window.statusBar().currentMessage(), timeout=15000)
    assert window.ev3.brick_label.text().endswith("(not connected)")
    again = make(qtbot, tmp_path, library, monkeypatch)
    assert again.runs.chosen == "ev3" and again.target_box.currentText() == "EV3 brick"
    again.ev3.shutdown()


def test_a_brick_that_drops_out_mid_run_is_said_within_5_s_and_the_window_goes_on(window, qtbot, brick):
    connect(window, qtbot, brick)
    assert window.files.open_file(PROGRAMS / "forever.rlab")
    window.runs.choose("ev3")
    trigger(window, "run")
    qtbot.waitUntil(lambda: "log n 2" in texts(window), timeout=15000)
    began = time.monotonic()
    brick.signal(signal.SIGSTOP)  # frozen: no goodbye, like a brick leaving the Wi-Fi
    qtbot.waitUntil(lambda: "dropped out" in window.ev3.brick_label.text(), timeout=8000)
    assert time.monotonic() - began < 5.0
    assert any(t.startswith("The brick dropped out") for t in texts(window))
    qtbot.waitUntil(lambda: window.runs.state == "finished", timeout=8000)   # the run ends with why, never left running
    assert "lost the connection to brick 'test-brick'" in texts(window)[-1]
    assert "test-brick" in window.statusBar().currentMessage()
    assert window.runs.actions["run"].isEnabled()
    window.canvas.select_paths([(1,)])  # the window still answers
    assert window.canvas.selected_paths() == [(1,)]
    brick.signal(signal.SIGCONT)  # back on the Wi-Fi: connecting again works
    window.ev3.connect_to(brick.name)
    qtbot.waitUntil(lambda: window.ev3.brick_label.text() == f"EV3: {brick.name} (connected)", timeout=15000)
    said = len(texts(window))
    trigger(window, "run")
    qtbot.waitUntil(lambda: "log n 2" in texts(window)[said:], timeout=15000)
    trigger(window, "stop")
    qtbot.waitUntil(lambda: "the program was stopped" in texts(window), timeout=10000)


def test_f5_runs_where_run_on_says(window, qtbot, tmp_path):
    window.dock_simulator()
    path = tmp_path / "beep.rlab"
    path.write_text("robolab 1 palette ev3 1.0\nbeep\n")
    assert window.files.open_file(path)
    window.runs.choose("ev3")
    assert not window.simulator.bar.buttons["run"].isVisibleTo(window.simulator)   # the panel's Run is the simulator's
    qtbot.keyClick(window.canvas, Qt.Key.Key_F5)
    assert "No brick chosen" in window.statusBar().currentMessage()
    assert window.runs.runs == 0 and window.simulator.session is None
    window.runs.choose("simulator")
    assert window.panels["Output"].windowTitle() == "Output · Simulator"
    assert window.simulator.bar.buttons["run"].isVisibleTo(window.simulator)
    qtbot.keyClick(window.canvas, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: window.simulator.state == "finished", timeout=10000)
    assert texts(window)[-3:] == ["Run 1 on the Simulator", f"{texts(window)[-2]}", texts(window)[-1]]
    assert texts(window)[-2].endswith("beep") and texts(window)[-1].startswith("the program ended")


def test_highlight_the_running_line_outlines_the_blocks_the_brick_runs(window, qtbot, brick):
    connect(window, qtbot, brick)
    assert window.files.open_file(PROGRAMS / "forever.rlab")
    shown = []
    window.runs.running_block.connect(shown.append)
    window.ev3.trace_action.setChecked(True)
    window.runs.choose("ev3")
    trigger(window, "run")
    program = window.document.program
    qtbot.waitUntil(lambda: "wait" in {program.block_at(tuple(p)).command for p in shown if p}, timeout=15000)
    outlined = lambda: [p for p in shown[-1:] if p and window.canvas.item_at(tuple(p)).data(RUNNING)]  # noqa: E731
    assert outlined()  # the canvas outlines the block the brick runs
    trigger(window, "stop")
    qtbot.waitUntil(lambda: "the program was stopped" in texts(window), timeout=10000)
    last = next(tuple(p) for p in reversed(shown) if p)
    assert shown[-1] is None and not window.canvas.item_at(last).data(RUNNING)  # the outline goes when it ends
