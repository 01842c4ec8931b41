"""A list param (a procedure's inputs, the motors a line switches on, the values a call gives):
one field per item, with add and remove; the whole list is checked before it is reported."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from robolab.language import values as v
from robolab.model import expr as e
from robolab.palette.types import item_param, name_problem, sample_value
from robolab.ui.values.fields import Field


class ListField(Field):
    def __init__(self, param, scope, zoom=1.0, make_field=None, parent=None):
        super().__init__(param, scope, zoom, parent)
        self.make_field = make_field
        self.item = item_param(param)
        self.items: list[Field] = []
        self.value = ()
        box = QWidget()
        outer = QVBoxLayout(box)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(round(4 * zoom))
        self.grid = QGridLayout()
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(round(6 * zoom))
        self.grid.setVerticalSpacing(round(4 * zoom))
        outer.addLayout(self.grid)
        self.add_button = QToolButton()
        self.add_button.setObjectName("add")
        self.add_button.setText("+ Add")
        self.add_button.setToolTip(f"Add one more to {param.label or param.name}")
        self.add_button.clicked.connect(self.add_item)
        self.empty = QLabel("none")
        self.empty.setObjectName("hint")
        outer.addWidget(self.empty)
        outer.addWidget(self.add_button, 0, Qt.AlignLeft)
        self.layout().addWidget(box, 1)

    def show_value(self, value):
        value = tuple(value or ())
        if len(value) != len(self.items):
            self._rebuild(len(value))
        self.value = value
        for field, item in zip(self.items, value):
            field.set_scope(self.scope)
            field.show_value(item)
        self.empty.setVisible(not value)
        self.add_button.setEnabled(not self.param.count_of or len(value) < (v.expected_count(self.param, self.scope) or 0))
        if self.item.type == "name" and self.item.role != "declare":
            self.add_button.setEnabled(bool(self.scope.names_for(self.item)))
        labels = v.count_labels(self.param, self.scope) if self.param.count_of else None
        for row in range(len(self.items)):
            label = self.grid.itemAtPosition(row, 0).widget()
            label.setText(labels[row] if labels and row < len(labels) else f"{row + 1}.")
        # A call's values match its procedure's inputs one for one: no adding or removing then.
        fixed = labels is not None and len(labels) == len(value)
        self.add_button.setVisible(not fixed)
        for row in range(len(self.items)):
            self.grid.itemAtPosition(row, 2).widget().setVisible(not fixed)
        if labels is not None and len(labels) != len(value):
            self.problem_changed.emit(v.check(self.param, value, self.scope).problem or "")

    def set_scope(self, scope):
        super().set_scope(scope)
        for field in self.items:
            field.set_scope(scope)

    def _rebuild(self, count: int) -> None:
        while self.grid.count():
            widget = self.grid.takeAt(0).widget()
            widget.setParent(None)
            widget.deleteLater()
        self.items = []
        for row in range(count):
            label = QLabel()
            label.setObjectName("hint")
            field = self.make_field(self.item, self.scope, self.zoom)
            field.committed.connect(lambda item, row=row: self._item_committed(row, item))
            field.problem_changed.connect(self.problem_changed)
            remove = QToolButton()
            remove.setText("✕")
            remove.setToolTip("Remove this one")
            remove.clicked.connect(lambda _=False, row=row: self.remove_item(row))
            self.grid.addWidget(label, row, 0)
            self.grid.addWidget(field, row, 1)
            self.grid.addWidget(remove, row, 2)
            self.items.append(field)
        typed = self.item.type in ("expression", "text", "number") or self.item.role == "declare"
        self.grid.setColumnStretch(1, 1 if typed else 0)
        self.grid.setColumnStretch(3, 0 if typed else 1)

    def _item_committed(self, row: int, item) -> None:
        self.commit(self.value[:row] + (item,) + self.value[row + 1:])

    def commit(self, value):
        verdict = v.check(self.param, value, self.scope)
        if verdict.ok and value != self.value:
            self.committed.emit(value)
            self.show_value(value)
        elif not verdict.ok:
            self.show_value(self.value)  # an item that does not fit the list goes back
        self.problem_changed.emit(verdict.problem or "")

    def add_item(self) -> None:
        self.commit(self.value + (self.new_item(),))
        if len(self.items) > len(self.value) - 1 and self.items:
            self.items[-1].focus_widget().setFocus()

    def remove_item(self, row: int) -> None:
        self.commit(self.value[:row] + self.value[row + 1:])

    def new_item(self):
        """A value to start a new item with: valid, and not already in the list."""
        if self.item.type == "name" and self.item.role == "declare":
            taken = set(self.scope.taken(self.param)) | set(self.value)
            stem = self.item.default if isinstance(self.item.default, str) else "input"
            number = 1
            while f"{stem}{number}" in taken or name_problem(f"{stem}{number}"):
                number += 1
            return f"{stem}{number}"
        if self.item.type == "name":
            names = [d.name for d in self.scope.names_for(self.item)]
            unused = [n for n in names if n not in self.value]
            return (unused or names or [""])[0]
        if self.item.type == "expression":
            return e.Num(self.item.min if self.item.min is not None and self.item.min > 0 else 0)
        return sample_value(self.item)

    def current(self):
        return tuple(field.current() for field in self.items)

    def focus_widget(self):
        return self.items[0].focus_widget() if self.items else self.add_button
