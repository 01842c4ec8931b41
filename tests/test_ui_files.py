"""Files in the window (offscreen, real files): save/load round trip, failed loads, asking before
losing work, autosave and recovery after a crash, exports, recent files and examples."""

import os
import subprocess
import sys
import time

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
    outer = [text for text, _, depth in window.canvas.program_model.rows() if depth == 0]
    assert len(outer) == len(window.document.program.blocks)
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
    left = Autosave(folder, pid=crashed.pid)
    left.write("robolab 1 palette ev3 1.0\nbeep\nwait seconds=3\n",
                                            str(tmp_path / "lost.rlab"))
    running = make_window(qtbot, tmp_path, library, Autosave(folder))
    assert running.files.autosave.orphans() == []  # its process still runs: not offered
    crashed.kill()
    crashed.wait()
    window = make_window(qtbot, tmp_path, library, Autosave(folder))
    offered = []
    assert window.files.offer_recovery(ask=lambda description, can_open: offered.append(description) or "open")
    assert "lost.rlab" in offered[0]
    assert window.document.text().endswith("beep\nwait seconds=3\n")
    assert window.document.dirty and window.document.path == tmp_path / "lost.rlab"
    assert not left.file.exists()
    assert window.files.autosave.file.exists()  # now held by this session's autosave
    # "ask me next time" keeps it; discarding deletes it
    left.write("robolab 1 palette ev3 1.0\nbeep\n")
    assert not window.files.offer_recovery(ask=lambda description, can_open: "later")
    assert left.file.exists()
    assert not window.files.offer_recovery(ask=lambda description, can_open: "discard")
    assert not left.file.exists()


CRASHING_WINDOW = """
import sys
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from robolab.palette import PackLibrary
from robolab.ui.autosave import Autosave
from robolab.ui.main_window import MainWindow

app = QApplication([])
folder, settings, command = sys.argv[1:]
window = MainWindow(PackLibrary(), settings=QSettings(settings, QSettings.Format.IniFormat),
                    autosave=Autosave(folder))
window.insert_command(command)
assert window.files.autosave_now()
print("autosaved", flush=True)
app.exec()  # until killed
"""


def crash_a_window(tmp_path, folder, command):
    """A real RoboLab window with unsaved work, killed as a crash kills it."""
    window = subprocess.Popen([sys.executable, "-c", CRASHING_WINDOW, str(folder), str(tmp_path / f"{command}.ini"),
                               command], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert window.stdout.readline().strip() == "autosaved"
    return window


def test_two_crashed_windows_are_both_offered_and_each_kept_until_chosen(qtbot, tmp_path, library):
    folder = tmp_path / "autosave"
    crashed = [crash_a_window(tmp_path, folder, "beep"), crash_a_window(tmp_path, folder, "wait")]
    for window in crashed:
        window.kill()
        window.wait()
    files = {window.pid: next(folder.glob(f"autosave-{window.pid}-*.rlab")) for window in crashed}

    window = make_window(qtbot, tmp_path, library, Autosave(folder))
    asked, answers = [], ["open", "later"]
    assert window.files.offer_recovery(ask=lambda description, can_open: asked.append(can_open) or answers.pop(0))
    assert asked == [True, False]  # both offered; only one can open in this window
    assert window.document.dirty and window.document.program.blocks
    still_there = [file for file in files.values() if file.exists()]
    assert len(still_there) == 1  # the one opened is held by this session's autosave now
    kept = still_there[0].read_text()

    # The next start offers the other one again; saving it to a file keeps the work.
    later = make_window(qtbot, tmp_path, library, Autosave(folder))
    target = tmp_path / "recovered.rlab"
    later.files._choose = lambda *args: str(target)
    offered = []
    assert not later.files.offer_recovery(ask=lambda description, can_open: offered.append(description) or "save_as")
    assert target.read_text() == kept
    assert not still_there[0].exists()
    assert len(offered) == 1  # the first window's autosave is not offered: that window still runs


def test_a_recovery_that_is_not_saved_anywhere_is_kept(qtbot, tmp_path, library):
    folder = tmp_path / "autosave"
    Autosave(folder, pid=2 ** 22 + 12345).write("robolab 1 palette ev3 1.0\nbeep\n")  # no such process
    window = make_window(qtbot, tmp_path, library, Autosave(folder))
    window.files._choose = lambda *args: ""  # the file dialog is cancelled
    assert not window.files.offer_recovery(ask=lambda description, can_open: "save_as")
    assert len(window.files.autosave.orphans()) == 1


def test_save_over_a_file_another_program_changed_asks_first(window, tmp_path):
    path = tmp_path / "shared.rlab"
    path.write_text("robolab 1 palette ev3 1.0\nbeep\n")
    assert window.files.open_file(path)
    window.insert_command("wait")
    path.write_text("robolab 1 palette ev3 1.0\n# changed in another editor\nbeep\n")
    asked = []
    window.files.ask_changed_on_disk = lambda p: asked.append(p) or "cancel"
    assert not window.files.save()
    assert asked == [path] and "another editor" in path.read_text()  # nothing replaced
    assert window.document.dirty
    window.files.ask_changed_on_disk = lambda p: asked.append(p) or "replace"
    assert window.files.save()
    assert "another editor" not in path.read_text() and not window.document.dirty
    # Saved now: the next save does not ask, nor does one after the file was only touched.
    window.insert_command("beep")
    os.utime(path, (1, 1))
    assert window.files.save() and len(asked) == 2


def edited_while_another_program_changes_it(window, tmp_path):
    """A file opened and edited here, then changed on disk by another program."""
    path = tmp_path / "shared.rlab"
    path.write_text("robolab 1 palette ev3 1.0\nbeep\n")
    window.files.open_file(path)
    window.insert_command("wait")
    path.write_text("robolab 1 palette ev3 1.0\n# theirs\n")
    return path


def test_save_as_another_file_when_the_file_was_changed(window, tmp_path):
    path = edited_while_another_program_changes_it(window, tmp_path)
    other = tmp_path / "mine.rlab"
    window.files.ask_changed_on_disk = lambda p: "save_as"
    window.files._choose = lambda *args: str(other)
    assert window.files.save()
    assert path.read_text().endswith("# theirs\n") and other.read_text().endswith("wait seconds=1\n")
    assert window.document.path == other


def test_save_of_a_program_opened_through_a_link_edits_the_target(window, tmp_path):
    real = tmp_path / "course" / "real.rlab"
    real.parent.mkdir()
    real.write_text("robolab 1 palette ev3 1.0\nbeep\n")
    real.chmod(0o600)
    link = tmp_path / "link.rlab"
    link.symlink_to(real)
    assert window.files.open_file(link)
    window.insert_command("wait")
    assert window.files.save()
    assert link.is_symlink() and "wait" in real.read_text()
    assert (real.stat().st_mode & 0o777) == 0o600


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


def answer_dialog(button_text: str, seen: list) -> None:
    """Click a button of the message box about to open, once it is shown (the real dialog)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def click():
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(10, click)
            return
        seen.append(box.text())
        next(b for b in box.buttons() if b.text() == button_text).click()

    QTimer.singleShot(0, click)


def test_the_recovery_dialog_offers_open_save_discard_and_later(qtbot, tmp_path, library):
    folder = tmp_path / "autosave"
    Autosave(folder, pid=2 ** 22 + 54321).write("robolab 1 palette ev3 1.0\nbeep\n", str(tmp_path / "lost.rlab"))
    window = make_window(qtbot, tmp_path, library, Autosave(folder))
    seen = []
    answer_dialog("Ask me next time", seen)
    assert not window.files.offer_recovery()
    assert "lost.rlab" in seen[0] and len(window.files.autosave.orphans()) == 1
    answer_dialog("Open it", seen)
    assert window.files.offer_recovery()
    assert window.document.text().endswith("beep\n") and window.files.autosave.orphans() == []


def test_the_changed_on_disk_dialog_cancels_by_default(window, tmp_path):
    path = edited_while_another_program_changes_it(window, tmp_path)
    seen = []
    answer_dialog("Cancel", seen)
    assert not window.files.save()
    assert "changed by another program" in seen[0] and path.read_text().endswith("# theirs\n")
    answer_dialog("Replace them", seen)
    assert window.files.save() and "wait" in path.read_text()


def test_work_left_by_a_process_whose_id_another_program_took_is_offered(qtbot, tmp_path, library):
    """After a reboot (a power cut), another program may run with the crashed RoboLab's process id."""
    import json

    folder = tmp_path / "autosave"
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        left = Autosave(folder, pid=other.pid)
        left.write("robolab 1 palette ev3 1.0\nbeep\n", str(tmp_path / "lost.rlab"))
        assert Autosave(folder).orphans() == []  # that process runs: its own work, not offered
        meta = left.file.with_suffix(".json")
        recorded = json.loads(meta.read_text())
        if recorded["started"] is None:
            pytest.skip("this system does not say when a process started")
        meta.write_text(json.dumps({**recorded, "started": "an-earlier-boot:12345"}))
        assert [o.original for o in Autosave(folder).orphans()] == [str(tmp_path / "lost.rlab")]
    finally:
        other.kill()
        other.wait()


def test_a_new_robolab_with_a_crashed_ones_process_id_neither_hides_nor_overwrites_its_work(tmp_path):
    import json

    folder = tmp_path / "autosave"
    crashed = Autosave(folder)  # this very process id, in an earlier boot
    crashed.write("robolab 1 palette ev3 1.0\nbeep\n", "lost.rlab")
    meta = crashed.file.with_suffix(".json")
    meta.write_text(json.dumps({**json.loads(meta.read_text()), "started": "an-earlier-boot:1"}))
    time.sleep(0.002)
    now = Autosave(folder)
    assert now.pid == crashed.pid and now.file != crashed.file
    now.write("robolab 1 palette ev3 1.0\nwait seconds=1\n")
    from robolab.ui.autosave import _started

    if _started(os.getpid()) is not None:  # where the system says when a process started (Linux)
        assert [o.file for o in now.orphans()] == [crashed.file]
    assert crashed.file.read_text().endswith("beep\n")


# --- Big files are read off the window's thread ---------------------------------------------------

BIG_LINES = "repeat times=2 {\n    drive speed=50 amount=1 unit=rotations\n    beep\n}\n"


def big_file(path, extra: str = ""):
    from robolab.ui.file_actions import READ_ASIDE_FROM

    path.write_text("robolab 1 palette ev3 1.0\n" + BIG_LINES * (READ_ASIDE_FROM // len(BIG_LINES) + 1) + extra)
    return path


@pytest.fixture
def reading_threads(monkeypatch):
    """Whether each file read ran on the window's thread."""
    import threading

    from robolab.document import Document

    threads, original = [], Document.open.__func__

    def spy(cls, *args):
        threads.append(threading.current_thread() is threading.main_thread())
        return original(cls, *args)

    monkeypatch.setattr(Document, "open", classmethod(spy))
    return threads


def test_a_big_file_is_read_off_the_windows_thread_then_shown(window, tmp_path, qtbot, reading_threads):
    window.insert_command("beep")  # unsaved work: asked about once the file is in, as for a small one
    asked = []
    window.files.ask_unsaved = lambda: asked.append(True) or "discard"
    path = big_file(tmp_path / "big.rlab")
    assert window.files.open_file(path)
    assert window.files.reading.busy and window.document.path is None  # being read: nothing shown yet
    assert window.statusBar().currentMessage() == "Opening big.rlab…"
    qtbot.waitUntil(lambda: window.document.path == path, timeout=60000)
    assert window.statusBar().currentMessage() == ""
    assert reading_threads == [False] and asked == [True]
    assert window.document.text() == path.read_text() and not window.document.dirty
    assert str(path.resolve()) in window.files.recent()
    top_rows = [line.block for line in window.canvas.program_model.lines if line.depth == 0]
    assert top_rows == window.document.program.blocks  # every line shown (flat rows: the top ones)
    window.insert_command("beep")
    assert window.files.save()  # saving does not ask: the file is as it was read
    assert path.read_text().endswith("beep\n")


def test_a_big_file_still_being_read_is_dropped_when_another_is_opened(window, tmp_path, qtbot, reading_threads):
    big, small = big_file(tmp_path / "big.rlab"), tmp_path / "small.rlab"
    small.write_text("robolab 1 palette ev3 1.0\nbeep\n")
    with qtbot.waitSignal(window.files.reading._finished, timeout=60000):  # the big one's result comes
        assert window.files.open_file(big)
        assert window.files.open_file(small)  # small: read at once, on the window's thread
        assert window.document.path == small and not window.files.reading.busy
        assert window.statusBar().currentMessage() == ""
    qtbot.wait(50)  # the queued result is delivered, and dropped
    assert reading_threads == [False, True]
    assert window.document.path == small and window.document.text() == small.read_text()
    assert not window.errors


def test_a_big_file_that_cannot_be_read_says_where_and_leaves_the_program(window, tmp_path, qtbot):
    window.insert_command("wait")
    before = window.document.text()
    bad = big_file(tmp_path / "bad.rlab", extra="repeat times=4 {\n    drive speed=50 unit=miles\n}\n")
    lines = bad.read_text().count("\n")
    assert window.files.open_file(bad)
    qtbot.waitUntil(lambda: not window.files.reading.busy, timeout=60000)
    assert f"{bad}:{lines - 1}" in window.errors[-1] and "miles" in window.errors[-1]
    assert window.document.text() == before and window.document.dirty and window.document.path is None
