"""Files in the window (offscreen, real files): save/load round trip, failed loads, asking before
losing work, autosave and recovery after a crash, exports, recent files and examples."""

import os
import subprocess
import sys

import pytest
from PySide6.QtGui import QImage

from conftest import EXAMPLES
from robolab.ui.autosave import Autosave
from tests.windows import open_window


def make_window(qtbot, tmp_path, library, autosave=None):
    window = open_window(qtbot, tmp_path, library, show=False, autosave=autosave)
    errors = []
    window.files.show_error = lambda title, message: errors.append(message)
    window.errors = errors
    return window


@pytest.fixture
def window(qtbot, tmp_path, library):
    return make_window(qtbot, tmp_path, library)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_opens_and_saves_back_the_same(window, tmp_path, example):
    assert window.files.open_file(example)
    assert window.canvas.program_model.rowCount() == len(window.document.program.blocks)
    out = tmp_path / "copy.rlab"
    assert window.files.save_as(out)
    assert out.read_text() == example.read_text()
    assert not window.document.dirty and window.document.path == out


def test_edit_save_and_load_round_trip(window, tmp_path, qtbot, library):
    assert window.files.open_example(EXAMPLES[0])
    assert window.document.path is None and "(copy)" in window.windowTitle()
    window.canvas.select_paths([(0,)])
    window.insert_command("comment")
    assert window.document.dirty and window.isWindowModified()
    out = tmp_path / "mine"
    assert window.files.save_as(out)  # gets the .rlab suffix
    saved = tmp_path / "mine.rlab"
    assert saved.is_file() and not window.document.dirty and not window.isWindowModified()
    other = make_window(qtbot, tmp_path, library)
    assert other.files.open_file(saved)
    assert other.document.text() == window.document.text()
    assert "# a note about the program" in other.document.text()
    assert str(saved.resolve()) in other.files.recent()


def test_undo_back_to_the_saved_state_is_clean(window, tmp_path):
    path = tmp_path / "a.rlab"
    path.write_text("robolab 1 palette ev3 1.0\nbeep\n")
    window.files.open_file(path)
    window.insert_command("beep")
    assert window.document.dirty
    window.undo_stack.undo()
    assert not window.document.dirty
    window.undo_stack.redo()
    window.files.save()
    window.undo_stack.undo()
    window.insert_command("wait")  # the saved state cannot come back now
    assert window.document.dirty


def test_a_file_that_fails_to_load_says_where_and_leaves_the_program(window, tmp_path):
    good = tmp_path / "good.rlab"
    good.write_text("robolab 1 palette ev3 1.0\nbeep\n")
    window.files.open_file(good)
    window.insert_command("wait")
    before = window.document.text()
    bad = tmp_path / "bad.rlab"
    bad.write_text("robolab 1 palette ev3 1.0\nbeep\nrepeat times=4 {\n    drive speed=50 unit=miles\n}\n")
    assert not window.files.open_file(bad)
    assert f"{bad}:4" in window.errors[-1]
    assert window.document.text() == before and window.document.path == good and window.document.dirty
    assert window.undo_stack.count() == 1  # the undo history is kept too


def test_replacing_unsaved_work_asks_first(window, tmp_path):
    window.insert_command("beep")
    answers = []
    window.files.ask_unsaved = lambda: answers.pop(0)
    answers.append("cancel")
    assert not window.files.open_example(EXAMPLES[0])
    assert window.document.text().endswith("beep\n")
    answers.append("discard")
    assert window.files.new_program("ev3")
    assert window.document.program.blocks == []


def test_closing_with_unsaved_changes_asks_and_can_save(window, tmp_path):
    window.show()
    window.insert_command("beep")
    window.files.ask_unsaved = lambda: "cancel"
    assert not window.close()
    assert window.isVisible()
    target = tmp_path / "closing.rlab"
    window.files.ask_unsaved = lambda: "save"
    window.files.save_as = lambda path=None: window.files._save_to(target)
    assert window.close()
    assert target.read_text().endswith("beep\n")


def test_exports(window, tmp_path):
    window.files.open_file(EXAMPLES[0])
    assert window.files.export_python(tmp_path / "p.py")
    source = (tmp_path / "p.py").read_text()
    assert source.startswith("#!/usr/bin/env python3") and os.access(tmp_path / "p.py", os.X_OK)
    compile(source, "p.py", "exec")
    assert window.files.export_text(tmp_path / "p.txt")
    assert (tmp_path / "p.txt").read_text() == EXAMPLES[0].read_text()
    assert window.files.export_png(tmp_path / "p.png")
    image = QImage(str(tmp_path / "p.png"))
    rows = len(list(window.document.program.walk()))
    assert image.height() >= rows * 20  # the whole program, not just what fits on screen


def test_export_python_of_a_program_with_problems_says_so(window, tmp_path):
    window.insert_command("set")  # sets a variable never made
    assert not window.files.export_python(tmp_path / "p.py")
    assert "Fix the problems first" in window.errors[-1]
    assert not (tmp_path / "p.py").exists()


def test_print_renders_pages(window, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    window.files.open_file(EXAMPLES[0])
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "out.pdf"))
    window.files.render_for_print(printer)
    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF")


def test_autosave_writes_unsaved_work_and_a_clean_exit_removes_it(window, tmp_path):
    assert not window.files.autosave_now()  # nothing unsaved
    window.insert_command("beep")
    assert window.files.autosave_now()
    autosaved = window.files.autosave.file
    assert autosaved.read_text().endswith("beep\n")
    assert not window.files.autosave_now()  # unchanged since
    window.files.ask_unsaved = lambda: "discard"
    window.close()
    assert not autosaved.exists()


def test_recovery_after_a_crash(qtbot, tmp_path, library):
    folder = tmp_path / "autosave"
    # A RoboLab that dies without cleaning up: a real process, killed.
    crashed = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    Autosave(folder, pid=crashed.pid).write("robolab 1 palette ev3 1.0\nbeep\nwait seconds=3\n",
                                            str(tmp_path / "lost.rlab"))
    running = make_window(qtbot, tmp_path, library, Autosave(folder))
    assert running.files.autosave.orphans() == []  # its process still runs: not offered
    crashed.kill()
    crashed.wait()
    window = make_window(qtbot, tmp_path, library, Autosave(folder))
    offered = []
    assert window.files.offer_recovery(ask=lambda description: offered.append(description) or True)
    assert "lost.rlab" in offered[0]
    assert window.document.text().endswith("beep\nwait seconds=3\n")
    assert window.document.dirty and window.document.path == tmp_path / "lost.rlab"
    assert not (folder / f"autosave-{crashed.pid}.rlab").exists()
    assert window.files.autosave.file.exists()  # now held by this session's autosave
    # declining discards it
    Autosave(folder, pid=crashed.pid).write("robolab 1 palette ev3 1.0\nbeep\n")
    assert not window.files.offer_recovery(ask=lambda description: False)
    assert not (folder / f"autosave-{crashed.pid}.rlab").exists()


def test_new_program_for_another_pack_switches_the_palette(window):
    assert window.files.new_program("treescript")
    assert window.document.pack.id == "treescript"
    assert "main" in window.palette_view.visible_ids()
    assert window.files.new_program("ev3")
    assert "drive" in window.palette_view.visible_ids()


def test_file_dialogs_start_in_the_folder_used_last(window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    asked = []
    target = tmp_path / "work" / "mine.rlab"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda parent, title, start, filter_: asked.append(start) or (str(target), "")))
    window.insert_command("beep")
    assert window.files.save()  # untitled: asks where
    assert target.read_text().endswith("beep\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda parent, title, start, filter_: asked.append(start) or ("", "")))
    assert not window.files.open_file()  # cancelled: nothing happens
    assert asked[-1] == str(target.parent)
