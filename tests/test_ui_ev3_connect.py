"""The Connect dialog (pytest-qt, offscreen): paired bricks with their status, checked without blocking."""
import os
from pathlib import Path

import pytest

from robolab.ev3.pairing import Pairing, Pairings
from robolab.ui.ev3 import ConnectDialog

try:
    from tests.ev3.standin import free_port
except ImportError:
    from ev3.standin import free_port

SHOTS = Path(os.environ.get("ROBOLAB_SHOTS", "/tmp/robolab-shots"))


def test_paired_bricks_show_their_status_and_one_can_be_chosen(qtbot, tmp_path, brick):
    pairings = Pairings(tmp_path / "bricks.json")
    pairings.save(brick.pairing)
    pairings.save(Pairing("group-9", "127.0.0.1", free_port(), "k", "sha256:" + "0" * 64))  # switched off
    dialog = ConnectDialog(pairings, timeout=2)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: len(dialog.statuses) == 2, timeout=15000)
    rows = {dialog.table.item(r, 0).text(): [dialog.table.item(r, c).text() for c in range(5)]
            for r in range(dialog.table.rowCount())}
    assert rows["test-brick"][2:4] == ["7.5 V", "ready"]
    assert "rpyc 4.1.5" in rows["test-brick"][4]
    assert rows["group-9"][3] == "not reachable" and "service is not running" in rows["group-9"][4]
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "ev3_connect.png"))
    dialog.table.selectRow(list(rows).index("group-9"))
    assert not dialog.connect_button.isEnabled()
    dialog.table.selectRow(list(rows).index("test-brick"))
    assert dialog.connect_button.isEnabled()
    dialog.connect_button.click()
    assert dialog.result() == ConnectDialog.DialogCode.Accepted and dialog.chosen() == "test-brick"


def test_no_paired_bricks_says_how_to_pair_one(qtbot, tmp_path):
    dialog = ConnectDialog(Pairings(tmp_path / "none.json"))
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 0
    assert "robolab brick setup HOST --name NAME" in dialog.message.text()
    assert not dialog.connect_button.isEnabled()


def test_the_link_runs_and_stops_without_blocking_and_signals_in_the_window_thread(qtbot, tmp_path, brick, library):
    from PySide6.QtCore import QThread

    from robolab.ev3.program import BrickProgram
    from robolab.ui.ev3 import EV3Link

    try:
        from tests.ev3.standin import PROGRAMS
    except ImportError:
        from ev3.standin import PROGRAMS
    pairings = Pairings(tmp_path / "bricks.json")
    pairings.save(brick.pairing)
    link = EV3Link(pairings)
    lines, threads = [], set()

    def on_output(stream, line):
        lines.append(line)
        threads.add(QThread.currentThread())

    link.output.connect(on_output)
    with qtbot.waitSignal(link.status, timeout=10000) as connected:
        link.connect_brick("test-brick")
    assert connected.args[0]["name"] == "test-brick"
    with qtbot.waitSignal(link.finished, timeout=10000) as ended:
        link.run(BrickProgram.from_file(str(PROGRAMS / "count.rlab"), library))
    assert ended.args[0].code == 0
    qtbot.waitUntil(lambda: len(lines) == 3, timeout=5000)
    assert lines == ["log n 1", "log n 2", "log n 3"]
    assert threads == {QThread.currentThread()}  # delivered in the window's thread
    with qtbot.waitSignal(link.finished, timeout=10000) as ended:
        link.run(BrickProgram.from_file(str(PROGRAMS / "forever.rlab"), library))
        qtbot.waitUntil(lambda: "log n 2" in lines[3:], timeout=10000)
        link.stop()
    assert ended.args[0].stopped
    assert brick.motor("B", "command") == "stop"
    with qtbot.waitSignal(link.failed, timeout=10000) as failed:
        link.connect_brick(f"127.0.0.1:{free_port()}")
    assert "service is not running" in failed.args[0]
    link.shutdown()
