"""The Challenges menu: the shipped challenges and "Open a challenge file…"; the challenge panel docks on choosing one."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox

from robolab.errors import RobolabError


class ChallengeActions(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.panel = None
        bar = window.menuBar()
        self.menu = bar.addMenu("C&hallenges")
        help_menu = next((a for a in bar.actions() if a.text() == "&Help"), None)
        if help_menu is not None:
            bar.insertMenu(help_menu, self.menu)  # Help stays last
        self.menu.aboutToShow.connect(self._fill)   # filled when opened: the window starts quicker

    def _fill(self) -> None:
        from robolab.challenge.loader import shipped_challenges

        self.menu.clear()
        for ident, path in shipped_challenges().items():
            action = QAction(_title(path) or ident, self)
            action.triggered.connect(lambda _=False, p=path: self.open(p))
            self.menu.addAction(action)
        self.menu.addSeparator()
        other = QAction("Open a challenge file…", self)
        other.triggered.connect(self._choose_file)
        self.menu.addAction(other)

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open a challenge", str(Path.home()), "Challenges (*.toml)")
        if path:
            self.open(path)

    def open(self, path) -> bool:
        """Load a challenge and show it in the challenge panel, its layout 1 in the simulator."""
        from robolab.challenge.loader import load_challenge

        try:
            challenge = load_challenge(path, self.window.library)
        except RobolabError as error:
            QMessageBox.warning(self.window, "This challenge has problems",
                                "\n".join(str(p) for p in error.problems[:8]))
            return False
        self.window.dock_simulator()
        if self.panel is None:
            from robolab.ui.challenge_panel import ChallengePanel

            self.panel = ChallengePanel(self.window.simulator, lambda: self.window.document, self.window.library)
            self.panel.closed.connect(lambda: self.window.panels["Challenge"].hide())
            dock = self.window.add_panel("Challenge", self.panel, "left")
            values = self.window.panels.get("Values")
            if values is not None and not dock.isFloating():
                self.window.tabifyDockWidget(values, dock)   # the left column's lower half, full height
        self.window.panels["Challenge"].show()
        self.window.panels["Challenge"].raise_()
        self.panel.open(challenge)
        return True


def _title(path: Path) -> str:
    """A challenge's title, read without checking the whole file (that happens when it is chosen)."""
    import tomllib

    try:
        title = tomllib.loads(path.read_text(encoding="utf-8")).get("title")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return ""
    return title if isinstance(title, str) else ""
