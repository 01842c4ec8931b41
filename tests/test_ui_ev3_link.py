"""The window's EV3 worker never swallows an error: whatever a call raises on it reaches the student
as a message, and a connection that failed in an unexpected way does not stay "connecting"."""

import pytest

from robolab.ev3 import mode as ev3_mode
from robolab.ev3.pairing import Pairings
from robolab.ui.ev3.link import EV3Link


@pytest.fixture
def link(qtbot, tmp_path):
    made = EV3Link(Pairings(tmp_path / "bricks.json"))
    yield made
    made.shutdown()


def test_any_exception_on_the_worker_reaches_the_student(qtbot, link):
    with qtbot.waitSignal(link.failed, timeout=5000) as caught:
        link._queue(lambda: 1 / 0)
    assert "ZeroDivisionError" in caught.args[0] and "division by zero" in caught.args[0]


def test_an_unexpected_failure_while_connecting_is_said_and_ends_connecting(qtbot, link, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("the brick sent a certificate that cannot be read")

    monkeypatch.setattr(ev3_mode, "connect", broken)
    states = []
    link.state.connect(lambda state, message: states.append(state))
    with qtbot.waitSignal(link.failed, timeout=5000) as caught:
        link.connect_brick("127.0.0.1:9")
    assert "certificate that cannot be read" in caught.args[0]
    qtbot.waitUntil(lambda: states and states[-1] == "disconnected", timeout=5000)
    assert states[0] == "connecting" and link.mode.state == "disconnected"
