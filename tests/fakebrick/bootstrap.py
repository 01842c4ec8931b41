"""Run an ev3dev2 program against a fake sysfs tree, with virtual time.

Usage: python bootstrap.py CONFIG.json PROGRAM.py  (started by fakebrick.FakeBrick.run).

Everything here happens before the program imports anything, so the program sees the
real python-ev3dev2 library, only pointed at our tree, and a `time` module whose clock
is virtual. Each attribute write is logged as a JSON line, flushed at once, so the log
survives if the parent kills us at its wall-clock timeout.
"""
import errno
import json
import logging
import os
import re
import runpy
import select
import subprocess
import sys
import threading
import time

with open(sys.argv[1]) as _f:
    CFG = json.load(_f)
PROGRAM = os.path.abspath(sys.argv[2])
ROOT = CFG["root"]                      # our stand-in for /sys/class
PORTS = CFG["ports"]                    # "tacho-motor/motor1" -> "B"
EPOCH = 1700000000.0                    # time.time() at virtual time 0


def _path(rel, attr):
    return os.path.join(ROOT, rel, attr)


def _read(rel, attr):
    with open(_path(rel, attr)) as f:
        return f.read().strip()


def _write(rel, attr, value):
    """Rewrite a file in place (same inode), so ev3dev2's cached handles see it."""
    with open(_path(rel, attr), "w") as f:
        f.write(str(value))


class Clock:
    """Virtual clock in integer microseconds (no float drift).

    One thread: sleep just moves the clock. Several threads: a sleeper waits until
    other threads' sleeps and reads move the clock past its wake time, and when all
    threads sleep the clock jumps to the earliest wake time, so threads stay in step.
    A thread that neither sleeps nor moves the clock for STALL real seconds is taken to
    be blocked (on a lock, say) and time moves on without it; a thread waiting for a
    real child process (a fake `beep`) is not blocked: time waits for it.
    """

    STALL = 0.25

    def __init__(self, schedule, limit):
        self.us = 0
        self.cond = threading.Condition(threading.RLock())
        self.schedule = sorted(schedule, key=lambda e: e[0])
        self.limit = limit
        self.wakes = []
        self.motors = {}
        self.waiting_for_child = 0

    @property
    def now(self):
        return self.us / 1e6

    def _advance_to(self, us):
        if us > self.us:
            self.us = us
        while self.schedule and self.schedule[0][0] * 1e6 <= self.us + 0.5:
            _, rel, attrs = self.schedule.pop(0)
            for attr, value in attrs.items():
                _write(rel, attr, value)
                if attr == "position" and rel in self.motors:
                    self.motors[rel].moved_to(int(value), self.now)
        for motor in self.motors.values():
            motor.sync(self.now)
        if self.limit is not None and self.now > self.limit:
            finish(124)
        self.cond.notify_all()

    def tick(self, seconds):
        with self.cond:
            self._advance_to(self.us + round(seconds * 1e6))

    def sleep(self, seconds):
        with self.cond:
            wake = self.us + max(0, round(seconds * 1e6))
            if threading.active_count() == 1:
                return self._advance_to(wake)
            self.wakes.append(wake)
            try:
                while self.us < wake:
                    asleep = [w for w in self.wakes if w > self.us]  # others may be waking up
                    if len(asleep) < threading.active_count() and self.cond.wait(self.STALL):
                        continue  # the clock moved, or a thread came or went: look again
                    if self.waiting_for_child:
                        continue
                    self._advance_to(min(asleep))
            finally:
                self.wakes.remove(wake)

    def next_event(self):
        """Virtual time of the next scheduled change (sensor entry or motor stop)."""
        times = [e[0] for e in self.schedule[:1]] + [m.end for m in self.motors.values() if m.end is not None]
        return min(times, default=float("inf"))


clock = Clock([(t, rel, attrs) for t, rel, attrs in CFG["schedule"]], CFG["virtual_timeout"])


def finish(code=None):
    """Record the final virtual time; with a code, also end the process right now."""
    with open(CFG["end_log"], "w") as f:
        json.dump({"virtual_time": clock.now, "code": code}, f)
    if code is not None:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


class MotorSim:
    """Just enough tacho-motor behaviour: `state` says "running" until a timed or
    position run ends, and `position`/`speed` follow speed_sp (count_per_rot is 360)."""

    def __init__(self, rel):
        self.rel, self.end, self.vel, self.t0, self.target = rel, None, 0, 0.0, None
        self.shown = {attr: _read(rel, attr) for attr in ("state", "position", "speed")}
        self.shown["position"] = self.p0 = int(self.shown["position"])
        self.shown["speed"] = int(self.shown["speed"])

    def moved_to(self, position, now):
        """Someone wrote `position` (resetting the encoder): carry on from there."""
        shift = position - self.position(now)
        self.p0 += shift
        self.target = None if self.target is None else self.target + shift
        self.shown["position"] = position

    def position(self, now):
        if self.end is None:
            return self.p0
        return self.p0 + self.vel * (min(now, self.end) - self.t0)

    def command(self, cmd, now):
        sp = lambda attr: int(_read(self.rel, attr))  # noqa: E731
        pos = round(self.position(now))
        self.p0, self.t0, self.end, self.target, self.vel = pos, now, None, None, 0
        speed = sp("speed_sp")
        if cmd == "run-forever":
            self.vel, self.end = speed, float("inf")
        elif cmd == "run-direct":
            self.vel, self.end = sp("duty_cycle_sp") / 100 * sp("max_speed"), float("inf")
        elif cmd == "run-timed":
            self.vel, self.end = speed, now + sp("time_sp") / 1000
        elif cmd in ("run-to-rel-pos", "run-to-abs-pos"):
            self.target = sp("position_sp") + (pos if cmd == "run-to-rel-pos" else 0)
            if not speed:  # a motor told to go nowhere fast stays put
                self.target = pos
            dist = self.target - pos
            self.vel = abs(speed) if dist >= 0 else -abs(speed)
            self.end = now + (abs(dist) / abs(speed) if speed else 0)
        elif cmd == "reset":
            for attr in ("speed_sp", "time_sp", "position_sp", "duty_cycle_sp", "ramp_up_sp",
                         "ramp_down_sp", "position"):
                _write(self.rel, attr, 0)
            _write(self.rel, "stop_action", "coast")
            _write(self.rel, "polarity", "normal")
            self.p0, self.shown = 0, {}
        self.sync(now, stopped=cmd in ("stop", "reset"))

    def sync(self, now, stopped=False):
        if self.end is not None and now >= self.end:
            self.p0 = self.target if self.target is not None else round(self.position(now))
            self.end, stopped = None, True
        running = self.end is not None
        if running:
            state = "running"
        elif stopped:
            state = "holding" if _read(self.rel, "stop_action") == "hold" else ""
        else:
            state = self.shown.get("state", "")
        values = {"state": state, "position": round(self.position(now)), "speed": round(self.vel) if running else 0}
        for attr, value in values.items():
            if self.shown.get(attr) != value:
                _write(self.rel, attr, value)
                self.shown[attr] = value


clock.motors = {rel: MotorSim(rel) for rel in PORTS if rel.startswith("tacho-motor/")}

# --- virtual time ------------------------------------------------------------------
time.sleep = clock.sleep
time.time = lambda: EPOCH + clock.now
time.time_ns = lambda: int(EPOCH * 1e9) + clock.us * 1000
time.monotonic = time.perf_counter = lambda: clock.now
time.monotonic_ns = time.perf_counter_ns = lambda: clock.us * 1000


class FakePoll:
    """ev3dev2 polls `state` for POLLPRI; a real kernel wakes it when the state changes,
    so we sleep (virtually) until the poll timeout or the next motor/schedule event."""

    def register(self, *args):
        pass

    def unregister(self, *args):
        pass

    def poll(self, timeout_ms=None):
        wait = 0.1 if timeout_ms is None or timeout_ms < 0 else timeout_ms / 1000
        clock.sleep(max(0.0, min(wait, clock.next_event() - clock.now)))
        return []


# --- sound programs: ev3dev2.sound runs /usr/bin/beep etc. by absolute path ------------
_SOUND_RE = re.compile(r"/usr/bin/(beep|espeak|aplay|amixer)\b")
_real_popen, _real_system = subprocess.Popen, os.system


def _fake_argv(args):
    if isinstance(args, str):
        return _SOUND_RE.sub(lambda m: os.path.join(CFG["bin"], m.group(1)), args)
    args = [os.fspath(a) for a in args]
    if args and _SOUND_RE.fullmatch(args[0]):
        args[0] = os.path.join(CFG["bin"], os.path.basename(args[0]))
    return args


def _beep_seconds(argv):
    """How long `beep ARGS` would block: per tone (-n separates) length -l (200 ms),
    repeated -r times, with delay -D after each or -d between them (100 ms)."""
    total = 0
    for tone in " ".join(argv[1:]).split("-n"):
        opts = dict(re.findall(r"-([lrdD])\s*(\S+)", tone))
        reps = int(float(opts.get("r", 1)))
        gaps = reps if "D" in opts else reps - 1
        total += reps * float(opts.get("l", 200)) + gaps * float(opts.get("D", opts.get("d", 100)))
    return total / 1000


_spawned = iter(range(1 << 62))


def _stamp():
    """Environment for a child: the virtual time and a spawn number, so the parent can
    order the sound log by spawn, not by which process of a pipe logged first."""
    return {"FAKEBRICK_TIME": repr(clock.now), "FAKEBRICK_SEQ": str(next(_spawned))}


class FakePopen(_real_popen):
    """Runs our fake sound programs instead of /usr/bin ones, tells them the virtual
    time, and makes waiting for a `beep` cost its duration in virtual time."""

    def __init__(self, args, *rest, **kwargs):
        args = _fake_argv(args)
        kwargs["env"] = dict(kwargs.get("env") or os.environ, **_stamp())
        argv = args.split() if isinstance(args, str) else args
        is_beep = bool(argv) and os.path.basename(argv[0]) == "beep"
        self._virtual_seconds = _beep_seconds(argv) if is_beep else 0
        super().__init__(args, *rest, **kwargs)

    def wait(self, timeout=None):
        with clock.cond:
            clock.waiting_for_child += 1
        try:
            code = super().wait(timeout)
        finally:
            with clock.cond:
                clock.waiting_for_child -= 1
                clock.cond.notify_all()
        seconds, self._virtual_seconds = self._virtual_seconds, 0
        clock.sleep(seconds)
        return code


subprocess.Popen = FakePopen


def _system(command):
    os.environ.update(_stamp())
    return _real_system(_fake_argv(command))


os.system = _system

# --- ev3dev2 -------------------------------------------------------------------------
os.environ["FAKE_SYS"] = "1"
logging.getLogger("ev3dev2.button").setLevel(logging.ERROR)  # "Failed to import evdev"

import ev3dev2  # noqa: E402
import ev3dev2._platform.ev3 as _ev3  # noqa: E402
import ev3dev2._platform.fake as _fake  # noqa: E402
import ev3dev2.stopwatch  # noqa: E402

# Every Device looks up Device.DEVICE_ROOT_PATH when constructed, so setting it here
# (before or after its modules are imported) is enough.
ev3dev2.Device.DEVICE_ROOT_PATH = ROOT
# The fake platform has no LEDs; give it the EV3's, so Leds() drives our leds/ files.
for _name in ("LEDS", "LED_GROUPS", "LED_COLORS", "LED_DEFAULT_COLOR"):
    setattr(_fake, _name, getattr(_ev3, _name))
ev3dev2.stopwatch.get_ticks_ms = lambda: clock.us // 1000  # it reads datetime.now()

import ev3dev2.motor  # noqa: E402

ev3dev2.motor.select = type("select", (), {"poll": FakePoll, "POLLPRI": select.POLLPRI})

_log = open(CFG["write_log"], "a", buffering=1)
_real_get, _real_set = ev3dev2.Device._get_attribute, ev3dev2.Device._set_attribute


def _rel(device):
    return os.path.relpath(device._path, ROOT)


def _invalid(rel, name, value):
    """The checks the ev3dev kernel drivers do (they answer EINVAL)."""
    choices = {"command": "commands", "stop_action": "stop_actions", "mode": "modes"}
    try:
        if name in choices:
            return value not in _read(rel, choices[name]).split()
        if name == "polarity":
            return value not in ("normal", "inversed")
        if name == "speed_sp":
            return abs(int(value)) > int(_read(rel, "max_speed"))
        if name == "duty_cycle_sp":
            return abs(int(value)) > 100
        if name in ("time_sp", "ramp_up_sp", "ramp_down_sp"):
            return int(value) < 0
    except (OSError, ValueError):
        return True
    return False


def _get_attribute(self, attribute, name):
    """Reading costs 1 ms of virtual time, so busy-wait loops let time (and the
    schedule) move on."""
    clock.tick(0.001)
    return _real_get(self, attribute, name)


def _set_attribute(self, attribute, name, value):
    """Let ev3dev2 write the file, truncate it (sysfs replaces, a plain file would keep
    a longer old tail), log the write and let the motor model react to commands. Like a read,
    it costs 1 ms of virtual time (as the simulator's virtual brick charges it)."""
    clock.tick(0.001)
    text = value.decode() if isinstance(value, bytes) else str(value)
    rel = _rel(self)
    with clock.cond:
        if rel in PORTS and _invalid(rel, name, text):
            self._raise_friendly_access_error(OSError(errno.EINVAL, "Invalid argument"), name, value)
        attribute = _real_set(self, attribute, name, value)
        attribute.truncate()
        port = PORTS.get(rel, rel)
        _log.write(json.dumps({"time": clock.now, "port": port, "attribute": name, "value": text}) + "\n")
        if name == "command" and rel in clock.motors:
            clock.motors[rel].command(text, clock.now)
        elif name == "position" and rel in clock.motors:
            clock.motors[rel].moved_to(int(text), clock.now)
        elif name == "direct" and _read(rel, "driver_name") == "lego-ev3-gyro":
            _write(rel, "value0", 0)  # GyroSensor.reset(): the EV3 gyro zeroes its angle
    return attribute


ev3dev2.Device._get_attribute = _get_attribute
ev3dev2.Device._set_attribute = _set_attribute

# --- run the program as `python PROGRAM` would ---------------------------------------
clock.tick(0)  # apply schedule entries at time 0
sys.argv = [PROGRAM]
sys.path[0] = os.path.dirname(PROGRAM)
try:
    runpy.run_path(PROGRAM, run_name="__main__")
finally:
    finish()
