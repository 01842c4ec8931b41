"""Values edited where they are on the program (issue 14): clicking a number opens a box on it,
clicking a choice or a port opens its options; each change is the Values pane's one undo step."""

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from tests.windows import open_window

SQUARE = "robolab 1 palette ev3 1.0\nrepeat times=4 {\n    drive speed=50 amount=2 unit=rotations\n}\nbeep\n"
PORTS = "robolab 1 palette treescript 1.0\noutput name=left_motor port=B motor=large\n"


def open_program(qtbot, tmp_path, library, text):
    path = tmp_path / "p.rlab"
    path.write_text(text)
    window = open_window(qtbot, tmp_path, library, size=(1280, 800))
    assert window.files.open_file(path)
    qtbot.wait(20)
    return window


def chip_centre(window, path, number):
    """Where value `number` of the line at `path` is drawn, in the canvas's viewport."""
    canvas = window.canvas
    index = canvas.item_at(path).index()
    chips = [chip for n, chip in canvas.delegate.value_rects(index, canvas.visualRect(index)) if n == number]
    assert chips, f"value {number} of {path} is not drawn"
    return chips[0].center().toPoint()


def click(qtbot, window, point: QPoint):
    qtbot.mouseClick(window.canvas.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.wait(10)
    QApplication.processEvents()


def test_clicking_a_number_edits_it_in_place_as_one_undo_step(qtbot, tmp_path, library):
    window = open_program(qtbot, tmp_path, library, SQUARE)
    click(qtbot, window, chip_centre(window, (0, "do", 0), 1))  # drive 50 % for [2] rotations
    box = window.inline_values.editor
    assert box is not None and box.isVisible() and box.text() == "2"
    box.selectAll()
    qtbot.keyClicks(box, "3.5")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert "amount=3.5 unit=rotations" in window.document.text()
    assert window.undo_stack.undoText() == "Change value" and window.undo_stack.count() == 1
    window.undo_stack.undo()
    assert window.document.text() == SQUARE


def test_a_number_out_of_range_is_refused_and_the_box_stays(qtbot, tmp_path, library):
    window = open_program(qtbot, tmp_path, library, SQUARE)
    click(qtbot, window, chip_centre(window, (0, "do", 0), 0))  # drive at [50] %
    box = window.inline_values.editor
    box.selectAll()
    qtbot.keyClicks(box, "500")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert "speed=50 " in window.document.text() and window.undo_stack.count() == 0
    assert "at most 100" in window.refusal.text() and box.isVisible()
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert window.inline_values.editor is None and window.undo_stack.count() == 0


def test_clicking_a_choice_offers_its_options(qtbot, tmp_path, library):
    window = open_program(qtbot, tmp_path, library, SQUARE)
    click(qtbot, window, chip_centre(window, (0, "do", 0), 2))  # [rotations]
    menu = window.inline_values.menu
    assert menu is not None
    labels = [action.text() for action in menu.actions()]
    assert "seconds" in labels and "rotations" in labels
    assert next(a for a in menu.actions() if a.text() == "rotations").isChecked()
    next(a for a in menu.actions() if a.text() == "seconds").trigger()
    menu.close()
    assert "unit=seconds" in window.document.text() and window.undo_stack.undoText() == "Change value"


def test_clicking_a_port_offers_the_ports(qtbot, tmp_path, library):
    window = open_program(qtbot, tmp_path, library, PORTS)
    params = [p.name for p in __import__("robolab.ui.labels", fromlist=["x"]).slot_params(
        window.document.pack.command("output"))]
    click(qtbot, window, chip_centre(window, (0,), params.index("port")))
    menu = window.inline_values.menu
    assert [a.text() for a in menu.actions()][:4] == ["A", "B", "C", "D"]
    next(a for a in menu.actions() if a.text() == "C").trigger()
    menu.close()
    assert "port=C" in window.document.text()


def test_clicking_the_words_of_a_line_only_selects_it(qtbot, tmp_path, library):
    window = open_program(qtbot, tmp_path, library, SQUARE)
    canvas = window.canvas
    rect = canvas.visualRect(canvas.item_at((1,)).index())  # "beep": no values
    click(qtbot, window, rect.center())
    assert canvas.selected_paths() == [(1,)]
    assert window.inline_values.editor is None and window.inline_values.menu is None
