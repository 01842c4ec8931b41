"""The expression builder window, clicked and typed, offscreen; and the value editor opening it."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from hypothesis import given, settings, strategies as st, HealthCheck  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402

from robolab.language import read_program  # noqa: E402
from robolab.language.scope import Scope  # noqa: E402
from robolab.language.values import check  # noqa: E402
from robolab.model import expr as e  # noqa: E402
from robolab.ui.values import BuilderDialog, ValueEditor  # noqa: E402

PROGRAM = """robolab 1 palette ev3 1.0
var name=speed value=30
define name=hop inputs=[] {
    beep
}
drive speed=speed amount=2 unit=rotations
"""
DRIVE = (2,)


@pytest.fixture
def loaded(library):
    result = read_program(PROGRAM, library)
    assert not result.problems
    return result


@pytest.fixture
def dialog(qtbot, loaded):
    speed = loaded.pack.command("drive").param("speed")
    built = BuilderDialog(speed, Scope(loaded.program, loaded.pack, DRIVE))
    qtbot.addWidget(built)
    built.show()
    built.results = []
    built.applied.connect(built.results.append)
    return built


def click(qtbot, dialog, *pieces):
    for piece in pieces:
        button = dialog.buttons[piece]
        assert button.isEnabled(), f"{piece} is greyed out after {dialog.builder.text()!r}"
        qtbot.mouseClick(button, Qt.LeftButton)


def name_item(dialog, shown):
    return next(item for item in dialog.name_items() if item.text(0) == shown)


def test_clicking_digits_operators_and_names_builds_an_expression_and_apply_sends_it(qtbot, dialog):
    assert not dialog.apply_button.isEnabled()
    click(qtbot, dialog, "(")
    dialog.names.itemClicked.emit(name_item(dialog, "speed"), 0)
    click(qtbot, dialog, "-", "1", "5", ")", "*", "2")
    assert dialog.display.text() == "(speed - 15) * 2▏"
    assert dialog.apply_button.isEnabled() and dialog.status.text() == "✓ ready to apply"
    qtbot.mouseClick(dialog.apply_button, Qt.LeftButton)
    assert dialog.results == [e.Binary("*", e.Binary("-", e.Name("speed"), e.Num(15)), e.Num(2))]
    assert not dialog.isVisible()


def test_pieces_that_cannot_come_next_are_greyed_out(qtbot, dialog):
    assert not dialog.buttons[")"].isEnabled() and not dialog.buttons["+"].isEnabled()
    assert dialog.buttons["-"].isEnabled()  # a minus number
    click(qtbot, dialog, "4")
    assert not dialog.buttons["("].isEnabled()
    assert not (name_item(dialog, "speed").flags() & Qt.ItemIsEnabled)
    assert dialog.buttons["<"].isEnabled()


def test_functions_and_sensors_are_offered_with_their_help(qtbot, dialog):
    groups = [dialog.names.topLevelItem(i).text(0) for i in range(dialog.names.topLevelItemCount())]
    assert groups == ["Variables", "Sensors", "Values", "Functions"]
    assert "hop" not in [item.text(0) for item in dialog.name_items()]  # a procedure has no value
    minimum = name_item(dialog, "min(…, …)")
    assert "smaller of two numbers" in minimum.toolTip(0)
    dialog.names.itemClicked.emit(minimum, 0)
    dialog.names.itemClicked.emit(name_item(dialog, "distance"), 0)
    click(qtbot, dialog, ",", "5", "0", ")")
    assert dialog.builder.text() == "min(distance, 50)"
    assert "How far away" in name_item(dialog, "distance").toolTip(0)


def test_an_unfinished_or_out_of_range_expression_cannot_be_applied(qtbot, dialog):
    click(qtbot, dialog, "1", "+")
    assert dialog.status.text() == "add a value after '+'" and not dialog.apply_button.isEnabled()
    dialog.clear()
    click(qtbot, dialog, "2", "0", "0")
    assert dialog.status.text() == "speed must be at most 100%, not 200"
    qtbot.keyClick(dialog, Qt.Key_Return)
    assert dialog.results == [] and dialog.isVisible()


def test_the_keyboard_works_too_backspace_delete_enter(qtbot, dialog):
    qtbot.keyClicks(dialog, "12+3")
    assert dialog.builder.text() == "12 + 3"
    qtbot.keyClick(dialog, Qt.Key_Backspace)
    qtbot.keyClicks(dialog, "4<=")
    assert dialog.builder.text() == "12 + 4 <="
    qtbot.keyClick(dialog, Qt.Key_Delete)
    assert dialog.builder.text() == ""
    qtbot.keyClicks(dialog, "7")
    qtbot.keyClick(dialog, Qt.Key_Return)
    assert dialog.results == [e.Num(7)]


def test_escape_closes_the_builder_without_a_value(qtbot, dialog):
    qtbot.keyClicks(dialog, "5")
    qtbot.keyClick(dialog, Qt.Key_Escape)
    assert dialog.results == [] and not dialog.isVisible()


def test_the_value_editor_opens_the_builder_on_the_current_value_and_applies_its_result(qtbot, loaded):
    editor = ValueEditor()
    qtbot.addWidget(editor)
    editor.show()
    editor.show_block(loaded.program, DRIVE, loaded.pack)
    changes = []
    editor.value_changed.connect(lambda name, value: changes.append((name, value)))
    field = editor.field("amount")
    qtbot.mouseClick(field.build, Qt.LeftButton)
    dialog = field.dialog
    assert dialog.isVisible() and dialog.builder.text() == "2"
    qtbot.keyClicks(dialog, "*")
    dialog.names.itemClicked.emit(name_item(dialog, "speed"), 0)
    qtbot.mouseClick(dialog.apply_button, Qt.LeftButton)
    assert changes == [("amount", e.Binary("*", e.Num(2), e.Name("speed")))]
    assert field.edit.text() == "2 * speed"


def test_zoom_two_makes_the_builder_larger(qtbot, loaded, tmp_path):
    speed = loaded.pack.command("drive").param("speed")
    scope = Scope(loaded.program, loaded.pack, DRIVE)
    sizes = []
    for zoom in (1.0, 2.0):
        built = BuilderDialog(speed, scope, e.Name("speed"), zoom)
        qtbot.addWidget(built)
        built.show()
        image = built.grab()
        assert image.save(str(tmp_path / f"builder{zoom}.png"))
        sizes.append((image.width(), image.height(), built.buttons["7"].sizeHint().height()))
    assert sizes[1][0] > 1.5 * sizes[0][0] and sizes[1][2] > 1.5 * sizes[0][2]


PIECES = ["0", "1", "5", ".", "+", "-", "*", "/", "%", "(", ")", ",", "<", "==", "and", "or", "not", "true",
          "speed", "distance", "abs(", "min(", "hop"]


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(PIECES), max_size=12))
def test_whatever_is_clicked_only_a_valid_expression_is_ever_applied(qtbot, dialog, loaded, pieces):
    dialog.clear()
    for piece in pieces:
        dialog.add(piece)
    dialog.results.clear()
    dialog.apply()
    verdict = dialog.builder.result()
    if dialog.results:
        (value,) = dialog.results
        assert check(dialog.builder.param, value, dialog.builder.scope).ok and value == verdict.value
    else:
        assert not verdict.ok
    dialog.show()
