"""Simulator → "Run a Python program…" in the window (pytest-qt, offscreen): an nbev3devsim program
runs to its end in the world its magic line names, with what it prints in Output; an ev3dev2
script's error shows at its line; the canvas program is untouched and Run goes back to it."""

import textwrap

from PySide6.QtCore import Qt
from windows import open_window

from robolab.live import FAST, FINISHED
from robolab.live.child import ChildRun
from robolab.live.python_program import EV3DEV2, NBEV3DEVSIM
from robolab.targets.simulator import PRINTED_MAX
from robolab.ui.sim import python_run

TWO_SENSORS = textwrap.dedent("""\
    %%sim_magic_preloaded -b Coloured_bands -x 100 -y 700
    from ev3dev2_glue import get_clock, pyState

    tank_drive.on(SpeedPercent(40), SpeedPercent(40))
    while get_clock() < 2:
        pyState()['seen'] = (colorLeft.color_name, colorRight.color_name)
    tank_drive.off()
    print('seen', pyState()['seen'], 'at', round(get_clock(), 1))
    """)

FAILS = textwrap.dedent("""\
    from ev3dev2.motor import MoveTank, OUTPUT_B, OUTPUT_C
    MoveTank(OUTPUT_B, OUTPUT_C).on_for_rotations(30, 30, 1)
    print('about to fail')
    missing_name + 1
    """)


def window_with_panel(qtbot, tmp_path, library):
    window = open_window(qtbot, tmp_path, library)
    window.dock_simulator()
    panel = window.simulator
    panel.bar.speed.setCurrentIndex(panel.bar.speed.findData(FAST))
    return window, panel


def run_to_end(qtbot, window, path, profile=None):
    panel = window.simulator
    with qtbot.waitSignal(panel.state_changed, timeout=60000, check_params_cb=lambda s: s == FINISHED):
        assert window.python_runs.run_file(path, profile)


def test_an_nbev3devsim_program_runs_to_its_end_in_its_own_world(qtbot, tmp_path, library):
    window, panel = window_with_panel(qtbot, tmp_path, library)
    canvas_program = window.document.program
    path = tmp_path / "bands.py"
    path.write_text(TWO_SENSORS)
    assert "Run a &Python program…" in [a.text() for a in window.python_runs.menu.actions()]
    run_to_end(qtbot, window, path)
    run = panel.run
    assert isinstance(run, ChildRun)   # in the run's own process; what it printed came over the pipe
    assert run.result.returncode == 0, run.result.stderr
    assert panel.world_name.endswith("coloured_bands.toml") and panel.bar.world.currentText() == "nbev3devsim Coloured bands"
    start = run.start_pose
    assert (start.x, start.y) == (100, panel.world.height - 700)
    assert panel.view.pose.x > start.x + 300        # it drove across the bands
    texts = panel.output.list.texts()
    assert any("seen ('" in text and "at 2.0" in text for text in texts), texts
    assert "the program ended" in texts[-1]
    assert panel.bar.result.text().startswith("bands.py: Finished at 2.")
    assert window.document.program is canvas_program   # the canvas program is untouched
    # Run runs the Python program again, until the canvas program is chosen back
    with qtbot.waitSignal(panel.state_changed, timeout=60000, check_params_cb=lambda s: s == FINISHED):
        qtbot.mouseClick(panel.bar.buttons["run"], Qt.MouseButton.LeftButton)
    assert panel.run.program.title == "bands.py"
    window.python_runs.back_to_canvas()
    assert panel.python_program is None and panel._program().program is canvas_program


def test_an_ev3dev2_script_s_error_shows_its_line(qtbot, tmp_path, library):
    window, panel = window_with_panel(qtbot, tmp_path, library)
    world = panel.world_name
    path = tmp_path / "fails.py"
    path.write_text(FAILS)
    run_to_end(qtbot, window, path, EV3DEV2)
    assert panel.world_name == world                # an ev3dev2 program runs in the panel's world
    texts = panel.output.list.texts()
    assert sum(text.endswith("about to fail") for text in texts) == 1, texts
    assert any("line 4" in text and "NameError" in text for text in texts), texts
    assert texts[-1] == "line 4: NameError: name 'missing_name' is not defined"
    assert panel.bar.result.text() == "fails.py: Error on line 4: NameError: name 'missing_name' is not defined"
    assert panel.view.pose.x != panel.start_pose.x or panel.view.pose.y != panel.start_pose.y   # it drove first


def test_a_file_that_cannot_run_is_said_in_output(qtbot, tmp_path, library):
    window, panel = window_with_panel(qtbot, tmp_path, library)
    path = tmp_path / "moon.py"
    path.write_text("%%sim_magic_preloaded -b Moon_base\n")
    assert not window.python_runs.run_file(path, NBEV3DEVSIM)
    assert "Not run: moon.py, its magic line: nbev3devsim background 'Moon_base'" in panel.output.list.texts()[-1]
    assert panel.python_program is None and panel.run is None


def test_the_menu_asks_for_a_file_and_a_profile_guessed_from_its_first_line(qtbot, tmp_path, library, monkeypatch):
    window, panel = window_with_panel(qtbot, tmp_path, library)
    path = tmp_path / "bands.py"
    path.write_text(TWO_SENSORS)
    asked = []

    def get_item(parent, title, label, items, current, editable):
        asked.append((label, items[current]))
        return items[current], True

    monkeypatch.setattr(python_run.QFileDialog, "getOpenFileName", lambda *args: (str(path), ""))
    monkeypatch.setattr(python_run.QInputDialog, "getItem", get_item)
    with qtbot.waitSignal(panel.state_changed, timeout=60000, check_params_cb=lambda s: s == FINISHED):
        window.python_runs.run_action.trigger()
    assert asked == [("Run bands.py as a program for:", python_run.PROFILE_LABELS[NBEV3DEVSIM])]
    assert panel.run.result.returncode == 0 and panel.run.program.profile == NBEV3DEVSIM


def test_step_pauses_at_each_statement_and_the_bar_says_its_line(qtbot, tmp_path, library):
    window, panel = window_with_panel(qtbot, tmp_path, library)
    path = tmp_path / "count.py"
    path.write_text("a = 1\n\nb = 2\nprint(a + b)\n")
    panel.python_program = python_run.read_python_program(path).program
    panel.step()
    qtbot.waitUntil(lambda: panel.bar.result.text() == "count.py: paused at line 1", timeout=10000)
    panel.step()
    qtbot.waitUntil(lambda: panel.bar.result.text() == "count.py: paused at line 3", timeout=10000)
    with qtbot.waitSignal(panel.state_changed, timeout=10000, check_params_cb=lambda s: s == FINISHED):
        panel.run_program()
    assert any(text.endswith("   3") for text in panel.output.list.texts())


def test_a_program_printing_without_end_does_not_swamp_the_output(qtbot, tmp_path, library):
    window, panel = window_with_panel(qtbot, tmp_path, library)
    path = tmp_path / "chatty.py"
    path.write_text("for n in range(5000):\n    print(n)\n")
    run_to_end(qtbot, window, path)
    texts = panel.output.list.texts()
    assert texts[0] == "Run 1 on the Simulator"
    assert len(texts) == PRINTED_MAX + 3 and texts[1].endswith("   0")
    assert "more printed than the 2000 lines" in texts[-2] and "the program ended" in texts[-1]
