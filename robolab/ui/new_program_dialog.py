"""File → New with more than one pack: which pack the program is for, by its title and what it is
for (a course team's description), not by its id."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QListWidgetItem, QVBoxLayout

from robolab.errors import RobolabError
from robolab.palette import PackLibrary

PACK_ID = Qt.ItemDataRole.UserRole


class NewProgramDialog(QDialog):
    def __init__(self, library: PackLibrary, current: str = "", parent=None):
        super().__init__(parent)
        self.setWindowTitle("New program")
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setAccessibleName("Palette packs")
        for pack_id in library.ids():
            try:
                pack = library.find(pack_id)
            except RobolabError:
                continue  # a broken pack file: the pack manager says why
            if pack is None:
                continue
            item = QListWidgetItem(f"{pack.title}\n{pack.description}" if pack.description else pack.title)
            item.setData(PACK_ID, pack.id)
            item.setToolTip(f"{pack.id} {pack.version}")
            self.list.addItem(item)
            if pack.id == current:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self.list.itemDoubleClicked.connect(lambda _: self.accept())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Which commands will the program use?"))
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.resize(520, 360)

    def titles(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def chosen(self) -> str | None:
        item = self.list.currentItem()
        return item.data(PACK_ID) if item is not None else None


def choose_pack(parent, library: PackLibrary, current: str = "") -> str | None:
    dialog = NewProgramDialog(library, current, parent)
    return dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else None
