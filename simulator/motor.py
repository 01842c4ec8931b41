"""One EV3 tacho motor as the ev3dev `tacho-motor` driver behaves.

`Motor.get(name) -> str` and `Motor.set(name, str)` speak the driver's attributes; a value the
kernel would refuse (EINVAL) raises ValueError, an attribute it does not have raises KeyError, a
read-only/write-only misuse raises PermissionError. Each physics step the simulation calls
`update(dt, wheel_speed_actual)`: the motor integrates its encoder from the wheel's ACTUAL rotation
(deg/s; None for a motor with no wheel, which turns freely) and returns the speed it wants the
wheel to turn at now (deg/s, physical sense: positive drives a wheel forward).

Encoder counts are degrees (count_per_rot 360). Internally speeds and positions are kept in the
user's sense; `polarity inversed` flips them at the update() boundary.
"""

from __future__ import annotations

import math
import random

COMMANDS = ("run-forever", "run-to-abs-pos", "run-to-rel-pos", "run-timed", "run-direct", "stop", "reset")
STOP_ACTIONS = ("coast", "brake", "hold")

KINDS = {
    # kind: (driver_name, max_speed deg/s, physical acceleration limit deg/s^2)
    "large": ("lego-ev3-l-motor", 1050, 20000.0),
    "medium": ("lego-ev3-m-motor", 1560, 30000.0),
}

COAST_DECEL = 4000.0  # deg/s^2: a coasting wheel slows down by friction
BRAKE_DECEL = 15000.0  # deg/s^2: shorted windings stop it quickly
HOLD_GAIN = 20.0  # 1/s: hold speed = gain * position error
APPROACH_GAIN = 40.0  # 1/s: run-to-*-pos's last degrees: speed = gain * remaining
POSITION_TOLERANCE = 0.5  # counts: a run-to-*-pos is done this close to its target
STALL_TIME = 0.2  # s commanded but not turning before "stalled"
STALL_MIN_SPEED = 20.0  # deg/s: commanded speeds below this never stall

_INT_ATTRS = {
    # name: (default, min, max) ; None: unbounded
    "speed_sp": (0, None, None),  # bounded by the motor's max_speed (Motor._bounds)
    "time_sp": (0, 0, None),
    "position_sp": (0, -(2**31), 2**31 - 1),
    "duty_cycle_sp": (0, -100, 100),
    "ramp_up_sp": (0, 0, 60000),
    "ramp_down_sp": (0, 0, 60000),
    "hold_pid/Kp": (1000, 0, None),
    "hold_pid/Ki": (0, 0, None),
    "hold_pid/Kd": (0, 0, None),
    "speed_pid/Kp": (1000, 0, None),
    "speed_pid/Ki": (60, 0, None),
    "speed_pid/Kd": (0, 0, None),
}

_READ_ONLY = (
    "address",
    "driver_name",
    "commands",
    "count_per_rot",
    "max_speed",
    "speed",
    "duty_cycle",
    "state",
    "stop_actions",
)


def _parse_int(name: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"{name}: invalid argument {text!r}") from None


class Motor:
    def __init__(self, port: str, kind: str = "large", has_wheel: bool = True, bias=0.0, noise=0.0, rng=None):
        if kind not in KINDS:
            raise ValueError(f"unknown motor kind {kind!r}")
        self.port = port
        self.kind = kind
        self.address = f"ev3-ports:out{port}"
        self.driver_name, self.max_speed, self.max_accel = KINDS[kind]
        self.count_per_rot = 360
        self.has_wheel = has_wheel
        self.bias = float(bias)
        self.noise = float(noise)
        self._rng = rng if rng is not None else random.Random(0)
        self.position = 0.0  # counts, user sense
        self._bounds = {name: (lo, hi) for name, (_, lo, hi) in _INT_ATTRS.items()}
        self._bounds["speed_sp"] = (-self.max_speed, self.max_speed)
        self._reset_params()

    # ----- state -------------------------------------------------------------------------
    def _reset_params(self):
        self._ints = {name: default for name, (default, _, _) in _INT_ATTRS.items()}
        self.polarity = "normal"
        self.stop_action = "coast"
        self.mode = None  # None | "forever" | "pos" | "timed" | "direct" | "hold"
        self.running = False
        self.ramping = False
        self.stalled = False
        self.overloaded = False
        self.output = 0.0  # the speed the motor drives now (deg/s, user sense)
        self.speed = 0.0  # measured speed (deg/s, user sense)
        self._decel = COAST_DECEL
        self._target_pos = 0.0
        self._time_left = 0.0
        self._run_speed = 0.0
        self._stall_time = 0.0

    # ----- attribute interface -------------------------------------------------------------
    def get(self, name: str) -> str:
        if name in self._ints:
            return str(self._ints[name])
        if name == "position":
            return str(round(self.position))
        if name == "speed":
            return str(round(self.speed))
        if name == "duty_cycle":
            return str(round(max(-100.0, min(100.0, 100.0 * self.output / self.max_speed))))
        if name == "state":
            return self.state
        if name == "commands":
            return " ".join(COMMANDS)
        if name == "stop_actions":
            return " ".join(STOP_ACTIONS)
        if name in ("address", "driver_name", "polarity", "stop_action"):
            return getattr(self, name)
        if name in ("count_per_rot", "max_speed"):
            return str(getattr(self, name))
        if name == "command":
            raise PermissionError("command is write-only")
        raise KeyError(name)

    def set(self, name: str, value) -> None:
        value = (value if type(value) is str else str(value)).strip()
        if name == "command":
            self.command(value)
        elif name in self._ints:
            try:
                number = int(value)
            except ValueError:
                raise ValueError(f"{name}: invalid argument {value!r}") from None
            lo, hi = self._bounds[name]
            if (lo is not None and number < lo) or (hi is not None and number > hi):
                raise ValueError(f"{name}: {number} out of range")
            self._ints[name] = number
        elif name == "position":
            self.position = float(_parse_int(name, value))
            if self.mode == "hold":
                self._target_pos = self.position
        elif name == "polarity":
            if value not in ("normal", "inversed"):
                raise ValueError(f"polarity: invalid argument {value!r}")
            if value != self.polarity:
                self.polarity = value
        elif name == "stop_action":
            if value not in STOP_ACTIONS:
                raise ValueError(f"stop_action: invalid argument {value!r}")
            self.stop_action = value
        elif name in _READ_ONLY:
            raise PermissionError(f"{name} is read-only")
        else:
            raise KeyError(name)

    @property
    def state(self) -> str:
        flags = []
        if self.running:
            flags.append("running")
        if self.ramping:
            flags.append("ramping")
        if self.mode == "hold":
            flags.append("holding")
        if self.overloaded:
            flags.append("overloaded")
        if self.stalled:
            flags.append("stalled")
        return " ".join(flags)

    def command(self, command: str) -> None:
        if command not in COMMANDS:
            raise ValueError(f"command: invalid argument {command!r}")
        ints = self._ints
        if command == "reset":
            self._reset_params()
            self.position = 0.0
            return
        if command == "stop":
            self._stop()
            return
        self._stall_time = 0.0
        self.stalled = False
        self.overloaded = False
        self.running = True
        if command == "run-forever":
            self.mode = "forever"
        elif command == "run-timed":
            self.mode = "timed"
            self._time_left = ints["time_sp"] / 1000.0
        elif command == "run-direct":
            self.mode = "direct"
        else:
            self.mode = "pos"
            if command == "run-to-abs-pos":
                self._target_pos = float(ints["position_sp"])
            else:
                self._target_pos = self.position + ints["position_sp"]
            self._run_speed = abs(float(ints["speed_sp"]))

    def _stop(self):
        self.running = False
        self.ramping = False
        self.stalled = False
        self.overloaded = False
        self._stall_time = 0.0
        if self.stop_action == "hold":
            self.mode = "hold"
            self._target_pos = self.position
        else:
            self.mode = None
            self._decel = BRAKE_DECEL if self.stop_action == "brake" else COAST_DECEL

    def _finish_run(self, target=None):
        """A run-to-pos / run-timed ended: apply the stop action."""
        self._stop()
        if self.mode == "hold" and target is not None:
            self._target_pos = target

    # ----- simulation --------------------------------------------------------------------
    def update(self, dt: float, wheel_speed_actual=None) -> float:
        """Advance by dt: integrate the encoder from the wheel's actual speed over the last step
        (deg/s physical; None: no wheel, the motor turns as driven) and return the wanted speed."""
        mode = self.mode
        if mode is None and self.output == 0.0 and not wheel_speed_actual:
            self.speed = 0.0   # at rest and not turned: nothing changes (most motors, most steps)
            self.ramping = False
            return 0.0
        sign = -1.0 if self.polarity == "inversed" else 1.0
        if wheel_speed_actual is None:
            actual = self.output
        else:
            actual = wheel_speed_actual * sign
        self.position += actual * dt
        self.speed = actual

        ints = self._ints
        max_speed = self.max_speed
        accel_up = self.max_accel
        accel_down = self.max_accel
        if ints["ramp_up_sp"] > 0:
            accel_up = min(accel_up, max_speed * 1000.0 / ints["ramp_up_sp"])
        if ints["ramp_down_sp"] > 0:
            accel_down = min(accel_down, max_speed * 1000.0 / ints["ramp_down_sp"])

        current = self.output
        if mode is None:
            # Coasting / braking to rest.
            step = self._decel * dt
            want = 0.0 if abs(current) <= step else current - math.copysign(step, current)
            self.output = want
            self.ramping = False
            return self._physical(want, sign)
        if mode == "hold":
            error = self._target_pos - self.position
            want = max(-max_speed, min(max_speed, HOLD_GAIN * error))
            if abs(error) < POSITION_TOLERANCE:
                want = 0.0
            self.output = want
            return self._physical(want, sign)
        if mode == "direct":
            self.output = max_speed * ints["duty_cycle_sp"] / 100.0
            self.ramping = False
            self._check_stall(dt, actual)
            return self._physical(self.output, sign)

        if mode == "pos":
            remaining = self._target_pos - self.position
            if abs(remaining) <= POSITION_TOLERANCE or (current != 0.0 and remaining * current < 0 and abs(remaining) < 2.0):
                self._finish_run(self._target_pos)
                return self.update_after_finish(dt, sign)
            # Decelerate to arrive: within the ramp-down / physical limit, then a final
            # proportional approach so the run ends nearly at rest (coast overshoots little).
            limit = min(self._run_speed, math.sqrt(2.0 * accel_down * abs(remaining)), APPROACH_GAIN * abs(remaining))
            setpoint = math.copysign(limit, remaining)
        else:
            setpoint = float(ints["speed_sp"])
            if mode == "timed":
                self._time_left -= dt
                if self._time_left <= -1e-9:
                    self._finish_run()
                    return self.update_after_finish(dt, sign)
                if ints["ramp_down_sp"] > 0 and abs(current) > 0:
                    # Start ramping down in time to stop when time_sp runs out.
                    limit = max(0.0, accel_down * self._time_left)
                    if limit < abs(setpoint):
                        setpoint = math.copysign(limit, setpoint)

        # Accelerate towards the setpoint within the ramp / physical limits.
        delta = setpoint - current
        speeding_up = abs(setpoint) > abs(current) and (setpoint * current >= 0)
        max_step = (accel_up if speeding_up else accel_down) * dt
        if abs(delta) <= max_step:
            want = setpoint
            self.ramping = False
        else:
            want = current + math.copysign(max_step, delta)
            self.ramping = ints["ramp_up_sp"] > 0 if speeding_up else ints["ramp_down_sp"] > 0
        self.output = want
        self._check_stall(dt, actual)
        return self._physical(want, sign) if self.bias or self.noise else want * sign

    def update_after_finish(self, dt, sign):
        """The run just ended within this update: produce the stop action's first output."""
        if self.mode == "hold":
            error = self._target_pos - self.position
            want = max(-self.max_speed, min(self.max_speed, HOLD_GAIN * error))
            if abs(error) < POSITION_TOLERANCE:
                want = 0.0
        else:
            step = self._decel * dt
            current = self.output
            want = 0.0 if abs(current) <= step else current - math.copysign(step, current)
        self.output = want
        return self._physical(want, sign)

    def _check_stall(self, dt, actual):
        wanted = self.output
        if self.has_wheel and abs(wanted) >= STALL_MIN_SPEED and abs(actual) < 0.1 * abs(wanted):
            self._stall_time += dt
        else:
            self._stall_time = 0.0
            self.stalled = False
        if self._stall_time > STALL_TIME:
            self.stalled = True
        self.overloaded = self.stalled

    def _physical(self, want, sign):
        out = want * sign
        if self.bias or self.noise:
            factor = 1.0 + self.bias
            if self.noise:
                factor += self._rng.gauss(0.0, self.noise)
            out *= factor
        return out
