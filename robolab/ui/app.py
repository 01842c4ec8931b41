"""Starting the window: `robolab [FILE]`, and `robolab --screenshot OUT.png` for docs and checks."""

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from robolab.palette import PackLibrary
from robolab.ui import theme as th
from robolab.ui.main_window import MainWindow


def application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("RoboLab")
    app.setOrganizationName("RoboLab")
    th.apply_style(app, th.LIGHT)
    return app


def run(file: str | None = None, palettes=()) -> int:
    app = application()
    window = MainWindow(PackLibrary(list(palettes)))
    if file and not window.files.open_file(file):
        pass  # the error was shown; the window opens with a new program
    window.show()
    QTimer.singleShot(0, lambda: start_without_file(window) if not file else window.files.offer_recovery())
    return app.exec()


def start_without_file(window) -> None:
    """Work a crash left behind is offered at every start; the very first start, with nothing
    to recover, opens the welcome program."""
    from robolab.ui.help_view import open_welcome_on_first_run
    if not window.files.offer_recovery():
        open_welcome_on_first_run(window.files, window.settings)


def screenshot(out: str, size: tuple[int, int] = (1280, 800), file: str | None = None, palettes=(),
               present: bool = False) -> int:
    """Render the window (default layout, no user settings) with FILE loaded, to a PNG; `present`:
    in presentation mode."""
    app = application()
    with tempfile.TemporaryDirectory() as scratch:
        settings = QSettings(str(Path(scratch) / "settings.ini"), QSettings.Format.IniFormat)
        from robolab.ui.autosave import Autosave

        window = MainWindow(PackLibrary(list(palettes)), settings=settings, autosave=Autosave(Path(scratch)))
        errors = []
        window.files.show_error = lambda title, message: errors.append(message)
        if file and not window.files.open_file(file, aside=False):  # the picture is of it
            print("\n".join(errors), file=sys.stderr)
            return 1
        window.dock_simulator()  # now, not after the first frame: the picture is of the whole window
        # A line with values selected, so the picture shows the value editor at work too.
        first = next((path for path, block in window.document.program.walk() if block.args and
                      block.command != "comment"), None)
        if first is not None:
            window.canvas.select_paths([first])
        window.resize(*size)
        window.show()
        for _ in range(3):
            app.processEvents()
        window.resize(*size)  # again: panels docked after the first frame may have grown it
        app.processEvents()
        if present:
            window.set_presentation(True)
            for _ in range(3):
                app.processEvents()
        window.refresh_analysis()
        app.processEvents()
        ok = window.grab().save(out, "PNG")
        window.files.closed()
        window.hide()
        window.deleteLater()
        app.processEvents()
    if not ok:
        print(f"{out}: cannot write the picture", file=sys.stderr)
        return 1
    return 0
