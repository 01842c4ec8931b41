"""What the simulator panel shows of a simulation at one moment, as plain data.

Read in the thread that steps the simulation (pymunk is not thread-safe) and handed to the window
as an immutable Snapshot. Sensor figures are computed from the world and the pose, not through the
sensor's attributes, so watching a run never draws from a sensor's noise generator: a watched run
stays bit-for-bit the run `robolab run` makes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator.infrared import proximity
from simulator.colour_response import reflected_pct
from simulator.sensors import COLOR_NAMES, US_MAX_MM, color_id

SENSOR_LABELS = {"color": "colour", "ultrasonic": "ultrasonic", "touch": "touch", "gyro": "gyro",
                 "infrared": "infrared"}
MOTOR_LABELS = {"large": "large motor", "medium": "medium motor"}


def sensor_name(kind: str, port: str) -> str:
    """A sensor as the cards and the data log name it ("ultrasonic 4")."""
    return f"{SENSOR_LABELS.get(kind, kind)} {port}"


def motor_name(kind: str, port: str) -> str:
    return f"{MOTOR_LABELS.get(kind, kind)} {port}"


@dataclass(frozen=True)
class SensorReading:
    port: str
    kind: str
    value: float          # the main figure (reflected %, distance cm, pressed 0/1, angle deg)
    unit: str
    text: str             # the figure as a student reads it
    detail: str = ""      # a second figure (colour name, turning rate)
    rgb: tuple | None = None  # colour sensor: the floor it sees

    @property
    def name(self) -> str:
        return sensor_name(self.kind, self.port)


@dataclass(frozen=True)
class MotorReading:
    port: str
    kind: str
    power: int            # duty cycle, -100..100 %
    speed: float          # deg/s
    position: float       # degrees turned
    state: str            # ev3dev state flags, "" when idle

    @property
    def name(self) -> str:
        return motor_name(self.kind, self.port)


@dataclass(frozen=True)
class Snapshot:
    time: float                     # simulated seconds
    x: float
    y: float
    heading: float
    sensors: tuple = ()
    motors: tuple = ()
    obstacles: tuple = ()           # (name, x, y, angle) of the movable ones
    block: tuple | None = None      # the running block's path
    line: int | None = None         # the running Python line
    variables: dict = field(default_factory=dict)
    steps: int = 0


def read_sensors(sim, start_heading: float) -> tuple:
    return tuple(read_sensor(sim, port, sensor, start_heading) for port, sensor in sorted(sim.sensors.items()))


def read_sensor(sim, port, sensor, start_heading: float) -> SensorReading:
    spec, kind = sensor.spec, sensor.kind
    if kind == "color":
        x, y = sim.sensor_position(spec)
        rgb = sim.world.floor_sample(x, y, spec.diameter)
        reflected = round(reflected_pct(rgb, spec.response))
        return SensorReading(port, kind, reflected, "%", f"{reflected} %", COLOR_NAMES[color_id(rgb)], tuple(rgb))
    if kind == "ultrasonic":
        mm = sim.ultrasonic_distance(spec)
        if mm >= US_MAX_MM:
            return SensorReading(port, kind, 255.0, "cm", "nothing", "within 255 cm")
        return SensorReading(port, kind, round(mm / 10.0, 1), "cm", f"{mm / 10.0:.1f} cm")
    if kind == "infrared":
        near = proximity(sim.ultrasonic_distance(spec))
        return SensorReading(port, kind, near, "%", f"{near} %", "proximity")
    if kind == "touch":
        pressed = sim.bumper_pressed(spec)
        return SensorReading(port, kind, 1 if pressed else 0, "", "pressed" if pressed else "released")
    if kind == "gyro":
        angle = round(-(sim.heading_unwrapped - start_heading))  # clockwise positive, as the sensor
        rate = round(-sim.angular_velocity_deg)
        return SensorReading(port, kind, angle, "°", f"{angle}°", f"{rate}°/s")
    return SensorReading(port, kind, 0, "", "?")


def read_motors(sim) -> tuple:
    readings = []
    for port, motor in sorted(sim.motors.items()):
        power = max(-100, min(100, round(100.0 * motor.output / motor.max_speed))) if motor.max_speed else 0
        readings.append(MotorReading(port, motor.kind, power, round(motor.speed, 1), round(motor.position, 1),
                                     motor.state))
    return tuple(readings)


def snapshot(sim, start_heading: float, block=None, line=None, variables=None) -> Snapshot:
    pose = sim.pose
    return Snapshot(sim.time, pose.x, pose.y, pose.heading, read_sensors(sim, start_heading), read_motors(sim),
                    tuple(sim.obstacle_positions()), block, line, dict(variables or {}), sim.step_count)


def channel_names(snap: Snapshot) -> list[str]:
    """The figures a data log can plot for the robot a Snapshot shows (plotted_values' names):
    each sensor's main value, each motor's degrees turned."""
    return [reading.name for reading in snap.sensors] + [f"{reading.name} degrees" for reading in snap.motors]


def plotted_values(sim, start_heading: float, names=None) -> dict:
    """The data log's figures now, only those in `names` (None: all of them). A sensor not plotted
    is not read: an ultrasonic sensor casts seven rays, and sampling all four sensors cost the run
    about 40 % of its time."""
    values = {}
    for port, sensor in sorted(sim.sensors.items()):
        name = sensor_name(sensor.kind, port)
        if names is None or name in names:
            values[name] = read_sensor(sim, port, sensor, start_heading).value
    for port, motor in sorted(sim.motors.items()):
        name = f"{motor_name(motor.kind, port)} degrees"
        if names is None or name in names:
            values[name] = round(motor.position, 1)
    return values
