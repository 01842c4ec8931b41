"""Child process of test_ui_restored_window.py: a crash here is a signal, which a test process cannot catch.

A big window saves its layout with the simulator and a Challenge panel moved to the bottom; the next
window restores it maximised from a small normal size (as a tutor's window maximised at a projector),
and its simulator and a late panel arrive at the first turn of the event loop, before the window
manager's resize has made the restored layout fit. Prints where the panels ended up, as JSON.
"""

import json
import sys
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QLabel, QMainWindow

from robolab.palette import PackLibrary
from robolab.ui.app import application
from robolab.ui.autosave import Autosave
from robolab.ui.main_window import MainWindow


def window(folder: Path, settings: QSettings) -> MainWindow:
    return MainWindow(PackLibrary(), settings=settings, autosave=Autosave(folder))


def main(folder: Path) -> None:
    app = application()
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    big = window(folder, settings)
    big.resize(1500, 950)
    big.show()
    big.dock_simulator()
    late = big.add_panel("Challenge", QLabel("challenge"), "left")
    big.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, late)  # the user moved it
    app.processEvents()
    big.resizeDocks([big.panels["Commands"], big.panels["Simulator"]], [600, 600], Qt.Orientation.Horizontal)
    app.processEvents()
    big.save_settings()
    maximised = QMainWindow()
    maximised.resize(400, 300)
    maximised.setWindowState(Qt.WindowState.WindowMaximized)
    settings.setValue("geometry", maximised.saveGeometry())
    big.files.closed()
    big.hide()

    later = window(folder, settings)
    later.show()
    QTimer.singleShot(0, later.dock_simulator)
    QTimer.singleShot(0, lambda: later.add_panel("Challenge", QLabel("challenge"), "left"))
    QTimer.singleShot(500, app.quit)
    app.exec()
    print(json.dumps({"maximised": later.isMaximized(), "simulator": later.simulator is not None,
                      **{name: later.dockWidgetArea(dock).name for name, dock in later.panels.items()}}))
    later.files.closed()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
