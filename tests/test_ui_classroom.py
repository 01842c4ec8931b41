"""What a class trips over (issue 14, item 5): readable highlighted list items, a visible focus on
the ƒx button, empty loops reported, singular words for one thing, values named by their labels,
1.5 refused visibly in a whole-number field."""

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QFocusEvent
from PySide6.QtWidgets import QApplication, QComboBox

from robolab.language import parse_program
from robolab.language.advice import empty_bodies, plural
from robolab.palette.types import check_number
from robolab.ui import labels
from tests.windows import open_window

EV3 = "robolab 1 palette ev3 1.0\n"


def contrast(a: QColor, b: QColor) -> float:
    def lum(c):
        def ch(v):
            v /= 255
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
        return 0.2126 * ch(c.red()) + 0.7152 * ch(c.green()) + 0.0722 * ch(c.blue())
    high, low = sorted((lum(a), lum(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_highlighted_item_of_a_drop_down_list_is_readable(qtbot, tmp_path, library):
    window = open_window(qtbot, tmp_path, library)
    window.dock_simulator()
    combo: QComboBox = window.simulator.bar.speed
    combo.showPopup()
    view = combo.view()
    index = view.model().index(2, 0)
    view.setCurrentIndex(index)
    QApplication.processEvents()
    image = view.viewport().grab().toImage()
    rect = view.visualRect(index)
    background = image.pixelColor(rect.left() + 1, rect.center().y())
    text = [image.pixelColor(x, y) for x in range(rect.left(), min(rect.right(), image.width() - 1))
            for y in range(rect.top(), rect.bottom())]
    strong = sum(1 for colour in text if contrast(colour, background) >= 3)
    combo.hidePopup()
    assert background.name() != "#ffffff", "the highlighted item stands out from the others"
    assert strong >= 15, "its text reads against the highlight"


def test_an_empty_loop_is_a_problem_and_one_thing_is_singular(qtbot, tmp_path, library):
    path = tmp_path / "empty.rlab"
    path.write_text(EV3 + "repeat times=1 {\n}\ndrive speed=50 amount=1 unit=rotations\n")
    window = open_window(qtbot, tmp_path, library)
    assert window.files.open_file(path)
    window.refresh_analysis()
    assert window.problems_view.problem_count() == 1
    assert "“repeat” has nothing inside it" in window.problems_view.item(0).text()
    assert "2 lines" in window.summary.text() and "1 problem" in window.summary.text()
    assert "1 problems" not in window.summary.text()
    assert window.canvas.line_text((1,)).endswith("for 1 rotation")


def test_empty_bodies_and_plurals():
    assert plural(1, "line") == "1 line" and plural(2, "command") == "2 commands" and plural(0, "problem") == \
        "no problems"


def test_an_if_with_an_empty_else_is_fine_but_an_empty_define_is_not(library):
    program, pack = parse_program(EV3 + "if condition=(1 > 0) {\n    beep\n} else {\n}\n"
                                  "define name=nothing inputs=[] {\n    # to do\n}\n", library, "x")
    found = empty_bodies(program, pack)
    assert [path for _, path in found] == [(1,)]


def test_a_value_is_named_by_its_label(library):
    pack = library.find("ev3")
    left = pack.command("start_tank").param("left")
    assert left.label == "left wheel speed"
    assert check_number(left, 150).startswith("left wheel speed must be at most 100")


def test_one_rotation_is_singular_and_two_are_plural(library):
    pack = library.find("ev3")
    program, _ = parse_program(EV3 + "drive speed=50 amount=1 unit=rotations\n"
                                     "drive speed=50 amount=2 unit=rotations\n", library, "x")
    first, second = (labels.text_of(block, pack) for block in program.blocks)
    assert first.endswith("1 rotation") and second.endswith("2 rotations")


def test_typing_a_decimal_into_a_whole_number_field_is_refused_visibly(qtbot, tmp_path, library):
    path = tmp_path / "screen.rlab"
    path.write_text(EV3 + 'show_text text="Hi" line=4\n')
    window = open_window(qtbot, tmp_path, library)
    assert window.files.open_file(path)
    window.canvas.select_paths([(0,)])
    spin = window.values.field("line").focus_widget()
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin, "1.5")
    assert "line must be a whole number" in window.values.rows["line"].problem  # said while typing
    QApplication.sendEvent(spin, QFocusEvent(QEvent.Type.FocusOut, Qt.FocusReason.TabFocusReason))  # leave it
    message = window.values.rows["line"].problem
    assert "whole number" in message and "kept 4" in message  # said after leaving, too
    assert "line=4" in window.document.text()


def test_the_fx_button_shows_when_it_has_the_keyboard(qtbot, tmp_path, library):
    path = tmp_path / "var.rlab"
    path.write_text(EV3 + "var name=x value=20\n")
    window = open_window(qtbot, tmp_path, library)
    assert window.files.open_file(path)
    window.canvas.select_paths([(0,)])
    button = window.values.field("value").build
    before = button.grab().toImage()
    button.setFocus(Qt.FocusReason.TabFocusReason)
    QApplication.processEvents()
    assert button.hasFocus()
    after = button.grab().toImage()
    changed = sum(1 for x in range(0, after.width(), 2) for y in range(0, after.height(), 2)
                  if after.pixelColor(x, y) != before.pixelColor(x, y))
    assert changed > 20, "focus changes how the ƒx button looks"
