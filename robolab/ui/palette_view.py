"""The palette: the pack's commands by category, filtered by level and by a search box.

Commands are dragged onto the canvas, or inserted with double-click or Enter; the palette only
asks (`insert_requested`), the window decides where and pushes the undo command.
"""

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QLabel, QLineEdit, QTreeWidget, QTreeWidgetItem, QVBoxLayout, \
    QWidget

from robolab.palette import COMMENT, Pack
from robolab.ui import labels
from robolab.ui import theme as th
from robolab.ui.program_model import COMMENT_COLOUR
from robolab.ui.canvas_drops import COMMAND_MIME
from robolab.ui.line_painter import BLOCK, CATEGORY, COLOUR, COMMENT_LINE, KIND, SEGMENTS, LineDelegate

ALL_LEVELS = "All commands"
ID = Qt.ItemDataRole.UserRole + 10


class _CommandTree(QTreeWidget):
    def mimeData(self, items) -> QMimeData:
        mime = QMimeData()
        ids = [item.data(0, ID) for item in items if item.data(0, ID)]
        if ids:
            mime.setData(COMMAND_MIME, ids[0].encode())
        return mime

    def mimeTypes(self) -> list[str]:
        return [COMMAND_MIME]


class PaletteView(QWidget):
    insert_requested = Signal(str)  # a command id
    finished = Signal()  # Esc in the search box: back to the program
    level_changed = Signal(str)

    def __init__(self, pack: Pack, parent=None):
        super().__init__(parent)
        self.setObjectName("palette")
        self.level = QComboBox()
        self.level.setToolTip("Show only the commands of one week of the course")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search commands…   (Enter inserts)")
        self.search.setClearButtonEnabled(True)
        self.tree = _CommandTree()
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(False)
        self.tree.setIndentation(0)
        self.tree.setDragEnabled(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.tree.setUniformRowHeights(False)  # a long command wraps onto a second line (line_painter)
        self.delegate = LineDelegate(self.tree)
        self.tree.setItemDelegate(self.delegate)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 8)
        layout.setSpacing(6)
        layout.addWidget(self.level)
        layout.addWidget(self.search)
        layout.addWidget(self.tree, 1)
        self.no_match = QLabel()
        self.no_match.setWordWrap(True)
        self.no_match.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_match.hide()
        layout.addWidget(self.no_match)
        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(self._insert_first)
        self.level.currentTextChanged.connect(self._level_chosen)
        self.tree.itemDoubleClicked.connect(self._insert_item)
        self.tree.installEventFilter(self)
        self.search.installEventFilter(self)
        self.pack: Pack | None = None
        self.set_pack(pack)

    def set_pack(self, pack: Pack, level: str = "") -> None:
        """Show another pack's commands; the program itself is not touched."""
        self.pack = pack
        self.level.blockSignals(True)
        self.level.clear()
        names = [lv.name for lv in pack.levels]
        self.level.addItems(names + ([] if any(n.lower() == "all" for n in names) else [ALL_LEVELS]))
        self.level.setCurrentText(level if level in names else self.level.itemText(self.level.count() - 1))
        self.level.blockSignals(False)
        self._fill()

    def set_level(self, name: str) -> None:
        if self.level.findText(name) >= 0:
            self.level.setCurrentText(name)

    def _level_chosen(self, name: str) -> None:
        self._fill()
        self.level_changed.emit(name)

    def _shown_ids(self) -> list[str]:
        name = self.level.currentText()
        if name == ALL_LEVELS or not self.pack.levels:
            return [c.id for c in self.pack.commands]
        return self.pack.level_commands(name)

    def _fill(self) -> None:
        self.tree.clear()
        shown = set(self._shown_ids())
        for category in self.pack.categories:
            commands = [c for c in self.pack.commands if c.category == category.id and c.id in shown]
            if not commands:
                continue
            header = QTreeWidgetItem([category.name])
            header.setData(0, KIND, CATEGORY)
            header.setData(0, COLOUR, category.colour)
            header.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(header)
            for command in commands:
                self.tree.addTopLevelItem(self._entry(command.id, labels.fill(command, None), category.colour,
                                                      command.help, BLOCK))
        notes = QTreeWidgetItem(["Notes"])
        notes.setData(0, KIND, CATEGORY)
        notes.setData(0, COLOUR, COMMENT_COLOUR)
        notes.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.tree.addTopLevelItem(notes)
        self.tree.addTopLevelItem(self._entry(COMMENT, [("# a note", False)], COMMENT_COLOUR,
                                              "A note for people reading the program; the robot ignores it.",
                                              COMMENT_LINE))
        self._filter(self.search.text())

    def _entry(self, command_id, segments, colour, help_text, kind) -> QTreeWidgetItem:
        item = QTreeWidgetItem(["".join(t for t, _ in segments)])
        item.setData(0, ID, command_id)
        item.setData(0, KIND, kind)
        item.setData(0, COLOUR, colour)
        item.setData(0, SEGMENTS, segments)
        item.setToolTip(0, f"<b>{item.text(0)}</b><br>{help_text}" if help_text else item.text(0))
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled)
        return item

    def _filter(self, text: str) -> None:
        words = text.lower().split()
        header, header_has = None, False
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item.data(0, KIND) == CATEGORY:
                if header is not None:
                    header.setHidden(not header_has)
                header, header_has = item, False
                continue
            haystack = _searched_text(item.text(0), item.data(0, ID))
            match = all(w in haystack for w in words)
            item.setHidden(not match)
            header_has = header_has or match
        if header is not None:
            header.setHidden(not header_has)
        first = self.visible_ids()[:1]
        if words and first:
            self.tree.setCurrentItem(self._item(self._best(text, self.visible_ids())))
        self.no_match.setText(f"No command matches “{text.strip()}” in {self.level.currentText()}." if words else "")
        self.no_match.setVisible(bool(words) and not first)

    def _best(self, text: str, ids: list[str]) -> str:
        """The match Enter inserts: the command named exactly so, else one whose text starts so, shortest first."""
        query = text.strip().lower()

        def rank(command_id: str):
            shown = self._item(command_id).text(0).lower()
            return command_id.lower() != query.replace(" ", "_"), not shown.startswith(query), len(shown)

        return min(ids, key=rank)

    def visible_ids(self) -> list[str]:
        return [self.tree.topLevelItem(i).data(0, ID) for i in range(self.tree.topLevelItemCount())
                if not self.tree.topLevelItem(i).isHidden() and self.tree.topLevelItem(i).data(0, ID)]

    def _item(self, command_id: str) -> QTreeWidgetItem | None:
        for i in range(self.tree.topLevelItemCount()):
            if self.tree.topLevelItem(i).data(0, ID) == command_id:
                return self.tree.topLevelItem(i)
        return None

    def _insert_first(self) -> None:
        current = self.tree.currentItem()
        if current is not None and not current.isHidden() and current.data(0, ID):
            self.insert_requested.emit(current.data(0, ID))
        elif ids := self.visible_ids():
            self.insert_requested.emit(ids[0])
        else:
            return
        self.search.selectAll()  # the next name typed replaces this one

    def start_search(self, text: str) -> None:
        """Typing on the program continues here: the letters go into the search box."""
        self.search.setFocus()
        self.search.setText(text)

    def _insert_item(self, item) -> None:
        if item.data(0, ID):
            self.insert_requested.emit(item.data(0, ID))

    def eventFilter(self, watched, event) -> bool:
        if watched is self.search and event.type() == event.Type.KeyPress and event.key() == Qt.Key.Key_Escape:
            self.search.clear()
            self.finished.emit()
            return True
        if watched is self.search and event.type() == event.Type.KeyPress and \
                event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.visible_ids():
            self.tree.setFocus()  # arrows leave the search box for the list it filters
            return False
        if watched is self.tree and event.type() == event.Type.KeyPress and \
                event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            current = self.tree.currentItem()
            if current is not None:
                self._insert_item(current)
            return True
        return super().eventFilter(watched, event)

    def set_zoom(self, zoom: float, theme: th.Theme | None = None) -> None:
        self.delegate.zoom = zoom
        if theme is not None:
            self.delegate.theme = theme
        for widget in (self.level, self.search, self.tree):
            widget.setFont(th.ui_font(zoom))
        self.tree.scheduleDelayedItemsLayout()
        self.tree.viewport().update()


def _searched_text(shown: str, command_id: str) -> str:
    """What a search matches: the words a user reads on the command (and its name in a program
    file, `stop_driving` or `stop driving`), never its help or tooltip markup."""
    return f"{shown} {command_id} {command_id.replace('_', ' ')}".lower()
