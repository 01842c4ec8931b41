"""Random edits on the shipped examples in a real window (Hypothesis state machine): insert, move,
delete, indent, outdent, set a value, close or open a line, undo and redo, as the canvas and value
editor ask for them. After every step the canvas's rows are those a fresh model of the program
would have, the rows hidden are those inside closed lines, each row's path leads back to it, the text
reads back as the same program, undoing everything gives the example back and redoing it all
gives the edited program again."""

import pytest
from PySide6.QtCore import QModelIndex
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (RuleBasedStateMachine, initialize, invariant, precondition, rule,
                                 run_state_machine_as_test)

from conftest import EXAMPLES
from robolab.language import read_program
from robolab.model import edits
from robolab.model.edits import EditError
from robolab.model.expr import Num
from robolab.ui.program_model import ProgramModel
from tests.windows import open_window

COMMANDS = ("beep", "wait", "repeat", "forever", "if", "leave_loop", "comment", "drive", "var")
EV3_EXAMPLES = [p for p in EXAMPLES if " palette ev3 " in p.read_text().splitlines()[0]]


def run(window, plan, text: str) -> None:
    """As the canvas asks for an edit: a refused one changes nothing."""
    try:
        change = plan(window.document.program, window.document.pack)
    except EditError:
        return
    if not change.is_empty:
        window.push(change, text)


class Editing(RuleBasedStateMachine):
    window = library = None  # set by the test

    @initialize(example=st.sampled_from(EV3_EXAMPLES))
    def open_example(self, example):
        assert self.window.files.open_file(example)
        self.original = self.window.document.text()

    def paths(self) -> list[tuple]:
        return [path for path, _ in self.window.document.program.walk()]

    def places(self) -> list[tuple]:
        """Every place a line can go: before each line, after the last of each body, in each empty body."""
        program, pack = self.window.document.program, self.window.document.pack
        places = [(len(program.blocks),)]
        for path, block in program.walk():
            places.append(path)
            command = pack.command(block.command)
            for name in command.bodies if command else ():
                places.append(path + (name, len(block.bodies.get(name, []))))
        return places

    @rule(data=st.data(), command=st.sampled_from(COMMANDS))
    def insert(self, data, command):
        where = data.draw(st.sampled_from(self.places()))
        block = self.window.document.new_block(command)
        run(self.window, lambda p, k: edits.insert(p, k, where, [block]), "Insert")

    @precondition(lambda self: self.window.document.program.blocks)
    @rule(data=st.data())
    def move(self, data):
        paths = data.draw(st.lists(st.sampled_from(self.paths()), min_size=1, max_size=3))
        where = data.draw(st.sampled_from(self.places()))
        run(self.window, lambda p, k: edits.move(p, k, paths, where), "Move")

    @precondition(lambda self: self.window.document.program.blocks)
    @rule(data=st.data(), operation=st.sampled_from([edits.delete, edits.indent, edits.outdent,
                                                     edits.move_up, edits.move_down]))
    def on_selected(self, data, operation):
        paths = [data.draw(st.sampled_from(self.paths()))]
        run(self.window, lambda p, k: operation(p, k, paths), operation.__name__)

    @precondition(lambda self: self.window.document.program.blocks)
    @rule(data=st.data(), number=st.integers(1, 500))
    def set_value(self, data, number):
        program, pack = self.window.document.program, self.window.document.pack
        numeric = [(path, param.name) for path, block in program.walk() if block.command != "comment"
                   for param in pack.command(block.command).params if param.type == "expression" and not param.list]
        if numeric:
            path, name = data.draw(st.sampled_from(numeric))
            run(self.window, lambda p, k: edits.set_value(p, k, path, name, Num(number)), "Change value")

    @precondition(lambda self: self.window.document.program.blocks)
    @rule(data=st.data())
    def close_or_open(self, data):
        canvas, model = self.window.canvas, self.window.canvas.program_model
        inner = [row for row in range(model.rowCount()) if model.has_inner(row)]
        if inner:
            index = model.index(data.draw(st.sampled_from(inner)), 0)
            canvas.setExpanded(index, not canvas.isExpanded(index))

    @rule()
    def undo(self):
        self.window.undo_stack.undo()

    @rule()
    def redo(self):
        self.window.undo_stack.redo()

    @invariant()
    def rows_are_a_fresh_view_of_the_program(self):
        fresh = ProgramModel(self.window.document)
        try:
            assert list(self.window.canvas.program_model.rows()) == list(fresh.rows())
        finally:
            self.window.document.unsubscribe(fresh._on_event)

    @invariant()
    def rows_hide_inside_closed_lines_and_know_their_paths(self):
        canvas, model = self.window.canvas, self.window.canvas.program_model
        for row in range(model.rowCount()):
            owner, hidden = model.owner_row(row), False
            while owner is not None:
                hidden |= not canvas.isExpanded(model.index(owner, 0))
                owner = model.owner_row(owner)
            assert canvas.isRowHidden(row, QModelIndex()) == hidden, row
            assert canvas.item_at(canvas.path_of(model.item(row))).row() == row

    @invariant()
    def text_reads_back_as_the_same_program(self):
        document = self.window.document
        assert read_program(document.text(), self.library).program.blocks == document.program.blocks

    @invariant()
    def undo_all_gives_the_example_and_redo_all_the_edit(self):
        stack, now = self.window.undo_stack, self.window.document.text()
        index = stack.index()
        stack.setIndex(0)
        assert self.window.document.text() == self.original
        stack.setIndex(index)
        assert self.window.document.text() == now


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_random_edits_keep_canvas_text_and_undo_in_step(qtbot, tmp_path, library):
    Editing.window = open_window(qtbot, tmp_path, library, size=(900, 600))
    Editing.library = library
    run_state_machine_as_test(Editing, settings=settings(
        max_examples=10, stateful_step_count=12, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]))
