"""RobotLab's robot (the [robot] sections of a .cfg) -> a RoboLab robot model file (TOML text).

RobotLab's robot: wheels of wheelDiam mm, wheelTrack mm apart, turned through gearRatio by motors
of maxRevPerSec; its sensors at pos.x (forward) and pos.y (left) mm from the axle's middle, as in
RoboLab's robot frame. The program's own output and sensor lines are honoured too, so it always
finds a device where it expects one.
"""

import math
from dataclasses import dataclass, field

from robolab.importer.settings import Settings, fmt, quote

EV3_LARGE_REV_PER_SEC = 1050 / 360  # the simulated EV3 large motor's top speed
# RobotLab's motors ran at about 80 % of maxRevPerSec with the robot's load on them. The course's own
# square_challenge_solution says so twice: its 104/100 s turns are right angles and its 350/100 s
# sides go evenly round grey_square.bmp only at 90.6 mm/s, 0.8 of the 113.6 mm/s its .cfg gives.
LOADED_SPEED = 0.8
PORTS = "ABCD"
SENSOR_KINDS = {"switch": "touch", "light": "color"}


@dataclass
class Needs:
    """What the program declares, so the robot has a device wherever the program expects one."""

    outputs: dict = field(default_factory=dict)  # port letter -> name
    sensors: dict = field(default_factory=dict)  # port digit -> (name, "switch" | "light" | ...)
    background: str = ""  # the arena picture a top-level `background` line names


def robot_text(read: Settings, name: str, needs: Needs) -> str:
    """The robot model file for the .cfg's robot, with RobotLab's figures in its comments."""
    notes = read.notes
    track = read.number("robot", "wheelTrack", 120.0)
    diameter = read.number("robot", "wheelDiam", 49.6)
    gear = read.number("robot", "gearRatio", 0.125)
    for key, value, default in (("wheelTrack", track, 120.0), ("wheelDiam", diameter, 49.6), ("gearRatio", gear, 0.125)):
        if value <= 0:
            notes.append(f"{read.file} [robot] {key}={value:g}: must be more than 0; {default:g} is used")
    track, diameter, gear = (v if v > 0 else d for v, d in ((track, 120.0), (diameter, 49.6), (gear, 0.125)))
    wheels = {}
    for side, default in (("left", 0), ("right", 2)):
        index = int(read.number("robot", side, default))
        if index not in range(len(PORTS)):
            notes.append(f"{read.file} [robot] {side}={index}: no such output; output {default + 1} is used")
            index = default
        wheels[side] = PORTS[index]
    if wheels["left"] == wheels["right"]:
        notes.append(f"{read.file} [robot]: one output drives both wheels; outputs A and C are used")
        wheels = {"left": "A", "right": "C"}

    motors, state = _motors(read, wheels, needs)
    top = {side: _top_speed(read, port) for side, port in wheels.items()}
    mean = (top["left"] + top["right"]) / 2 or 5.833
    # The EV3 model has no gearing: the wheel is sized so a motor turn rolls as far as RobotLab's did.
    rolling = diameter * gear * mean * LOADED_SPEED / EV3_LARGE_REV_PER_SEC
    lines = [
        f"# RoboLab robot model imported from RobotLab's {read.file}.",
        f"# RobotLab: wheels {diameter:g} mm across, {track:g} mm apart, turned through gear ratio {gear:g} by",
        f"# motors of {mean:g} rev/s, which ran at about {LOADED_SPEED:.0%} of that under load: the robot drove",
        f"# {diameter * math.pi * gear * mean * LOADED_SPEED:.1f} mm/s at full power. The simulated EV3 large "
        "motor turns its wheel",
        "# directly at 1050 deg/s, so wheel_diameter is the diameter that rolls as far per motor turn:",
        f"# {diameter:g} x {gear:g} x {mean * LOADED_SPEED:.3g} rev/s / {EV3_LARGE_REV_PER_SEC:.3g} rev/s.",
        "[robot]",
        f"name = {quote('RobotLab robot for ' + name)}",
        f"wheel_diameter = {fmt(rolling)}",
        f"axle_track = {fmt(track)}",
        "mass = 0.6",
        f"chassis = {_chassis(read, track)}",
        "",
    ]
    for port in sorted(motors):
        spec = motors[port]
        lines += [f"[motors.{port}]"] + [f"{k} = {v}" for k, v in spec.items()] + [""]
    lines += _sensors(read, needs)
    if state:   # how the outputs were set by hand when the settings were saved: not the robot, no loss
        lines += [f"# RobotLab's Controls window, when the settings were saved: {'; '.join(state)}.",
                  "# Not part of the robot: a program starts with its outputs off, forwards, at power 7.", ""]
    return "\n".join(lines)


def _top_speed(read: Settings, port: str) -> float:
    return read.number(f"robot.output.{PORTS.index(port) + 1}", "maxRevPerSec", 5.833)


def _motors(read: Settings, wheels: dict, needs: Needs) -> tuple[dict, list]:
    notes, motors, state = read.notes, {}, []
    speeds = [_top_speed(read, port) for port in wheels.values()]
    mean = sum(speeds) / 2 or 5.833
    for index, port in enumerate(PORTS, start=1):
        section = f"robot.output.{index}"
        kind = read.text(section, "type", "unused").lower()
        wheel = next((side for side, p in wheels.items() if p == port), None)
        if wheel is None and kind == "unused" and port not in needs.outputs:
            continue
        if kind == "bulb":
            notes.append(f"{read.file} [{section}] type=bulb: the EV3 has no lamp outputs; "
                         f"output {port} is a motor turning freely" + (" (it drives a wheel)" if wheel else ""))
        elif kind not in ("motor", "unused"):
            notes.append(f"{read.file} [{section}] type={kind}: not a RobotLab output type RoboLab knows; a motor is used")
        elif kind == "unused" and wheel is None:
            notes.append(f"{read.file} [{section}]: unused in the settings, but the program uses output {port} "
                         f"({needs.outputs[port]}); it gets a motor turning freely")
        spec = {"kind": '"large"'}
        if wheel:
            spec["wheel"] = f'"{wheel}"'
            if kind == "unused":
                notes.append(f"{read.file} [{section}]: unused in the settings, but it drives the {wheel} wheel "
                             f"([robot] {wheel}); it gets a motor")
        bias = read.number(section, "bias", 100.0)
        noise = read.number(section, "noise", 0.0)
        factor = (bias / 100.0) * ((_top_speed(read, port) / mean) if wheel else 1.0)
        if abs(factor - 1.0) > 1e-9:
            spec["bias"] = fmt(factor - 1.0)
        if noise:
            spec["noise"] = fmt(abs(noise) / 100.0)
            notes.append(f"{read.file} [{section}] noise={noise:g}: imported as a random speed error of "
                         f"{abs(noise):g} % (standard deviation); RobotLab's exact noise model is not known")
        motors[port] = spec
        power, dirn, on = (read.text(section, key) for key in ("power", "dirn", "onOff"))
        if any((power, dirn, on)):
            state.append(f"output {index}: power {power or '?'}, dirn {dirn or '?'}, onOff {on or '?'}")
    return motors, state


def _chassis(read: Settings, track: float) -> str:
    """A box round the wheels whose front is where the switch sensors are (so they touch first)."""
    switches = [read.number(f"robot.input.{n}", "pos.x", 50.0) for n in range(1, 5)
                if read.text(f"robot.input.{n}", "type").lower() == "switch"]
    front = max(switches) if switches else 60.0
    front = max(front, 20.0)
    half = track / 2 + 8
    back = -max(track / 2, 40.0)
    return f"[[{fmt(back)}, {fmt(-half)}], [{fmt(front)}, {fmt(-half)}], [{fmt(front)}, {fmt(half)}], " \
           f"[{fmt(back)}, {fmt(half)}]]"


def _sensors(read: Settings, needs: Needs) -> list[str]:
    notes, lines = read.notes, []
    mpp = read.number("arena", "mmPerPixel", 2.5)
    for port in "1234":
        section = f"robot.input.{port}"
        kind = read.text(section, "type", "unused").lower()
        wanted = needs.sensors.get(port)
        if wanted and wanted[1] in SENSOR_KINDS and SENSOR_KINDS.get(kind) != SENSOR_KINDS[wanted[1]]:
            notes.append(f"{read.file} [{section}] type={kind}: the program uses input {port} as a "
                         f"{wanted[1]} sensor ({wanted[0]}), so the robot gets one there")
            kind = wanted[1]
        if kind not in SENSOR_KINDS:
            if kind != "unused":
                notes.append(f"{read.file} [{section}] type={kind}: RoboLab's simulator has no such RobotLab "
                             "sensor; the input is left empty")
            continue
        spec = {"kind": f'"{SENSOR_KINDS[kind]}"',
                "x": fmt(read.number(section, "pos.x", 70.0 if kind == "light" else 50.0)),
                "y": fmt(read.number(section, "pos.y", 0.0))}
        bias, noise = read.number(section, "bias", 0.0), read.number(section, "noise", 0.0)
        if kind == "light":
            pixels = read.number(section, "diameter", read.number(section, "radius", 1.0))
            spec["diameter"] = fmt(max(pixels, 0.0) * mpp)
            spec["response"] = '"linear"'  # RobotLab's light sensor: 0 black .. 100 white
            if bias:
                spec["bias"] = fmt(bias)
            if noise:
                spec["noise"] = fmt(abs(noise))
                notes.append(f"{read.file} [{section}] noise={noise:g}: imported as a random error of "
                             f"{abs(noise):g} % (standard deviation); RobotLab's exact noise model is not known")
        else:
            spec["width"] = "16.0"
            if bias or noise:
                notes.append(f"{read.file} [{section}] bias={bias:g}, noise={noise:g}: a switch reads only "
                             "pressed or not in RoboLab, so its bias and noise are not imported")
        lines += [f"[sensors.{port}]"] + [f"{k} = {v}" for k, v in spec.items()] + [""]
    return lines
