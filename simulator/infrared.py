"""The EV3 infrared sensor (lego-ev3-ir) and its remote control / beacon.

The sensor speaks the same attributes as sensors.Sensor; only its modes and readings differ
(ev3dev's documentation of the LEGO EV3 Infrared Sensor, 45509):

- IR-PROX: value0 0..100, the distance to the nearest wall or obstacle in its beam; 100 is about
  70 cm and also means "nothing seen" (the ultrasonic's raycast, scaled: 7 mm per unit).
- IR-SEEK: eight values, heading and distance of the beacon on channels 1..4. Heading -25 (far
  left) .. 25 (far right), assumed linear: 25 at 90 degrees off the sensor's axis; distance 0..100
  (100 is about 2 m, 20 mm per unit). No beacon on a channel (off, behind the sensor or out of
  range): heading 0, distance -128.
- IR-REMOTE: four values, the buttons pressed on channels 1..4 as the sensor codes them
  (0 none, 1 top left (red up), 2 bottom left, 3 top right (blue up), 4 bottom right, 5..8 two
  buttons, 9 beacon, 10 both left, 11 both right; a combination it cannot code reads 0).
- IR-REM-A: value0, channel 1's buttons as a bit field (ev3dev's "alternate" remote mode), and
  IR-S-ALT / IR-CAL read zeros.

The remote is shared by every IR sensor of a robot (a broadcast): `Remote.press(channel,
buttons)` from the window or a test, or a timed `script` of presses (e.g. `--remote` of
`python -m simulator`). A beacon is the remote with its beacon switched on, at a place in the
world (a world file's `[[beacon]]`, or `Remote.place_beacon(channel, x, y)`).
"""

from __future__ import annotations

import math
import random

from .sensors import Sensor

DRIVER = "lego-ev3-ir"
MODES = {  # mode: (num_values, decimals, units, bin_data_format)
    "IR-PROX": (1, 0, "pct", "s8"),
    "IR-SEEK": (8, 0, "pct", "s8"),
    "IR-REMOTE": (4, 0, "btn", "s8"),
    "IR-REM-A": (1, 0, "", "s16"),
    "IR-S-ALT": (4, 0, "pct", "s8"),
    "IR-CAL": (2, 0, "", "s16"),
}
BUTTONS = ("top_left", "bottom_left", "top_right", "bottom_right", "beacon")
CHANNELS = (1, 2, 3, 4)
CODES = {  # the buttons held -> the sensor's code (as ev3dev2's InfraredSensor._BUTTON_VALUES)
    frozenset(): 0,
    frozenset({"top_left"}): 1, frozenset({"bottom_left"}): 2,
    frozenset({"top_right"}): 3, frozenset({"bottom_right"}): 4,
    frozenset({"top_left", "top_right"}): 5, frozenset({"top_left", "bottom_right"}): 6,
    frozenset({"bottom_left", "top_right"}): 7, frozenset({"bottom_left", "bottom_right"}): 8,
    frozenset({"beacon"}): 9,
    frozenset({"top_left", "bottom_left"}): 10, frozenset({"top_right", "bottom_right"}): 11,
}
PROX_MM_PER_UNIT = 7.0  # 100 % is about 70 cm
SEEK_MM_PER_UNIT = 20.0  # 100 is about 2 m
SEEK_HALF_ANGLE = 90.0  # degrees off the axis at heading +-25
NO_BEACON = -128


def proximity(mm: float, disturb=float) -> int:
    """IR-PROX's reading for something `mm` away (100: 70 cm or more, or nothing); `disturb`
    adds the sensor's bias and noise (in %)."""
    return round(max(0.0, min(100.0, disturb(mm / PROX_MM_PER_UNIT))))


def button_code(buttons) -> int:
    """The IR-REMOTE code of the buttons held on one channel (0 when it has none)."""
    return CODES.get(frozenset(buttons), 0)


class Remote:
    """The IR remote control: which buttons are held on each channel, and where beacons shine.

    script: [(time_s, channel, buttons)] presses that take effect at that simulated time (an
    empty `buttons` releases the channel); applied by `update(now)` when the sensor reads."""

    def __init__(self, script=()):
        self.held = {channel: frozenset() for channel in CHANNELS}
        self.beacons = {}  # channel -> (x, y) in the world, mm
        self.script = []
        self._next = 0
        self.schedule(script)

    def schedule(self, presses) -> None:
        """Add timed presses [(time_s, channel, buttons)] to the script (checked now)."""
        for when, channel, buttons in presses:
            Remote().press(channel, buttons)
            self.script.append((float(when), channel, tuple([buttons] if isinstance(buttons, str) else buttons)))
        done, rest = self.script[:self._next], self.script[self._next:]
        self.script = done + sorted(rest, key=lambda press: press[0])

    def press(self, channel: int, buttons) -> None:
        """Hold exactly `buttons` on `channel` (an empty list releases them)."""
        if channel not in CHANNELS:
            raise ValueError(f"IR channel must be 1, 2, 3 or 4, not {channel!r}")
        buttons = frozenset([buttons] if isinstance(buttons, str) else buttons)
        unknown = sorted(buttons - set(BUTTONS))
        if unknown:
            raise ValueError(f"unknown IR remote button {unknown[0]!r} (use {', '.join(BUTTONS)})")
        self.held[channel] = buttons

    def release(self, channel: int | None = None) -> None:
        for ch in CHANNELS if channel is None else (channel,):
            self.press(ch, ())

    def place_beacon(self, channel: int, x: float, y: float) -> None:
        if channel not in CHANNELS:
            raise ValueError(f"IR channel must be 1, 2, 3 or 4, not {channel!r}")
        self.beacons[channel] = (float(x), float(y))

    def update(self, now: float) -> None:
        """Apply the scripted presses due by `now` (simulated seconds)."""
        while self._next < len(self.script) and self.script[self._next][0] <= now + 1e-9:
            _, channel, buttons = self.script[self._next]
            self.press(channel, buttons)
            self._next += 1

    def codes(self) -> tuple:
        return tuple(button_code(self.held[channel]) for channel in CHANNELS)


def parse_press(text: str):
    """`TIME:CHANNEL:BUTTON+BUTTON` (buttons empty: release) -> (time, channel, (buttons...)).
    ValueError says what is wrong."""
    parts = text.split(":")
    if len(parts) != 3:
        raise ValueError(f"{text!r}: write TIME:CHANNEL:BUTTONS, e.g. 1.5:1:top_left+top_right")
    try:
        when, channel = float(parts[0]), int(parts[1])
    except ValueError:
        raise ValueError(f"{text!r}: the time is seconds and the channel 1, 2, 3 or 4") from None
    if not math.isfinite(when) or when < 0:
        raise ValueError(f"{text!r}: the time must be 0 or more seconds")
    buttons = tuple(b for b in parts[2].split("+") if b)
    Remote().press(channel, buttons)  # checks the channel and the names
    return when, channel, buttons


def remote_of(sim) -> Remote:
    """The remote control of a simulation (one per simulation, shared by its IR sensors)."""
    remote = getattr(sim, "ir_remote", None)
    if remote is None:
        remote = sim.ir_remote = Remote()
        for channel, x, y in getattr(getattr(sim, "world", None), "beacons", ()):
            remote.place_beacon(channel, x, y)   # the world's [[beacon]]s
    return remote


class InfraredSensor(Sensor):
    """The EV3 IR sensor on a port of a Simulation (see the module docstring)."""

    def __init__(self, port: str, spec, sim, rng=None):
        # Sensor.__init__ knows only the kinds of sensors.py; the attributes it sets, for ours:
        self.port, self.spec, self.kind = port, spec, "infrared"
        self.address = f"ev3-ports:in{port}"
        self.driver_name = DRIVER
        self._modes = MODES
        self.mode = "IR-PROX"
        self._sim = sim
        self._rng = rng if rng is not None else random.Random(0)
        self._cache_step = -1
        self._cache = None

    @property
    def remote(self) -> Remote:
        return remote_of(self._sim)

    def _measure(self) -> tuple:
        mode, sim = self.mode, self._sim
        if mode == "IR-PROX":
            mm = sim.ultrasonic_distance(self.spec)
            return (proximity(mm, self._disturb),)
        remote = self.remote
        remote.update(sim.time)
        if mode == "IR-REMOTE":
            return remote.codes()
        if mode == "IR-REM-A":
            held = remote.held[1]
            return (sum(1 << i for i, b in enumerate(BUTTONS) if b in held),)
        if mode == "IR-SEEK":
            values = []
            for channel in CHANNELS:
                values.extend(self._seek(remote.beacons.get(channel)))
            return tuple(values)
        return (0,) * MODES[mode][0]

    def _seek(self, beacon) -> tuple:
        """(heading, distance) of a beacon at `beacon` (x, y), or (0, -128)."""
        if beacon is None:
            return (0, NO_BEACON)
        x, y = self._sim.sensor_position(self.spec)
        dx, dy = beacon[0] - x, beacon[1] - y
        facing = math.degrees(self._sim.chassis.angle) + self.spec.heading
        off = (math.degrees(math.atan2(dy, dx)) - facing + 180.0) % 360.0 - 180.0
        distance = math.hypot(dx, dy) / SEEK_MM_PER_UNIT
        if abs(off) > SEEK_HALF_ANGLE or distance > 100:
            return (0, NO_BEACON)
        heading = round(-off * 25.0 / SEEK_HALF_ANGLE)  # clockwise (to the right) is positive
        return (heading, round(max(0.0, self._disturb(distance))))
