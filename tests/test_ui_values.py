"""The value editor as a student uses it: real widgets, offscreen, keyboard and mouse."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from conftest import EXAMPLES  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QSpinBox  # noqa: E402

from robolab.language import read_program  # noqa: E402
from robolab.language.values import check  # noqa: E402
from robolab.language.scope import Scope  # noqa: E402
from robolab.model import expr as e  # noqa: E402
from robolab.ui.values import ValueEditor  # noqa: E402
from robolab.ui.values.editor import EMPTY  # noqa: E402
from robolab.ui.values.expression_field import ExpressionField  # noqa: E402
from robolab.ui.values.fields import ChoiceField, DeclaredNameField, NameField, NumberField, TextField  # noqa: E402
from robolab.ui.values.list_field import ListField  # noqa: E402

PROGRAM = """robolab 1 palette ev3 1.0
var name=speed value=30
var name=count value=0
define name=hop inputs=[height, times] {
    beep
}
drive speed=speed amount=2 unit=rotations
motor_run port=A speed=50 amount=1 unit=seconds
wait_colour colour=red
say words="Hello"
show_text text="Hi" line=3
set name=count value=(count + 1)
run name=hop values=[1, 2]
beep
# a note
"""
DRIVE, MOTOR, COLOUR, SAY, SHOW, SET, RUN, BEEP, NOTE = [(i,) for i in range(3, 12)]


class Window:
    """What the main window does with the editor: apply each reported value and show the line again."""

    def __init__(self, qtbot, library):
        loaded = read_program(PROGRAM, library)
        assert not loaded.problems
        self.program, self.pack = loaded.program, loaded.pack
        self.editor = ValueEditor()
        self.editor.resize(480, 360)
        qtbot.addWidget(self.editor)
        self.editor.show()
        self.changes: list[tuple[str, object]] = []
        self.editor.value_changed.connect(self.apply)
        self.path = None

    def select(self, path):
        self.path = path
        self.editor.show_block(self.program, path, self.pack)
        return self.editor

    def apply(self, name, value):
        block = self.program.block_at(self.path)
        param = self.pack.command(block.command).param(name) if block.command != "comment" else None
        if param is not None:  # the contract: only valid values arrive
            assert check(param, value, Scope(self.program, self.pack, self.path)).ok
        self.changes.append((name, value))
        block.args[name] = value
        self.editor.show_block(self.program, self.path, self.pack)

    def block(self):
        return self.program.block_at(self.path)


@pytest.fixture
def window(qtbot, library):
    return Window(qtbot, library)


def type_into(qtbot, widget, text):
    widget.setFocus()
    widget.selectAll()
    qtbot.keyClicks(widget, text)


# What is shown ------------------------------------------------------------------------------------

def test_nothing_selected_shows_a_friendly_empty_state(window):
    editor = window.editor
    editor.show_block(None, None, None)
    assert editor.pages.currentWidget() is editor.empty and editor.empty.text() == EMPTY
    window.select(BEEP)
    assert editor.nothing.isVisibleTo(editor) and not editor.rows
    assert editor.title.full == "beep"
    editor.show_block(window.program, None, window.pack)
    assert editor.pages.currentWidget() is editor.empty


def test_one_row_per_param_with_label_unit_range_and_help(window):
    editor = window.select(DRIVE)
    assert list(editor.rows) == ["speed", "amount", "unit"]
    speed = editor.rows["speed"]
    assert speed.label.text() == "speed" and speed.unit.text() == "%"
    assert speed.message.text() == "from -100 to 100"
    assert "How fast" in speed.field.toolTip()
    assert editor.title.full == "drive at speed% for 2 rotations"


@pytest.mark.parametrize("path, name, widget", [
    (DRIVE, "speed", ExpressionField), (DRIVE, "unit", ChoiceField), (MOTOR, "port", ChoiceField),
    (COLOUR, "colour", ChoiceField), (SAY, "words", TextField), (SHOW, "line", NumberField),
    ((0,), "name", DeclaredNameField), (SET, "name", NameField), (RUN, "values", ListField),
    ((2,), "inputs", ListField), (NOTE, "text", TextField),
])
def test_each_type_gets_its_widget(window, path, name, widget):
    assert type(window.select(path).field(name)) is widget


def test_drop_downs_offer_the_params_values_and_the_names_in_scope(window):
    port = window.select(MOTOR).field("port").combo
    assert [port.itemText(i) for i in range(port.count())] == ["A", "B", "C", "D"]
    colour = window.select(COLOUR).field("colour").combo
    assert colour.currentText() == "red" and not colour.itemIcon(0).isNull()
    names = window.select(SET).field("name").combo
    assert [names.itemData(i) for i in range(names.count())] == ["speed", "count"]  # a procedure is not a variable


# Changing values --------------------------------------------------------------------------------

def test_picking_a_choice_reports_it(window, qtbot):
    unit = window.select(DRIVE).field("unit").combo
    unit.setFocus()
    qtbot.keyClick(unit, Qt.Key_Up)  # rotations -> seconds
    assert window.changes == [("unit", "seconds")]


def test_a_number_is_typed_within_its_range_and_enter_applies_it(window, qtbot):
    spin = window.select(SHOW).field("line").spin
    assert isinstance(spin, QSpinBox) and (spin.minimum(), spin.maximum()) == (1, 12)
    type_into(qtbot, spin, "7")
    qtbot.keyClick(spin, Qt.Key_Return)
    assert window.changes == [("line", 7)] and type(window.block().args["line"]) is int
    qtbot.keyClick(spin, Qt.Key_Up)
    assert window.changes[-1] == ("line", 8)


def test_a_number_out_of_range_shows_why_and_is_not_applied(window, qtbot):
    editor = window.select(SHOW)
    spin = editor.field("line").spin
    type_into(qtbot, spin, "15")
    assert editor.rows["line"].problem == "line must be at most 12, not 15"
    qtbot.keyClick(spin, Qt.Key_Return)
    qtbot.keyClick(spin, Qt.Key_Escape)
    assert window.changes == [] and window.block().args["line"] == 3 and spin.text() == "3"


def test_a_typed_expression_is_checked_live_and_applied_on_enter(window, qtbot):
    editor = window.select(DRIVE)
    edit = editor.field("speed").edit
    type_into(qtbot, edit, "speed +")
    assert edit.property("invalid") is True
    assert editor.rows["speed"].problem == "not finished: add a value after '+'"
    qtbot.keyClick(edit, Qt.Key_Return)
    assert window.changes == []  # never an invalid value
    qtbot.keyClicks(edit, " 5")
    assert edit.property("invalid") is False and editor.rows["speed"].problem == ""
    qtbot.keyClick(edit, Qt.Key_Return)
    assert window.changes == [("speed", e.Binary("+", e.Name("speed"), e.Num(5)))]
    assert editor.field("speed").edit is edit and edit.hasFocus()  # shown again in place, focus kept


@pytest.mark.parametrize("typed, problem", [
    ("spede", "unknown name 'spede'; did you mean 'speed'?"),
    ("hop", "'hop' is a procedure; it has no value to use here"),
    ("120", "speed must be at most 100%, not 120"),
])
def test_an_expression_that_cannot_be_used_says_why_and_escape_puts_back_the_value(window, qtbot, typed, problem):
    editor = window.select(DRIVE)
    edit = editor.field("speed").edit
    type_into(qtbot, edit, typed)
    qtbot.keyClick(edit, Qt.Key_Return)
    assert editor.rows["speed"].problem == problem and window.changes == []
    qtbot.keyClick(edit, Qt.Key_Escape)
    assert edit.text() == "speed" and editor.rows["speed"].problem == ""


def test_a_valid_edit_is_applied_when_focus_leaves_the_field(window, qtbot):
    editor = window.select(DRIVE)
    type_into(qtbot, editor.field("amount").edit, "3")
    editor.field("unit").combo.setFocus()
    assert window.changes == [("amount", e.Num(3))]


def test_a_new_name_is_refused_when_it_clashes_or_is_not_a_name(window, qtbot):
    editor = window.select((1,))  # var count
    edit = editor.field("name").edit
    for typed, problem in [("speed", "'speed' is already the name of a variable on line 2; choose another name"),
                           ("distance", "'distance' is already a name in ev3 (a value it reads)"),
                           ("two words", "'two words' is not a name")]:
        type_into(qtbot, edit, typed)
        qtbot.keyClick(edit, Qt.Key_Return)
        assert problem in editor.rows["name"].problem
    assert window.changes == []
    type_into(qtbot, edit, "counter")
    qtbot.keyClick(edit, Qt.Key_Return)
    assert window.changes == [("name", "counter")]


def test_text_is_limited_to_its_length(window, qtbot):
    edit = window.select(SAY).field("words").edit
    assert edit.maxLength() == 100
    type_into(qtbot, edit, "x" * 150)
    qtbot.keyClick(edit, Qt.Key_Return)
    assert window.changes == [("words", "x" * 100)]


def test_a_comment_line_edits_its_text(window, qtbot):
    edit = window.select(NOTE).field("text").edit
    type_into(qtbot, edit, "drive to the wall")
    qtbot.keyClick(edit, Qt.Key_Return)
    assert window.changes == [("text", "drive to the wall")]


def test_a_variable_is_picked_from_the_names_in_scope(window, qtbot):
    combo = window.select(SET).field("name").combo
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key_Up)
    assert window.changes == [("name", "speed")]


# Lists ---------------------------------------------------------------------------------------------

def test_call_values_are_labelled_by_the_procedures_inputs_and_keep_their_count(window, qtbot):
    editor = window.select(RUN)
    values = editor.field("values")
    labels = [values.grid.itemAtPosition(row, 0).widget().text() for row in range(2)]
    assert labels == ["height", "times"]
    type_into(qtbot, values.items[1].edit, "speed * 2")
    qtbot.keyClick(values.items[1].edit, Qt.Key_Return)
    assert window.changes == [("values", (e.Num(1), e.Binary("*", e.Name("speed"), e.Num(2))))]
    values.remove_item(0)  # hop takes two values: refused, with the reason
    assert editor.rows["values"].problem == "name takes 2 values, not 1"
    assert len(window.changes) == 1 and len(values.items) == 2


def test_inputs_are_added_removed_and_renamed_as_a_list(window, qtbot):
    editor = window.select((2,))
    inputs = editor.field("inputs")
    qtbot.mouseClick(inputs.add_button, Qt.LeftButton)
    assert window.changes[-1] == ("inputs", ("height", "times", "input1"))
    assert len(editor.field("inputs").items) == 3
    edit = editor.field("inputs").items[2].edit
    type_into(qtbot, edit, "height")
    qtbot.keyClick(edit, Qt.Key_Return)
    assert editor.rows["inputs"].problem == "'height' is in the list twice; each name must differ"
    assert len(window.changes) == 1
    editor.field("inputs").remove_item(0)
    assert window.changes[-1] == ("inputs", ("times", "input1"))


# Zoom ---------------------------------------------------------------------------------------------

def test_zoom_scales_text_and_fields(window, tmp_path):
    editor = window.select(DRIVE)
    editor.ensurePolished()
    label = editor.rows["speed"].label
    label.ensurePolished()
    small_font, small_height = label.font().pointSizeF(), editor.field("speed").edit.sizeHint().height()
    editor.grab().save(str(tmp_path / "zoom1.png"))
    editor.set_zoom(2.0)
    label = editor.rows["speed"].label
    label.ensurePolished()
    editor.field("speed").edit.ensurePolished()
    assert label.font().pointSizeF() == pytest.approx(2 * small_font, rel=0.05)
    assert editor.field("speed").edit.sizeHint().height() > 1.6 * small_height
    assert editor.field("speed").edit.text() == "speed"  # the values are shown again
    image = editor.grab()
    assert image.save(str(tmp_path / "zoom2.png")) and image.width() == 480


# Types the shipped packs do not use yet -------------------------------------------------------------

def synthetic_pack():
    from robolab.palette.model import Category, Command, Pack, Param

    params = (
        Param("lit", "boolean", label="light on", default=False),
        Param("gap", "number", label="gap", min=0, max=10, step=0.5, unit=" cm", default=2.5),
        Param("far", "number", label="far"),
        Param("marks", "number", label="marks", list=True, min=1, max=5, integer=True),
    )
    command = Command("lamp", "basic", "lamp {lit} {gap} {far} {marks}", "pass", params=params)
    return Pack("synthetic", "1.0", "Synthetic", categories=(Category("basic", "Basic", "#336699"),),
                commands=(command,))


@pytest.fixture
def lamp(qtbot):
    from robolab.model.program import Block, Program

    pack = synthetic_pack()
    program = Program("synthetic", "1.0", [Block("lamp", {"lit": False, "gap": 2.5, "far": 1000, "marks": (2,)})])
    editor = ValueEditor()
    qtbot.addWidget(editor)
    editor.show()
    changes = []

    def apply(name, value):
        changes.append((name, value))
        program.blocks[0].args[name] = value
        editor.show_block(program, (0,), pack)

    editor.value_changed.connect(apply)
    editor.show_block(program, (0,), pack)
    return editor, changes


def test_a_boolean_is_a_true_false_drop_down(lamp, qtbot):
    editor, changes = lamp
    combo = editor.field("lit").combo
    assert [combo.itemText(i) for i in range(combo.count())] == ["true", "false"]
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key_Up)
    assert changes == [("lit", True)] and type(changes[0][1]) is bool


def test_a_decimal_number_steps_by_its_step_and_reads_back_as_the_file_would(lamp, qtbot):
    editor, changes = lamp
    spin = editor.field("gap").spin
    assert spin.text() == "2.5" and spin.singleStep() == 0.5 and (spin.minimum(), spin.maximum()) == (0, 10)
    assert editor.rows["gap"].unit.text() == "cm" and editor.rows["gap"].message.text() == "from 0 to 10"
    spin.setFocus()
    qtbot.keyClick(spin, Qt.Key_Up)
    assert changes == [("gap", 3)] and type(changes[0][1]) is int  # "3", as the file writes it
    type_into(qtbot, spin, "7.25")
    qtbot.keyClick(spin, Qt.Key_Return)
    assert changes[-1] == ("gap", 7.25)


def test_a_number_without_a_range_takes_large_values(lamp, qtbot):
    editor, changes = lamp
    spin = editor.field("far").spin
    type_into(qtbot, spin, "123456")
    qtbot.keyClick(spin, Qt.Key_Return)
    assert changes == [("far", 123456)]


def test_a_list_of_numbers_adds_valid_items(lamp, qtbot):
    editor, changes = lamp
    marks = editor.field("marks")
    qtbot.mouseClick(marks.add_button, Qt.LeftButton)
    assert changes == [("marks", (2, 1))]
    spin = editor.field("marks").items[1].spin
    assert (spin.minimum(), spin.maximum()) == (1, 5)
    editor.field("marks").remove_item(0)
    editor.field("marks").remove_item(0)
    assert changes[-1] == ("marks", ()) and editor.field("marks").empty.isVisibleTo(editor)



def test_another_line_of_the_same_command_reuses_the_rows_with_its_own_values_and_names(window, qtbot):
    editor = window.select((0,))  # var speed = 30
    field = editor.field("value")
    assert field.edit.text() == "30"
    window.select((1,))  # var count = 0: its rows are the same widgets, showing count's values
    assert editor.field("value") is field and field.edit.text() == "0"
    type_into(qtbot, editor.field("name").edit, "speed")  # speed is declared above count
    qtbot.keyClick(editor.field("name").edit, Qt.Key_Return)
    assert "already the name of a variable" in editor.rows["name"].problem and window.changes == []
    window.select((0,))
    assert editor.rows["name"].problem == "" and editor.field("name").edit.text() == "speed"


def test_typing_a_name_in_a_sum_offers_to_complete_it(window, qtbot):
    editor = window.select(DRIVE)
    edit = editor.field("amount").edit
    type_into(qtbot, edit, "1 + co")
    completer = edit.completer()
    assert completer.currentCompletion() == "1 + count"  # the name at the end is completed
    qtbot.waitUntil(completer.popup().isVisible)
    qtbot.keyClick(completer.popup(), Qt.Key_Down)
    qtbot.keyClick(completer.popup(), Qt.Key_Return)
    assert edit.text() == "1 + count"
    qtbot.keyClick(edit, Qt.Key_Return)
    assert window.changes == [("amount", e.Binary("+", e.Num(1), e.Name("count")))]


def test_keyboard_only_through_the_values_of_a_line(window, qtbot):
    """Enter on a line puts the keyboard in its first value; Tab goes on; Esc with nothing to put
    back asks the window for the program again."""
    editor = window.select(MOTOR)  # run motor A at 50% for 1 seconds
    left = []
    editor.leave_requested.connect(lambda: left.append(True))
    editor.focus_first()
    port = editor.field("port").combo
    assert port.hasFocus()
    qtbot.keyClick(port, Qt.Key_Down)  # A -> B
    qtbot.keyClick(port, Qt.Key_Tab)
    speed = editor.field("speed").edit
    assert speed.hasFocus()
    speed.selectAll()
    qtbot.keyClicks(speed, "-30")
    qtbot.keyClick(speed, Qt.Key_Return)
    assert window.changes == [("port", "B"), ("speed", e.Num(-30))]
    qtbot.keyClick(speed, Qt.Key_Escape)  # nothing typed since: leave
    assert left == [True]
    qtbot.keyClicks(speed, "0")
    qtbot.keyClick(speed, Qt.Key_Escape)  # something typed: put back, stay
    assert speed.text() == "-30" and left == [True]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_line_of_every_example_shows_its_own_values(qtbot, library, example):
    """What each field shows reads back as exactly the value the line holds."""
    loaded = read_program(example.read_text(), library)
    editor = ValueEditor()
    qtbot.addWidget(editor)
    editor.show()
    shown = 0
    for path, block in loaded.program.walk():
        editor.show_block(loaded.program, path, loaded.pack)
        for name, row in editor.rows.items():
            assert row.field.current() == block.args[name], (path, name)
            assert row.problem == "", (path, name, row.problem)
            shown += 1
    assert shown > 3


def test_a_line_built_without_its_values_shows_empty_fields_and_takes_new_ones(qtbot, library):
    from robolab.model.program import Block, Program

    loaded = read_program(PROGRAM, library)
    program = Program("ev3", "1.0", [Block("show_text"), Block("drive")])
    editor = ValueEditor()
    qtbot.addWidget(editor)
    changes = []
    editor.value_changed.connect(lambda name, value: changes.append((name, value)))
    for path in [(0,), (1,)]:
        editor.show_block(program, path, loaded.pack)
        assert all(row.field.current() in (None, "") for name, row in editor.rows.items() if name != "line")
    editor.show_block(program, (0,), loaded.pack)
    type_into(qtbot, editor.field("line").spin, "4")
    qtbot.keyClick(editor.field("line").spin, Qt.Key_Return)
    assert changes == [("line", 4)]
