"""The world drawn to scale from above: floor, walls, obstacles, zones, the trail, and the robot with
its wheels, brick and sensors (the colour sensor's spot, the ultrasonic beam, the bumper).

Before a run the robot can be placed: drag it to move it, right-drag to turn it. The wheel zooms
about the pointer, dragging elsewhere pans, a double-click fits the world to the view.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath, QPen, QPixmap, QPolygonF, QTransform
from PySide6.QtWidgets import QSizePolicy, QWidget

from simulator.infrared import PROX_MM_PER_UNIT
from simulator.physics import Pose

MARGIN = 16
BACKDROP = QColor("#dfe4ea")
WALL = QColor("#4b5563")
TRAIL_OPAQUE = QColor(47, 111, 237)
ROBOT_BODY = QColor("#f4f5f7")
ROBOT_EDGE = QColor("#1f2733")
BRICK = QColor("#c9ced6")
WHEEL = QColor("#2a2f36")
ACCENT = QColor("#2f6fed")
BEAM = QColor(46, 170, 120, 60)
BEAM_EDGE = QColor(46, 170, 120, 170)
PRESSED = QColor("#d93025")


def centroid(poly):
    """Area centroid of a polygon (as the physics places a movable obstacle's body)."""
    a = cx = cy = 0.0
    for i in range(len(poly)):
        x0, y0 = poly[i - 1]
        x1, y1 = poly[i]
        c = x0 * y1 - x1 * y0
        a, cx, cy = a + c, cx + (x0 + x1) * c, cy + (y0 + y1) * c
    if abs(a) < 1e-12:
        return (sum(p[0] for p in poly) / len(poly), sum(p[1] for p in poly) / len(poly))
    return (cx / (3 * a), cy / (3 * a))


class WorldView(QWidget):
    pose_edited = Signal(object)   # Pose: the student placed the robot

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(280, 220)
        self.setMouseTracking(True)
        self.setAccessibleName("Simulated world")
        self.setAccessibleDescription("The robot in its world, seen from above. Drag the robot to move it, "
                                      "right-drag to turn it; the wheel zooms.")
        self.world = self.robot = None
        self.pose = Pose(0.0, 0.0, 0.0)      # where the robot is drawn
        self.start = None                     # the start pose (drawn as a ghost when the robot left it)
        self.sensors = ()                     # SensorReadings of the last snapshot
        self.obstacles = ()                   # (name, x, y, angle) of the movable obstacles
        self.trail: list = []
        self.show_trail = True
        self.editable = True
        self.caption = ""
        self.zoom, self.pan = 1.0, QPointF(0.0, 0.0)
        self._floor = None
        self._scaled = None
        self._drag = None                     # ("move"|"turn"|"pan", start point, start pose/pan)
        self._movable = []                    # (local polygon, colour) of movable obstacles
        self._layer = None                    # (view key, pixmap) of what does not move
        self._trail = None                    # [view key, points drawn, layer pixmap]

    # --- what to draw ------------------------------------------------------------------------
    def set_world(self, world, robot) -> None:
        self.world, self.robot = world, robot
        image = world.image.convert("RGB")
        data = image.tobytes()
        qimage = QImage(data, image.width, image.height, image.width * 3, QImage.Format.Format_RGB888)
        self._floor = QPixmap.fromImage(qimage.copy())
        self._scaled = None
        self._movable = []
        for obstacle in world.obstacles:
            if obstacle.mass is not None:
                cx, cy = centroid(obstacle.polygon)
                self._movable.append(([(x - cx, y - cy) for x, y in obstacle.polygon], obstacle.colour))
        self.obstacles = ()
        self.sensors = ()
        self.trail = []
        self.fit()

    def show_state(self, pose, sensors=(), obstacles=(), trail=None, paint=True) -> None:
        """Draw this state (paint False: the caller repaints at once)."""
        self.pose, self.sensors, self.obstacles = pose, sensors, obstacles
        if trail is not None:
            self.trail = trail
        if paint:
            self.update()

    def fit(self) -> None:
        self.zoom, self.pan = 1.0, QPointF(0.0, 0.0)
        self._scaled = None
        self.update()

    # --- geometry ---------------------------------------------------------------------------
    def scale(self) -> float:
        if self.world is None:
            return 1.0
        fit = min((self.width() - 2 * MARGIN) / self.world.width, (self.height() - 2 * MARGIN) / self.world.height)
        return max(1e-3, fit * self.zoom)

    def to_screen(self, x: float, y: float) -> QPointF:
        s = self.scale()
        cx = self.width() / 2 + self.pan.x() + (x - self.world.width / 2) * s
        cy = self.height() / 2 + self.pan.y() - (y - self.world.height / 2) * s
        return QPointF(cx, cy)

    def to_world(self, point: QPointF) -> tuple[float, float]:
        s = self.scale()
        x = (point.x() - self.width() / 2 - self.pan.x()) / s + self.world.width / 2
        y = -(point.y() - self.height() / 2 - self.pan.y()) / s + self.world.height / 2
        return x, y

    def _robot_point(self, pose, x, y) -> QPointF:
        c, s = math.cos(math.radians(pose.heading)), math.sin(math.radians(pose.heading))
        return self.to_screen(pose.x + c * x - s * y, pose.y + s * x + c * y)

    def _polygon(self, points) -> QPolygonF:
        return QPolygonF([self.to_screen(x, y) for x, y in points])

    # --- painting -------------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        if self.world is None:
            painter.fillRect(self.rect(), BACKDROP)
            painter.setPen(QColor("#6b7785"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No world loaded")
            return
        painter.drawPixmap(0, 0, self._static_layer())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint_movable(painter)
        if self.show_trail and len(self.trail) > 1:
            painter.setOpacity(0.7)
            painter.drawPixmap(0, 0, self._trail_layer())
            painter.setOpacity(1.0)
        start = self.start
        if start is not None and (abs(start.x - self.pose.x) + abs(start.y - self.pose.y) > 5
                                  or abs(start.heading - self.pose.heading) > 2):
            self._paint_robot(painter, start, ghost=True)
        self._paint_beams(painter)
        self._paint_robot(painter, self.pose)
        self._paint_hud(painter)

    def _world_transform(self) -> QTransform:
        s = self.scale()
        dx = self.width() / 2 + self.pan.x() - self.world.width / 2 * s
        dy = self.height() / 2 + self.pan.y() + self.world.height / 2 * s
        return QTransform(s, 0, 0, -s, dx, dy)

    def _trail_layer(self) -> QPixmap:
        """The trail on a transparent layer; each frame draws only the points added since the last."""
        trail = self.trail
        key = (self.width(), self.height(), self.zoom, self.pan.x(), self.pan.y(), id(trail))
        cached = self._trail
        if cached is None or cached[0] != key or cached[1] > len(trail):
            ratio = self.devicePixelRatioF()
            pixmap = QPixmap(round(self.width() * ratio), round(self.height() * ratio))
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.GlobalColor.transparent)
            cached = self._trail = [key, 1, pixmap]
        end = len(trail)
        if end > cached[1]:
            painter = QPainter(cached[2])
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setTransform(self._world_transform())
            pen = QPen(TRAIL_OPAQUE, max(1.5, 6 * self.scale()), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                       Qt.PenJoinStyle.RoundJoin)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.drawPolyline(QPolygonF([QPointF(x, y) for x, y in trail[cached[1] - 1:end]]))
            painter.end()
            cached[1] = end
        return cached[2]

    def _static_layer(self) -> QPixmap:
        """Backdrop, floor, walls, fixed obstacles and zones: drawn again only when the view moves."""
        key = (self.width(), self.height(), self.zoom, self.pan.x(), self.pan.y(), id(self.world))
        if self._layer is None or self._layer[0] != key:
            ratio = self.devicePixelRatioF()
            pixmap = QPixmap(round(self.width() * ratio), round(self.height() * ratio))
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(BACKDROP)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            self._paint_floor(painter)
            self._paint_shapes(painter)
            painter.end()
            self._layer = (key, pixmap)
        return self._layer[1]

    def _paint_floor(self, painter: QPainter) -> None:
        top_left = self.to_screen(0, self.world.height)
        bottom_right = self.to_screen(self.world.width, 0)
        target = QRectF(top_left, bottom_right)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(0, 0, 0, 40))
        painter.drawRoundedRect(target.translated(0, 3).adjusted(-2, -2, 2, 2), 4, 4)  # a soft shadow
        size = target.size().toSize()
        if size.width() > 2 * max(1, self.width()) or size.height() > 2 * max(1, self.height()):
            painter.drawPixmap(target, self._floor, QRectF(self._floor.rect()))  # zoomed in: no huge cache
            return
        if self._scaled is None or self._scaled.size() != size:
            self._scaled = self._floor.scaled(size, Qt.AspectRatioMode.IgnoreAspectRatio,
                                              Qt.TransformationMode.SmoothTransformation)
        painter.drawPixmap(target.topLeft(), self._scaled)

    def _paint_shapes(self, painter: QPainter) -> None:
        world = self.world
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(WALL)
        for wall in world.walls:
            painter.drawPolygon(self._polygon(wall))
        for x0, y0, x1, y1 in world.wall_rects:
            painter.drawPolygon(self._polygon([(x0, y0), (x1, y0), (x1, y1), (x0, y1)]))
        edge = QPen(QColor(0, 0, 0, 90), 1)
        for obstacle in world.obstacles:
            if obstacle.mass is None:
                painter.setPen(edge)
                painter.setBrush(QColor(*obstacle.colour))
                painter.drawPolygon(self._polygon(obstacle.polygon))
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.9))
        painter.setFont(font)
        for zone in world.zones:
            polygon = self._polygon(zone.polygon)
            painter.setPen(QPen(QColor(47, 111, 237, 200), 1.5, Qt.PenStyle.DashLine))
            painter.setBrush(QColor(47, 111, 237, 28))
            painter.drawPolygon(polygon)
            painter.setPen(QColor(30, 70, 160))
            painter.drawText(polygon.boundingRect().adjusted(4, 2, -4, -2),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, zone.name)

    def _paint_movable(self, painter: QPainter) -> None:
        world = self.world
        positions = self.obstacles or [(None, *centroid(o.polygon), 0.0) for o in world.obstacles if o.mass is not None]
        edge = QPen(QColor(0, 0, 0, 90), 1)
        for (local, colour), (_, x, y, angle) in zip(self._movable, positions):
            c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
            painter.setPen(edge)
            painter.setBrush(QColor(*colour))
            painter.drawPolygon(self._polygon([(x + c * px - s * py, y + s * px + c * py) for px, py in local]))

    def _paint_beams(self, painter: QPainter) -> None:
        if self.robot is None:
            return
        readings = {r.port: r for r in self.sensors}
        for port, spec in self.robot.sensors.items():
            if spec.kind != "ultrasonic":
                continue
            reading = readings.get(port)
            reach = 2550.0 if reading is None or reading.text == "nothing" else reading.value * 10.0
            if reading is not None and reading.kind == "infrared":  # plugged in place of the ultrasonic
                reach = reading.value * PROX_MM_PER_UNIT
            origin = self._robot_point(self.pose, spec.x, spec.y)
            painter.save()  # a beam that sees nothing still ends at the world's edge
            painter.setClipRect(QRectF(self.to_screen(0.0, self.world.height), self.to_screen(self.world.width, 0.0)))
            path = QPainterPath(origin)
            for i in range(9):
                a = math.radians(spec.heading - spec.beam + 2 * spec.beam * i / 8)
                path.lineTo(self._robot_point(self.pose, spec.x + reach * math.cos(a), spec.y + reach * math.sin(a)))
            path.closeSubpath()
            painter.setPen(QPen(BEAM_EDGE, 1))
            painter.setBrush(BEAM)
            painter.drawPath(path)
            painter.restore()

    def _paint_robot(self, painter: QPainter, pose, ghost: bool = False) -> None:
        robot = self.robot
        if robot is None:
            return
        painter.save()
        if ghost:
            painter.setOpacity(0.35)
        s = self.scale()
        chassis = QPolygonF([self._robot_point(pose, x, y) for x, y in robot.chassis])
        painter.setPen(QPen(ROBOT_EDGE, max(1.0, 2.2 * s)))
        painter.setBrush(ROBOT_BODY)
        painter.drawPolygon(chassis)
        half, radius, width = robot.axle_track / 2, robot.wheel_diameter / 2, 22.0
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(WHEEL)
        for side in (1, -1):
            y = side * (half - width / 2 + 6)
            painter.drawPolygon(QPolygonF([self._robot_point(pose, x, y + dy) for x, dy in
                                           ((-radius, -width / 2), (radius, -width / 2), (radius, width / 2),
                                            (-radius, width / 2))]))
        brick = [(-50, -38), (40, -38), (40, 38), (-50, 38)]
        painter.setBrush(BRICK)
        painter.setPen(QPen(QColor("#8a929e"), max(0.8, 1.2 * s)))
        painter.drawPolygon(QPolygonF([self._robot_point(pose, x, y) for x, y in brick]))
        painter.setBrush(QColor("#a9c29b"))  # the brick's little screen
        painter.drawPolygon(QPolygonF([self._robot_point(pose, x, y) for x, y in
                                       ((-5, -22), (30, -22), (30, 22), (-5, 22))]))
        painter.setPen(QPen(ACCENT, max(1.2, 3 * s), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.drawLine(self._robot_point(pose, -35, 0), self._robot_point(pose, -12, 0))
        painter.drawLine(self._robot_point(pose, -12, 0), self._robot_point(pose, -20, -7))
        painter.drawLine(self._robot_point(pose, -12, 0), self._robot_point(pose, -20, 7))
        if not ghost:
            self._paint_sensors(painter, pose, s)
        painter.restore()

    def _paint_sensors(self, painter: QPainter, pose, s: float) -> None:
        readings = {r.port: r for r in self.sensors}
        for port, spec in self.robot.sensors.items():
            reading = readings.get(port)
            if spec.kind == "color":
                centre = self._robot_point(pose, spec.x, spec.y)
                r = max(3.0, spec.diameter / 2 * s + 2)
                rgb = reading.rgb if reading is not None and reading.rgb else (255, 255, 255)
                painter.setPen(QPen(PRESSED, max(1.2, 2 * s)))
                painter.setBrush(QColor(*rgb))
                painter.drawEllipse(centre, r, r)
            elif spec.kind == "touch":
                pressed = reading is not None and reading.value
                painter.setPen(QPen(PRESSED if pressed else QColor("#e3a008"), max(2.0, 6 * s),
                                    Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
                painter.drawLine(self._robot_point(pose, spec.x + 3, spec.y - spec.width / 2),
                                 self._robot_point(pose, spec.x + 3, spec.y + spec.width / 2))
            elif spec.kind == "ultrasonic":
                painter.setPen(QPen(QColor("#1b7f5a"), max(1.0, 1.5 * s)))
                painter.setBrush(QColor("#2eaa78"))
                for dy in (-12, 12):
                    painter.drawEllipse(self._robot_point(pose, spec.x, spec.y + dy), max(2.0, 7 * s), max(2.0, 7 * s))

    def _paint_hud(self, painter: QPainter) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        s = self.scale()
        for length in (10, 20, 50, 100, 200, 500, 1000, 2000):
            if length * s >= 60:
                break
        x0, y0 = MARGIN, self.height() - MARGIN + 2
        painter.setPen(QPen(QColor("#1f2733"), 2))
        painter.drawLine(QPointF(x0, y0), QPointF(x0 + length * s, y0))
        painter.drawLine(QPointF(x0, y0 - 4), QPointF(x0, y0))
        painter.drawLine(QPointF(x0 + length * s, y0 - 4), QPointF(x0 + length * s, y0))
        painter.drawText(QPointF(x0 + length * s + 6, y0 + 1), f"{length / 10:g} cm" if length < 1000 else f"{length / 1000:g} m")
        if self.caption:
            font = QFont(self.font())
            font.setBold(True)
            painter.setFont(font)
            metrics = painter.fontMetrics()
            box = QRectF(MARGIN - 6, 6, metrics.horizontalAdvance(self.caption) + 16, metrics.height() + 8)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(255, 255, 255, 215))
            painter.drawRoundedRect(box, 6, 6)
            painter.setPen(QColor("#1f2733"))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, self.caption)

    # --- placing the robot, zoom and pan --------------------------------------------------------
    def _on_robot(self, point: QPointF) -> bool:
        if self.robot is None:
            return False
        x, y = self.to_world(point)
        reach = max(max(abs(px), abs(py)) for px, py in self.robot.chassis)
        return math.hypot(x - self.pose.x, y - self.pose.y) <= reach

    def mousePressEvent(self, event) -> None:
        if self.world is None:
            return
        point = event.position()
        if self.editable and self._on_robot(point) and event.button() == Qt.MouseButton.LeftButton:
            self._drag = ("move", point, self.pose)
        elif self.editable and event.button() == Qt.MouseButton.RightButton:
            self._drag = ("turn", point, self.pose)
        else:
            self._drag = ("pan", point, QPointF(self.pan))
            self.setCursor(Qt.CursorShape.ClosedHandCursor)

    def mouseMoveEvent(self, event) -> None:
        point = event.position()
        if self._drag is None:
            if self.world is not None:
                on = self.editable and self._on_robot(point)
                self.setCursor(Qt.CursorShape.OpenHandCursor if on else Qt.CursorShape.ArrowCursor)
            return
        kind, origin, before = self._drag
        if kind == "pan":
            self.pan = before + (point - origin)
            self.update()
            return
        if kind == "move":
            x0, y0 = self.to_world(origin)
            x1, y1 = self.to_world(point)
            x = min(max(before.x + x1 - x0, 0.0), self.world.width)
            y = min(max(before.y + y1 - y0, 0.0), self.world.height)
            self.pose = Pose(x, y, before.heading)
        else:
            x, y = self.to_world(point)
            heading = math.degrees(math.atan2(y - before.y, x - before.x))
            self.pose = Pose(before.x, before.y, round(heading))
        self.update()

    def mouseReleaseEvent(self, event) -> None:
        drag, self._drag = self._drag, None
        self.unsetCursor()
        if drag is not None and drag[0] in ("move", "turn") and self.pose != drag[2]:
            self.start = self.pose
            self.trail = []
            self.pose_edited.emit(self.pose)

    def mouseDoubleClickEvent(self, event) -> None:
        self.fit()

    def wheelEvent(self, event) -> None:
        if self.world is None:
            return
        steps = event.angleDelta().y() / 120.0
        factor = 1.15 ** steps
        new_zoom = min(20.0, max(0.5, self.zoom * factor))
        factor = new_zoom / self.zoom
        point = event.position()
        centre = QPointF(self.width() / 2, self.height() / 2) + self.pan
        self.pan = self.pan + (point - centre) * (1 - factor)
        self.zoom = new_zoom
        self._scaled = None
        self.update()

    def resizeEvent(self, event) -> None:
        self._scaled = None
        super().resizeEvent(event)
