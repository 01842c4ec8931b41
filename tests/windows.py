"""The window as the UI tests build it: its own settings file and autosave folder in tmp_path
(never the user's), unsaved work discarded when a test closes it (qtbot closes every window)."""

from PySide6.QtCore import QSettings

from robolab.ui.autosave import Autosave
from robolab.ui.main_window import MainWindow


def open_window(qtbot, tmp_path, library, size=None, show=True, autosave=None) -> MainWindow:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(library, settings=settings, autosave=autosave or Autosave(tmp_path / "autosave"))
    window.files.ask_unsaved = lambda: "discard"
    qtbot.addWidget(window)
    if size:
        window.resize(*size)
    if show:
        window.show()
        qtbot.waitExposed(window)
    return window
