"""The pack manager (File → Palette packs…) and the New-program dialog: a course team's pack is
added from the window, kept in the settings for the next start, listed by title, and removed."""

from pathlib import Path

from PySide6.QtCore import QSettings

from robolab.palette import PackLibrary
from robolab.ui.new_program_dialog import NewProgramDialog
from robolab.ui.pack_manager import SETTING, saved_places
from tests.windows import open_window

PACKS = Path(__file__).parent / "packs"


def test_a_pack_added_in_the_window_is_listed_kept_and_removed(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path, PackLibrary())
    manager = window.show_pack_manager()
    qtbot.addWidget(manager)
    shipped = manager.packs()
    assert any(line.startswith("EV3 driving base") for line in shipped)
    assert manager.add_pack(PACKS / "mini.toml") == []
    mini = window.library.find("mini")
    assert mini is not None
    assert any(line.startswith(mini.title) for line in manager.packs())
    assert saved_places(window.settings) == [str(PACKS / "mini.toml")]
    window.settings.sync()

    later = open_window(qtbot, tmp_path, PackLibrary())  # the next start, with the same settings
    assert later.library.find("mini") is not None
    manager = later.show_pack_manager()
    qtbot.addWidget(manager)
    row = next(i for i in range(manager.list.count()) if manager.list.item(i).text().startswith(mini.title))
    manager.list.setCurrentRow(row)
    assert manager.remove_button.isEnabled()
    manager.remove_selected()
    assert later.library.find("mini") is None and not any(line.startswith(mini.title) for line in manager.packs())
    assert saved_places(later.settings) == []
    manager.list.setCurrentRow(0)  # a shipped pack cannot be removed
    assert not manager.remove_button.isEnabled()


def test_a_broken_pack_is_not_added_and_says_why(qtbot, tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text('[pack]\nid = "broken"\nversion = "1.0"\n\n[[command]]\nid = "x"\n')
    window = open_window(qtbot, tmp_path, PackLibrary())
    manager = window.show_pack_manager()
    qtbot.addWidget(manager)
    problems = manager.add_pack(broken)
    assert problems and all("broken.toml" in p for p in problems)
    assert "Not added" in manager.message.text() and window.library.find("broken") is None
    assert window.settings.value(SETTING) is None


def test_the_new_program_dialog_lists_titles_and_descriptions(qtbot, library):
    dialog = NewProgramDialog(library, "treescript")
    qtbot.addWidget(dialog)
    ev3 = library.find("ev3")
    assert any(text.startswith(ev3.title) and ev3.description[:30] in text for text in dialog.titles())
    assert not any(text.split("\n")[0] == "ev3" for text in dialog.titles())
    assert dialog.chosen() == "treescript"
