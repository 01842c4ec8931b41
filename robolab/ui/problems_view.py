"""The Problems list: what the checker finds, line by line; clicking one selects its line."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from robolab.ui import theme as th

PATH = Qt.ItemDataRole.UserRole


class ProblemsView(QListWidget):
    line_chosen = Signal(tuple)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("problems")
        self.setSpacing(2)
        self.setWordWrap(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.itemClicked.connect(self._chosen)
        self.itemActivated.connect(self._chosen)
        self.set_problems([])

    def set_problems(self, problems: list, empty: bool = False) -> None:
        """problems: (Problem, path or None) pairs; `empty`: the program has no lines yet."""
        self.clear()
        for problem, path in problems:
            where = f"line {problem.line}: " if problem.line else ""
            item = QListWidgetItem(f"●  {where}{problem.message}")
            item.setData(PATH, path)
            item.setForeground(Qt.GlobalColor.darkRed)
            self.addItem(item)
        if not problems:
            item = QListWidgetItem("The program has no lines yet." if empty else
                                   "✓  No problems: the program is ready to run.")
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            item.setForeground(Qt.GlobalColor.darkGray if empty else Qt.GlobalColor.darkGreen)
            self.addItem(item)

    def problem_count(self) -> int:
        return sum(1 for i in range(self.count()) if self.item(i).flags() & Qt.ItemFlag.ItemIsSelectable)

    def _chosen(self, item) -> None:
        path = item.data(PATH)
        if path:
            self.line_chosen.emit(tuple(path))

    def set_zoom(self, zoom: float, theme=None) -> None:
        self.setFont(th.ui_font(zoom))
