"""The Connect dialog (pytest-qt, offscreen): paired bricks with their status, checked without blocking."""
import os
from pathlib import Path

import pytest

from robolab.ev3.pairing import Pairing, Pairings
from robolab.ui.ev3 import ConnectDialog

try:
    from tests.ev3.standin import StandInBrick, free_port
except ImportError:
    from ev3.standin import StandInBrick, free_port

SHOTS = Path(os.environ.get("ROBOLAB_SHOTS", "/tmp/robolab-shots"))


@pytest.fixture
def brick(tmp_path):
    standin = StandInBrick(tmp_path).start()
    yield standin
    standin.close()


def test_paired_bricks_show_their_status_and_one_can_be_chosen(qtbot, tmp_path, brick):
    pairings = Pairings(tmp_path / "bricks.json")
    pairings.save(brick.pairing)
    pairings.save(Pairing("group-9", "127.0.0.1", free_port(), "k"))  # switched off
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
