"""The IR remote in the simulator panel: a student presses its buttons while a program waits."""

from types import SimpleNamespace

from PySide6.QtCore import Qt

from robolab.language import parse_program
from robolab.live import FAST, FINISHED, RUNNING
from robolab.ui.sim.remote import RemoteControl
from test_ui_sim import panel  # noqa: F401 - the panel fixture, shown and shut down as there

PROGRAM = """\
robolab 1 palette ev3 1.0 world empty_arena
wait_remote button=top_right channel=2
log label="near" value=ir_proximity
wait_until condition=remote_beacon
say words="beacon"
"""


def test_the_remote_tells_the_channel_and_the_buttons_held(qtbot):
    remote = RemoteControl()
    qtbot.addWidget(remote)
    said = []
    remote.changed.connect(lambda channel, held: said.append((channel, held)))
    qtbot.mousePress(remote.buttons["top_left"], Qt.MouseButton.LeftButton)
    qtbot.mouseRelease(remote.buttons["top_left"], Qt.MouseButton.LeftButton)
    remote.channels.button(3).click()
    qtbot.mouseClick(remote.buttons["beacon"], Qt.MouseButton.LeftButton)
    assert said == [(1, ("top_left",)), (1, ()), (1, ()), (3, ()), (3, ("beacon",))]


def logged(panel) -> bool:
    """The run has reported the program's log (its value is in the data log)."""
    return bool(panel.datalog.log.current.series())


def test_a_program_waits_for_the_remote_button_the_student_presses(qtbot, panel, library):
    program, pack = parse_program(PROGRAM, library, "remote.rlab")
    panel.set_document(SimpleNamespace(program=program, pack=pack, path=None))
    panel.bar.speed.setCurrentIndex(panel.bar.speed.findData(FAST))
    panel.tabs.setCurrentWidget(panel.remote)
    qtbot.mouseClick(panel.bar.buttons["run"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.run is not None and panel.run.state == RUNNING and panel.run.latest.time > 1.0,
                    timeout=20000)
    assert panel.state == RUNNING  # waiting for the button
    qtbot.mousePress(panel.remote.buttons["top_right"], Qt.MouseButton.LeftButton)  # on channel 1: not heard
    qtbot.wait(200)
    qtbot.mouseRelease(panel.remote.buttons["top_right"], Qt.MouseButton.LeftButton)
    assert panel.state == RUNNING and not logged(panel)
    panel.remote.channels.button(2).click()
    qtbot.mousePress(panel.remote.buttons["top_right"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: logged(panel), timeout=20000)
    qtbot.mouseRelease(panel.remote.buttons["top_right"], Qt.MouseButton.LeftButton)
    panel.remote.channels.button(1).click()
    with qtbot.waitSignal(panel.state_changed, timeout=20000, check_params_cb=lambda s: s == FINISHED):
        qtbot.mouseClick(panel.remote.buttons["beacon"], Qt.MouseButton.LeftButton)
    panel.grab().save(str(__import__("pathlib").Path("/tmp") / "robolab-remote.png"))
    texts = panel.output.list.texts()
    assert any("beacon" in text for text in texts), texts
