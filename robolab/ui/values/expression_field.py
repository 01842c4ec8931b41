"""An expression: typed and checked live, or built by clicking in the expression builder."""

import re

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QToolButton

from robolab.language import values as v
from robolab.ui.values.builder import BuilderDialog
from robolab.ui.values.fields import LineField


_WORD_AT_END = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class WordCompleter(QCompleter):
    """Completes the name being typed at the end of a sum, not the whole text."""

    def splitPath(self, path: str) -> list[str]:
        word = _WORD_AT_END.search(path)
        return [word.group(0) if word else "\0"]  # nothing to complete after an operator

    def pathFromIndex(self, index) -> str:
        text = self.widget().text()
        word = _WORD_AT_END.search(text)
        return (text[:word.start()] if word else text) + index.data()


class ExpressionField(LineField):
    def __init__(self, param, scope, zoom=1.0, parent=None):
        super().__init__(param, scope, zoom, parent)
        self.edit.setPlaceholderText("a number, a name or a sum")
        self.words = QStringListModel(self)
        completer = WordCompleter(self.words, self)
        completer.setCaseSensitivity(Qt.CaseInsensitive)
        self.edit.setCompleter(completer)
        completer.activated.connect(lambda _: self.check_typed(self.edit.text()))
        self._fill_words()
        self.build = QToolButton()
        self.build.setObjectName("build")
        self.build.setText("ƒx")
        self.build.setToolTip("Build the value by clicking numbers, operators, names and sensors (F4)")
        self.build.clicked.connect(self.open_builder)
        self.layout().addWidget(self.build)
        self.dialog: BuilderDialog | None = None

    def set_scope(self, scope):
        super().set_scope(scope)
        self._fill_words()

    def _fill_words(self) -> None:
        words = [d.name for d in self.scope.readable()] + [value.name for value in self.scope.values()]
        words += [f.name + "(" for f in self.scope.functions()]
        if words != self.words.stringList():
            self.words.setStringList(words)

    def open_builder(self) -> BuilderDialog:
        """Open the builder on the value being edited (or the program's, when what is typed is not valid)."""
        typed = self.read(self.edit.text())
        start = typed.value if typed.ok else self.value
        self.dialog = BuilderDialog(self.param, self.scope, start, self.zoom, self.window())
        self.dialog.applied.connect(self._built)
        self.dialog.finished.connect(lambda _: self.edit.setFocus())
        self.dialog.open()
        return self.dialog

    def _built(self, node) -> None:
        self.edit.setText(v.shown(self.param, node))
        self.mark(None)
        self.commit(node)
        self.edit.setModified(False)

    def keyPressEvent(self, event):
        if event.key() == Qt.Key_F4:
            self.open_builder()
            return
        super().keyPressEvent(event)
