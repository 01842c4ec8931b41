"""The window as a whole (offscreen): panels, zoom for every pane, presentation mode, settings and
layout that persist, reset layout, the value editor's edits as undoable commands."""

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt, Signal
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QLabel

from robolab.model.expr import Num
from robolab.ui import theme as th
from tests.windows import open_window

SQUARE = "robolab 1 palette ev3 1.0\nrepeat times=4 {\n    drive speed=50 amount=2 unit=rotations\n}\nbeep\n"


def make(qtbot, tmp_path, library):
    return open_window(qtbot, tmp_path, library)


@pytest.fixture
def window(qtbot, tmp_path, library):
    return make(qtbot, tmp_path, library)


def open_square(window, tmp_path):
    path = tmp_path / "square.rlab"
    path.write_text(SQUARE)
    assert window.files.open_file(path)


class ZoomablePanel(QLabel):
    def __init__(self):
        super().__init__("simulator")
        self.zooms = []

    def set_zoom(self, factor):
        self.zooms.append(factor)


def test_add_panel_docks_on_the_right_and_follows_zoom(window):
    panel = ZoomablePanel()
    dock = window.add_panel("Challenge", panel, "right")
    assert window.dockWidgetArea(dock) == Qt.DockWidgetArea.RightDockWidgetArea
    assert dock.toggleViewAction() in window._view_menu.actions()
    window.set_zoom(1.5)
    assert panel.zooms[-1] == 1.5


def test_one_zoom_for_every_pane(window, qtbot):
    sizes = lambda: (window.canvas.font().pointSizeF(), window.python_view.font().pointSizeF(),  # noqa: E731
                     window.problems_view.font().pointSizeF(), window.palette_view.search.font().pointSizeF())
    before = sizes()
    row = window.canvas.delegate.sizeHint(None, window.canvas.model().index(0, 0)).height()
    qtbot.keyClick(window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert window.zoom > 1
    assert all(after > b for after, b in zip(sizes(), before))
    assert window.canvas.delegate.sizeHint(None, window.canvas.model().index(0, 0)).height() > row
    qtbot.keyClick(window, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert window.zoom < 1
    qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert window.zoom == 1.0 and sizes() == before
    wheel = QWheelEvent(QPointF(50, 50), QPointF(50, 50), QPoint(0, 0), QPoint(0, 120), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.ControlModifier, Qt.ScrollPhase.NoScrollPhase, False)
    window.canvas.wheelEvent(wheel)
    assert window.zoom > 1


def test_presentation_mode_is_large_and_high_contrast(window):
    window.set_presentation(True)
    assert window.canvas.delegate.theme is th.CONTRAST
    assert window.canvas.font().pointSizeF() == pytest.approx(th.BASE_POINT_SIZE * th.PRESENTATION_ZOOM)
    window.set_presentation(False)
    assert window.canvas.delegate.theme is th.LIGHT


def test_settings_and_layout_persist_and_reset_layout_restores(qtbot, tmp_path, library):
    first = make(qtbot, tmp_path, library)
    first.set_zoom(1.3)
    first.palette_view.level.setCurrentText("Week 2: loops and sound")
    first.panels["Problems"].hide()
    first.close()
    second = make(qtbot, tmp_path, library)
    assert second.zoom == 1.3
    assert second.palette_view.level.currentText() == "Week 2: loops and sound"
    assert second.panels["Problems"].isHidden()
    second.reset_layout()
    assert not second.panels["Problems"].isHidden()
    assert second.dockWidgetArea(second.panels["Problems"]) == Qt.DockWidgetArea.BottomDockWidgetArea


def test_the_level_only_filters_the_palette_never_the_program(window, tmp_path):
    path = tmp_path / "p.rlab"
    path.write_text("robolab 1 palette ev3 1.0\ndefine name=p inputs=[] {\n    beep\n}\nrun name=p values=[]\n")
    window.files.open_file(path)
    window.palette_view.level.setCurrentText("Week 1: driving")
    assert "define" not in window.palette_view.visible_ids()
    assert window.canvas.program_model.rowCount() == 3 and "define" in window.document.text()  # define, beep, run


def test_palette_search_filters_and_tooltips_explain(window):
    palette = window.palette_view
    palette.search.setText("colour sensor")
    shown = palette.visible_ids()
    assert "wait_colour" in shown and "drive" not in shown
    assert "colour sensor" in palette._item("wait_colour").toolTip(0)
    palette.search.setText("teleport")
    assert palette.visible_ids() == [] and "No command matches" in palette.no_match.text()
    assert not palette.no_match.isHidden()


def test_value_edits_are_undoable_commands(window, tmp_path):
    open_square(window, tmp_path)
    window.canvas.select_paths([(0, "do", 0)])
    window.values.value_changed.emit("amount", Num(3))
    assert "amount=3 " in window.document.text()
    window.values.value_changed.emit("unit", "miles")  # refused: not one of the choices
    assert "Can't do that" in window.refusal.text() and "unit=rotations" in window.document.text()
    window.undo_stack.undo()
    assert window.document.text() == SQUARE
    assert window.undo_stack.undoText() == ""


def test_window_title_shows_the_file_and_unsaved_changes(window, tmp_path):
    open_square(window, tmp_path)
    assert window.windowTitle().startswith("square.rlab")
    assert not window.isWindowModified()
    window.insert_command("beep")
    assert window.isWindowModified()


def test_a_value_edit_through_the_value_editor_is_undoable(window, tmp_path):
    open_square(window, tmp_path)
    window.canvas.select_paths([(0, "do", 0)])
    combo = window.values.field("unit").focus_widget()
    assert combo.currentData() == "rotations"
    combo.activated.emit(combo.findData("seconds"))
    assert "unit=seconds" in window.document.text()
    assert window.undo_stack.undoText() == "Change value"
    assert "seconds" in window.canvas.line_text((0, "do", 0))
    window.undo_stack.undo()
    assert window.document.text() == SQUARE
    # the editor shows the program as it is after the undo
    assert window.values.field("unit").focus_widget().currentData() == "rotations"
    window.undo_stack.redo()
    assert window.values.field("unit").focus_widget().currentData() == "seconds"


def test_a_panel_docked_after_start_keeps_its_place_and_reset_puts_it_back(qtbot, tmp_path, library):
    first = make(qtbot, tmp_path, library)
    dock = first.add_panel("Challenge", QLabel("sim"), "right")
    first.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)  # the user moves it
    first.close()
    second = make(qtbot, tmp_path, library)
    dock = second.add_panel("Challenge", QLabel("sim"), "right")
    assert second.dockWidgetArea(dock) == Qt.DockWidgetArea.BottomDockWidgetArea
    second.reset_layout()
    assert second.dockWidgetArea(dock) == Qt.DockWidgetArea.RightDockWidgetArea


class FakeRunPanel(QLabel):
    """Stands for the simulator panel: what it tells the window, as signals."""

    running_block = Signal(object)
    error_block = Signal(object, str)

    def __init__(self):
        super().__init__("run")
        self.documents = []

    def set_document(self, document):
        self.documents.append(document.title)


def test_a_run_panel_is_told_the_program_and_shows_the_running_line(window, tmp_path):
    from robolab.ui.line_painter import RUNNING

    panel = FakeRunPanel()
    window.add_panel("Runner", panel, "right")
    assert panel.documents == ["Untitled"]
    open_square(window, tmp_path)
    assert panel.documents[-1] == "square.rlab"
    panel.running_block.emit((0, "do", 0))
    assert window.canvas.item_at((0, "do", 0)).data(RUNNING)
    panel.running_block.emit((1,))
    assert not window.canvas.item_at((0, "do", 0)).data(RUNNING)
    assert window.canvas.item_at((1,)).data(RUNNING)
    panel.running_block.emit(None)
    assert not window.canvas.item_at((1,)).data(RUNNING)
    panel.error_block.emit((0,), "division by zero")
    assert window.canvas.selected_paths() == [(0,)]
    assert "division by zero" in window.statusBar().currentMessage()


def test_enter_on_a_line_goes_to_its_values(window, tmp_path, qtbot):
    open_square(window, tmp_path)
    window.canvas.select_paths([(0, "do", 0)])
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_Return)
    focused = window.focusWidget()
    assert focused is not None and window.values.isAncestorOf(focused)
    assert focused is window.values.field("speed").focus_widget()
    qtbot.keyClick(focused, Qt.Key.Key_Escape)  # nothing to undo in the field: back to the program
    assert window.focusWidget() is window.canvas


def test_an_expression_built_by_clicking_changes_the_program_undoably(window, tmp_path):
    open_square(window, tmp_path)
    window.canvas.select_paths([(0, "do", 0)])  # drive speed=50
    field = window.values.field("speed")
    dialog = field.open_builder()
    dialog.clear()
    for piece in ("distance", "/", "2"):
        assert dialog.add(piece), piece
    dialog.apply()
    assert "drive speed=(distance / 2) amount=2" in window.document.text()
    assert "distance / 2" in window.canvas.line_text((0, "do", 0))
    window.undo_stack.undo()
    assert window.document.text() == SQUARE


@pytest.mark.parametrize("move", ["tabified", "floating", "bottom", "hidden"])
def test_a_layout_saved_by_an_earlier_launch_is_restored_with_the_simulator_in_it(qtbot, tmp_path, library, move):
    """The start-up crash of issue 14: a saved layout naming the simulator's dock, restored by a
    later launch with another program. The dock exists before the layout is restored; the panel
    fills it after the first frame, where the user left it."""
    from robolab.shipped import examples_dir

    first = make(qtbot, tmp_path, library)
    first.files.open_file(examples_dir() / "square.rlab")
    first.dock_simulator()
    dock = first.panels["Simulator"]
    if move == "tabified":
        first.tabifyDockWidget(first.panels["Values"], dock)
    elif move == "floating":
        dock.setFloating(True)
    elif move == "bottom":
        first.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    else:
        dock.hide()
    qtbot.wait(10)
    first.close()
    expected_area = first.dockWidgetArea(dock)
    for program in ("line_follower.rlab", "bump_and_turn.rlab"):
        later = make(qtbot, tmp_path, library)
        assert later.files.open_file(examples_dir() / program)
        dock = later.panels["Simulator"]
        assert dock.isFloating() == (move == "floating") and dock.isHidden() == (move == "hidden")
        assert later.dockWidgetArea(dock) == expected_area
        qtbot.waitUntil(lambda: later.simulator is not None, timeout=10000)
        assert dock.widget() is later.simulator and later.simulator.document is later.document
        assert later.dockWidgetArea(dock) == expected_area
        later.close()
