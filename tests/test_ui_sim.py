"""The simulator panel, as a student uses it (pytest-qt, offscreen): run an example to its end,
pause and step, stop a `forever`, the running block, the data log, driving by hand, placing the
robot, errors at their block, a bad world file."""

import os
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import ROOT
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from robolab.language import parse_program
from robolab.live import FAST, FINISHED, PAUSED, RUNNING
from robolab.run import run_file
from robolab.ui.sim import SimulatorPanel

EXAMPLES = ROOT / "examples"
SHOTS = Path(os.environ.get("ROBOLAB_SHOTS", "/tmp/robolab-shots"))


def document(library, source=None, name="square.rlab"):
    path = EXAMPLES / name
    program, pack = parse_program(source or path.read_text(), library, str(path))
    return SimpleNamespace(program=program, pack=pack, path=path if source is None else None)


@pytest.fixture
def panel(qtbot):
    widget = SimulatorPanel()
    qtbot.addWidget(widget)
    widget.resize(640, 820)
    widget.show()
    yield widget
    widget.shutdown()


def choose_speed(panel, speed):
    panel.bar.speed.setCurrentIndex(panel.bar.speed.findData(speed))


def shot(widget, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(SHOTS / f"{name}.png"))


def test_an_example_runs_to_its_end_where_robolab_run_says(qtbot, panel, library):
    summary, _ = run_file(str(EXAMPLES / "square.rlab"), library)
    panel.set_document(document(library))
    choose_speed(panel, FAST)
    with qtbot.waitSignal(panel.state_changed, timeout=30000, check_params_cb=lambda s: s == FINISHED):
        qtbot.mouseClick(panel.bar.buttons["run"], Qt.MouseButton.LeftButton)
    pose = panel.view.pose
    assert (round(pose.x, 3), round(pose.y, 3), round(pose.heading, 3)) == (
        summary.pose["x"], summary.pose["y"], summary.pose["heading"])
    assert len(panel.view.trail) > 100  # the trail shows the square
    assert "the program ended" in panel.output.list.texts()[-1]
    assert panel.bar.result.isVisibleTo(panel) and panel.bar.result.text().startswith("Finished at")
    assert panel.bar.buttons["run"].isEnabled() and not panel.bar.buttons["stop"].isEnabled()
    shot(panel, "square_finished")


def test_pause_then_step_advances_one_block(qtbot, panel, library):
    panel.set_document(document(library, name="i_can_count.rlab"))
    choose_speed(panel, 5.0)
    blocks = []
    panel.runs.running_block.connect(blocks.append)
    panel.run_program()
    qtbot.waitUntil(lambda: panel.variables.value_text("N") == "3", timeout=20000)
    panel.pause()
    qtbot.waitUntil(lambda: panel.run.state == PAUSED, timeout=5000)
    qtbot.waitUntil(lambda: blocks and blocks[-1] == panel.run.latest.block, timeout=2000)
    before = blocks[-1]
    qtbot.waitUntil(lambda: panel.bar.buttons["run"].text() == "Continue", timeout=2000)
    body = [(3, "do", 2), (3, "do", 2, "do", 1), (3, "do", 2, "do", 2), (3, "do", 2, "do", 3)]
    panel.step()
    qtbot.waitUntil(lambda: panel.run.state == PAUSED and blocks[-1] != before, timeout=5000)
    assert blocks[-1] == body[(body.index(before) + 1) % len(body)]
    clock = panel.run.latest.time
    qtbot.wait(200)
    assert panel.run.latest.time == clock  # paused: the simulated clock stands still
    panel.stop()
    qtbot.waitUntil(lambda: panel.state == FINISHED, timeout=5000)


@pytest.mark.parametrize("pack, body", [("ev3", "forever {\n}\n"), ("treescript", "main {\n    forever {\n    }\n}\n")])
def test_stop_during_an_empty_forever_and_the_window_lives(qtbot, panel, library, pack, body):
    panel.set_document(document(library, f"robolab 1 palette {pack} 1.0\n{body}"))
    panel.run_program()
    for _ in range(3):   # the window's own events still come while the program spins
        answered = []
        QTimer.singleShot(20, lambda: answered.append(panel.run.state))
        qtbot.waitUntil(lambda: bool(answered), timeout=5000)
        assert answered == [RUNNING]
    qtbot.mouseClick(panel.bar.buttons["stop"], Qt.MouseButton.LeftButton)
    assert panel.run.wait(1.0) and panel.run.result.stopped   # 100 ms is the target, measured in bench/ui.py
    qtbot.waitUntil(lambda: panel.bar.buttons["run"].isEnabled(), timeout=2000)
    qtbot.waitUntil(lambda: panel.bar.result.text().startswith("Stopped at"), timeout=2000)
    assert panel.bar.result.isVisibleTo(panel)
    panel.reset()
    assert not panel.bar.result.isVisibleTo(panel)


def test_the_highlighted_block_follows_the_program(qtbot, panel, library):
    panel.set_document(document(library, name="square.rlab"))
    choose_speed(panel, 5.0)
    blocks, lines = [], []
    panel.runs.running_block.connect(blocks.append)
    panel.runs.running_line.connect(lines.append)
    panel.run_program()
    qtbot.waitUntil(lambda: panel.state == FINISHED, timeout=30000)
    drive, turn = (2, "do", 0), (2, "do", 2)   # repeat 4 { drive; comment; tank_drive }
    sides = [b for b in blocks if b in (drive, turn)]
    assert sides == [drive, turn] * 4
    assert blocks[-1] is None and lines[-1] == 0   # the highlight goes when the program ends
    python = panel.run.program.source.splitlines()
    shown = {python[n - 1].strip().split("(")[0] for n in lines if n}
    assert {"tank_drive.on_for_rotations", "tank_drive.on_for_degrees"} <= shown


def test_variables_and_messages_follow_the_program(qtbot, panel, library):
    panel.set_document(document(library, name="i_can_count.rlab"))
    choose_speed(panel, 10.0)
    panel.run_program()
    shown = []
    for count in (3, 6):   # held twice on the way: the view shows what the run reports there
        qtbot.waitUntil(lambda: panel.run.latest.variables.get("N", 0) >= count, timeout=20000)
        panel.pause()
        qtbot.waitUntil(lambda: panel.state == PAUSED, timeout=5000)
        reported = panel.run.latest.variables["N"]
        qtbot.waitUntil(lambda: panel.variables.value_text("N") == str(reported), timeout=2000)
        shown.append(reported)
        panel.run_program()   # continue
    assert shown[0] < shown[1] < 10   # it was seen counting up
    qtbot.waitUntil(lambda: panel.state == FINISHED, timeout=30000)
    assert panel.variables.value_text("N") == "10" and panel.run.latest.variables["N"] == 10
    messages = [t.split("message ")[1] for t in panel.output.list.texts() if "message " in t]
    assert messages[:2] == ["1 (one)", "2 (two)"] and len(messages) == 9


def test_the_data_log_holds_the_logged_values(qtbot, panel, library, tmp_path):
    summary, _ = run_file(str(EXAMPLES / "data_logging.rlab"), library)
    panel.set_document(document(library, name="data_logging.rlab"))
    choose_speed(panel, FAST)
    assert "ultrasonic 4" in panel.datalog.channels   # offered before any run: the robot's sensors
    panel.datalog.set_sensors(["ultrasonic 4"])       # the run samples only what is plotted
    panel.run_program()
    qtbot.waitUntil(lambda: panel.state == FINISHED, timeout=30000)
    qtbot.wait(50)
    logged = panel.datalog.log.current.logged
    expected = [e["value"] for e in summary.events if e.get("kind") == "log" and e["name"] == "distance"]
    assert [v for _, v in logged["distance"]] == pytest.approx(expected)
    assert list(panel.datalog.log.current.sampled) == ["ultrasonic 4"]
    panel.tabs.setCurrentWidget(panel.datalog)
    panel.datalog.export_csv(tmp_path / "log.csv")
    header = (tmp_path / "log.csv").read_text().splitlines()[0]
    assert "distance" in header and "ultrasonic 4" in header
    panel.datalog.export_png(tmp_path / "log.png")
    assert (tmp_path / "log.png").read_bytes()[:4] == b"\x89PNG"
    panel.run_program()  # a second run is drawn over the first
    qtbot.waitUntil(lambda: panel.state == FINISHED, timeout=30000)
    assert len(panel.datalog.log.runs) == 2
    shot(panel, "data_log")


def test_the_data_log_offers_the_robot_s_figures_and_the_run_samples_only_those_plotted(qtbot, panel, library):
    panel.set_document(document(library, name="data_logging.rlab"))
    menu = panel.datalog.sensor_menu
    menu.aboutToShow.emit()   # offered before any run: the robot's sensors and motors
    offered = {action.text(): action for action in menu.actions()}
    assert {"ultrasonic 4", "gyro 2", "large motor B degrees"} <= set(offered)
    panel.run_program()
    qtbot.waitUntil(lambda: panel.run.latest.time > 0.3, timeout=20000)
    assert panel.run.samples == []   # nothing plotted: nothing sampled
    offered["ultrasonic 4"].setChecked(True)   # chosen while it runs: the run's process is told
    assert panel.run.plotted == {"ultrasonic 4"}
    qtbot.waitUntil(lambda: len(panel.run.samples) > 2, timeout=20000)
    panel.stop()
    qtbot.waitUntil(lambda: panel.state == FINISHED, timeout=10000)
    assert all(list(values) == ["ultrasonic 4"] for _, values in panel.run.samples)
    assert panel.run.samples[0][0] > 0.3 and "ultrasonic 4" in panel.datalog.log.current.sampled


def test_drive_by_hand_moves_the_robot(qtbot, panel):
    panel.tabs.setCurrentWidget(panel.controls)
    start = panel.view.pose
    panel.controls.buttons["forward"].pressed.emit()
    qtbot.waitUntil(lambda: panel.view.pose.x - start.x > 40, timeout=5000)
    panel.controls.buttons["forward"].released.emit()
    qtbot.waitUntil(lambda: all(m.speed == 0 for m in panel.drive.latest.motors), timeout=5000)
    moved = panel.view.pose
    QTest.keyPress(panel.controls, Qt.Key.Key_Left)
    qtbot.waitUntil(lambda: abs(panel.view.pose.heading - moved.heading) > 15, timeout=5000)
    QTest.keyRelease(panel.controls, Qt.Key.Key_Left)
    assert panel.view.pose.heading > moved.heading  # left: counter-clockwise
    panel.tabs.setCurrentWidget(panel.readouts)
    qtbot.wait(150)
    assert panel.readouts.figure("sensor 4").endswith("cm")
    assert "ultrasonic 4: " in panel.controls.readings.text()   # the Drive tab shows them too
    shot(panel, "drive_by_hand")


def test_placing_the_robot_sets_where_the_run_starts(qtbot, panel, library):
    view = panel.view
    centre = view.to_screen(view.pose.x, view.pose.y).toPoint()
    target = centre + QPoint(-80, 40)
    QTest.mousePress(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    QTest.mouseMove(view, centre + QPoint(-40, 20))
    QTest.mouseMove(view, target)
    QTest.mouseRelease(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, target)
    x, y = view.to_world(target)
    assert abs(panel.start_pose.x - x) < 3 and abs(panel.start_pose.y - y) < 3
    QTest.mousePress(view, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, target)
    QTest.mouseMove(view, target + QPoint(0, -60))  # up on screen: heading 90
    QTest.mouseRelease(view, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, target + QPoint(0, -60))
    assert panel.start_pose.heading == 90
    panel.set_document(document(library))
    panel.run_program()
    assert (panel.run.start_pose.x, panel.run.start_pose.y) == pytest.approx((panel.start_pose.x, panel.start_pose.y))
    panel.stop()
    qtbot.waitUntil(lambda: panel.state == FINISHED, timeout=5000)
    panel.reset()
    assert panel.view.pose == panel.start_pose and panel.view.editable


def test_a_runtime_error_points_at_its_block(qtbot, panel, library):
    source = "robolab 1 palette ev3 1.0\nvar name=zero value=0\nvar name=x value=1\nset name=x value=(10 / zero)\n"
    panel.set_document(document(library, source))
    with qtbot.waitSignal(panel.runs.error_block, timeout=10000) as caught:
        panel.run_program()
    block, message = caught.args
    assert block == (2,) and "ZeroDivisionError" in message
    assert panel.output.texts()[-1].startswith("line 4: ZeroDivisionError")
    assert panel.bar.result.text().startswith("Error on line 4: ZeroDivisionError")  # in view, not in a tab
    with qtbot.waitSignal(panel.runs.error_block, timeout=2000) as again:   # clicking the error line selects it again
        panel.output.list.itemClicked.emit(panel.output.list.item(panel.output.list.count() - 1))
    assert again.args[0] == (2,)


def test_a_bad_world_file_is_reported_and_the_world_kept(qtbot, panel, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('size = [1000, 800]\nfloor = "white"\n')
    before = panel.world
    with qtbot.waitSignal(panel.world_changed, timeout=10000) as read:
        panel.set_world(str(bad))
    assert read.args == [False]
    assert panel.world is before
    assert "bad.toml:2" in panel.output.list.texts()[-1]
    good = tmp_path / "small.toml"
    good.write_text('size = [1000, 800]\n[[wall]]\nrectangle = [400, 0, 420, 500]\n')
    with qtbot.waitSignal(panel.world_changed, timeout=10000) as read:
        panel.set_world(str(good))
    assert read.args == [True] and panel.world.width == 1000
    assert panel.bar.world.currentText() == "small"  # no name in the file: its file's name
    named = tmp_path / "corridor_2.toml"
    named.write_text('name = "The long corridor"\nsize = [1000, 800]\n')
    with qtbot.waitSignal(panel.world_changed, timeout=10000) as read:
        panel.set_world(str(named))
    assert read.args == [True] and panel.bar.world.currentText() == "The long corridor"
    shipped = [panel.bar.world.itemText(i) for i in range(panel.bar.world.count())]
    assert "obstacle course" in shipped and "obstacle_course" not in shipped


def test_presentation_makes_the_text_larger(qtbot, panel):
    from robolab.ui.theme import ui_font

    normal = ui_font(1.0).pointSizeF()
    panel.bar.present.setChecked(True)
    assert panel.font().pointSizeF() > normal * 1.4
    assert panel.variables.font().pointSizeF() > normal * 1.4   # tables too, not only labels
    panel.bar.present.setChecked(False)
    assert panel.font().pointSizeF() == pytest.approx(normal)


def test_docked_in_the_window_it_runs_the_open_program_and_outlines_its_lines(qtbot, tmp_path, library):
    from PySide6.QtCore import QSettings

    from robolab.ui.autosave import Autosave
    from robolab.ui.main_window import MainWindow

    window = MainWindow(library, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),
                        autosave=Autosave(tmp_path / "autosave"))
    window.files.ask_unsaved = lambda: "discard"
    qtbot.addWidget(window)
    window.resize(1500, 900)
    window.show()
    qtbot.waitUntil(lambda: window.simulator is not None, timeout=10000)
    panel = window.simulator
    try:
        assert window.files.open_file(EXAMPLES / "square.rlab")
        assert panel.document is window.document and panel.world_name == "empty_arena"
        from robolab.ui.canvas import RUNNING

        def outlined(path):
            return bool(window.canvas.item_at(path).data(RUNNING))

        choose_speed(panel, 5.0)
        panel.run_program()
        turn = (2, "do", 2)
        qtbot.waitUntil(lambda: outlined(turn), timeout=20000)   # the running line is outlined
        from robolab.ui.line_marker import marked_line

        python = window.python_view
        qtbot.waitUntil(lambda: marked_line(python) > 0, timeout=5000)   # and its Python line marked
        marked = python.document().findBlockByNumber(marked_line(python) - 1).text().strip()
        assert marked.startswith(("tank_drive.on_for_degrees", "tank_drive.on_for_rotations", "for _ in"))
        assert not outlined((2, "do", 0))
        qtbot.waitUntil(lambda: outlined((2, "do", 0)) and not outlined(turn), timeout=20000)  # and it moves on
        qtbot.waitUntil(lambda: panel.state == FINISHED, timeout=30000)
        assert not outlined(turn) and not outlined((2, "do", 0))
        assert marked_line(python) == 0
        shot(window, "window_with_simulator")
    finally:
        panel.shutdown()


def test_speech_sounds_and_the_ev3_screen_show_in_the_output(qtbot, panel, library):
    source = ('robolab 1 palette ev3 1.0\nsay words="Hello there"\nbeep\n'
              'show_text text="Hi class" line=2\nwait seconds=0.5\n')
    panel.set_document(document(library, source))
    choose_speed(panel, FAST)
    spoken = []
    panel.output.list.spoken.connect(spoken.append)
    panel.run_program()
    qtbot.waitUntil(lambda: panel.state == FINISHED, timeout=20000)
    texts = panel.output.list.texts()
    assert any("says “Hello there”" in t for t in texts) and any(t.endswith("beep") for t in texts)
    assert spoken == ["Hello there"]
    screen = panel.output.screen.image
    assert screen is not None and screen.width() == 178
    dark = sum(1 for y in range(screen.height()) for x in range(screen.width()) if screen.pixelColor(x, y).value() < 128)
    assert dark > 50   # the words are on the screen
    shot(panel.output, "output_and_screen")


def test_a_program_with_problems_is_not_run_and_says_why(qtbot, panel, library):
    from robolab.language import read_program

    loaded = read_program("robolab 1 palette ev3 1.0\nset name=nowhere value=1\n", library, "broken.rlab")
    assert loaded.problems
    panel.set_document(SimpleNamespace(program=loaded.program, pack=loaded.pack, path=None))
    panel.run_program()
    assert panel.run is None and panel.state != RUNNING
    assert "problems to fix" in panel.output.list.texts()[-1] and "nowhere" in panel.output.list.texts()[-1]


def test_trace_outlines_every_block_in_turn(qtbot, panel, library):
    panel.set_document(document(library, name="i_can_count.rlab"))
    choose_speed(panel, FAST)
    panel.bar.trace.setChecked(True)
    blocks = []
    panel.runs.running_block.connect(blocks.append)
    panel.run_program()
    send, set_n = (3, "do", 2, "do", 1), (3, "do", 2, "do", 3)
    qtbot.waitUntil(lambda: blocks.count(set_n) >= 2, timeout=20000)
    assert blocks.index(send) < blocks.index(set_n)
    panel.bar.trace.setChecked(False)   # and off again: the run finishes at full speed
    qtbot.waitUntil(lambda: panel.state == FINISHED, timeout=20000)
    assert panel.variables.value_text("N") == "10"


def test_opening_another_program_stops_the_run(qtbot, panel, library):
    panel.set_document(document(library, name="line_follower.rlab"))
    assert panel.world_name == "line_track"
    panel.run_program()
    qtbot.waitUntil(lambda: panel.run.latest.time > 0.2, timeout=10000)
    running = panel.run
    panel.set_document(document(library, name="square.rlab"))
    assert running.state == FINISHED and running.result.stopped
    assert panel.world_name == "empty_arena" and panel.state == "ready"   # the new program's world


def test_another_program_and_robot_reset_every_card_variable_output_and_highlight(qtbot, panel, library, tmp_path):
    panel.set_document(document(library, name="i_can_count.rlab"))
    blocks = []
    panel.runs.running_block.connect(blocks.append)
    choose_speed(panel, FAST)
    panel.run_program()
    qtbot.waitUntil(lambda: panel.state == FINISHED, timeout=30000)
    assert panel.variables.value_text("N") == "10" and panel.output.list.count() > 5
    assert set(panel.readouts.cards) == {"sensor 1", "sensor 2", "sensor 3", "sensor 4", "motor A", "motor B",
                                         "motor C"}
    assert panel.readouts.figure("sensor 2").endswith("°")   # the educator robot's gyro on port 2

    world = tmp_path / "nb_arena.toml"   # a world made for another robot: motors B and C, a colour sensor on 2
    robot = ROOT / "simulator" / "robots" / "nbev3devsim.toml"
    world.write_text(f'size = [1500, 1000]\nfloor = "#ffffff"\nrobot = "{robot}"\n[start]\nx = 300\ny = 500\n'
                     'heading = 0\n')
    source = f'robolab 1 palette ev3 1.0 world "{world}"\nvar name=k value=1\n'
    with qtbot.waitSignal(panel.world_changed, timeout=10000):
        panel.set_document(document(library, source))
    assert set(panel.readouts.cards) == {"sensor 1", "sensor 2", "sensor 3", "sensor 4", "motor B", "motor C"}
    shown = [card for card in panel.readouts.findChildren(QWidget)
             if card.objectName() == "card" and card.isVisibleTo(panel.readouts)]
    assert set(map(id, shown)) <= set(map(id, panel.readouts.cards.values()))   # no old card left drawn
    assert panel.readouts.figure("sensor 2").endswith("%")   # a colour sensor now, not the old gyro
    assert panel.readouts.figure("motor B") == "0 %"
    assert panel.variables.rowCount() == 0 and panel.output.list.count() == 0
    assert blocks[-1] is None and panel.view.trail == [] and panel.view.caption == ""
    assert panel.state == "ready" and not panel.bar.result.isVisibleTo(panel)


@pytest.mark.parametrize("ending", ["stopped", "error"])
def test_traces_outline_goes_when_the_run_ends_or_stops(qtbot, panel, library, ending):
    body = "forever {\n    wait seconds=0.1\n}\n" if ending == "stopped" else \
        "var name=zero value=0\nwait seconds=0.2\nset name=zero value=(1 / zero)\n"
    panel.set_document(document(library, f"robolab 1 palette ev3 1.0\n{body}"))
    panel.bar.trace.setChecked(True)
    blocks = []
    panel.runs.running_block.connect(blocks.append)
    panel.run_program()
    qtbot.waitUntil(lambda: any(b is not None for b in blocks), timeout=10000)   # the outline is on a block
    if ending == "stopped":
        panel.stop()
    qtbot.waitUntil(lambda: panel.state == FINISHED, timeout=10000)
    assert blocks[-1] is None
