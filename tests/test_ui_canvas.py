"""The canvas and palette in a real window (offscreen): drag and drop, moves with bodies, refused
drops, keyboard-only editing, clipboard, and undo/redo of every kind of edit."""

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt
from PySide6.QtGui import QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from robolab.model import edits
from robolab.model.expr import Num
from robolab.ui.canvas_drops import COMMAND_MIME
from tests.windows import open_window

# QDragMoveEvent's only constructor is marked deprecated in PySide6 6.12 (no replacement yet)
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SQUARE = """robolab 1 palette ev3 1.0
repeat times=4 {
    drive speed=50 amount=2 unit=rotations
    tank_drive left=30 right=-30 amount=190 unit=degrees
}
beep
"""


@pytest.fixture
def window(qtbot, tmp_path, library):
    return open_window(qtbot, tmp_path, library, size=(1200, 800))


def open_text(window, tmp_path, text=SQUARE, name="square.rlab"):
    path = tmp_path / name
    path.write_text(text)
    assert window.files.open_file(path)
    return path


def body(window) -> list[str]:
    return window.document.text().splitlines()[1:]


def point(canvas, path, where="upper"):
    rect = canvas.item_rect(canvas.item_at(path))
    y = rect.top() + 3 if where == "upper" else rect.bottom() - 3
    return QPointF(rect.left() + 40, y)


def drop(canvas, mime: QMimeData, pos: QPointF) -> bool:
    actions = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
    move = QDragMoveEvent(pos.toPoint(), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    canvas.dragMoveEvent(move)
    event = QDropEvent(pos, actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    canvas.dropEvent(event)
    return event.isAccepted()


def palette_mime(window, command_id):
    item = window.palette_view._item(command_id)
    assert item is not None, command_id
    mime = window.palette_view.tree.mimeData([item])
    assert bytes(mime.data(COMMAND_MIME)).decode() == command_id
    return mime


def test_drag_from_palette_and_drop_after_a_line_or_inside_a_body(window, tmp_path):
    open_text(window, tmp_path)
    canvas = window.canvas
    assert drop(canvas, palette_mime(window, "wait"), point(canvas, (1,), "upper"))
    assert body(window)[4] == "wait seconds=1"
    # the lower half of a loop's line drops inside it, first in its body
    assert drop(canvas, palette_mime(window, "beep"), point(canvas, (0,), "lower"))
    assert body(window)[1] == "    beep"
    assert canvas.selected_paths() == [(0, "do", 0)]
    window.undo_stack.undo()
    window.undo_stack.undo()
    assert window.document.text() == SQUARE


def test_drop_below_every_line_appends(window, tmp_path):
    open_text(window, tmp_path)
    canvas = window.canvas
    assert drop(canvas, palette_mime(window, "wait"), QPointF(100, canvas.viewport().height() - 5))
    assert body(window)[-1] == "wait seconds=1"


def test_move_a_block_with_its_body(window, tmp_path):
    open_text(window, tmp_path)
    canvas = window.canvas
    canvas.select_paths([(0,)])
    assert drop(canvas, canvas.lines_mime(), point(canvas, (1,), "lower"))
    assert body(window) == ["beep", "repeat times=4 {", "    drive speed=50 amount=2 unit=rotations",
                            "    tank_drive left=30 right=-30 amount=190 unit=degrees", "}"]
    depths = [depth for _, _, depth in canvas.program_model.rows()]
    assert depths == [0, 0, 1, 1]  # the canvas moved the loop's rows along, under it
    assert canvas.path_of(canvas.program_model.item(3)) == (1, "do", 1)
    window.undo_stack.undo()
    assert window.document.text() == SQUARE
    assert [depth for _, _, depth in canvas.program_model.rows()] == [0, 1, 1, 0]


def test_refused_drop_says_why_and_changes_nothing(window, tmp_path):
    open_text(window, tmp_path)
    canvas = window.canvas
    assert not drop(canvas, palette_mime(window, "leave_loop"), point(canvas, (1,), "upper"))
    assert window.document.text() == SQUARE
    assert "inside" in window.refusal.text() and "leave_loop" in window.refusal.text()
    assert window.undo_stack.count() == 0
    # into itself
    canvas.select_paths([(0,)])
    assert not drop(canvas, canvas.lines_mime(), point(canvas, (0, "do", 0), "lower"))
    assert "inside itself" in window.refusal.text()
    assert window.document.text() == SQUARE


def test_keyboard_only_building_of_a_program(window, qtbot):
    palette, canvas = window.palette_view, window.canvas
    palette.level.setCurrentText("Week 1: driving")
    assert "define" not in palette.visible_ids() and "drive" in palette.visible_ids()
    qtbot.keyClicks(palette.search, "repeat")
    qtbot.keyClick(palette.search, Qt.Key.Key_Return)
    palette.search.clear()
    qtbot.keyClicks(palette.search, "beep")
    qtbot.keyClick(palette.search, Qt.Key.Key_Return)  # goes after the selected repeat
    palette.search.clear()
    qtbot.keyClicks(palette.search, "drive at")
    qtbot.keyClick(palette.search, Qt.Key.Key_Return)
    assert body(window) == ["repeat times=4 {", "}", "beep", "drive speed=50 amount=1 unit=rotations"]
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)  # drive above beep
    assert body(window)[2].startswith("drive")
    qtbot.keyClick(canvas, Qt.Key.Key_Tab)  # drive goes inside the repeat
    assert body(window)[:3] == ["repeat times=4 {", "    drive speed=50 amount=1 unit=rotations", "}"]
    qtbot.keyClick(canvas, Qt.Key.Key_Down)  # the selection moves to beep (arrow keys)
    assert canvas.selected_paths() == [(1,)]
    qtbot.keyClick(canvas, Qt.Key.Key_Tab)
    assert body(window)[2] == "    beep"
    qtbot.keyClick(canvas, Qt.Key.Key_Backtab)
    assert body(window)[3] == "beep"
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    assert body(window) == ["repeat times=4 {", "    drive speed=50 amount=1 unit=rotations", "}"]
    qtbot.keyClick(canvas, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert "already at the top" in window.refusal.text()
    for _ in range(5):
        window.undo_stack.undo()
    assert body(window) == ["repeat times=4 {", "}", "beep", "drive speed=50 amount=1 unit=rotations"]


def test_undo_and_redo_of_every_kind_of_edit(window, tmp_path):
    open_text(window, tmp_path)
    canvas = window.canvas
    steps = []

    def step(action):
        before = window.document.text()
        action()
        after = window.document.text()
        assert after != before
        steps.append((before, after))

    canvas.select_paths([(1,)])
    step(lambda: window.insert_command("wait"))
    step(lambda: canvas.delete_selected())
    canvas.select_paths([(0, "do", 1)])
    step(lambda: canvas._keyboard_edit(edits.outdent, "Outdent"))
    step(lambda: canvas._keyboard_edit(edits.indent, "Indent"))
    step(lambda: window.set_value("amount", Num(360)))
    canvas.select_paths([(1,)])
    step(lambda: window.cut())
    canvas.select_paths([(0,)])
    step(lambda: window.paste())
    for before, after in reversed(steps):
        assert window.document.text() == after
        window.undo_stack.undo()
        assert window.document.text() == before
    for before, after in steps:
        window.undo_stack.redo()
        assert window.document.text() == after


def test_clipboard_carries_program_text(window, tmp_path):
    open_text(window, tmp_path)
    window.canvas.select_paths([(0,)])
    assert window.copy()
    text = QApplication.clipboard().text()
    assert text.startswith("repeat times=4 {\n    drive speed=50")
    # text from an e-mail pastes back in
    QApplication.clipboard().setText("beep\nwait seconds=2\n")
    window.canvas.select_paths([(1,)])
    window.paste()
    assert body(window)[-2:] == ["beep", "wait seconds=2"]
    QApplication.clipboard().setText("fly to=the moon\n")
    window.paste()
    assert "not RoboLab lines" in window.refusal.text()


def test_expand_collapse_and_body_headers(window, tmp_path):
    open_text(window, tmp_path, "robolab 1 palette ev3 1.0\nif condition=true {\n    beep\n} else {\n"
                                "    wait seconds=1\n}\n", "if.rlab")
    canvas = window.canvas
    item = canvas.item_at((0,))
    assert [(text, depth) for text, _, depth in canvas.program_model.rows()][1:4:2] == [("then", 1), ("else", 1)]
    model = canvas.program_model
    assert canvas.path_of(model.item(4)) == (0, "else", 0) and canvas.path_of(model.item(3)) == (0, "else")
    # a line dropped on the else header goes first in else
    assert drop(canvas, palette_mime(window, "beep"), QPointF(canvas.item_rect(canvas.item_at((0, "else"))).center()))
    assert body(window)[2:4] == ["} else {", "    beep"]
    canvas.setExpanded(item.index(), False)
    assert not canvas.isExpanded(canvas.item_at((0,)).index())
    # a closed line stays closed when it moves
    canvas.select_paths([(0,)])
    window.insert_command("beep")
    canvas.select_paths([(0,)])
    canvas._keyboard_edit(edits.move_down, "Move down")
    assert body(window)[0] == "beep"
    moved = canvas.item_at((1,))
    assert not canvas.isExpanded(moved.index())
    assert [canvas.isRowHidden(row, moved.index().parent()) for row in range(model.rowCount())] == \
        [False, False] + [True] * 5  # its header and body rows stay hidden


def test_problems_are_listed_marked_and_select_their_line(window, tmp_path):
    open_text(window, tmp_path, "robolab 1 palette ev3 1.0\nbeep\nset name=speed value=5\n", "p.rlab")
    problems = window.document.snapshot().problems
    assert problems and problems[0][1] == (1,)
    window.refresh_analysis()
    assert window.problems_view.problem_count() == 1
    assert window.canvas.item_at((1,)).toolTip() == problems[0][0].message
    window.problems_view.line_chosen.emit((1,))
    assert window.canvas.selected_paths() == [(1,)]
    assert "cannot become Python" in window.python_view.toPlainText()


def test_python_view_follows_the_program(window, tmp_path):
    open_text(window, tmp_path)
    window.refresh_analysis()
    assert "for _ in range(int(4)):" in window.python_view.toPlainText()
    window.canvas.select_paths([(0,)])
    window.set_value("times", Num(7))
    window.refresh_analysis()
    assert "7" in window.python_view.toPlainText()
    assert window.python_view.isReadOnly()


def test_dragging_over_shows_where_it_would_land(window, tmp_path):
    open_text(window, tmp_path)
    canvas = window.canvas
    actions = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction

    def hover(mime, pos):
        event = QDragMoveEvent(pos.toPoint(), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
        canvas.dragMoveEvent(event)
        return event.isAccepted(), canvas._indicator

    accepted, (line, allowed) = hover(palette_mime(window, "beep"), point(canvas, (0,), "lower"))
    assert accepted and allowed
    row = canvas.item_rect(canvas.item_at((0,)))
    assert line.left() > row.left()  # inside the loop's body: indented further than the loop
    accepted, (line, allowed) = hover(palette_mime(window, "beep"), point(canvas, (1,), "upper"))
    assert accepted and allowed and line.left() == canvas.item_rect(canvas.item_at((1,))).left()
    accepted, (line, allowed) = hover(palette_mime(window, "leave_loop"), point(canvas, (1,), "upper"))
    assert not accepted and not allowed and "leave_loop" in window.refusal.text()
    # on the last line of a body, further left means after the loop
    last = canvas.item_rect(canvas.item_at((0, "do", 1)))
    target, _ = canvas.drop_target(QPointF(last.left() - canvas.indentation(), last.bottom() - 3).toPoint())
    assert target == (1,)
    target, _ = canvas.drop_target(QPointF(last.left() + 40, last.bottom() - 3).toPoint())
    assert target == (0, "do", 2)
    canvas.dragLeaveEvent(None)
    assert canvas._indicator is None


def test_context_menu_and_go_to_shortcuts(window, qtbot):
    texts = [a.text() for a in window.canvas.actions()]
    assert "&Copy" in texts and "Indent\tTab" in texts
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.palette_view.search.hasFocus()
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.canvas.hasFocus()


def test_duplicate_and_ctrl_drag_copy(window, tmp_path):
    open_text(window, tmp_path)
    canvas = window.canvas
    canvas.select_paths([(0, "do", 0)])
    window.duplicate()
    assert body(window)[1:3] == ["    drive speed=50 amount=2 unit=rotations"] * 2
    assert canvas.selected_paths() == [(0, "do", 1)]
    window.undo_stack.undo()
    assert window.document.text() == SQUARE
    # dragging a line with Ctrl held copies it (the original stays)
    canvas.select_paths([(1,)])
    mime = canvas.lines_mime()
    pos = point(canvas, (0,), "upper")
    actions = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
    event = QDropEvent(pos, actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier)
    canvas.dropEvent(event)
    assert event.isAccepted() and event.dropAction() == Qt.DropAction.CopyAction
    assert body(window)[0] == "beep" and body(window)[-1] == "beep"
    assert window.undo_stack.undoText() == "Copy"


def test_find_a_line(window, tmp_path, qtbot):
    open_text(window, tmp_path, SQUARE + "repeat times=2 {\n    beep\n}\n", "two.rlab")
    window.canvas.collapse(window.canvas.item_at((2,)).index())
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    bar = window.find_bar
    assert bar.isVisible() and bar.edit.hasFocus()
    qtbot.keyClicks(bar.edit, "beep")
    assert window.canvas.selected_paths() == [(1,)] and bar.count.text() == "1 of 2"
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return)
    assert window.canvas.selected_paths() == [(2, "do", 0)]
    assert window.canvas.isExpanded(window.canvas.item_at((2,)).index())  # the closed loop opened to show it
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert window.canvas.selected_paths() == [(1,)]
    bar.edit.setText("teleport")
    assert bar.count.text() == "0 found"
    qtbot.keyClick(bar.edit, Qt.Key.Key_Escape)
    assert not bar.isVisible() and window.canvas.hasFocus()


def test_a_program_file_dropped_from_a_file_manager_opens(window, tmp_path):
    from PySide6.QtCore import QUrl

    other = tmp_path / "other.rlab"
    other.write_text("robolab 1 palette ev3 1.0\nwait seconds=2\n")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(other))])
    assert drop(window.canvas, mime, QPointF(50, 50))
    assert window.document.path == other and body(window) == ["wait seconds=2"]
    # text that is not program lines is refused, saying where it came from
    mime = QMimeData()
    mime.setText("hello there")
    assert not drop(window.canvas, mime, QPointF(50, 50))
    assert "the dropped text is not RoboLab lines" in window.refusal.text()


def test_typing_on_the_program_finds_the_command_and_enter_inserts_it(window, tmp_path, qtbot):
    open_text(window, tmp_path)
    canvas = window.canvas
    canvas.select_paths([(1,)])
    canvas.setFocus()
    qtbot.keyClicks(canvas, "w")  # the first letter moves to the search box
    search = window.palette_view.search
    assert search.hasFocus() and search.text() == "w"
    qtbot.keyClicks(search, "ait ")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert body(window)[-1] == "wait seconds=1"
    qtbot.keyClicks(search, "beep")  # replaces the last name: build line after line
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert body(window)[-2:] == ["wait seconds=1", "beep"]
    qtbot.keyClick(search, Qt.Key.Key_Escape)
    assert canvas.hasFocus() and search.text() == ""
    assert canvas.selected_paths() == [(3,)]


def test_setting_one_value_again_and_again_is_one_undo_step(window, tmp_path, qtbot):
    open_text(window, tmp_path, SQUARE + 'show_text text="Hi" line=3\n', "show.rlab")
    window.canvas.select_paths([(2,)])
    spin = window.values.field("line").spin
    spin.setFocus()
    for _ in range(3):  # each step of the arrow is applied at once, as a value being set
        qtbot.keyClick(spin, Qt.Key.Key_Up)
    spin.selectAll()
    qtbot.keyClicks(spin, "9")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert body(window)[-1] == 'show_text text="Hi" line=9'
    assert window.undo_stack.count() == 1 and window.undo_stack.undoText() == "Change value"
    window.canvas.select_paths([(0,)])
    window.set_value("times", Num(5))  # another value: its own step
    assert window.undo_stack.count() == 2
    window.undo_stack.undo()
    window.undo_stack.undo()
    assert window.document.text() == SQUARE + 'show_text text="Hi" line=3\n'


def test_palette_search_matches_the_words_a_user_reads(window):
    palette = window.palette_view
    for query in ("br", "driv"):  # every tooltip holds a <br>: that matched every command once
        palette.search.setText(query)
        for command_id in palette.visible_ids():
            assert query in f"{palette._item(command_id).text(0)} {command_id}".lower(), command_id
    assert {"drive", "start_driving", "stop_driving"} <= set(palette.visible_ids())
    palette.search.setText("<b>")  # the tooltips' markup is not searched
    assert palette.visible_ids() == []
    palette.search.setText("stop_driving")
    assert palette.visible_ids() == ["stop_driving"]


NESTED = """robolab 1 palette ev3 1.0
repeat times=2 {
    if condition=(distance < 20) {
        beep
        repeat times=3 {
            wait seconds=1
        }
    } else {
        wait seconds=2
    }
}
beep
"""


def test_each_row_knows_its_path_and_each_path_its_row(window, tmp_path):
    open_text(window, tmp_path, NESTED, "nested.rlab")
    canvas, model = window.canvas, window.canvas.program_model
    paths = [canvas.path_of(model.item(row)) for row in range(model.rowCount())]
    assert paths == [(0,), (0, "do", 0), (0, "do", 0, "then"), (0, "do", 0, "then", 0), (0, "do", 0, "then", 1),
                     (0, "do", 0, "then", 1, "do", 0), (0, "do", 0, "else"), (0, "do", 0, "else", 0), (1,)]
    assert all(canvas.item_at(path).row() == row for row, path in enumerate(paths))
    assert [depth for _, _, depth in model.rows()] == [0, 1, 2, 3, 3, 4, 2, 3, 0]
    # after edits that move rows about, the same holds (rows are found again, not remembered wrongly)
    canvas.select_paths([(1,)])
    canvas._keyboard_edit(edits.move_up, "Move up")
    canvas.select_paths([(1, "do", 0, "then", 1)])
    canvas.delete_selected()
    window.undo_stack.undo()
    paths = [canvas.path_of(model.item(row)) for row in range(model.rowCount())]
    assert paths[0] == (0,) and paths[-1] == (1, "do", 0, "else", 0)
    assert all(canvas.item_at(path).row() == row for row, path in enumerate(paths))


def test_a_click_on_the_arrow_or_the_arrow_keys_close_and_open_a_line(window, tmp_path, qtbot):
    open_text(window, tmp_path, NESTED, "nested.rlab")
    canvas, model = window.canvas, window.canvas.program_model
    hidden = lambda: [canvas.isRowHidden(row, model.index(0, 0).parent()) for row in range(model.rowCount())]  # noqa: E731
    loop = canvas.item_at((0,))
    strip = canvas.item_rect(loop)
    arrow = QPointF(strip.left() - canvas.indentation() / 2, strip.center().y()).toPoint()
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=arrow)
    assert not canvas.isExpanded(loop.index()) and hidden() == [False] + [True] * 7 + [False]
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=arrow)
    assert canvas.isExpanded(loop.index()) and not any(hidden())
    # Left closes the current line, Right opens it again; an inner closed line stays closed
    canvas.collapse(canvas.item_at((0, "do", 0, "then", 1)).index())
    canvas.select_paths([(0, "do", 0)])
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Left)
    assert hidden() == [False, False] + [True] * 6 + [False]
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    assert hidden() == [False] * 5 + [True] + [False] * 3
    qtbot.keyClick(canvas, Qt.Key.Key_Left)  # on an open line...
    qtbot.keyClick(canvas, Qt.Key.Key_Left)  # ... then on a closed one: up to the line it is in
    assert canvas.selected_paths() == [(0,)]
    # selecting a line inside closed lines opens them
    canvas.collapseAll()
    assert hidden() == [False] + [True] * 7 + [False]
    canvas.select_paths([(0, "do", 0, "then", 1, "do", 0)])
    assert hidden() == [False] * 7 + [True, False]  # the else stays closed
