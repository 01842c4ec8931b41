"""The data log: a live plot of the values a program logs and of chosen sensors against simulated
time, earlier runs drawn fainter to compare; exported as CSV and PNG.

The sensors offered are the robot's (set_channels); the ones chosen are said (plotted_changed) so
the run samples only those: sampling every sensor cost a run about 40 % of its time."""

from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (QCheckBox, QFileDialog, QHBoxLayout, QMenu, QPushButton, QSizePolicy,
                               QToolButton, QVBoxLayout, QWidget)

from robolab.files import write_atomic
from robolab.live.datalog import DataLog

COLOURS = ("#2f6fed", "#d93025", "#1b7f5a", "#b36b00", "#7b3fe4", "#00838f", "#c2185b", "#5d6d7e")


def nice_step(span: float, ticks: int = 5) -> float:
    raw = max(span, 1e-9) / ticks
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= raw:
            return m * power
    return 10 * power


class Plot(QWidget):
    def __init__(self, log: DataLog, parent=None):
        super().__init__(parent)
        self.log = log
        self.sensors: list[str] = []
        self.overlay = True
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(160)

    def _runs(self):
        runs = self.log.runs if self.overlay else self.log.runs[-1:]
        return runs

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        runs = self._runs()
        lines = [(index, run, name, points) for index, run in enumerate(runs)
                 for name, points in run.series(self.sensors).items() if points]
        metrics = painter.fontMetrics()
        if not lines:
            painter.setPen(QColor("#6b7785"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             "Logged values are drawn here as the program runs.\n"
                             "Choose sensors to plot them too.")
            return
        t_max = max(p[-1][0] for _, _, _, p in lines)
        values = [v for _, _, _, p in lines for _, v in p]
        lo, hi = min(values), max(values)
        if hi - lo < 1e-9:
            lo, hi = lo - 1, hi + 1
        pad = (hi - lo) * 0.06
        lo, hi = lo - pad, hi + pad
        left = metrics.horizontalAdvance("-0000.0") + 12
        names = sorted({name for _, _, name, _ in lines})
        legend_rows = max(1, math.ceil(len(names) / 3))
        area = QRectF(left, 10, self.width() - left - 14, self.height() - 34 - legend_rows * (metrics.height() + 2))
        t_max = max(t_max, 1.0)
        def at(t, v):
            return QPointF(area.left() + t / t_max * area.width(), area.bottom() - (v - lo) / (hi - lo) * area.height())
        # grid and axes
        painter.setPen(QPen(QColor("#e6e9ee"), 1))
        step = nice_step(hi - lo)
        v = math.ceil(lo / step) * step
        while v <= hi:
            y = at(0, v).y()
            painter.setPen(QPen(QColor("#e6e9ee"), 1))
            painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
            painter.setPen(QColor("#6b7785"))
            painter.drawText(QRectF(0, y - 8, left - 6, 16), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             f"{v:g}")
            v += step
        tstep = nice_step(t_max, 6)
        t = 0.0
        while t <= t_max + 1e-9:
            x = at(t, lo).x()
            painter.setPen(QPen(QColor("#e6e9ee"), 1))
            painter.drawLine(QPointF(x, area.top()), QPointF(x, area.bottom()))
            painter.setPen(QColor("#6b7785"))
            painter.drawText(QRectF(x - 30, area.bottom() + 2, 60, 16), Qt.AlignmentFlag.AlignCenter, f"{t:g} s")
            t += tstep
        painter.setPen(QPen(QColor("#9aa1ab"), 1))
        painter.drawRect(area)
        latest = len(runs) - 1
        for index, run, name, points in lines:
            colour = QColor(COLOURS[names.index(name) % len(COLOURS)])
            pen = QPen(colour, 2.2 if index == latest else 1.4)
            if index != latest:
                colour.setAlpha(110)
                pen.setColor(colour)
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            path = QPainterPath(at(*points[0]))
            for point in points[1:]:
                path.lineTo(at(*point))
            painter.drawPath(path)
            if len(points) < 60 and index == latest:
                painter.setBrush(QColor(COLOURS[names.index(name) % len(COLOURS)]))
                for point in points:
                    painter.drawEllipse(at(*point), 2.5, 2.5)
                painter.setBrush(Qt.BrushStyle.NoBrush)
        # legend
        y = area.bottom() + 20
        x = area.left()
        for i, name in enumerate(names):
            if i and i % 3 == 0:
                x, y = area.left(), y + metrics.height() + 2
            painter.setPen(QPen(QColor(COLOURS[i % len(COLOURS)]), 3))
            painter.drawLine(QPointF(x, y + metrics.height() / 2), QPointF(x + 16, y + metrics.height() / 2))
            painter.setPen(QColor("#1f2733"))
            painter.drawText(QPointF(x + 20, y + metrics.ascent()), name)
            x += 28 + metrics.horizontalAdvance(name) + 16
        if len(runs) > 1:
            painter.setPen(QColor("#6b7785"))
            painter.drawText(QRectF(area.left(), area.top() + 2, area.width() - 6, 16), Qt.AlignmentFlag.AlignRight,
                             f"{len(runs)} runs: {runs[-1].label} solid, earlier dashed")


class DataLogView(QWidget):
    exported = Signal(str)         # a file was written
    plotted_changed = Signal(list)  # the sensors and motors plotted now (the run samples those)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.log = DataLog()
        self.plot = Plot(self.log)
        self.channels: list[str] = []   # the robot's figures that can be plotted (readings.channel_names)
        self.sensor_menu = QMenu(self)
        sensors = QToolButton()
        sensors.setText("Sensors")
        sensors.setToolTip("Choose sensors and motors to plot beside the logged values")
        sensors.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        sensors.setMenu(self.sensor_menu)
        self.sensor_menu.aboutToShow.connect(self._fill_sensor_menu)
        self.overlay = QCheckBox("Keep runs")
        self.overlay.setToolTip("Draw earlier runs too (dashed), to compare")
        self.overlay.setChecked(True)
        self.overlay.toggled.connect(self._set_overlay)
        clear = QPushButton("Clear")
        clear.clicked.connect(self.clear)
        csv_button, png_button = QPushButton("CSV…"), QPushButton("PNG…")
        csv_button.setToolTip("Export the data log as a CSV file (for a spreadsheet)")
        png_button.setToolTip("Export the plot as a PNG picture (for a report)")
        csv_button.clicked.connect(lambda: self._export("csv"))
        png_button.clicked.connect(lambda: self._export("png"))
        bar = QHBoxLayout()
        for widget in (sensors, self.overlay):
            bar.addWidget(widget)
        bar.addStretch(1)
        for widget in (clear, csv_button, png_button):
            bar.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(self.plot, 1)

    def new_run(self, label: str = "") -> None:
        if not self.overlay.isChecked():
            self.log.clear()
        self.log.new_run(label)
        self.plot.update()

    def add_events(self, events) -> None:
        current = self.log.current
        if current is not None and any([current.add_event(e) for e in events]):
            self.plot.update()

    def add_samples(self, samples) -> None:
        current = self.log.current
        if current is not None and samples:
            for moment, values in samples:
                current.add_sample(moment, values)
            if self.plot.sensors:
                self.plot.update()

    def set_sensors(self, names) -> None:
        self.plot.sensors = list(names)
        self.plot.update()
        self.plotted_changed.emit(list(self.plot.sensors))

    def set_channels(self, names) -> None:
        """The robot's sensors and motors the Sensors menu offers."""
        self.channels = list(names)

    def clear(self) -> None:
        self.log.clear()
        self.plot.update()

    def _set_overlay(self, on: bool) -> None:
        self.plot.overlay = on
        self.plot.update()

    def _fill_sensor_menu(self) -> None:
        self.sensor_menu.clear()
        for name in dict.fromkeys(self.channels + self.log.sensor_names()):
            action = self.sensor_menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(name in self.plot.sensors)
            action.toggled.connect(lambda on, n=name: self.set_sensors(
                [s for s in self.plot.sensors if s != n] + ([n] if on else [])))
        if self.sensor_menu.isEmpty():
            self.sensor_menu.addAction("(the robot has no sensors or motors)").setEnabled(False)

    def export_csv(self, path) -> None:
        runs = self.log.runs if self.overlay.isChecked() else self.log.runs[-1:]
        write_atomic(path, self.log.to_csv(self.plot.sensors, runs))
        self.exported.emit(str(path))

    def export_png(self, path) -> None:
        image = self.plot.grab()
        if not image.save(str(path), "PNG"):
            raise OSError(f"{path}: cannot write the picture")
        self.exported.emit(str(path))

    def _export(self, kind: str) -> None:
        path, _ = QFileDialog.getSaveFileName(self, f"Export the data log as {kind.upper()}",
                                              str(Path.home() / f"data_log.{kind}"), f"{kind.upper()} (*.{kind})")
        if path:
            (self.export_csv if kind == "csv" else self.export_png)(path)
