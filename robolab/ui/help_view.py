"""Help for newcomers: the Getting started guide in a window of its own, and the welcome program
the window opens on at its very first start (both shipped in robolab.help: no network)."""

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from robolab.help import HERE as HELP_DIR
from robolab.help import getting_started
from robolab.ui import theme as th

FIRST_RUN_KEY = "first_run_done"


class GettingStarted(QDialog):
    """The guide, beside the window (not modal: students follow it while they work)."""

    def __init__(self, parent: QWidget | None = None, zoom: float = 1.0):
        super().__init__(parent)
        self.setWindowTitle("Getting started with RoboLab")
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        self.browser.setMarkdown(getting_started())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.set_zoom(zoom)
        self.resize(round(620 * zoom), round(720 * zoom))

    def set_zoom(self, zoom: float) -> None:
        self.browser.setFont(th.ui_font(zoom))


def open_welcome_on_first_run(files, settings: QSettings) -> bool:
    """The first time RoboLab starts (no file asked for), open the welcome program as an unsaved
    copy; True when it did. Later starts open a new program as usual."""
    if settings.value(FIRST_RUN_KEY, False, type=bool):
        return False
    settings.setValue(FIRST_RUN_KEY, True)
    return files.open_example(HELP_DIR / "welcome.rlab")
