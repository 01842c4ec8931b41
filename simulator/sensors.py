"""EV3 sensors as the ev3dev `lego-sensor` driver presents them.

`Sensor.get(name) -> str` / `Sensor.set(name, str)` speak the driver's attributes (address,
driver_name, mode, modes, num_values, decimals, units, value0.., bin_data_format, commands,
command). Readings come from the simulation the sensor is attached to (`sim`, a physics.Simulation):
the world's floor under the colour sensor, raycasts for the ultrasonic sensor, a short proximity
query at the touch sensor's bumper, the chassis's turning for the gyro.

Conventions (as the real sensors):
- colour COL-REFLECT / COL-AMBIENT: 0..100 %, on the measured curve of colour_response.py
  (black tape about 5, white paper about 75); COL-COLOR: 0 none, 1 black, 2 blue, 3 green,
  4 yellow, 5 red, 6 white, 7 brown (nearest reference colour); RGB-RAW: three values 0..1020
  on the same curve.
- ultrasonic US-DIST-CM: value0 in tenths of cm (decimals 1), 2550 when nothing within 255 cm;
  US-DIST-IN: tenths of inches, 1003 when nothing; US-LISTEN: 0.
- gyro GYRO-ANG: integer degrees, clockwise positive (turning right increases it), counted from
  when the mode was last set (or the sensor reset); GYRO-RATE: deg/s clockwise positive.
- touch TOUCH: 1 while the bumper touches a wall or obstacle, else 0.
"""

from __future__ import annotations

import random

from .colour_response import RAW_FULL, ambient_pct, raw_rgb, reflected_pct

DRIVERS = {
    "touch": "lego-ev3-touch",
    "gyro": "lego-ev3-gyro",
    "color": "lego-ev3-color",
    "ultrasonic": "lego-ev3-us",
}

# mode: (num_values, decimals, units, bin_data_format)
MODES = {
    "touch": {"TOUCH": (1, 0, "", "s8")},
    "color": {
        "COL-REFLECT": (1, 0, "pct", "s8"),
        "COL-AMBIENT": (1, 0, "pct", "s8"),
        "COL-COLOR": (1, 0, "col", "s8"),
        "REF-RAW": (2, 0, "", "s16"),
        "RGB-RAW": (3, 0, "", "s16"),
        "COL-CAL": (4, 0, "", "u16"),
    },
    "ultrasonic": {
        "US-DIST-CM": (1, 1, "cm", "s16"),
        "US-DIST-IN": (1, 1, "in", "s16"),
        "US-LISTEN": (1, 0, "", "s8"),
        "US-SI-CM": (1, 1, "cm", "s16"),
        "US-SI-IN": (1, 1, "in", "s16"),
        "US-DC-CM": (1, 1, "cm", "s16"),
        "US-DC-IN": (1, 1, "in", "s16"),
    },
    "gyro": {
        "GYRO-ANG": (1, 0, "deg", "s16"),
        "GYRO-RATE": (1, 0, "d/s", "s16"),
        "GYRO-FAS": (1, 0, "", "s16"),
        "GYRO-G&A": (2, 0, "", "s16"),
        "GYRO-CAL": (4, 0, "", "s16"),
        "TILT-RATE": (1, 0, "d/s", "s16"),
        "TILT-ANG": (1, 0, "deg", "s16"),
    },
}

# EV3 colour ids and the floor colours (0..255 RGB) they stand for.
COLOR_REFERENCES = (
    (1, (0, 0, 0)),  # black
    (2, (0, 80, 200)),  # blue
    (3, (0, 160, 60)),  # green
    (4, (250, 220, 0)),  # yellow
    (5, (220, 20, 20)),  # red
    (6, (255, 255, 255)),  # white
    (7, (130, 80, 30)),  # brown
)
COLOR_NAMES = ("NoColor", "Black", "Blue", "Green", "Yellow", "Red", "White", "Brown")

US_MAX_MM = 2550.0


def luminance(rgb) -> float:
    r, g, b = rgb
    return 0.299 * r + 0.587 * g + 0.114 * b


def color_id(rgb) -> int:
    best, best_d = 0, None
    r, g, b = rgb
    for cid, (cr, cg, cb) in COLOR_REFERENCES:
        d = (r - cr) ** 2 + (g - cg) ** 2 + (b - cb) ** 2
        if best_d is None or d < best_d:
            best, best_d = cid, d
    return best


def _reflected(pct: float) -> int:
    """The COL-REFLECT reading of a reflectance in %."""
    return round(max(0.0, min(100.0, pct)))


# The reading of an undisturbed sensor on the EV3's curve for each red level of the floor (0..255):
# what almost every colour sensor reads every physics step, worked out once.
_REFLECTED_EV3 = tuple(_reflected(reflected_pct((red, 0, 0))) for red in range(256))


class Sensor:
    def __init__(self, port: str, spec, sim, rng=None):
        self.port = port
        self.spec = spec
        self.kind = spec.kind
        self.address = f"ev3-ports:in{port}"
        self.driver_name = DRIVERS[self.kind]
        self._modes = MODES[self.kind]
        self.mode = next(iter(self._modes))
        self._sim = sim
        self._rng = rng if rng is not None else random.Random(0)
        self._gyro_zero = 0.0  # chassis heading (deg, ccw) when the angle was last zeroed
        self._gyro_zero_time = 0.0
        self._cache_step = -1
        self._cache = None
        self._value0 = ""      # str(self._cache[0]): what a program reads most
        self._floor = None     # the colour sensor's world.sampler(diameter), made on its first reading
        if self.kind == "gyro":
            self._zero_gyro()

    # ----- attribute interface -------------------------------------------------------------
    def get(self, name: str) -> str:
        if name == "value0":    # the two reads of almost every program's loop, first
            if self._cache_step != self._sim.step_count:
                self.values()
            return self._value0
        if name == "mode":
            return self.mode
        if name.startswith("value") and name[5:].isdigit():
            index = int(name[5:])
            values = self.values()
            if index >= len(values):
                raise ValueError(f"{name}: no such value in mode {self.mode}")
            return str(values[index])
        if name in ("address", "driver_name", "mode"):
            return getattr(self, name)
        if name == "modes":
            return " ".join(self._modes)
        num_values, decimals, units, fmt = self._modes[self.mode]
        if name == "num_values":
            return str(num_values)
        if name == "decimals":
            return str(decimals)
        if name == "units":
            return units
        if name == "bin_data_format":
            return fmt
        if name == "commands":
            return ""
        if name == "poll_ms":
            return "0"
        if name in ("command", "direct"):
            raise PermissionError(f"{name} is write-only")
        raise KeyError(name)

    def set(self, name: str, value) -> None:
        value = str(value).strip() if not isinstance(value, (bytes, bytearray)) else value
        if name == "mode":
            if value not in self._modes:
                raise ValueError(f"mode: invalid argument {value!r}")
            changed = value != self.mode
            self.mode = value
            if self.kind == "gyro" and changed and value in ("GYRO-ANG", "GYRO-G&A", "GYRO-RATE"):
                # Changing into an angle mode restarts the count, as on the brick.
                self._zero_gyro()
            self._cache_step = -1
        elif name == "direct":
            # ev3dev2's GyroSensor.reset() writes b'\x11' here: zero the angle.
            if self.kind == "gyro":
                self._zero_gyro()
                self._cache_step = -1
        elif name == "command":
            raise ValueError(f"command: invalid argument {value!r}")
        elif name in ("address", "driver_name", "modes", "num_values", "decimals", "units", "bin_data_format"):
            raise PermissionError(f"{name} is read-only")
        else:
            raise KeyError(name)

    # ----- readings ----------------------------------------------------------------------
    def values(self) -> tuple:
        """The current mode's values as integers (what value0.. show); cached per physics step."""
        step = self._sim.step_count
        if self._cache_step != step:
            self._cache = self._measure()
            self._value0 = str(self._cache[0])
            self._cache_step = step
        return self._cache

    def _disturb(self, value: float) -> float:
        spec = self.spec
        if spec.bias:
            value += spec.bias
        if spec.noise:
            value += self._rng.gauss(0.0, spec.noise)
        return value

    def _zero_gyro(self):
        self._gyro_zero = self._sim.heading_unwrapped
        self._gyro_zero_time = self._sim.time

    def _measure(self) -> tuple:
        kind, mode, sim = self.kind, self.mode, self._sim
        if kind == "color":
            spec = self.spec
            if self._floor is None:
                self._floor = sim.world.sampler(spec.diameter)
            rgb = self._floor(*sim.to_world(spec.x, spec.y))
            if mode == "COL-REFLECT":
                if spec.bias or spec.noise or spec.response != "ev3":
                    return (_reflected(self._disturb(reflected_pct(rgb, spec.response))),)
                return (_REFLECTED_EV3[rgb[0]],)
            if mode == "COL-AMBIENT":
                return (round(max(0.0, min(100.0, self._disturb(ambient_pct(rgb))))),)
            if mode == "COL-COLOR":
                return (color_id(rgb),)
            if mode == "REF-RAW":
                raw = reflected_pct(rgb, self.spec.response) * RAW_FULL / 100.0
                return (round(max(0.0, self._disturb(raw))), round(ambient_pct(rgb) * RAW_FULL / 100.0))
            if mode == "RGB-RAW":
                return tuple(round(max(0.0, min(RAW_FULL, self._disturb(c)))) for c in raw_rgb(rgb, self.spec.response))
            return (0, 0, 0, 0)
        if kind == "ultrasonic":
            if mode == "US-LISTEN":
                return (0,)
            mm = sim.ultrasonic_distance(self.spec)
            if mm < US_MAX_MM:
                mm = max(0.0, min(US_MAX_MM, self._disturb(mm)))
            if mode.endswith("-IN"):
                return (round(min(1003.0, mm / 25.4 * 10.0)),)
            return (round(mm),)  # tenths of cm == mm
        if kind == "touch":
            return (1 if sim.bumper_pressed(self.spec) else 0,)
        if kind == "gyro":
            elapsed = sim.time - self._gyro_zero_time
            angle = -(sim.heading_unwrapped - self._gyro_zero) + self.spec.drift * elapsed
            rate = -sim.angular_velocity_deg + self.spec.drift
            angle = round(self._disturb(angle)) if (self.spec.bias or self.spec.noise) else round(angle)
            rate = round(rate)
            if mode == "GYRO-ANG" or mode == "TILT-ANG":
                return (angle,)
            if mode == "GYRO-RATE" or mode == "TILT-RATE" or mode == "GYRO-FAS":
                return (rate,)
            if mode == "GYRO-G&A":
                return (angle, rate)
            return (0, 0, 0, 0)
        return (0,)
