"""The one output pane of every run, on whichever target: what the program prints, what RoboLab
says about the run, its error (which keeps its block: clicking the line selects that block again),
and the EV3's screen as the program last drew it.

Each run starts with a header naming where it runs ("Run 3 on the Simulator"), so the output of
runs on the simulator and on the brick never mix unseen. One colour table, here.
"""

from __future__ import annotations

import os
import shutil
import subprocess

from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QListWidget, QListWidgetItem, QSizePolicy, QWidget

from robolab.ui.theme import ui_font

# One colour a kind of line: the program's own output and errors, RoboLab's notes, and what a
# simulated robot does (its messages, speech, sounds, bumps).
COLOURS = {"out": "#1f2733", "err": "#b3261e", "error": "#d93025", "note": "#6b7785", "header": "#2f6fed",
           "message": "#2f6fed", "speech": "#7b3fe4", "sound": "#6b7785", "collision": "#b36b00",
           "log": "#1b7f5a"}
BOLD = ("error", "header")
LINES_MAX = 5000      # lines kept: a program printing without end must not swamp the window
SCREEN = (178, 128)   # the EV3's screen in pixels


class OutputList(QListWidget):
    """The lines, each coloured by its kind; an error line keeps its block's path."""

    error_block = Signal(object, str)   # an error line clicked: its block's path and the message
    spoken = Signal(str)                # words the robot says (speech, a message number)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("run_output")
        self.setAccessibleName("Output")
        self.setWordWrap(True)
        self.setUniformItemSizes(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)  # read-only: nothing to edit
        self.itemClicked.connect(self._clicked)
        self._scrolling = False
        self.speak_aloud = bool(shutil.which("espeak-ng")) and os.environ.get("QT_QPA_PLATFORM") != "offscreen"

    def add(self, kind: str, text: str, block=None, time: float | None = None) -> QListWidgetItem:
        """A line of `kind` (a key of COLOURS); `block`, for an error, is where it happened."""
        if self.count() >= LINES_MAX:
            self.takeItem(0)
        stamp = f"{time:7.2f} s   " if time is not None else ""
        item = QListWidgetItem(stamp + text)
        item.setForeground(QColor(COLOURS.get(kind, COLOURS["out"])))
        if kind in BOLD:
            font = QFont(self.font())
            font.setBold(True)
            item.setFont(font)
        item.setData(Qt.ItemDataRole.UserRole, (tuple(block) if block is not None else None, text))
        self.addItem(item)
        if not self._scrolling:   # once for a burst of lines: a program printing fast stays cheap to show
            self._scrolling = True
            QTimer.singleShot(0, self._scroll)
        return item

    def _scroll(self) -> None:
        self._scrolling = False
        self.scrollToBottom()

    def say(self, words: str) -> None:
        """Words the robot says: shown to whoever listens, and spoken where espeak-ng is installed."""
        self.spoken.emit(words)
        if self.speak_aloud:
            subprocess.Popen(["espeak-ng", words], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def _clicked(self, item) -> None:
        block, text = item.data(Qt.ItemDataRole.UserRole) or (None, "")
        if block is not None:
            self.error_block.emit(block, text)

    def texts(self) -> list[str]:
        return [self.item(i).text() for i in range(self.count())]


class EV3Screen(QWidget):
    """The brick's face: its 178 x 128 screen (the program's Display image, or the text it shows)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.setMinimumSize(120, 110)
        self.setFixedWidth(150)
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

    @property
    def drawn(self) -> bool:
        return bool(self.text) or self.image is not None

    def paintEvent(self, event) -> None:
        """The brick's body and screen, as large as the pane is high (a short pane at the bottom of
        a 1024x768 window still shows the screen whole)."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        w = min(self.width() - 8, (self.height() - 8) / 0.95)
        body = QRectF(4 + (self.width() - 8 - w) / 2, 4, w, w * 0.95)
        painter.setPen(QPen(QColor("#9aa1ab"), 1.5))
        painter.setBrush(QColor("#e9ebee"))
        painter.drawRoundedRect(body, 12, 12)
        margin = w * 0.08
        scale = (w - 2 * margin) / SCREEN[0]
        screen = QRectF(body.x() + margin, body.y() + margin, SCREEN[0] * scale, SCREEN[1] * scale)
        painter.setPen(QPen(QColor("#3b3f45"), 3))
        painter.setBrush(QColor("#c7d3b5"))
        painter.drawRoundedRect(screen.adjusted(-3, -3, 3, 3), 4, 4)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawRect(screen)
        if self.image is not None:
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Multiply)
            painter.drawImage(screen, self.image)
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
        elif self.text:
            font = QFont("monospace")
            font.setStyleHint(QFont.StyleHint.Monospace)
            font.setPixelSize(max(9, round(18 * scale)))
            font.setBold(True)
            painter.setFont(font)
            painter.setPen(QColor("#1d2416"))
            painter.drawText(screen.adjusted(4, 4, -4, -4), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self.text)
        # the centre button under the screen
        cx, cy = body.center().x(), (screen.bottom() + body.bottom()) / 2
        r = max(4.0, (body.bottom() - screen.bottom()) / 2 - 4)
        painter.setBrush(QColor("#4a4f57"))
        painter.drawRoundedRect(QRectF(cx - 2.2 * r, cy - r, 4.4 * r, 2 * r), r * 0.6, r * 0.6)
        painter.setBrush(QColor("#2f6fed" if self.drawn else "#4caf50"))
        painter.drawEllipse(QRectF(cx - 0.5 * r, cy - 0.4 * r, r, 0.8 * r))


class RunOutput(QWidget):
    """The pane: the lines, and beside them the EV3's screen once a run has drawn on it."""

    title_changed = Signal(str)         # "Output · Simulator": the pane's title names the target
    wanted = Signal()                   # an error was added: whoever holds the pane brings it forward

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("run_output_pane")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.list = OutputList()
        self.screen = EV3Screen()
        self.screen.hide()
        layout.addWidget(self.list, 1)
        layout.addWidget(self.screen)
        self.title = "Output"

    def set_target(self, target: str) -> None:
        """Name the target the next (or current) run is on, in the pane's title."""
        self.title = f"Output · {target}"
        self.title_changed.emit(self.title)

    def header(self, number: int, target: str) -> None:
        """A run starts: its header line, and a blank screen."""
        self.screen.clear()
        self.screen.hide()
        self.set_target(target)
        self.list.add("header", f"Run {number} on the {target}")

    def add(self, kind: str, text: str, block=None, time: float | None = None) -> None:
        self.list.add(kind, text, block, time)
        if kind == "error":
            self.wanted.emit()

    def show_screen(self, screen) -> None:
        """What the program drew on the brick's screen: an image, or a text it shows."""
        if isinstance(screen, str):
            self.screen.show_text(screen)
        elif screen is not None:
            self.screen.show_image(screen)
        self.screen.setVisible(self.screen.drawn)

    def clear(self) -> None:
        self.list.clear()
        self.screen.clear()
        self.screen.hide()

    def texts(self) -> list[str]:
        return self.list.texts()

    def set_zoom(self, zoom: float) -> None:
        """Follow the window's zoom (tutors on a projector)."""
        self.list.setFont(ui_font(zoom))
