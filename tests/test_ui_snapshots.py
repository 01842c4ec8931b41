"""The window's snapshot of a big program is made on a worker thread after an edit; one made for a
revision that is no longer current is dropped, and what the window shows is the current one's."""

import threading

from robolab.document import snapshot as snapshots
from robolab.model import edits
from robolab.model.expr import Num
from robolab.ui.snapshots import THREAD_FROM
from tests.windows import open_window

LINES = "repeat times=2 {\n    drive speed=50 amount=1 unit=rotations\n    beep\n}\n"


def test_a_big_programs_snapshot_comes_from_a_thread_and_a_stale_one_is_dropped(qtbot, tmp_path, library,
                                                                                monkeypatch):
    window = open_window(qtbot, tmp_path, library)
    path = tmp_path / "big.rlab"
    path.write_text("robolab 1 palette ev3 1.0\n" + LINES * (THREAD_FROM // 3 + 1))
    assert window.files.open_file(path)
    threads, shown = [], []
    take = snapshots.take

    def spy(*args, **kwargs):
        threads.append(threading.current_thread() is threading.main_thread())
        return take(*args, **kwargs)

    monkeypatch.setattr("robolab.ui.snapshots.take", spy)
    window.snapshots.ready.connect(lambda snapshot: shown.append((snapshot.revision, window.document.revision)))
    document = window.document
    window.refresh_analysis()  # starts a snapshot of this revision
    window.canvas.select_paths([(0,)])
    window.set_value("times", Num(7))  # a newer revision before that one arrives
    qtbot.waitUntil(lambda: bool(shown) and shown[-1][0] == document.revision and not window.snapshots._busy,
                    timeout=20000)
    window.refresh_analysis()  # the newer revision's turn
    qtbot.waitUntil(lambda: shown and shown[-1][0] == document.revision, timeout=20000)
    assert threads and not any(threads)  # never on the window's thread
    assert all(revision == current for revision, current in shown)  # nothing stale was shown
    assert document.current_snapshot is not None and "range(int(7))" in document.current_snapshot.python
