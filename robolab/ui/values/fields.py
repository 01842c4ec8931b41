"""One input widget per parameter type. A field never writes the program: it reports a value the
student chose (`committed`) and why what they typed cannot be used (`problem_changed`)."""

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QPainter, QPixmap, QValidator
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QHBoxLayout, QLineEdit, QSpinBox, QWidget

from robolab.language import values as v
from robolab.language.scope import Scope
from robolab.palette.model import Param
from robolab.palette.types import format_number
from robolab.ui.values.style import BASE_POINTS, SWATCHES

INT_LIMIT = 2**31 - 1  # QSpinBox holds a C int


class Field(QWidget):
    """Base of the fields: a param, the scope of its line, the value last shown."""

    committed = Signal(object)
    problem_changed = Signal(str)

    def __init__(self, param: Param, scope: Scope, zoom: float = 1.0, parent=None):
        super().__init__(parent)
        self.param, self.scope, self.zoom = param, scope, zoom
        self.value = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(round(4 * zoom))

    def show_value(self, value) -> None:
        """Show the program's value, without reporting it back."""
        self.value = value

    def set_scope(self, scope: Scope) -> None:
        self.scope = scope

    def focus_widget(self) -> QWidget:
        return self

    def current(self):
        """What the field shows, read back as a value (None when it is not a valid one)."""
        return self.value

    def commit(self, value) -> None:
        verdict = v.check(self.param, value, self.scope)
        self.problem_changed.emit(verdict.problem or "")
        if verdict.ok and value != self.value:
            self.value = verdict.value
            self.committed.emit(verdict.value)


# Drop-downs ----------------------------------------------------------------------------------------

def swatch(colour: str, size: int) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.Antialiasing)
    painter.setPen(QColor("#888888"))
    painter.setBrush(QColor(SWATCHES.get(colour, colour)))
    painter.drawRoundedRect(1, 1, size - 2, size - 2, size / 5, size / 5)
    if colour == "none":  # a struck-out swatch: "sees no colour"
        painter.setPen(QColor("#c62828"))
        painter.drawLine(3, size - 3, size - 3, 3)
    painter.end()
    return QIcon(pixmap)


class _Combo(QComboBox):
    """As wide as its longest choice when there is room, but able to shrink in a narrow pane."""

    def minimumSizeHint(self):
        hint = super().minimumSizeHint()
        narrow = self.fontMetrics().averageCharWidth() * 6 + self.iconSize().width() + 40
        return QSize(min(hint.width(), narrow), hint.height())


class ChoiceField(Field):
    """Choices, ports, booleans and colours: a drop-down of the values the param allows."""

    def __init__(self, param, scope, zoom=1.0, parent=None):
        super().__init__(param, scope, zoom, parent)
        self.combo = _Combo()
        self.combo.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        icon_size = round(16 * zoom)
        self.combo.setIconSize(self.combo.iconSize().scaled(icon_size, icon_size, Qt.IgnoreAspectRatio))
        self._shown_options = self.options()
        for value, label in self._shown_options:
            if param.type == "colour":
                self.combo.addItem(swatch(value, icon_size), label, value)
            else:
                self.combo.addItem(label, value)
        self.combo.activated.connect(lambda index: self.commit(self.combo.itemData(index)))
        self.layout().addWidget(self.combo)
        self.layout().addStretch(1)

    def options(self):
        return v.options(self.param)

    def show_value(self, value):
        super().show_value(value)
        if value is None:
            self.combo.setCurrentIndex(-1)
            return
        index = self.combo.findData(value)
        if index < 0:  # not offered here (a name not declared above this line): shown, marked
            self.combo.addItem(f"{v.shown(self.param, value)}  (not available here)", value)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index)

    def focus_widget(self):
        return self.combo

    def current(self):
        return self.combo.currentData()


class NameField(ChoiceField):
    """A name the line uses or changes: a drop-down of the names in scope of the kinds it takes."""

    def options(self):
        return [(d.name, d.name) for d in self.scope.names_for(self.param)]

    def set_scope(self, scope):
        super().set_scope(scope)
        options = self.options()
        if options != self._shown_options or self.combo.count() != len(options):  # refill only on change
            self.combo.clear()
            for value, label in options:
                self.combo.addItem(label, value)
            self._shown_options = options
        self.show_value(self.value)

    def show_value(self, value):
        super().show_value(value)
        if self.combo.count() == 0:  # nothing to choose yet: say why, in the list itself
            wanted = " or ".join(self.scope.kind_label(k) for k in self.param.kinds) or "name"
            self.combo.addItem(f"no {wanted} made above yet", None)
            self.combo.model().item(0).setEnabled(False)
            self.combo.setCurrentIndex(0)


# Typed fields ------------------------------------------------------------------------------------

class _LineEdit(QLineEdit):
    """A line edit that reverts on Escape and commits when focus leaves it."""

    reverted = Signal()
    left = Signal()

    def keyPressEvent(self, event):
        if event.key() == Qt.Key_Escape and self.isModified():
            self.reverted.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event):
        super().focusOutEvent(event)
        if event.reason() != Qt.PopupFocusReason:
            self.left.emit()


class LineField(Field):
    """A typed value, read and checked at every key: red with the reason when it cannot be used.
    Enter applies it, Escape puts back the program's value."""

    def __init__(self, param, scope, zoom=1.0, parent=None):
        super().__init__(param, scope, zoom, parent)
        self.edit = _LineEdit()
        self.edit.textEdited.connect(self.check_typed)
        self.edit.returnPressed.connect(self.apply)
        self.edit.left.connect(self.apply_if_valid)
        self.edit.reverted.connect(self.revert)
        self.layout().addWidget(self.edit, 1)
        # Room for a short sum: a narrow pane puts the label above the field rather than squeeze it.
        font = QFont(self.edit.font())
        font.setPointSizeF(BASE_POINTS * zoom)
        self.edit.setMinimumWidth(QFontMetrics(font).averageCharWidth() * 14)

    def read(self, text: str) -> v.Verdict:
        return v.read(self.param, text, self.scope)

    def show_value(self, value):
        super().show_value(value)
        self.edit.setText(v.shown(self.param, value))
        self.edit.setCursorPosition(0)  # a long sum shows its start
        self.edit.setModified(False)
        self.mark(None)

    def mark(self, problem: str | None) -> None:
        self.edit.setProperty("invalid", problem is not None)
        self.edit.style().unpolish(self.edit)
        self.edit.style().polish(self.edit)
        self.problem_changed.emit(problem or "")

    def check_typed(self, text: str) -> v.Verdict:
        verdict = self.read(text)
        self.mark(verdict.problem)
        return verdict

    def apply(self) -> None:
        verdict = self.check_typed(self.edit.text())
        if verdict.ok:
            self.commit(verdict.value)
            self.edit.setModified(False)

    def apply_if_valid(self) -> None:
        if self.edit.isModified() and self.read(self.edit.text()).ok:
            self.apply()

    def revert(self) -> None:
        self.show_value(self.value)

    def current(self):
        return self.read(self.edit.text()).value

    def focus_widget(self):
        return self.edit


class TextField(LineField):
    def __init__(self, param, scope, zoom=1.0, parent=None):
        super().__init__(param, scope, zoom, parent)
        self.edit.setMaxLength(param.max_length)
        self.edit.setPlaceholderText(f"up to {param.max_length} letters")


class DeclaredNameField(LineField):
    """A new name: only a valid name that no other name here has is taken."""

    def __init__(self, param, scope, zoom=1.0, parent=None):
        super().__init__(param, scope, zoom, parent)
        self.edit.setPlaceholderText("a name, like side_length")


# Numbers -------------------------------------------------------------------------------------------

class _NumberValidation:
    """Mixed into the spin boxes: typed text is read like the file reader reads a number, and the
    reason it is out of range is shown, instead of keys silently refused."""

    def setup(self):
        self.setKeyboardTracking(False)
        self.setAccelerated(True)
        self.setCorrectionMode(QDoubleSpinBox.CorrectToPreviousValue)

    def validate(self, text, position):
        body = text.strip()
        verdict = v.read_number(self.field.param, body)
        problem = verdict.problem if body not in ("", "-", "+", ".") else None
        self.mark(problem)
        if verdict.ok:
            return QValidator.Acceptable, text, position
        if all(c in "0123456789.-+eE " for c in text):
            return QValidator.Intermediate, text, position
        return QValidator.Invalid, text, position

    def mark(self, problem: str | None) -> None:
        if self.property("invalid") != (problem is not None):
            self.setProperty("invalid", problem is not None)
            self.style().unpolish(self)
            self.style().polish(self)
        self.field.problem_changed.emit(problem or "")

    def textFromValue(self, value):
        return format_number(v.as_number(round(value, 6), self.field.param.integer))

    def valueFromText(self, text):
        verdict = v.read_number(self.field.param, text.strip())
        return verdict.value if verdict.ok else self.value()

    def keyPressEvent(self, event):
        if event.key() == Qt.Key_Escape:
            if self.field.value is None or self.lineEdit().text() == self.textFromValue(self.field.value):
                event.ignore()  # nothing to put back: the editor may hand the keyboard back
                return
            self.field.show_value(self.field.value)
            self.mark(None)
            event.accept()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event):
        """Leaving with text that cannot be used: the old value comes back, and the field says why
        (1.5 in a whole-number field is refused visibly, not silently)."""
        typed = self.lineEdit().text().strip()
        verdict = v.read_number(self.field.param, typed) if typed not in ("", "-", "+", ".") else None
        super().focusOutEvent(event)
        if verdict is not None and not verdict.ok:
            self.mark(f"{verdict.problem}: kept {self.textFromValue(self.value())}")
        else:
            self.mark(None)


class _IntSpin(_NumberValidation, QSpinBox):
    pass


class _DecimalSpin(_NumberValidation, QDoubleSpinBox):
    pass


class NumberField(Field):
    """A spin box with the param's range and step, whole or decimal."""

    def __init__(self, param, scope, zoom=1.0, parent=None):
        super().__init__(param, scope, zoom, parent)
        low = param.min if param.min is not None else -1e9
        high = param.max if param.max is not None else 1e9
        self.spin = _IntSpin() if param.integer else _DecimalSpin()
        self.spin.field = self  # before any range is set: the spin box asks it how to write numbers
        if param.integer:
            self.spin.setRange(int(max(low, -INT_LIMIT)), int(min(high, INT_LIMIT)))
            self.spin.setSingleStep(max(1, int(param.step or 1)))
        else:
            self.spin.setDecimals(6)
            self.spin.setRange(low, high)
            self.spin.setSingleStep(param.step or 1)
        self.spin.setup()
        self.spin.setMinimumWidth(round(110 * zoom))
        self.spin.valueChanged.connect(lambda number: self.commit(v.as_number(number, param.integer)))
        self.layout().addWidget(self.spin)
        self.layout().addStretch(1)

    def show_value(self, value):
        super().show_value(value)
        self.spin.blockSignals(True)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            self.spin.setValue(value)
        else:  # a line built without this value: nothing to show yet
            self.spin.clear()
        self.spin.blockSignals(False)

    def commit(self, value):
        if isinstance(value, float):
            value = v.as_number(round(value, 6))
        super().commit(value)

    def current(self):
        return v.as_number(round(self.spin.value(), 6), self.param.integer)

    def focus_widget(self):
        return self.spin
