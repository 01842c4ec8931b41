"""Draws one program line: a rounded strip in its category's colour, values set apart as chips.

A row that says its depth (DEPTH, the canvas's flat rows) is drawn indented: the margin gets an
indentation guide per level and, on a line with lines inside it, an arrow that shows whether it is
open (`folds(index)` says: None for no arrow, else whether it is open). Rows of a tree view (the
palette) say no depth: the tree indents them.

A line wider than its pane wraps: the words and values that do not fit go onto continuation lines,
indented, so a line always reads in full on a narrow projector screen (only a single value wider
than the whole pane is shortened with "…"). The delegate works out the width a row has from its
view (the viewport less the row's indentation), so it serves any QTreeView over the program.
"""

import re
from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, QObject, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate

from robolab.ui import theme as th

SEGMENTS, COLOUR, KIND, PROBLEM, RUNNING, DEPTH = (Qt.ItemDataRole.UserRole + n for n in range(6))
RUNNING_COLOUR = "#1e9e5a"
BLOCK, BODY, COMMENT_LINE, CATEGORY = "block", "body", "comment", "category"


LEFT, RIGHT, CONTINUATION = 14, 10, 22  # padding and the continuation lines' indent, at zoom 1
INDENT = 26  # one level of indentation, at zoom 1
BAND, MARGIN = 1.5, 0.45  # a text line's height, and the row's top and bottom margins, in font heights
_WORDS = re.compile(r"\S+\s*|\s+")
PICTURE_BUDGET = 32 * 1024 * 1024  # bytes of row pictures kept (a few screens of rows)
_ROLES = (KIND, COLOUR, SEGMENTS, PROBLEM, RUNNING, DEPTH, Qt.ItemDataRole.DisplayRole)


@dataclass
class Wrapped:
    """A line laid out in a width: its pieces (text, is_value, line number, x, segment index) and
    whether any was cut. A long value broken over lines is several pieces of one segment."""

    pieces: list = field(default_factory=list)
    lines: int = 1
    elided: bool = False


def wrap(segments, width: float, measure, indent: float, chip_pad: float, elide=None) -> Wrapped:
    """Lay out segments (text, is_value) in `width`: plain text breaks between words; a value stays
    whole unless it is wider than a line on its own, when it breaks between words into several chips.
    Continuation lines start at `indent`. measure(text, is_value) is a width; elide(text, is_value,
    width) shortens a piece wider than a whole line (then `elided` is set)."""
    out = Wrapped()
    line, x, segment = 0, 0.0, 0  # `segment`: the one being placed (the loop below sets it)

    def place(text: str, is_value: bool) -> None:
        nonlocal line, x
        shown = text if is_value else text.rstrip()
        needed = measure(shown, is_value) + (chip_pad if is_value else 0)
        if x + needed > width and x > (indent if line else 0):
            line, x = line + 1, indent
            if not shown:
                return  # spaces at the start of a continuation line
        room = width - x - (chip_pad if is_value else 0)
        if measure(shown, is_value) > room + 0.5:
            out.elided = True
            out.pieces.append((elide(shown, is_value, max(0.0, room)) if elide else shown, is_value, line, x,
                               segment))
            x = width
            return
        out.pieces.append((shown if is_value else text, is_value, line, x, segment))
        x += needed if is_value else measure(text, False)

    for segment, (text, is_value) in enumerate(segments):
        if not is_value:
            for token in _WORDS.findall(text):
                place(token, False)
        elif measure(text, True) + chip_pad <= width - indent:
            place(text, True)
        else:  # a long expression: chips of as many of its words as fit on each line
            chunk = ""
            for word in text.split(" "):
                longer = f"{chunk} {word}" if chunk else word
                if x + measure(longer, True) + chip_pad <= width:
                    chunk = longer
                    continue
                if chunk:
                    place(chunk, True)
                if x + measure(word, True) + chip_pad > width and x > (indent if line else 0):
                    line, x = line + 1, indent
                chunk = word
            if chunk:
                place(chunk, True)
    out.lines = line + 1
    return out


class _WidthWatcher(QObject):
    """Rows are laid out again when the view's width changes (a wrapped line's height depends on it)."""

    def __init__(self, view):
        super().__init__(view)
        self._view, self._width = view, view.viewport().width()
        view.viewport().installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Resize and watched.width() != self._width:
            self._width = watched.width()
            self._view.scheduleDelayedItemsLayout()
        return False


def _labelled(index) -> None:
    """Ask the model to give a row its words if it makes them when first shown (ProgramModel.label)."""
    model = getattr(index, "model", None)  # a _Row (a row read once) has its words already
    label = getattr(model(), "label", None) if model else None
    if label is not None:
        label(index)


class _Row:
    """A row's data, read once, for drawing it into a picture."""

    def __init__(self, data: dict):
        self._data = data

    def data(self, role):
        return self._data.get(role)


class _Option:
    def __init__(self, rect: QRect, selected: bool):
        self.rect = rect
        self.state = QStyle.StateFlag.State_Selected if selected else QStyle.StateFlag.State_None


class LineDelegate(QStyledItemDelegate):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.zoom = 1.0
        self.theme = th.LIGHT
        self._pictures: dict[tuple, QPixmap] = {}
        self._bytes = 0
        self._layouts: dict[tuple, Wrapped] = {}
        self.folds = None  # index -> None (nothing inside), True (open) or False (closed); None: no arrows
        if parent is not None and hasattr(parent, "viewport"):
            self._watcher = _WidthWatcher(parent)

    def fonts(self) -> tuple[QFont, QFont]:
        """The plain and value fonts for this zoom and theme (made once: paint runs per row)."""
        key = (self.zoom, self.theme.name)
        if getattr(self, "_fonts_key", None) != key:
            plain = th.ui_font(self.zoom)
            value = th.ui_font(self.zoom)
            value.setWeight(QFont.Weight.Bold if self.theme.bold_values else QFont.Weight.DemiBold)
            self._fonts, self._fonts_key = (plain, value), key
            self._metrics = (QFontMetricsF(plain), QFontMetricsF(value))
        return self._fonts

    def metrics(self) -> tuple[QFontMetricsF, QFontMetricsF]:
        self.fonts()
        return self._metrics

    def margin(self, index) -> int:
        """The indentation this delegate draws left of a row (0 for a tree view's rows: it indents them)."""
        depth = index.data(DEPTH)
        return 0 if depth is None else (depth + 1) * int(INDENT * self.zoom)

    def row_width(self, index, view=None) -> int:
        """The width the view gives this row's strip: its viewport less the row's indentation."""
        view = view or self.parent()
        if view is None or not hasattr(view, "viewport"):
            return 10_000
        if index.data(DEPTH) is not None:
            return view.viewport().width() - self.margin(index)
        depth, parent = 0, index.parent()
        while parent.isValid():
            depth, parent = depth + 1, parent.parent()
        if getattr(view, "rootIsDecorated", lambda: False)():
            depth += 1
        return view.viewport().width() - depth * view.indentation()

    def layout(self, index, width: float) -> Wrapped:
        """How the row's text lies in a row `width` wide (text area: less the padding and problem mark)."""
        segments = index.data(SEGMENTS)
        if segments is None:  # asked only then: Qt measures thousands of rows after some edits
            _labelled(index)
            segments = index.data(SEGMENTS) or []
        problem = bool(index.data(PROBLEM))
        key = (tuple(map(tuple, segments)), int(width), problem, self.zoom, self.theme.name)
        found = self._layouts.get(key)
        if found is None:
            plain, value = self.metrics()
            z = self.zoom
            room = width - 8 - (LEFT + RIGHT) * z - (plain.height() * 1.1 + 8 * z if problem else 0)

            def measure(text, is_value):
                return (value if is_value else plain).horizontalAdvance(text)

            def elide(text, is_value, space):
                return (value if is_value else plain).elidedText(text, Qt.TextElideMode.ElideRight, space)

            found = wrap(segments, room, measure, CONTINUATION * z, 12 * z, elide)
            if len(self._layouts) > 20_000:
                self._layouts.clear()
            self._layouts[key] = found
        return found

    def sizeHint(self, option, index) -> QSize:
        plain, _ = self.metrics()
        width = self.row_width(index, getattr(option, "widget", None) if option is not None else None)
        lines = self.layout(index, width).lines if index.data(KIND) in (BLOCK, COMMENT_LINE) else 1
        return QSize(max(1, width), int(plain.height() * (MARGIN + BAND * lines)))

    def value_rects(self, index, rect: QRect) -> list[tuple[int, QRectF]]:
        """Where the row's values are drawn (as paint draws them in `rect`): (which value, counting
        from 0 in reading order, and its chip), one per chip; a value broken over lines has several."""
        if index.data(KIND) != BLOCK:
            return []
        plain, value = self.metrics()
        z = self.zoom
        rect = rect.adjusted(self.margin(index), 0, 0, 0)
        inner = QRectF(rect).adjusted(2, 2 * z, -6, -2 * z)
        wrapped = self.layout(index, rect.width())
        band = plain.height() * BAND
        top = inner.top() + (inner.height() - band * wrapped.lines) / 2
        segments = index.data(SEGMENTS) or []
        ordinal = {}
        for number, (_, is_value) in enumerate(segments):
            if is_value:
                ordinal[number] = len(ordinal)
        return [(ordinal[segment], QRectF(inner.left() + LEFT * z + x, top + line * band + band * 0.06,
                                          value.horizontalAdvance(text) + 12 * z, band * 0.88))
                for text, is_value, line, x, segment in wrapped.pieces if is_value]

    def elided(self, index, width: int) -> bool:
        """Whether a row this wide shows its line cut short (for checks: every line reads in full)."""
        return index.data(KIND) in (BLOCK, COMMENT_LINE) and self.layout(index, width - self.margin(index)).elided

    def paint(self, painter: QPainter, option, index) -> None:
        """Draw from a cache of row pictures: after an edit every visible row moves and repaints,
        and most rows look as they did."""
        if index.data(SEGMENTS) is None:
            _labelled(index)
        data = {role: index.data(role) for role in _ROLES}
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        segments = data[SEGMENTS]
        margin = self.margin(index)
        if margin:
            self._draw_margin(painter, QRect(option.rect.left(), option.rect.top(), margin, option.rect.height()),
                              data[DEPTH], self.folds(index) if self.folds else None)
        width, height = option.rect.width() - margin, option.rect.height()
        key = (data[KIND], data[COLOUR], tuple(map(tuple, segments)) if segments else None, bool(data[PROBLEM]),
               bool(data[RUNNING]), data[Qt.ItemDataRole.DisplayRole], selected, width, height, self.zoom,
               self.theme.name)
        pixmap = self._pictures.get(key)
        if pixmap is None:
            ratio = painter.device().devicePixelRatioF() if painter.device() else 1.0
            pixmap = QPixmap(max(1, round(width * ratio)), max(1, round(height * ratio)))
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.GlobalColor.transparent)
            picture = QPainter(pixmap)
            self._draw(picture, _Option(QRect(0, 0, width, height), selected), _Row(data))
            picture.end()
            size = pixmap.width() * pixmap.height() * 4
            if self._bytes + size > PICTURE_BUDGET:  # start afresh: the rows in view come back at once
                self._pictures.clear()
                self._bytes = 0
            self._pictures[key] = pixmap
            self._bytes += size
        painter.drawPixmap(option.rect.left() + margin, option.rect.top(), pixmap)

    def _draw_margin(self, painter: QPainter, rect: QRect, depth: int, opened) -> None:
        """The indentation left of a line: a guide per level, and an arrow when lines are inside it."""
        theme, step = self.theme, int(INDENT * self.zoom)
        painter.save()
        painter.fillRect(rect, QColor(theme.surface))
        painter.setPen(QPen(QColor(theme.border), 1))
        for level in range(depth):
            x = rect.left() + level * step + step // 2
            painter.drawLine(x, rect.top(), x, rect.bottom())
        if opened is not None:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            size = step * 0.22
            cx, cy = rect.left() + depth * step + step / 2, rect.center().y() + 0.5
            painter.setPen(QPen(QColor(theme.muted), max(1.5, 1.6 * self.zoom), Qt.PenStyle.SolidLine,
                                Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
            if opened:
                points = [QPointF(cx - size, cy - size / 2), QPointF(cx, cy + size / 2), QPointF(cx + size, cy - size / 2)]
            else:
                points = [QPointF(cx - size / 2, cy - size), QPointF(cx + size / 2, cy), QPointF(cx - size / 2, cy + size)]
            painter.drawPolyline(points)
        painter.restore()

    def _draw(self, painter: QPainter, option, index) -> None:
        t = self.theme
        kind = index.data(KIND)
        colour = index.data(COLOUR) or t.muted
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(option.rect).adjusted(2, 2 * self.zoom, -6, -2 * self.zoom)
        radius = 6 * self.zoom
        plain, value_font = self.fonts()
        if kind == CATEGORY:
            font = QFont(plain)
            font.setWeight(QFont.Weight.Bold)
            painter.setFont(font)
            size = rect.height() * 0.38
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(colour))
            painter.drawEllipse(QRectF(rect.left() + 4, rect.center().y() - size / 2, size, size))
            painter.setPen(QColor(t.text))
            painter.drawText(rect.adjusted(size + 12 * self.zoom, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter,
                             index.data(Qt.ItemDataRole.DisplayRole))
            painter.restore()
            return
        if kind == BODY:
            painter.setFont(plain)
            painter.setPen(QColor(colour))
            font = QFont(plain)
            font.setItalic(True)
            font.setWeight(QFont.Weight.DemiBold)
            painter.setFont(font)
            if selected:
                painter.fillRect(rect, th.mix(t.accent, t.surface, 0.12))
            text = index.data(Qt.ItemDataRole.DisplayRole)
            painter.drawText(rect.adjusted(8 * self.zoom, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, text)
            painter.restore()
            return
        fill = th.mix(colour, t.surface, t.tint * (1.9 if selected else 1.0)) if kind == BLOCK else QColor(t.surface)
        running = bool(index.data(RUNNING))
        if running:
            painter.setPen(QPen(QColor(RUNNING_COLOUR), 3 * self.zoom))
        else:
            painter.setPen(QPen(QColor(t.accent), 2 * self.zoom) if selected else Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, radius, radius)
        bar = QRectF(rect.left(), rect.top(), 5 * self.zoom, rect.height())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(colour))
        painter.drawRoundedRect(bar, 2.5 * self.zoom, 2.5 * self.zoom)
        wrapped = self.layout(index, option.rect.width())
        band = self.metrics()[0].height() * BAND
        top = rect.top() + (rect.height() - band * wrapped.lines) / 2
        left = rect.left() + LEFT * self.zoom
        for text, is_value, line, x, _ in wrapped.pieces:
            x += left
            y = top + line * band
            if kind == COMMENT_LINE:
                font = QFont(plain)
                font.setItalic(True)
                painter.setFont(font)
                painter.setPen(QColor(t.muted))
            elif is_value:
                painter.setFont(value_font)
                width = self.metrics()[1].horizontalAdvance(text)
                chip = QRectF(x, y + band * 0.06, width + 12 * self.zoom, band * 0.88)
                painter.setPen(QPen(th.mix(colour, t.surface, 0.55), 1))
                painter.setBrush(QColor(t.surface))
                painter.drawRoundedRect(chip, 4 * self.zoom, 4 * self.zoom)
                painter.setPen(th.mix(colour, t.text, 0.35) if not self.theme.bold_values else QColor(t.text))
                painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, text)
                continue
            else:
                painter.setFont(plain)
                painter.setPen(QColor(t.text))
            width = QFontMetricsF(painter.font()).horizontalAdvance(text)
            painter.drawText(QRectF(x, y, width + 2, band), Qt.AlignmentFlag.AlignVCenter, text)
        if index.data(PROBLEM):
            size = self.metrics()[0].height() * 1.05
            mark = QRectF(rect.right() - size - 8 * self.zoom, rect.center().y() - size / 2, size, size)
            painter.setBrush(QColor(t.error))
            painter.drawEllipse(mark)
            painter.setPen(QColor("#ffffff"))
            bold = QFont(plain)
            bold.setBold(True)
            bold.setPointSizeF(plain.pointSizeF() * 0.8)
            painter.setFont(bold)
            painter.drawText(mark, Qt.AlignmentFlag.AlignCenter, "!")
        painter.restore()
