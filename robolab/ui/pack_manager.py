"""Palette packs for a course: the packs RoboLab knows, adding a course team's pack file (or a
folder of them) and removing it again. What is added is kept in the settings, so it is there at
the next start (as `robolab --palette PACK` is for one start)."""

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QLabel, QListWidget,
                               QListWidgetItem, QPushButton, QVBoxLayout)

from robolab.errors import RobolabError
from robolab.palette import PackLibrary
from robolab.palette.library import check_pack_file

SETTING = "palettes/extra"
PLACE = Qt.ItemDataRole.UserRole


def saved_places(settings: QSettings) -> list[str]:
    value = settings.value(SETTING, [])
    if isinstance(value, str):  # QSettings gives back a one-item list as a plain string
        value = [value]
    return [str(v) for v in value or [] if str(v)]


def restore_places(library: PackLibrary, settings: QSettings) -> None:
    """The packs added in earlier sessions, searched again (a place that has gone is skipped)."""
    for place in saved_places(settings):
        if Path(place).exists():
            library.add_place(place)


def describe(library: PackLibrary) -> list[tuple[str, str, Path]]:
    """(title line, description or problem, file) for every pack file the library sees."""
    rows = []
    for path in library.files():
        try:
            pack = library.load(path)
        except RobolabError as error:
            rows.append((f"{path.name}: cannot be used", str(error.problems[0]) if error.problems else "", path))
            continue
        rows.append((f"{pack.title}  ({pack.id} {pack.version})", pack.description, path))
    return rows


class PackManager(QDialog):
    """File → Palette packs…: list, add and remove packs. add_pack(path) returns the problems that
    keep a file out (none: it was added)."""

    def __init__(self, library: PackLibrary, settings: QSettings, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Palette packs")
        self.library, self.settings = library, settings
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setAccessibleName("Palette packs")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("problem")
        self.message.setStyleSheet("color: #c62828;")
        self.add_button = QPushButton("Add a pack…")
        self.remove_button = QPushButton("Remove")
        self.add_button.clicked.connect(self._choose)
        self.remove_button.clicked.connect(self.remove_selected)
        self.list.currentItemChanged.connect(lambda *_: self._enable())
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("The packs new programs can use. Packs you add are kept for next time; "
                                "the packs that come with RoboLab cannot be removed."))
        layout.addWidget(self.list, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        layout.addWidget(close)
        self.resize(560, 420)
        self.refresh()

    def refresh(self) -> None:
        self.list.clear()
        extra = [p.resolve() for p in self.library.extra]
        for title, description, path in describe(self.library):
            added = any(path.resolve() == p or p in path.resolve().parents for p in extra)
            item = QListWidgetItem(f"{title}\n{description}" + ("" if not added else f"\nadded from {path}"))
            item.setData(PLACE, str(self._place_of(path)) if added else None)
            item.setToolTip(str(path))
            self.list.addItem(item)
        self._enable()

    def _place_of(self, path: Path) -> Path:
        """The added place (a file or a folder) a pack file was found through."""
        for place in self.library.extra:
            if place.resolve() == path.resolve() or place.resolve() in path.resolve().parents:
                return place
        return path

    def _enable(self) -> None:
        item = self.list.currentItem()
        self.remove_button.setEnabled(item is not None and item.data(PLACE) is not None)

    def packs(self) -> list[str]:
        """What the list shows, one line per pack (for tests and screen readers)."""
        return [self.list.item(i).text().split("\n")[0] for i in range(self.list.count())]

    def _choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Add a palette pack", str(Path.home()), "Palette packs (*.toml)")
        if path:
            self.add_pack(path)

    def add_pack(self, path: str | Path) -> list[str]:
        path = Path(path)
        problems = []
        files = sorted(path.glob("*.toml")) if path.is_dir() else [path]
        if not files:
            problems = [f"{path}: no pack files (*.toml) in it"]
        for file in files:
            problems += [str(p) for p in check_pack_file(file)[1]]
        if problems:
            self.message.setText("Not added:\n" + "\n".join(problems[:8]))
            return problems
        self.library.add_place(path)
        self.settings.setValue(SETTING, [p for p in saved_places(self.settings) if p != str(path)] + [str(path)])
        self.message.clear()
        self.refresh()
        return []

    def remove_selected(self) -> None:
        item = self.list.currentItem()
        place = item.data(PLACE) if item is not None else None
        if place is None:
            return
        self.library.remove_place(place)
        self.settings.setValue(SETTING, [p for p in saved_places(self.settings) if p != str(place)])
        self.refresh()
