"""Run ev3dev2 programs against the real python-ev3dev2 library on a fake sysfs tree.

    brick = FakeBrick(tmp_path)                 # EV3 Education driving base
    brick.set_sensor(3, value0=42)
    result = brick.run(program, timeout=10.0, schedule=[(2.0, 1, {"value0": 1})])
    result.commands("B"), result.final("B", "speed_sp"), result.sounds

The program runs in a subprocess (bootstrap.py) with FAKE_SYS=1, Device.DEVICE_ROOT_PATH
pointing at our tree and a virtual clock: sleeps return at once, every attribute read
costs 1 ms, and motors report "running" until their timed/position runs end. So the
whole run takes real time only for Python's own work.

Sensor values are the raw value<N> files; as on the EV3, the ultrasonic sensor has
decimals=1 (value0 is in mm: 2550 means 255.0 cm, "nothing seen"). Each value file
holds one number whatever the mode, so set the one the program will read.
"""
import json
import os
import signal
import subprocess
import sys
from collections import namedtuple
from pathlib import Path

Write = namedtuple("Write", "time port attribute value")

MOTOR_KINDS = {  # kind -> (driver_name, max_speed in tacho counts/s)
    "large": ("lego-ev3-l-motor", 1050),
    "medium": ("lego-ev3-m-motor", 1560),
}
SENSOR_KINDS = {  # kind -> (driver_name, modes (first is the default), decimals, units, value0)
    "touch": ("lego-ev3-touch", "TOUCH", 0, "", 0),
    "gyro": ("lego-ev3-gyro", "GYRO-ANG GYRO-RATE GYRO-FAS GYRO-G&A GYRO-CAL TILT-RATE TILT-ANG", 0, "deg", 0),
    "colour": ("lego-ev3-color", "COL-REFLECT COL-AMBIENT COL-COLOR REF-RAW RGB-RAW COL-CAL", 0, "pct", 0),
    "ultrasonic": ("lego-ev3-us", "US-DIST-CM US-DIST-IN US-LISTEN US-SI-CM US-SI-IN US-DC-CM US-DC-IN",
                   1, "cm", 2550),
    "infrared": ("lego-ev3-ir", "IR-PROX IR-SEEK IR-REMOTE IR-REM-A IR-S-ALT IR-CAL", 0, "pct", 100),
}
SENSOR_KINDS["color"] = SENSOR_KINDS["colour"]
LEDS = {"red_left": "led0:red:brick-status", "red_right": "led1:red:brick-status",
        "green_left": "led0:green:brick-status", "green_right": "led1:green:brick-status"}
DEFAULT_MOTORS = {"A": "medium", "B": "large", "C": "large"}
DEFAULT_SENSORS = {1: "touch", 2: "gyro", 3: "colour", 4: "ultrasonic"}
SOUND_PROGRAMS = ("beep", "espeak", "aplay")

_HERE = Path(__file__).resolve().parent
_VENV_PYTHON = _HERE.parents[1] / ".venv" / "bin" / "python"
PYTHON = str(_VENV_PYTHON) if _VENV_PYTHON.exists() else sys.executable

# Fake sound program: log argv (and the virtual time the bootstrap passes in); amixer
# answers like the EV3's so Sound.set_volume/get_volume can parse it.
_FAKE_SOUND = '''#!{python} -S
import json, os, sys
name = os.path.basename(sys.argv[0])
with open({log!r}, "a") as f:
    f.write(json.dumps({{"time": float(os.environ.get("FAKEBRICK_TIME", "nan")),
                        "seq": int(os.environ.get("FAKEBRICK_SEQ", 1 << 62)),
                        "argv": [name] + sys.argv[1:]}}) + "\\n")
if name == "amixer":
    if "scontrols" in sys.argv:
        print("Simple mixer control 'Playback',0")
    elif "get" in sys.argv:
        print("  Mono: Playback 100 [100%]")
elif name == "aplay" and len(sys.argv) < 3:
    sys.stdin.buffer.read()
'''


def _write_file(path, value):
    """sysfs-like attribute file; ev3dev2 opens r+/w/r by the *group* permission bits."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(value if isinstance(value, bytes) else str(value).encode())
    path.chmod(0o664)


class FakeBrick:
    """A fake EV3: a /sys/class-like tree of motors, sensors, LEDs and a battery."""

    def __init__(self, tmp_path, motors=None, sensors=None):
        self.root = Path(tmp_path).resolve() / "fakebrick"
        self.sys_class = self.root / "sys_class"
        self.ports = {}  # "tacho-motor/motor1" -> "B"; the reverse is self._dirs
        motors = DEFAULT_MOTORS if motors is None else motors
        sensors = DEFAULT_SENSORS if sensors is None else sensors
        for i, (port, kind) in enumerate(sorted((str(p).upper(), k) for p, k in motors.items())):
            self._add_motor(f"tacho-motor/motor{i}", port, kind)
        for i, (port, kind) in enumerate(sorted((str(p), k) for p, k in sensors.items())):
            self._add_sensor(f"lego-sensor/sensor{i}", port, kind)
        for name, led in LEDS.items():
            self._add("leds/" + led, name, brightness=0, max_brightness=255,
                      trigger="[none] timer heartbeat default-on", delay_on=500, delay_off=500)
        self._add("power_supply/lego-ev3-battery", "battery", voltage_now=7500000, current_now=180000,
                  voltage_max_design=9000000, voltage_min_design=6000000, technology="Li-ion",
                  type="Battery", scope="System")
        self._dirs = {port: rel for rel, port in self.ports.items()}
        self.bin = self.root / "bin"
        self.bin.mkdir(parents=True, exist_ok=True)
        self.sound_log = self.root / "sounds.jsonl"
        for name in SOUND_PROGRAMS + ("amixer",):
            _write_file(self.bin / name, _FAKE_SOUND.format(python=PYTHON, log=str(self.sound_log)))
            (self.bin / name).chmod(0o755)

    def _add(self, rel, port, **attrs):
        self.ports[rel] = port
        for attr, value in attrs.items():
            _write_file(self.sys_class / rel / attr, value)

    def _add_motor(self, rel, port, kind):
        driver, max_speed = MOTOR_KINDS[kind]
        self._add(rel, port, address=f"ev3-ports:out{port}", driver_name=driver,
                  commands="run-forever run-to-abs-pos run-to-rel-pos run-timed run-direct stop reset",
                  count_per_rot=360, max_speed=max_speed, speed_sp=0, time_sp=0, position_sp=0,
                  position=0, speed=0, state="", stop_action="coast", stop_actions="coast brake hold",
                  duty_cycle=0, duty_cycle_sp=0, polarity="normal", ramp_up_sp=0, ramp_down_sp=0,
                  command="", **{"hold_pid/Kp": 0, "hold_pid/Ki": 0, "hold_pid/Kd": 0,
                                 "speed_pid/Kp": 0, "speed_pid/Ki": 0, "speed_pid/Kd": 0})

    def _add_sensor(self, rel, port, kind):
        driver, modes, decimals, units, value0 = SENSOR_KINDS[kind]
        values = {f"value{n}": 0 for n in range(8)}
        values["value0"] = value0
        self._add(rel, port, address=f"ev3-ports:in{port}", driver_name=driver, modes=modes,
                  mode=modes.split()[0], num_values=1, decimals=decimals, units=units,
                  bin_data_format="s16", bin_data=bytes(32), command="", commands="", poll_ms=0, direct=b"",
                  **values)

    def attribute_path(self, port, attribute):
        """The file behind a port's attribute (port: "B", 3 or "3", or an LED name)."""
        return self.sys_class / self._dir(port) / attribute

    def _dir(self, port):
        port = str(port)
        return self._dirs.get(port) or self._dirs[port.upper()]

    def set(self, port, **attrs):
        """Write attribute files of a device before a run, e.g. set(3, value0=42)."""
        for attr, value in attrs.items():
            _write_file(self.attribute_path(port, attr), value)

    set_sensor = set_motor = set

    def run(self, program, timeout=10.0, schedule=(), virtual_timeout=None):
        program = Path(program).resolve()
        """Run `program`; kill it after `timeout` wall-clock seconds, or stop it once the
        virtual clock passes `virtual_timeout` (both give timed_out=True).

        schedule: [(virtual_time, port, {attribute: value})], applied when the clock
        passes virtual_time.
        """
        run_dir = self.root / "run"
        run_dir.mkdir(exist_ok=True)
        paths = {name: run_dir / f"{name}.json" for name in ("config", "writes", "end")}
        for path in list(paths.values()) + [self.sound_log]:
            path.unlink(missing_ok=True)
        config = {
            "root": str(self.sys_class), "ports": self.ports, "bin": str(self.bin),
            "schedule": [(t, self._dir(p), {a: str(v) for a, v in attrs.items()})
                         for t, p, attrs in schedule],
            "virtual_timeout": virtual_timeout,
            "write_log": str(paths["writes"]), "end_log": str(paths["end"]),
        }
        paths["config"].write_text(json.dumps(config))
        env = dict(os.environ, FAKE_SYS="1", PYTHONUNBUFFERED="1", PYTHONDONTWRITEBYTECODE="1",
                   PATH=f"{self.bin}{os.pathsep}{os.environ.get('PATH', '')}")
        proc = subprocess.Popen(
            [PYTHON, str(_HERE / "bootstrap.py"), str(paths["config"]), str(program)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
            cwd=str(program.parent), start_new_session=True)
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # its own session: the program and its sounds
            stdout, stderr = proc.communicate()
            timed_out = True
        writes = [Write(round(e["time"], 6), e["port"], e["attribute"], e["value"])
                  for e in _read_jsonl(paths["writes"])]
        end = json.loads(paths["end"].read_text()) if paths["end"].exists() else {}
        timed_out = timed_out or end.get("code") == 124
        virtual_time = end.get("virtual_time", writes[-1].time if writes else 0.0)
        calls = sorted(_read_jsonl(self.sound_log), key=lambda e: e["seq"])  # stable sort
        sound_calls = [(round(e["time"], 6), e["argv"]) for e in calls]
        return RunResult(self, proc.returncode, stdout, stderr, timed_out, writes, sound_calls,
                         round(virtual_time, 6))


def _read_jsonl(path):
    """Parse a JSON-lines log, ignoring a last line cut off by a kill."""
    if not path.exists():
        return []
    entries = []
    for line in path.read_text().splitlines():
        try:
            entries.append(json.loads(line))
        except json.JSONDecodeError:
            pass
    return entries


class RunResult:
    """What a program did: its exit, output, attribute writes and sound programs."""

    def __init__(self, brick, returncode, stdout, stderr, timed_out, writes, sound_calls, virtual_time):
        self.brick, self.returncode, self.stdout, self.stderr = brick, returncode, stdout, stderr
        self.timed_out, self.writes, self.virtual_time = timed_out, writes, virtual_time
        self.sound_calls = sound_calls  # [(virtual_time, argv)], amixer included

    @property
    def sounds(self):
        """argv lists of beep/espeak/aplay calls, in order (argv[0] is the bare name)."""
        return [argv for _, argv in self.sound_calls if argv[0] in SOUND_PROGRAMS]

    def values(self, port, attribute):
        """Values written to one attribute of one port, in order."""
        return [w.value for w in self.writes if w.port == str(port) and w.attribute == attribute]

    def commands(self, port):
        return self.values(port, "command")

    def final(self, port, attribute):
        """Last value written, else the attribute file's current content."""
        written = self.values(port, attribute)
        if written:
            return written[-1]
        return self.brick.attribute_path(port, attribute).read_text().strip()

    def __repr__(self):
        return (f"RunResult(returncode={self.returncode}, timed_out={self.timed_out}, "
                f"virtual_time={self.virtual_time}, writes={len(self.writes)}, stderr={self.stderr[-500:]!r})")
