"""Robot model files (TOML) -> RobotModel: wheels, motors per port, sensors per port with their
place on the chassis, and optional bias/noise (off by default).

Units: mm, kg, degrees. Robot frame: x forward, y to the left, origin midway between the wheels.
A bad file raises RobotError whose problems are "file:line: message" strings.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from .bounded import UnreadableFile, parse_toml, read_text
from .colour_response import RESPONSES

ROBOTS_DIR = Path(__file__).resolve().parent / "robots"
DEFAULT_ROBOT = ROBOTS_DIR / "ev3_educator.toml"

MOTOR_KINDS = ("large", "medium")
WHEELS = ("left", "right")
SENSOR_KINDS = ("touch", "gyro", "color", "ultrasonic", "infrared")
MOTOR_PORTS = ("A", "B", "C", "D")
SENSOR_PORTS = ("1", "2", "3", "4")
MAX_VALUE = 10_000.0  # mm, degrees, kg, fractions: no robot part is 10 m or weighs 10 t
MIN_CHASSIS_AREA = 100.0  # mm²: a square centimetre
MAX_CHASSIS_POINTS = 1000
LOWEST = {"wheel_diameter": 1.0, "axle_track": 1.0, "mass": 0.01}  # smaller is numerically nothing
LIMITS = {"wheel_diameter": 1000.0, "axle_track": 5000.0, "mass": 1000.0, "bias": 10.0, "noise": 100.0,
          "drift": 1000.0, "diameter": 1000.0, "beam": 90.0, "heading": 3600.0}  # the rest: MAX_VALUE


class RobotError(Exception):
    """A robot file that cannot be used; `problems` lists "file:line: message" strings."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class MotorSpec:
    kind: str = "large"  # "large" | "medium"
    wheel: str | None = None  # "left" | "right" | None
    bias: float = 0.0  # speed error as a fraction
    noise: float = 0.0  # standard deviation of the speed error (fraction)


@dataclass(frozen=True)
class SensorSpec:
    kind: str  # "touch" | "gyro" | "color" | "ultrasonic" | "infrared"
    x: float = 0.0
    y: float = 0.0
    heading: float = 0.0
    bias: float = 0.0
    noise: float = 0.0
    drift: float = 0.0  # gyro only, deg/s
    diameter: float = 10.0  # colour only: the spot on the floor (mm)
    beam: float = 15.0  # ultrasonic and infrared: half-angle (deg)
    width: float = 30.0  # touch only: bumper width (mm)
    response: str = "ev3"  # colour only: "ev3" (measured) or "linear" (colour_response.py)


@dataclass(frozen=True)
class RobotModel:
    name: str
    wheel_diameter: float
    axle_track: float
    mass: float
    chassis: tuple  # ((x, y), ...) robot frame
    motors: dict = field(default_factory=dict)  # port letter -> MotorSpec
    sensors: dict = field(default_factory=dict)  # port digit -> SensorSpec
    # Sensors the robot can take on a port when a program asks for one it lacks (devices.py).
    optional_sensors: dict = field(default_factory=dict)  # port digit -> SensorSpec
    path: Path | None = None


def _line_of(text: str, pattern: str) -> int:
    """The first line (1-based) matching the regex, or 1."""
    rx = re.compile(pattern)
    for number, line in enumerate(text.splitlines(), 1):
        if rx.search(line):
            return number
    return 1


def _num(value, limit: float = MAX_VALUE):
    """A finite number within +-limit (a huge TOML integer is compared, never made a float)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if isinstance(value, float) and not math.isfinite(value):
        return False
    return -limit <= value <= limit


def _shown(value) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10 ** 30:
        return f"a number of about {int(abs(value).bit_length() * 0.30103) + 1} digits"
    text = repr(value)
    return text if len(text) <= 80 else text[:80] + "…"


def load_robot(path=None) -> RobotModel:
    """Load a robot model file; None loads the EV3 Education driving base."""
    path = Path(path) if path is not None else DEFAULT_ROBOT
    try:
        text = read_text(path)
    except UnreadableFile as exc:
        raise RobotError([f"{path}:{exc.line}: cannot read the robot file: {exc}"]) from None
    try:
        data = parse_toml(text)
    except UnreadableFile as exc:
        raise RobotError([f"{path}:{exc.line}: not valid TOML: {exc}"]) from None

    problems: list[str] = []

    def problem(pattern, message):
        problems.append(f"{path}:{_line_of(text, pattern)}: {message}")

    robot = data.get("robot")
    if not isinstance(robot, dict):
        problem(r"^\s*\[robot\]", "missing the [robot] table")
        raise RobotError(problems)

    def positive(key, default=None):
        value = robot.get(key, default)
        if value is None:
            problem(r"^\s*\[robot\]", f"[robot] needs {key}")
            return 1.0
        if not _num(value, LIMITS[key]) or value < LOWEST[key]:
            most = f" from {LOWEST[key]:g} to {LIMITS[key]:g}" if _num(value, math.inf) and value > 0 else ""
            problem(rf"^\s*{key}\s*=", f"{key} must be a positive number{most}, not {_shown(value)}")
            return 1.0
        return float(value)

    # A robot whose motors drive no wheel (an arm, a guitar, a cube solver) stays put: it needs
    # no wheel sizes (these defaults only keep the numbers meaningful).
    raw = data.get("motors")
    drives = isinstance(raw, dict) and any(isinstance(m, dict) and m.get("wheel") is not None for m in raw.values())
    wheel_diameter = positive("wheel_diameter", None if drives else 56.0)
    axle_track = positive("axle_track", None if drives else 120.0)
    mass = positive("mass")
    chassis_raw = robot.get("chassis")
    chassis = ()
    if (
        isinstance(chassis_raw, list)
        and 3 <= len(chassis_raw) <= MAX_CHASSIS_POINTS
        and all(isinstance(p, list) and len(p) == 2 and all(_num(c) for c in p) for p in chassis_raw)
    ):
        chassis = tuple((float(x), float(y)) for x, y in chassis_raw)
        area2 = sum(
            chassis[i][0] * chassis[i - 1][1] - chassis[i - 1][0] * chassis[i][1]
            for i in range(len(chassis))
        )
        if abs(area2) < 2 * MIN_CHASSIS_AREA:
            problem(r"^\s*chassis\s*=", f"the chassis polygon has no area (at least {MIN_CHASSIS_AREA:g} mm² needed)")
    else:
        problem(r"^\s*chassis\s*=|^\s*\[robot\]",
                f"chassis must be a list of 3 to {MAX_CHASSIS_POINTS} [x, y] points (mm, within 10000 either way)")
    name = robot.get("name", path.stem)
    if not isinstance(name, str):
        problem(r"^\s*name\s*=", "name must be a string")
        name = path.stem

    motors = {}
    raw_motors = data.get("motors", {})
    if not isinstance(raw_motors, dict):
        problem(r"^\s*motors\s*=", "motors must be a table")
        raw_motors = {}
    wheels_seen = {}
    for port in sorted(raw_motors):
        spec = raw_motors[port]
        where = rf"^\s*\[motors\.{re.escape(str(port))}\]"
        if port not in MOTOR_PORTS:
            problem(where, f"unknown motor port {port!r} (use A, B, C or D)")
            continue
        if not isinstance(spec, dict):
            problem(where, f"motors.{port} must be a table")
            continue
        unknown = sorted(set(spec) - {"kind", "wheel", "bias", "noise"})
        for key in unknown:
            problem(rf"^\s*{re.escape(key)}\s*=", f"motors.{port}: unknown key {key!r}")
        kind = spec.get("kind", "large")
        if kind not in MOTOR_KINDS:
            problem(where, f"motors.{port}: kind must be one of {', '.join(MOTOR_KINDS)}, not {kind!r}")
            continue
        wheel = spec.get("wheel")
        if wheel is not None and wheel not in WHEELS:
            problem(where, f"motors.{port}: wheel must be 'left' or 'right', not {wheel!r}")
            continue
        if wheel is not None:
            if wheel in wheels_seen:
                problem(where, f"motors.{port}: the {wheel} wheel is already driven by {wheels_seen[wheel]}")
                continue
            wheels_seen[wheel] = port
        values = {}
        for key in ("bias", "noise"):
            value = spec.get(key, 0.0)
            if not _num(value, LIMITS[key]) or (key == "noise" and value < 0):
                low = 0 if key == "noise" else -LIMITS[key]
                problem(where, f"motors.{port}: {key} must be a number from {low:g} to {LIMITS[key]:g}")
                value = 0.0
            values[key] = float(value)
        motors[port] = MotorSpec(kind=kind, wheel=wheel, **values)
    if len(wheels_seen) == 1:
        (side, port), = wheels_seen.items()
        other = "right" if side == "left" else "left"
        problem(rf"^\s*\[motors\.{port}\]", f"motors.{port} drives the {side} wheel but no motor drives the "
                f"{other} wheel: a driving base has both (a robot with no wheel motors stays put)")

    sensors = _sensor_table(data, "sensors", problem)
    optional_sensors = _sensor_table(data, "optional_sensors", problem)

    if problems:
        raise RobotError(problems)
    return RobotModel(
        name=name,
        wheel_diameter=wheel_diameter,
        axle_track=axle_track,
        mass=mass,
        chassis=chassis,
        motors=motors,
        sensors=sensors,
        optional_sensors=optional_sensors,
        path=path,
    )


def _sensor_table(data, table, problem) -> dict:
    """The sensors of [TABLE.PORT] tables (sensors, optional_sensors): port -> SensorSpec."""
    sensors = {}
    raw_sensors = data.get(table, {})
    if not isinstance(raw_sensors, dict):
        problem(rf"^\s*{table}\s*=", f"{table} must be a table")
        raw_sensors = {}
    float_keys = ("x", "y", "heading", "bias", "noise", "drift", "diameter", "beam", "width")
    for port in sorted(raw_sensors):
        spec = raw_sensors[port]
        where = rf"^\s*\[{table}\.{re.escape(str(port))}\]"
        if port not in SENSOR_PORTS:
            problem(where, f"unknown sensor port {port!r} (use 1, 2, 3 or 4)")
            continue
        if not isinstance(spec, dict):
            problem(where, f"{table}.{port} must be a table")
            continue
        kind = spec.get("kind")
        if kind not in SENSOR_KINDS:
            problem(where, f"{table}.{port}: kind must be one of {', '.join(SENSOR_KINDS)}, not {kind!r}")
            continue
        values = {}
        for key in sorted(spec):
            if key == "kind":
                continue
            if key == "response":
                if spec[key] not in RESPONSES:
                    problem(rf"^\s*response\s*=", f"{table}.{port}: response must be one of "
                                                    f"{', '.join(RESPONSES)}, not {spec[key]!r}")
                else:
                    values[key] = spec[key]
                continue
            if key not in float_keys:
                problem(rf"^\s*{re.escape(key)}\s*=", f"{table}.{port}: unknown key {key!r}")
                continue
            value = spec[key]
            limit = LIMITS.get(key, MAX_VALUE)
            if not _num(value, limit):
                problem(rf"^\s*{re.escape(key)}\s*=", f"{table}.{port}: {key} must be a number from "
                                                      f"{-limit:g} to {limit:g}, not {_shown(value)}")
                continue
            if key in ("noise", "diameter", "beam", "width") and value < 0:
                problem(rf"^\s*{re.escape(key)}\s*=", f"{table}.{port}: {key} must not be negative")
                continue
            values[key] = float(value)
        sensors[port] = SensorSpec(kind=kind, **values)
    return sensors
