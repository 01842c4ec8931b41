"""What a run says: messages (and speech, shown, spoken where espeak-ng is installed), sounds,
collisions, run-time errors, plain output; and the EV3's screen drawn as on the brick."""

from __future__ import annotations

import os
import shutil
import subprocess

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QListWidgetItem, QSizePolicy, QWidget

from robolab.live import said

SCREEN = (178, 128)
STYLE = {"message": "#2f6fed", "speech": "#7b3fe4", "sound": "#6b7785", "error": "#d93025",
         "collision": "#b36b00", "log": "#1b7f5a", "note": "#6b7785", "output": "#1f2733"}


class OutputList(QListWidget):
    spoken = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setAlternatingRowColors(False)
        self.setUniformItemSizes(False)
        self.speak_aloud = bool(shutil.which("espeak-ng")) and os.environ.get("QT_QPA_PLATFORM") != "offscreen"

    def add(self, time: float | None, style: str, text: str, block=None) -> QListWidgetItem:
        stamp = f"{time:7.2f} s   " if time is not None else ""
        item = QListWidgetItem(stamp + text)
        item.setForeground(QColor(STYLE.get(style, "#1f2733")))
        if style == "error":
            font = QFont(self.font())
            font.setBold(True)
            item.setFont(font)
        item.setData(Qt.ItemDataRole.UserRole, block)
        self.addItem(item)
        self.scrollToBottom()
        return item

    def add_event(self, event: dict) -> None:
        described = said.describe(event)
        if described is None:
            return
        style, text = described
        self.add(event.get("time"), style, text)
        words = said.spoken(event)
        if words:
            self.spoken.emit(words)
            if self.speak_aloud:
                subprocess.Popen(["espeak-ng", words], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def texts(self) -> list[str]:
        return [self.item(i).text() for i in range(self.count())]


class EV3Screen(QWidget):
    """The brick's face: its 178 x 128 screen (the program's Display image, or the text it shows)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.setMinimumSize(210, 230)
        self.setFixedWidth(220)
        self.text = ""
        self.image: QImage | None = None

    def show_text(self, text: str) -> None:
        self.text, self.image = text, None
        self.update()

    def show_image(self, pil_image) -> None:
        gray = pil_image.convert("L")
        self.image = QImage(gray.tobytes(), gray.width, gray.height, gray.width, QImage.Format.Format_Grayscale8).copy()
        self.text = ""
        self.update()

    def clear(self) -> None:
        self.text, self.image = "", None
        self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        w = self.width() - 8
        body = QRectF(4, 4, w, min(self.height() - 8, w * 1.25))
        painter.setPen(QPen(QColor("#9aa1ab"), 1.5))
        painter.setBrush(QColor("#e9ebee"))
        painter.drawRoundedRect(body, 18, 18)
        scale = (w - 36) / SCREEN[0]
        screen = QRectF(body.x() + 18, body.y() + 18, SCREEN[0] * scale, SCREEN[1] * scale)
        painter.setPen(QPen(QColor("#3b3f45"), 5))
        painter.setBrush(QColor("#c7d3b5"))
        painter.drawRoundedRect(screen.adjusted(-4, -4, 4, 4), 6, 6)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawRect(screen)
        if self.image is not None:
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Multiply)
            painter.drawImage(screen, self.image)
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
        elif self.text:
            font = QFont("monospace")
            font.setStyleHint(QFont.StyleHint.Monospace)
            font.setPixelSize(max(10, round(18 * scale)))
            font.setBold(True)
            painter.setFont(font)
            painter.setPen(QColor("#1d2416"))
            painter.drawText(screen.adjusted(6, 6, -6, -6), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self.text)
        # the buttons: a dark rim around the centre button, the back button top left
        cx, cy = body.center().x(), screen.bottom() + (body.bottom() - screen.bottom()) / 2 + 2
        r = min(30.0, (body.bottom() - screen.bottom()) / 2 - 8)
        painter.setBrush(QColor("#4a4f57"))
        painter.drawRoundedRect(QRectF(cx - 2.2 * r, cy - r, 4.4 * r, 2 * r), r * 0.6, r * 0.6)
        painter.setBrush(QColor("#8d949d"))
        painter.drawRoundedRect(QRectF(cx - 0.7 * r, cy - 0.55 * r, 1.4 * r, 1.1 * r), 4, 4)
        painter.setBrush(QColor("#2f6fed" if self.text or self.image is not None else "#4caf50"))
        painter.drawEllipse(QRectF(cx - 0.35 * r, cy - 0.25 * r, 0.7 * r, 0.5 * r))


class OutputView(QWidget):
    """The output list beside the EV3 screen."""

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.list = OutputList()
        self.screen = EV3Screen()
        layout.addWidget(self.list, 1)
        layout.addWidget(self.screen)

    def clear(self) -> None:
        self.list.clear()
        self.screen.clear()

    def add_events(self, events, screen_image=None) -> None:
        for event in events:
            self.list.add_event(event)
            if event.get("kind") == "display":
                if event.get("what") == "value":
                    self.screen.show_text(event.get("text", ""))
                elif event.get("what") in ("text", "update") and screen_image is not None:
                    self.screen.show_image(screen_image)
