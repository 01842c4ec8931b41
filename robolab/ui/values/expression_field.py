"""An expression: typed and checked live, or built by clicking in the expression builder."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

from robolab.language import values as v
from robolab.ui.values.builder import BuilderDialog
from robolab.ui.values.fields import LineField


class ExpressionField(LineField):
    def __init__(self, param, scope, zoom=1.0, parent=None):
        super().__init__(param, scope, zoom, parent)
        self.edit.setPlaceholderText("a number, a name or a sum")
        self.build = QToolButton()
        self.build.setObjectName("build")
        self.build.setText("ƒx")
        self.build.setToolTip("Build the value by clicking numbers, operators, names and sensors (F4)")
        self.build.clicked.connect(self.open_builder)
        self.layout().addWidget(self.build)
        self.dialog: BuilderDialog | None = None

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
