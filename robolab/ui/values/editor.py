"""RobotLab's values pane: one row per parameter of the selected line, a widget per type.

It never writes the program. A value the student chooses is checked where the line stands and
only then reported with `value_changed`; the window turns that into an undo command and calls
`show_block` again, which updates the rows in place (so the field being used keeps its focus).
"""

import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QApplication, QFormLayout, QFrame, QGridLayout, QLabel, QScrollArea,
                               QSizePolicy, QStackedLayout, QVBoxLayout, QWidget)

from robolab.language import values as v
from robolab.language.scope import Scope
from robolab.model.program import Program
from robolab.palette.model import COMMENT, Pack, Param
from robolab.palette.types import format_number
from robolab.ui.values.expression_field import ExpressionField
from robolab.ui.values.fields import ChoiceField, DeclaredNameField, Field, NameField, NumberField, TextField
from robolab.ui.values.list_field import ListField
from robolab.ui.values.style import stylesheet

# A comment line's text is a value too, though no pack declares it.
COMMENT_TEXT = Param("text", "text", label="comment", max_length=1000,
                     help="A note for people reading the program; the robot ignores it.")
EMPTY = "Select a line of the program to see and change its values here."


def make_field(param: Param, scope: Scope, zoom: float = 1.0) -> Field:
    """The widget for a param's type."""
    if param.list:
        return ListField(param, scope, zoom, make_field)
    if param.type == "number":
        return NumberField(param, scope, zoom)
    if param.type == "expression":
        return ExpressionField(param, scope, zoom)
    if param.type == "text":
        return TextField(param, scope, zoom)
    if param.type == "name":
        return DeclaredNameField(param, scope, zoom) if param.role == "declare" else NameField(param, scope, zoom)
    return ChoiceField(param, scope, zoom)


def range_hint(param: Param) -> str:
    low, high = param.min, param.max
    if param.type not in ("number", "expression") or (low is None and high is None):
        return ""
    if low is not None and high is not None:
        text = f"from {format_number(low)} to {format_number(high)}"
    elif low is not None:
        text = f"at least {format_number(low)}"
    else:
        text = f"at most {format_number(high)}"
    return text + (" (whole numbers)" if param.integer and param.type == "number" else "")


def line_text(command, args: dict) -> str:
    """The line as the palette words it, with its values filled in."""
    def value(match: re.Match) -> str:
        param = command.param(match.group(1))
        if param is None or param.name not in args:
            return match.group(0)
        if param.type == "choice":
            choice = param.choice(args[param.name])
            return choice.label if choice else str(args[param.name])
        return v.shown(param, args[param.name])

    return re.sub(r"\{(\w+)\}", value, command.text)


class ElidedLabel(QLabel):
    """One line of text, cut with … when the pane is narrow (the whole text is its tooltip)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.full = ""
        self.setTextFormat(Qt.PlainText)
        self.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)

    def set_full_text(self, text: str) -> None:
        self.full = text
        self.setToolTip(text)
        self._elide()

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        self.setText(self.fontMetrics().elidedText(self.full, Qt.ElideRight, max(self.width(), 40)))


class Row:
    """One parameter's widgets: label, field, unit, and a line for the hint or the problem."""

    def __init__(self, param: Param, field: Field, zoom: float):
        self.param, self.field = param, field
        self.label = QLabel(param.label or param.name)
        self.label.setBuddy(field.focus_widget())
        self.unit = QLabel(param.unit.strip())
        self.unit.setObjectName("hint")
        self.hint_text = range_hint(param)
        self.message = QLabel(self.hint_text)
        self.message.setObjectName("hint")
        self.message.setWordWrap(True)
        self.message.setVisible(bool(self.hint_text))
        self.cell = QWidget()
        cell = QGridLayout(self.cell)
        cell.setContentsMargins(0, 0, 0, 0)
        cell.setHorizontalSpacing(round(6 * zoom))
        cell.setVerticalSpacing(round(2 * zoom))
        cell.addWidget(field, 0, 0)
        cell.addWidget(self.unit, 0, 1, Qt.AlignTop if param.list else Qt.AlignVCenter)
        cell.addWidget(self.message, 1, 0, 1, 2)
        cell.setColumnStretch(0, 1)
        tip = "\n".join(filter(None, [param.help, self.hint_text.capitalize()]))
        for widget in (self.label, field, self.unit):
            widget.setToolTip(tip)
        field.focus_widget().setAccessibleName(param.label or param.name)  # for screen readers
        field.focus_widget().setAccessibleDescription(tip)
        field.problem_changed.connect(self.show_problem)

    def show_problem(self, problem: str) -> None:
        self.message.setObjectName("problem" if problem else "hint")
        self.message.setText(problem or self.hint_text)
        self.message.setVisible(bool(problem or self.hint_text))
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    @property
    def problem(self) -> str:
        return self.message.text() if self.message.objectName() == "problem" else ""


class ValueEditor(QWidget):
    """The values of the selected line. Emits `value_changed(param name, value)` with a value in
    the form Block.args holds it, and only ever a valid one."""

    value_changed = Signal(str, object)
    # Escape with nothing to put back: the window may return the keyboard to the program.
    leave_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.program: Program | None = None
        self.pack: Pack | None = None
        self.path: tuple | None = None
        self.scope: Scope | None = None
        self.rows: dict[str, Row] = {}
        self.zoom = 1.0
        self._layout_key = None

        self.empty = QLabel(EMPTY)
        self.empty.setObjectName("empty")
        self.empty.setAlignment(Qt.AlignCenter)
        self.empty.setWordWrap(True)

        self.header = QFrame()
        self.header.setObjectName("header")
        self.title = ElidedLabel()
        self.title.setObjectName("title")
        header_layout = QVBoxLayout(self.header)
        header_layout.setContentsMargins(0, 0, 0, 0)
        header_layout.addWidget(self.title)

        # Labels beside their fields, or above them when the pane is too narrow for both.
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.WrapLongRows)
        self.form.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
        self.form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        self.nothing = QLabel("This line has nothing to set.")
        self.nothing.setObjectName("empty")
        self.help = QLabel()
        self.help.setObjectName("hint")
        self.help.setWordWrap(True)
        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.addLayout(self.form)
        content_layout.addWidget(self.nothing)
        content_layout.addWidget(self.help)
        content_layout.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.scroll.setWidget(content)

        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.addWidget(self.header)
        page_layout.addWidget(self.scroll, 1)
        self.pages = QStackedLayout(self)
        self.pages.addWidget(self.empty)
        self.pages.addWidget(page)
        self.page = page
        QApplication.instance().focusChanged.connect(self._focus_changed)
        self.set_zoom(1.0)

    # The contract with the window.
    def show_block(self, program: Program | None, path: tuple | None, pack: Pack | None,
                   scope: Scope | None = None) -> None:
        """Show the values of the line at `path` (None: nothing selected); `scope`: the names it can
        use, when the caller has them already (the window's document keeps them per revision)."""
        if program is None or path is None or pack is None:
            self._clear()
            return
        block = program.block_at(tuple(path))
        command = pack.command(block.command)
        params = (COMMENT_TEXT,) if block.command == COMMENT else (command.params if command else ())
        self.program, self.pack, self.path = program, pack, tuple(path)
        self.scope = scope or Scope(program, pack, self.path)
        key = (tuple(params), self.zoom)  # a line with the same params (same command) reuses the rows
        if key != self._layout_key:
            self._build(params)
            self._layout_key = key
        for param in params:
            row = self.rows[param.name]
            row.show_problem("")  # before the value: a list may report that its count is wrong
            row.field.set_scope(self.scope)
            row.field.show_value(block.args.get(param.name))
        self._show_header(block, command)
        self.pages.setCurrentWidget(self.page)

    def set_zoom(self, factor: float) -> None:
        """Scale text and sizes (1.0 is normal) for a projector."""
        self.zoom = factor
        self.setStyleSheet(stylesheet(factor))
        if self.program is not None and self.path is not None:
            self.show_block(self.program, self.path, self.pack)

    # Building the rows.
    def _clear(self) -> None:
        self.program = self.pack = self.path = self.scope = None
        self._layout_key = None
        self._build(())
        self.pages.setCurrentWidget(self.empty)

    def _build(self, params) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.rows = {}
        zoom = self.zoom
        self.form.setHorizontalSpacing(round(8 * zoom))
        self.form.setVerticalSpacing(round(6 * zoom))
        for param in params:
            field = make_field(param, self.scope, zoom)
            field.committed.connect(lambda value, param=param: self._committed(param, value))
            row = Row(param, field, zoom)
            self.rows[param.name] = row
            self.form.addRow(row.label, row.cell)
        self.nothing.setVisible(not params)

    def _show_header(self, block, command) -> None:
        if block.command == COMMENT:
            self.title.set_full_text("# comment")
            colour, help_text = "#7a7a7a", COMMENT_TEXT.help
        else:
            self.title.set_full_text(line_text(command, block.args) if command else block.command)
            category = self.pack.category(command.category) if command else None
            colour, help_text = (category.colour if category else "#888888"), (command.help if command else "")
        border = max(1, round(4 * self.zoom))
        self.header.setStyleSheet(f"QFrame#header {{ border-left: {border}px solid {colour}; "
                                  f"padding-left: {round(8 * self.zoom)}px; }}")
        self.header.setToolTip(help_text)
        self._command_help = help_text
        self.help.setText(help_text)

    def _committed(self, param: Param, value) -> None:
        """A field reports a value: checked once more here, then passed on if it changes anything."""
        block = self.program.block_at(self.path)
        verdict = v.check(param, value, self.scope)
        if not verdict.ok:
            self.rows[param.name].show_problem(verdict.problem)
            return
        if block.args.get(param.name) != verdict.value:
            self.value_changed.emit(param.name, verdict.value)

    def _focus_changed(self, _old, now) -> None:
        if now is None or not self.isAncestorOf(now):
            return
        for row in self.rows.values():
            if row.field.isAncestorOf(now) or row.field is now:
                self.help.setText(row.param.help or self._command_help)
                return

    def keyPressEvent(self, event):
        if event.key() == Qt.Key_Escape:
            self.leave_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    # For tests and the window.
    def field(self, name: str) -> Field:
        return self.rows[name].field

    def focus_first(self) -> None:
        """Put the keyboard in the first value (the window's Enter on a line does this)."""
        if self.rows:
            next(iter(self.rows.values())).field.focus_widget().setFocus()
