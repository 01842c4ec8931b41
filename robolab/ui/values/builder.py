"""The expression builder window: a calculator-style keypad, the names in scope and the pack's
sensors and functions, so a student assembles a value by clicking. Pieces that cannot come next
are greyed out, and only a finished, valid expression can be applied."""

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QApplication, QDialog, QGridLayout, QHBoxLayout, QLabel, QPushButton, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from robolab.language.expression_builder import ExpressionBuilder
from robolab.language.scope import Scope
from robolab.model.expr import Expr
from robolab.palette.model import Param
from robolab.ui.values.style import BASE_POINTS, PROBLEM_COLOUR, stylesheet

# (piece, what the button shows, tooltip), in keypad order.
KEYPAD = [
    [("7", "7", ""), ("8", "8", ""), ("9", "9", ""), ("/", "÷", "divide"), ("(", "(", "open a bracket")],
    [("4", "4", ""), ("5", "5", ""), ("6", "6", ""), ("*", "×", "multiply"), (")", ")", "close the bracket")],
    [("1", "1", ""), ("2", "2", ""), ("3", "3", ""), ("-", "−", "subtract, or a minus number"),
     (",", ",", "between the values of a function")],
    [("0", "0", ""), (".", ".", "decimal point"), ("%", "mod", "remainder after dividing"),
     ("+", "+", "add"), (None, "", "")],
]
COMPARE = [("<", "<", "less than"), (">", ">", "more than"), ("<=", "≤", "less than or equal to"),
           (">=", "≥", "more than or equal to"), ("==", "=", "equal to"), ("!=", "≠", "not equal to")]
LOGIC = [("and", "and", "both are true"), ("or", "or", "at least one is true"), ("not", "not", "the opposite"),
         ("true", "true", "always true"), ("false", "false", "never true")]
# Keys a student may type instead of clicking.
KEYS = {str(d): str(d) for d in range(10)} | {c: c for c in ".+-*/%(),<>"} | {"=": "=="}


class BuilderDialog(QDialog):
    """Builds one expression for `param` on the line `scope` belongs to; `applied` carries it."""

    applied = Signal(object)

    def __init__(self, param: Param, scope: Scope, start: Expr | None = None, zoom: float = 1.0, parent=None):
        super().__init__(parent)
        self.builder = ExpressionBuilder(param, scope, start)
        self.buttons: dict[str, QPushButton] = {}
        self.setWindowTitle(f"Build a value for “{param.label or param.name}”")
        self.setStyleSheet(stylesheet(zoom))
        self.heading_font = QFont(QApplication.font())
        self.heading_font.setPointSizeF(BASE_POINTS * zoom)
        self.heading_font.setBold(True)

        self.display = QLabel()
        self.display.setObjectName("display")
        self.display.setTextFormat(Qt.PlainText)
        self.display.setWordWrap(True)
        self.display.setMinimumHeight(round(48 * zoom))
        self.status = QLabel()
        self.status.setWordWrap(True)

        keypad = QGridLayout()
        keypad.setSpacing(round(4 * zoom))
        for row, keys in enumerate(KEYPAD):
            for column, key in enumerate(keys):
                if key[0] is not None:
                    keypad.addWidget(self._button(*key), row, column)
        for column, key in enumerate(COMPARE):
            keypad.addWidget(self._button(*key), 4 + column // 3, column % 3)
        logic = QHBoxLayout()
        for key in LOGIC:
            logic.addWidget(self._button(*key))
        keypad.addLayout(logic, 6, 0, 1, 5)
        keypad.addWidget(self._button("⌫", "⌫ Back", "take off the last piece (Backspace)", self.backspace), 4, 3, 1, 2)
        keypad.addWidget(self._button("clear", "Clear", "start again (Delete)", self.clear), 5, 3, 1, 2)

        self.names = QTreeWidget()
        self.names.setHeaderHidden(True)
        self.names.setRootIsDecorated(False)
        self.names.setMinimumWidth(round(220 * zoom))
        self.names.itemActivated.connect(self._name_clicked)
        self.names.itemClicked.connect(self._name_clicked)
        self._fill_names(scope)

        pads = QHBoxLayout()
        pads.addLayout(keypad)
        pads.addWidget(self.names, 1)

        self.apply_button = QPushButton("Apply")
        self.apply_button.setObjectName("apply")
        self.apply_button.setDefault(True)
        self.apply_button.clicked.connect(self.apply)
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self.reject)
        actions = QHBoxLayout()
        actions.addWidget(self.status, 1)
        actions.addWidget(cancel)
        actions.addWidget(self.apply_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.display)
        layout.addLayout(pads, 1)
        layout.addLayout(actions)
        for child in self.findChildren(QWidget):
            child.installEventFilter(self)
        self.refresh()

    def _button(self, piece: str, label: str, tip: str, action=None) -> QPushButton:
        button = QPushButton(label)
        button.setObjectName("piece")
        button.setAutoDefault(False)
        button.setFocusPolicy(Qt.TabFocus)
        if tip:
            button.setToolTip(tip)
        button.clicked.connect(action or (lambda: self.add(piece)))
        if action is None:
            self.buttons[piece] = button
        return button

    def _fill_names(self, scope: Scope) -> None:
        groups: dict[str, list[tuple[str, str, str]]] = {}
        for declared in scope.readable():
            label = scope.kind_label(declared.kind)
            made = f", made on line {declared.line}" if declared.line else ""
            groups.setdefault(label[:1].upper() + label[1:] + "s", []).append(
                (declared.name, declared.name, f"a {label}{made}"))
        for value in scope.values():
            group = "Sensors" if value.requires else "Values"
            groups.setdefault(group, []).append((value.name, value.name, value.help))
        for function in scope.functions():
            shown = f"{function.name}({', '.join('…' * function.arity)})"
            groups.setdefault("Functions", []).append((function.name + "(", shown, function.help))
        for title, entries in groups.items():
            heading = QTreeWidgetItem([title])
            heading.setFlags(Qt.ItemIsEnabled)
            heading.setFont(0, self.heading_font)
            self.names.addTopLevelItem(heading)
            for piece, shown, tip in entries:
                item = QTreeWidgetItem(heading, [shown])
                item.setData(0, Qt.UserRole, piece)
                item.setToolTip(0, tip)
            heading.setExpanded(True)

    def name_items(self) -> list[QTreeWidgetItem]:
        items = []
        for index in range(self.names.topLevelItemCount()):
            heading = self.names.topLevelItem(index)
            items += [heading.child(i) for i in range(heading.childCount())]
        return items

    def _name_clicked(self, item: QTreeWidgetItem) -> None:
        piece = item.data(0, Qt.UserRole)
        if piece:
            self.add(piece)

    # Editing.
    def add(self, piece: str) -> bool:
        added = self.builder.add(piece)
        self.refresh()
        return added

    def backspace(self) -> None:
        self.builder.backspace()
        self.refresh()

    def clear(self) -> None:
        self.builder.clear()
        self.refresh()

    def apply(self) -> None:
        verdict = self.builder.result()
        if verdict.ok:
            self.applied.emit(verdict.value)
            self.accept()

    def refresh(self) -> None:
        text = self.builder.text()
        self.display.setText(text + "▏" if text else "▏")
        for piece, button in self.buttons.items():
            button.setEnabled(self.builder.can_add(piece))
        for item in self.name_items():
            allowed = self.builder.can_add(item.data(0, Qt.UserRole))
            item.setFlags(Qt.ItemIsEnabled | Qt.ItemIsSelectable if allowed else Qt.NoItemFlags)
        verdict = self.builder.result()
        self.apply_button.setEnabled(verdict.ok)
        if verdict.ok:
            self.status.setStyleSheet("color: #1b7f3b;")
            self.status.setText("✓ ready to apply")
        else:
            finished = not self.builder.pieces or self.builder.can_add("+") or self.builder.can_add(")")
            complete_but_wrong = self.builder.pieces and not any(
                word in verdict.problem for word in ("add a", "close the", "not finished", "click"))
            self.status.setStyleSheet(f"color: {PROBLEM_COLOUR};" if complete_but_wrong and finished else "")
            self.status.setText(verdict.problem)

    # Typing instead of clicking.
    def eventFilter(self, watched, event):
        if event.type() == QEvent.KeyPress and self.key_pressed(event):
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event):
        if not self.key_pressed(event):
            super().keyPressEvent(event)

    def key_pressed(self, event) -> bool:
        key, text = event.key(), event.text()
        if key == Qt.Key_Backspace:
            self.backspace()
        elif key == Qt.Key_Delete:
            self.clear()
        elif key in (Qt.Key_Return, Qt.Key_Enter) and not isinstance(self.focusWidget(), QPushButton):
            if self.names.hasFocus() and self.names.currentItem() is not None \
                    and self.names.currentItem().data(0, Qt.UserRole):
                return False  # the tree's own Enter adds the selected name
            self.apply()
        elif text == "=" and self.builder.pieces and self.builder.pieces[-1].text in ("<", ">", "=", "!"):
            last = self.builder.pieces[-1].text
            self.builder.backspace()
            self.add({"<": "<=", ">": ">=", "=": "==", "!": "!="}[last])
        elif text in KEYS:
            self.add(KEYS[text])
        else:
            return False
        return True
