"""Edit operations on the program model: each keeps the program valid, refuses what would not be,
and undoes exactly (apply the inverse and the text is as before). No display needed."""

import pytest

from robolab.language import parse_program, print_program
from robolab.model import edits
from robolab.model.edits import EditError
from robolab.model.expr import Name, Num
from robolab.model.program import Block

SQUARE = """robolab 1 palette ev3 1.0
repeat times=4 {
    drive speed=50 amount=2 unit=rotations
    tank_drive left=30 right=-30 amount=190 unit=degrees
}
beep
"""


def load(library, text=SQUARE):
    return parse_program(text, library)


def body(text: str) -> str:
    """The program text without its header line."""
    return text.split("\n", 1)[1]


def run(program, pack, change):
    """Apply a change; check its inverse restores the text exactly; re-apply; return the text."""
    before = print_program(program, pack)
    edits.apply(program, change)
    after = print_program(program, pack)
    edits.apply(program, change.inverse())
    assert print_program(program, pack) == before
    edits.apply(program, change)
    assert print_program(program, pack) == after
    return body(after)


def beep():
    return Block("beep", {})


def test_insert_at_top_level_and_inside_a_body(library):
    program, pack = load(library)
    wait = Block("wait", {"seconds": Num(1)})
    assert run(program, pack, edits.insert(program, pack, (1,), [wait])).splitlines()[4] == "wait seconds=1"
    text = run(program, pack, edits.insert(program, pack, (0, "do", 0), [beep()]))
    assert text.splitlines()[1] == "    beep"


def test_insert_refuses_a_line_outside_its_place(library):
    program, pack = load(library)
    leave = Block("leave_loop", {})
    with pytest.raises(EditError, match="inside"):
        edits.insert(program, pack, (0,), [leave])
    assert "leave_loop" in run(program, pack, edits.insert(program, pack, (0, "do", 2), [leave]))
    define = Block("define", {"name": "p", "inputs": ()}, {"do": []})
    with pytest.raises(EditError, match="top level"):
        edits.insert(program, pack, (0, "do", 0), [define])


def test_insert_refuses_unknown_commands_bad_values_and_bad_places(library):
    program, pack = load(library)
    with pytest.raises(EditError, match="not a command"):
        edits.insert(program, pack, (0,), [Block("fly", {})])
    with pytest.raises(EditError, match="needs a value"):
        edits.insert(program, pack, (0,), [Block("wait", {})])
    with pytest.raises(EditError, match="no such place"):
        edits.insert(program, pack, (9,), [beep()])
    with pytest.raises(EditError, match="no lines inside"):
        edits.insert(program, pack, (1, "do", 0), [beep()])


def test_only_one_of_a_unique_command(library):
    program, pack = load(library, "robolab 1 palette treescript 1.0\nmain {\n}\n")
    main = Block("main", {}, {"do": []})
    with pytest.raises(EditError, match="only one 'main'"):
        edits.insert(program, pack, (1,), [main])
    # moving the one there is stays allowed
    edits.apply(program, edits.insert(program, pack, (1,), [Block("comment", {"text": "x"})]))
    assert run(program, pack, edits.move(program, pack, [(0,)], (2,))) == "# x\nmain {\n}\n"


def test_delete_takes_the_body_and_undo_puts_it_back(library):
    program, pack = load(library)
    assert run(program, pack, edits.delete(program, pack, [(0,), (0, "do", 1)])) == "beep\n"


def test_move_with_body_to_after_a_line_and_into_a_body(library):
    program, pack = load(library, SQUARE + "forever {\n}\n")
    text = run(program, pack, edits.move(program, pack, [(0,)], (2,)))
    assert text.splitlines()[0] == "beep"
    assert text.splitlines()[1] == "repeat times=4 {"
    # now: beep, repeat, forever; the repeat goes into the forever
    text = run(program, pack, edits.move(program, pack, [(1,)], (2, "do", 0)))
    assert text.splitlines()[:3] == ["beep", "forever {", "    repeat times=4 {"]


def test_move_several_lines_lands_them_together_in_reading_order(library):
    program, pack = load(library, SQUARE + "wait seconds=1\n")
    change = edits.move(program, pack, [(2,), (0, "do", 0)], (0, "do", 0))
    text = run(program, pack, change)
    assert text.splitlines()[1:3] == ["    drive speed=50 amount=2 unit=rotations", "    wait seconds=1"]
    assert change.touched() == [(0, "do", 0), (0, "do", 1)]


def test_move_refuses_into_itself_and_into_a_wrong_place(library):
    program, pack = load(library, SQUARE + "repeat times=2 {\n    leave_loop\n}\n")
    with pytest.raises(EditError, match="inside itself"):
        edits.move(program, pack, [(0,)], (0, "do", 1))
    with pytest.raises(EditError, match="inside"):
        edits.move(program, pack, [(2, "do", 0)], (0,))
    # a block whose body holds a leave_loop cannot leave every loop either
    program, pack = load(library, "robolab 1 palette ev3 1.0\nforever {\n    if condition=true {\n"
                                  "        leave_loop\n    }\n}\n")
    with pytest.raises(EditError, match="leave_loop"):
        edits.outdent(program, pack, [(0, "do", 0)])


def test_set_value_checks_the_value(library):
    program, pack = load(library)
    text = run(program, pack, edits.set_value(program, pack, (0, "do", 0), "unit", "seconds"))
    assert "unit=seconds" in text
    run(program, pack, edits.set_value(program, pack, (0,), "times", Name("x")))
    with pytest.raises(EditError, match="must be one of"):
        edits.set_value(program, pack, (0, "do", 0), "unit", "miles")
    with pytest.raises(EditError, match="expression"):
        edits.set_value(program, pack, (0,), "times", 4)
    with pytest.raises(EditError, match="no value called"):
        edits.set_value(program, pack, (0,), "colour", "red")
    program, pack = load(library, "robolab 1 palette ev3 1.0\n# hello\n")
    assert run(program, pack, edits.set_value(program, pack, (0,), "text", "bye")) == "# bye\n"
    with pytest.raises(EditError):
        edits.set_value(program, pack, (0,), "text", "two\nlines")


def test_indent_and_outdent(library):
    program, pack = load(library)
    text = run(program, pack, edits.indent(program, pack, [(1,)]))
    assert text.splitlines()[3] == "    beep"
    program, pack = load(library)
    text = run(program, pack, edits.outdent(program, pack, [(0, "do", 1)]))
    assert text.splitlines()[2:4] == ["}", "tank_drive left=30 right=-30 amount=190 unit=degrees"]
    with pytest.raises(EditError, match="top level"):
        edits.outdent(program, pack, [(1,)])
    with pytest.raises(EditError, match="no lines inside"):
        edits.indent(program, pack, [(2,)])  # the line above is a drive, which has no body
    with pytest.raises(EditError, match="first line"):
        edits.indent(program, pack, [(0,)])


def test_indent_goes_into_the_last_used_body(library):
    program, pack = load(library, "robolab 1 palette ev3 1.0\nif condition=true {\n    beep\n} else {\n"
                                  "    beep\n}\nwait seconds=1\n")
    text = run(program, pack, edits.indent(program, pack, [(1,)]))
    assert text.splitlines()[-3:] == ["    beep", "    wait seconds=1", "}"]


def test_move_up_and_down_through_bodies(library):
    program, pack = load(library, "robolab 1 palette ev3 1.0\nif condition=true {\n    beep\n} else {\n"
                                  "    wait seconds=1\n}\n")
    # the first line of else goes to the end of then
    text = run(program, pack, edits.move_up(program, pack, [(0, "else", 0)]))
    assert text.splitlines()[1:3] == ["    beep", "    wait seconds=1"]
    # the first line of then leaves the if, above it
    text = run(program, pack, edits.move_up(program, pack, [(0, "then", 0)]))
    assert text.splitlines()[0] == "beep"
    # and down again: first into the if's then body
    text = run(program, pack, edits.move_down(program, pack, [(0,)]))
    assert text.splitlines()[0] == "if condition=true {"
    with pytest.raises(EditError, match="top"):
        edits.move_up(program, pack, [(0,)])


def test_move_down_swaps_and_leaves_the_body_at_its_end(library):
    program, pack = load(library)
    text = run(program, pack, edits.move_down(program, pack, [(0, "do", 0)]))
    assert text.splitlines()[1].startswith("    tank_drive")
    text = run(program, pack, edits.move_down(program, pack, [(0, "do", 1)]))
    assert text.splitlines()[3] == "drive speed=50 amount=2 unit=rotations"
    with pytest.raises(EditError, match="bottom"):
        edits.move_down(program, pack, [(2,)])


def test_keyboard_moves_need_lines_of_one_body(library):
    program, pack = load(library)
    with pytest.raises(EditError, match="same body"):
        edits.move_up(program, pack, [(1,), (0, "do", 1)])


def test_a_no_op_move_is_empty(library):
    program, pack = load(library)
    assert edits.move(program, pack, [(1,)], (1,)).is_empty
    assert edits.move(program, pack, [(1,)], (2,)).is_empty
    assert not edits.move(program, pack, [(1,)], (0,)).is_empty


def test_edits_and_the_reader_refuse_with_the_same_words(library):
    """One rules module: a value the reader refuses, the editor refuses in the same words."""
    from robolab.errors import RobolabError
    from robolab.language import read_program

    program, pack = load(library)
    with pytest.raises(EditError) as refused:
        edits.set_value(program, pack, (0, "do", 0), "speed", Num(101))
    with pytest.raises(RobolabError) as read:
        read_program(SQUARE.replace("speed=50", "speed=101"), library)
    assert str(refused.value) == read.value.problems[0].message == "speed must be at most 100%, not 101"
    program, pack = load(library)
    placed = read_program("robolab 1 palette ev3 1.0\nleave_loop\n", library).problems[0].message
    with pytest.raises(EditError) as refused:
        edits.insert(program, pack, (0,), [Block("leave_loop", {})])
    assert str(refused.value) == placed
