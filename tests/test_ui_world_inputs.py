"""The window and the world a program names (issue 15 item 5, issue 14 item 6): read off the window's
thread, an unusable world said in the window, and Run refusing rather than running in the previous
arena without a word."""

import os
from types import SimpleNamespace

import pytest

from robolab.language import parse_program
from robolab.live import FINISHED
from test_ui_sim import panel  # noqa: F401 - the simulator panel fixture


def opened(library, folder, header: str):
    path = folder / "p.rlab"
    path.write_text(f"robolab 1 palette ev3 1.0 {header}\nbeep\n")
    program, pack = parse_program(path.read_text(), library, str(path))
    return SimpleNamespace(program=program, pack=pack, path=path)


@pytest.mark.parametrize("header, reason", [('world "/dev/zero"', "not a regular file"),
                                            ('world "pipe.toml"', "not a regular file"),
                                            ('world "a\x00b"', "control character"),
                                            ("world nowhere", "no world called 'nowhere'")])
def test_an_unusable_world_is_said_in_the_window_and_run_refuses(qtbot, panel, library, tmp_path, header, reason):
    os.mkfifo(tmp_path / "pipe.toml")   # reading it on the window's thread would freeze the window for ever
    before = panel.world
    wanted = []
    panel.output.wanted.connect(lambda: wanted.append(True))   # the output pane is brought forward
    panel.set_document(opened(library, tmp_path, header))
    qtbot.waitUntil(lambda: panel.world_problem != "", timeout=10000)
    assert reason in panel.world_problem
    assert wanted
    assert reason in panel.output.list.texts()[-1] and "will not run" in panel.output.list.texts()[-1]
    assert panel.world is before
    panel.run_program()
    assert panel.run is None   # not run in the previous arena
    assert panel.output.list.texts()[-1].startswith("Not run. The world") and reason in panel.output.list.texts()[-1]
    panel.bar.world.setCurrentIndex(panel.bar.world.findData("empty_arena"))   # the student chooses a world
    panel._world_chosen("empty_arena")
    assert panel.world_problem == ""
    panel.run_program()
    qtbot.waitUntil(lambda: panel.state == FINISHED, timeout=20000)


def test_a_world_named_beside_the_program_is_read_off_the_windows_thread(qtbot, panel, library, tmp_path):
    (tmp_path / "corridor.toml").write_text('name = "corridor"\nsize = [900, 400]\n')
    with qtbot.waitSignal(panel.world_changed, timeout=10000) as read:
        panel.set_document(opened(library, tmp_path, "world corridor"))
        assert panel.world.name == "empty_arena"   # not yet: it is being read on the pool
        panel.run_program()
        assert panel.run is None and "still being read" in panel.output.list.texts()[-1]
    assert read.args == [True]
    assert panel.world.name == "corridor" and panel.world_problem == ""


def test_a_world_chosen_while_another_is_read_wins(qtbot, panel, tmp_path):
    slow = tmp_path / "slow.toml"
    slow.write_text('name = "slow"\nsize = [900, 400]\n')
    panel.set_world(str(slow))
    panel.set_world("maze")   # chosen from the list before the file's answer came back
    assert panel.world.name == "maze"
    from PySide6.QtCore import QCoreApplication, QThreadPool

    assert QThreadPool.globalInstance().waitForDone(10000)   # the file's answer is sent...
    QCoreApplication.processEvents()                         # ...and delivered
    assert panel.world.name == "maze"   # the older answer is dropped
