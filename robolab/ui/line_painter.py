"""Draws one program line: a rounded strip in its category's colour, values set apart as chips."""

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate

from robolab.ui import theme as th

SEGMENTS, COLOUR, KIND, PROBLEM, RUNNING = (Qt.ItemDataRole.UserRole + n for n in range(5))
RUNNING_COLOUR = "#1e9e5a"
BLOCK, BODY, COMMENT_LINE, CATEGORY = "block", "body", "comment", "category"


PICTURE_BUDGET = 32 * 1024 * 1024  # bytes of row pictures kept (a few screens of rows)
_ROLES = (KIND, COLOUR, SEGMENTS, PROBLEM, RUNNING, Qt.ItemDataRole.DisplayRole)


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

    def sizeHint(self, option, index) -> QSize:
        plain, value = self.metrics()
        height = plain.height() * 1.95
        width = sum((value if is_value else plain).horizontalAdvance(text) + (14 * self.zoom if is_value else 0)
                    for text, is_value in index.data(SEGMENTS) or [])
        return QSize(int(width + 60 * self.zoom), int(height))

    def paint(self, painter: QPainter, option, index) -> None:
        """Draw from a cache of row pictures: after an edit every visible row moves and repaints,
        and most rows look as they did."""
        data = {role: index.data(role) for role in _ROLES}
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        segments = data[SEGMENTS]
        width, height = option.rect.width(), option.rect.height()
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
        painter.drawPixmap(option.rect.topLeft(), pixmap)

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
        x = rect.left() + 14 * self.zoom
        right = rect.right() - 10 * self.zoom
        for text, is_value in index.data(SEGMENTS) or []:
            if x > right:
                break
            if kind == COMMENT_LINE:
                font = QFont(plain)
                font.setItalic(True)
                painter.setFont(font)
                painter.setPen(QColor(t.muted))
            elif is_value:
                painter.setFont(value_font)
                width = self.metrics()[1].horizontalAdvance(text)
                if x + width + 12 * self.zoom > right:  # no room for the whole chip: end the line here
                    painter.setFont(plain)
                    painter.setPen(QColor(t.muted))
                    painter.drawText(QRectF(x + 2, rect.top(), right - x + 8, rect.height()),
                                     Qt.AlignmentFlag.AlignVCenter, "…")
                    break
                chip = QRectF(x, rect.top() + rect.height() * 0.16, width + 12 * self.zoom, rect.height() * 0.68)
                painter.setPen(QPen(th.mix(colour, t.surface, 0.55), 1))
                painter.setBrush(QColor(t.surface))
                painter.drawRoundedRect(chip, 4 * self.zoom, 4 * self.zoom)
                painter.setPen(th.mix(colour, t.text, 0.35) if not self.theme.bold_values else QColor(t.text))
                painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, text)
                x += chip.width()
                continue
            else:
                painter.setFont(plain)
                painter.setPen(QColor(t.text))
            metrics = QFontMetricsF(painter.font())
            width = metrics.horizontalAdvance(text)
            cut = x + width > right
            if cut:  # the line is wider than the pane: end it with an ellipsis
                text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, right - x)
                width = right - x
            painter.drawText(QRectF(x, rect.top(), width + 2, rect.height()), Qt.AlignmentFlag.AlignVCenter, text)
            x += width
            if cut:
                break
        if index.data(PROBLEM):
            size = rect.height() * 0.55
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
