"""The program document with no display: edits through its history, revisions, typed events with
listeners that can leave, unsaved state from the history's clean point, one snapshot per revision."""

import gc

from robolab.document import Changed, Document, EventEmitter, Reset, Saved
from robolab.model import edits
from robolab.model.expr import Name, Num
from robolab.model.program import Block

SQUARE = """robolab 1 palette ev3 1.0
repeat times=4 {
    drive speed=50 amount=2 unit=rotations
    tank_drive left=30 right=-30 amount=190 unit=degrees
}
beep
"""


def document(library, text=SQUARE):
    return Document.from_text(text, library, "square.rlab")


def test_edits_count_revisions_and_undo_exactly(library):
    doc = document(library)
    assert doc.revision == 0 and not doc.dirty
    doc.edit(edits.insert(doc.program, doc.pack, (2,), [Block("wait", {"seconds": Num(1)})]), "Insert")
    doc.edit(edits.move(doc.program, doc.pack, [(2,)], (0,)), "Move")
    assert doc.text().splitlines()[1] == "wait seconds=1" and doc.revision == 2 and doc.dirty
    assert doc.history.undo() and doc.history.undo() and not doc.history.undo()
    assert doc.text() == SQUARE and doc.revision == 4 and not doc.dirty
    assert doc.history.redo() and doc.text().splitlines()[-1] == "wait seconds=1"


def test_unsaved_comes_from_the_clean_point(library, tmp_path):
    doc = document(library)
    doc.edit(edits.set_value(doc.program, doc.pack, (0,), "times", Num(5)), "Change value")
    doc.save(tmp_path / "a.rlab")
    assert not doc.dirty and (tmp_path / "a.rlab").read_text() == doc.text()
    doc.history.undo()
    assert doc.dirty  # the saved state is one step on
    doc.history.redo()
    assert not doc.dirty
    doc.history.undo()
    doc.edit(edits.delete(doc.program, doc.pack, [(1,)]), "Delete")
    assert doc.dirty  # the saved state was overwritten: no undo or redo reaches it again
    doc.history.undo()
    assert doc.dirty
    doc.replace(document(library))
    assert not doc.dirty and doc.history.count() == 0
    doc.mark_dirty()  # recovered work that was never saved
    assert doc.dirty


def test_a_value_typed_digit_by_digit_is_one_undo_step(library):
    doc = document(library)
    for digits in ("1", "10", "100"):
        doc.edit(edits.set_value(doc.program, doc.pack, (0, "do", 0), "speed", Num(int(digits))), "Change value")
    assert doc.history.count() == 1 and "speed=100" in doc.text()
    doc.edit(edits.set_value(doc.program, doc.pack, (0, "do", 0), "amount", Num(3)), "Change value")
    assert doc.history.count() == 2  # another value: another step
    doc.history.undo()
    doc.history.undo()
    assert doc.text() == SQUARE


def test_typed_events_and_listeners_that_leave(library, tmp_path):
    doc = document(library)
    seen = []

    class View:
        def on_event(self, event):
            seen.append(event)

    view = View()
    doc.subscribe(view.on_event)
    doc.subscribe(seen.append)
    change = edits.delete(doc.program, doc.pack, [(1,)])
    doc.edit(change, "Delete")
    assert seen == [Changed(change, 1)] * 2
    del view
    gc.collect()  # a bound method is held weakly: the gone view is no longer called
    doc.save(tmp_path / "b.rlab")
    assert seen[2:] == [Saved(tmp_path / "b.rlab")]
    doc.unsubscribe(seen.append)
    doc.replace(document(library))
    assert len(seen) == 3 and len(doc.events) == 0


def test_event_emitter_unsubscribes_a_bound_method():
    emitter, got = EventEmitter(), []

    class Listener:
        def __call__(self, event):
            got.append(event)

        def method(self, event):
            got.append(("method", event))

    listener = Listener()
    emitter.subscribe(listener.method)
    emitter.emit(Reset(1))
    emitter.unsubscribe(listener.method)
    emitter.emit(Reset(2))
    assert got == [("method", Reset(1))]


def test_one_snapshot_per_revision_with_problems_on_the_lines_they_are_now(library):
    doc = document(library, "robolab 1 palette ev3 1.0\nbeep\nset name=speed value=5\n")
    first = doc.snapshot()
    assert doc.snapshot() is first  # computed once, shared
    (problem, path), = first.problems
    assert path == (1,) and problem.line == 3 and first.compiled is None
    assert "cannot become Python" in first.python
    # the line moves up: its problem is on line 2 now, and points at its new place
    doc.edit(edits.move(doc.program, doc.pack, [(1,)], (0,)), "Move")
    second = doc.snapshot()
    assert second is not first and second.revision == doc.revision
    (problem, path), = second.problems
    assert path == (0,) and problem.line == 2
    assert second.text == doc.text()


def test_an_expression_name_problem_follows_its_line(library):
    doc = document(library, "robolab 1 palette ev3 1.0\nbeep\nwait seconds=(nope + 1)\n")
    (problem, path), = doc.snapshot().problems
    assert path == (1,) and problem.line == 3
    doc.edit(edits.insert(doc.program, doc.pack, (0,), [Block("beep", {})]), "Insert")
    (problem, path), = doc.snapshot().problems
    assert path == (2,) and problem.line == 4 and "nope" in problem.message


def test_the_snapshot_compiles_and_maps_lines(library):
    doc = document(library)
    snapshot = doc.snapshot()
    assert snapshot.problems == () and "for _ in range(int(4)):" in snapshot.python
    assert snapshot.layout.path_at(3) == (0, "do", 0) and snapshot.layout.where((1,)) == (6, 1)
    assert snapshot.layout.where((0, "do", 0), "amount") == (3, 27)
    assert snapshot.compiled.lines_of_block((1,))  # the beep became Python


def test_a_stale_snapshot_is_not_kept(library):
    from robolab.document.snapshot import take

    doc = document(library)
    old = take(doc.program, doc.pack, doc.revision, doc.name)
    doc.edit(edits.set_value(doc.program, doc.pack, (0,), "times", Name("x")), "Change value")
    assert not doc.offer(old) and doc.current_snapshot is None
    fresh = take(doc.program, doc.pack, doc.revision, doc.name)
    assert doc.offer(fresh) and doc.snapshot() is fresh


def test_the_value_editor_scope_is_kept_with_the_revision(library):
    doc = document(library, "robolab 1 palette ev3 1.0\nvar name=speed value=5\nbeep\n")
    doc.snapshot()
    scope = doc.scope_at((1,))
    assert doc.scope_at((1,)) is scope and "speed" in scope.declared
    doc.edit(edits.set_value(doc.program, doc.pack, (0,), "name", "fast"), "Change value")
    doc.snapshot()
    assert "fast" in doc.scope_at((1,)).declared and "speed" not in doc.scope_at((1,)).declared


def test_replacing_frees_the_program_shown_before_even_with_the_collector_frozen(library):
    """The window freezes the cycle collector after each open (SnapshotKeeper.settle): a program
    shown before must go by reference counting alone, or each open keeps the last one."""
    import weakref

    doc = document(library)
    doc.replace(document(library, SQUARE + "beep\n"))
    doc.snapshot()
    shown_before = weakref.ref(doc.program)
    gc.freeze()
    try:
        doc.replace(document(library))
        assert shown_before() is None
    finally:
        gc.unfreeze()


def test_a_document_never_shown_is_freed_even_with_the_collector_frozen(library):
    """A big file read off the window's thread and then dropped (another was opened meanwhile)."""
    import weakref

    gc.freeze()
    try:
        doc = document(library)
        program = weakref.ref(doc.program)
        del doc
        assert program() is None
    finally:
        gc.unfreeze()
