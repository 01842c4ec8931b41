"""The virtual brick: the real python-ev3dev2, unchanged, talking to simulated devices.

python-ev3dev2 does all its device I/O through a few points; `Brick.install()` swaps in
a fresh copy of the ev3dev2 modules (the ones already imported are set aside and put back
by `uninstall()`, so runs never see each other's state) and patches those points. It imports
ev3dev2, its motors and sensors; the other modules (sound, display, buttons, LEDs, power,
console, fonts, and the old `ev3dev` library) load when the program imports them, patched by an
import hook (`_PatchOnImport`) that is in place only during the run:

- `get_current_platform()` answers "ev3", so OUTPUT_A is "ev3-ports:outA", INPUT_1
  "ev3-ports:in1" and the EV3's LEDs and buttons are used;
- `list_device_names` (bound by name in ev3dev2, ev3dev2.motor and ev3dev2.sensor: patched
  before those modules are imported) lists the simulated devices of a class
  ("tacho-motor/motor0", "lego-sensor/sensor0", ...) and matches keyword attributes by
  substring, as ev3dev2 does;
- `Device._attribute_file_open` returns a small file-like object bound to (device,
  attribute): `read()` asks `device.get(name)`, `write()` calls `device.set(name, value)` and
  logs the write; each costs `access_cost` of simulated time, as sysfs access costs the brick;
  `Device._get_attribute/_set_attribute` and `get_attr_*/set_attr_*` go to it directly (no
  seek/flush/bytes round trip, no layers between);
- `Motor.wait`'s `select.poll` on the state file waits on the simulated clock, step by
  step, until the state changes or the poll times out;
- `Sound` records events instead of running beep/espeak/aplay (waiting, when the program
  asks to, for the sound's duration on the simulated clock); `Display` draws into a PIL
  image and records an event per text drawn and per update; LEDs are simulated devices
  whose brightness writes are events; `Button` reads `Brick.buttons` (a set of names).

The clock is not the brick's business: it is given an object with `now()` (seconds),
`sleep(seconds)`, `tick(seconds)` and `tick_us(microseconds)` (a small cost that may or may
not yield) and `wait_step()` (sleep until the next physics step), see lockstep.py; and `now_us` and
`free_us`, which the attribute I/O reads to move the clock on itself while it may (`tick_us`'s
first test).
"""
import errno
import fnmatch
import importlib
import importlib.abc
import importlib.machinery
import logging
import os
import re
import sys
import wave
from collections import namedtuple

from .console import SCREEN_SIZE, patch_console, patch_fonts
from .ev3dev1 import Ev3dev1

Write = namedtuple("Write", "time port attribute value")

EV3_LEDS = ("led0:red:brick-status", "led1:red:brick-status",
            "led0:green:brick-status", "led1:green:brick-status")
BUTTON_NAMES = ("up", "down", "left", "right", "enter", "backspace")

# The ev3dev2 modules imported by install(), as almost every program uses them; the others
# (sound, display, buttons, LEDs, power, console, fonts) load, patched, when a program imports them.
_MODULES = ("ev3dev2.stopwatch", "ev3dev2.motor", "ev3dev2.sensor", "ev3dev2.sensor.lego")


class DictDevice:
    """A device that only stores its attributes (LEDs, the battery)."""

    def __init__(self, address, driver_name, attributes, on_set=None):
        self.address, self.driver_name = address, driver_name
        self.attributes = {"address": address, "driver_name": driver_name}
        self.attributes.update({k: str(v) for k, v in attributes.items()})
        self.on_set = on_set

    def get(self, name):
        return self.attributes[name]

    def set(self, name, value):
        if name not in self.attributes:
            raise KeyError(name)
        self.attributes[name] = value
        if self.on_set:
            self.on_set(name, value)


class _Attribute:
    """What Device._attribute_file_open returns: an open 'file' of one attribute."""

    __slots__ = ("brick", "entry", "name")

    def __init__(self, brick, entry, name):
        self.brick, self.entry, self.name = brick, entry, name

    def seek(self, *args):
        return 0

    def read(self, *args):
        return self.brick._read(self.entry, self.name).encode()

    def write(self, data):
        self.brick._write(self.entry, self.name, data.decode() if isinstance(data, bytes) else str(data))
        return len(data)

    def flush(self):
        pass

    def truncate(self, *args):
        return 0

    def close(self):
        pass

    def fileno(self):
        raise OSError(errno.EBADF, "simulated attribute has no file descriptor")


_Entry = namedtuple("_Entry", "path port device")


def _beep_tones(args):
    """[(frequency, length_ms, repeats, delay_ms, delay_after)] for `beep ARGS`."""
    tones = []
    for part in re.split(r"(?:^|\s)-n(?:\s|$)", " " + args + " "):
        opts = dict(re.findall(r"-([flrdD])\s*([-\d.]+)", part))
        tones.append((float(opts.get("f", 440)), float(opts.get("l", 200)), int(float(opts.get("r", 1))),
                      float(opts.get("D", opts.get("d", 100))), "D" in opts))
    return tones


def beep_seconds(args):
    """How long `beep ARGS` lasts: length per repeat, the delay between repeats (-d) or
    after each (-D); tones separated by -n."""
    total = 0.0
    for _, length, reps, delay, after in _beep_tones(args):
        total += reps * length + (reps if after else max(0, reps - 1)) * delay
    return total / 1000


class _SoundProcess:
    """Returned by Sound methods with PLAY_NO_WAIT_FOR_COMPLETE (the real ones return a Popen)."""

    def __init__(self, clock, end):
        self.clock, self.end, self.returncode, self.pid = clock, end, None, 0

    def poll(self):
        if self.returncode is None and self.clock.now() >= self.end:
            self.returncode = 0
        return self.returncode

    def wait(self, timeout=None):
        if self.returncode is None:
            self.clock.sleep(max(0.0, self.end - self.clock.now()))
            self.returncode = 0
        return 0

    def communicate(self, *args, **kwargs):
        self.wait()
        return b"", b""

    def kill(self):
        self.returncode = -9

    terminate = kill


class Brick:
    """Simulated devices of a Simulation, as python-ev3dev2 sees them.

    motors: {port: Motor}, sensors: {port: Sensor} (objects with get/set, address,
    driver_name); clock: see the module docstring; events: a list to append event dicts
    to ({"time", "kind", ...}); writes: every attribute write, as Write(time, port,
    attribute, value), when record_writes (else it stays empty).
    """

    def __init__(self, motors, sensors, clock, events=None, access_cost=0.001, record_writes=True, plug=None):
        self.clock, self.access_cost = clock, access_cost
        self.access_us = round(access_cost * 1e6)
        self.plug = plug  # plug(drivers, address) -> (port, sensor, _) or None: devices.py
        self.events = [] if events is None else events
        self.writes = []
        self.record_writes = record_writes
        self.buttons = set()
        self.display_image = None
        self.classes = {}   # class name -> {device name: _Entry}
        self.by_path = {}
        for i, port in enumerate(sorted(motors)):
            self._add("tacho-motor", f"motor{i}", str(port), motors[port])
        for i, port in enumerate(sorted(sensors, key=str)):
            self._add("lego-sensor", f"sensor{i}", str(port), sensors[port])
        for led in EV3_LEDS:
            self._add("leds", led, led, DictDevice(
                led, "", {"brightness": 0, "max_brightness": 255, "delay_on": 500, "delay_off": 500,
                          "trigger": "[none] timer heartbeat default-on"},
                on_set=lambda name, value, led=led: self._led_set(led, name, value)))
        self._add("power_supply", "lego-ev3-battery", "battery", DictDevice(
            "", "", {"voltage_now": 7500000, "current_now": 180000, "voltage_max_design": 9000000,
                     "voltage_min_design": 6000000, "technology": "Li-ion", "type": "Battery",
                     "scope": "System"}))
        self._saved_modules = None
        self._finder = None
        self.ev3dev2 = None
        self._ev3dev1 = Ev3dev1()

    def _add(self, class_name, name, port, device):
        path = f"/sys/class/{class_name}/{name}"
        entry = _Entry(path, port, device)
        self.classes.setdefault(class_name, {})[name] = entry
        self.by_path[path] = entry

    def event(self, kind, **fields):
        self.events.append(dict(time=round(self.clock.now(), 6), kind=kind, **fields))

    # --- attribute I/O ----------------------------------------------------------------
    def _read(self, entry, name):
        if self.access_us:
            self.clock.tick_us(self.access_us)
        try:
            return str(entry.device.get(name))
        except (KeyError, AttributeError, ValueError) as ex:
            raise _kernel_error(ex, name) from ex

    def _write(self, entry, name, value):
        if self.access_us:  # a sysfs write takes the brick about as long as a read
            self.clock.tick_us(self.access_us)
        try:
            entry.device.set(name, value)
        except (KeyError, AttributeError, ValueError) as ex:
            raise _kernel_error(ex, name) from ex
        if self.record_writes:
            self.writes.append(Write(round(self.clock.now(), 6), entry.port, name, value))

    def _reader(self, to_int):
        """ev3dev2's Device._get_attribute (to_int: get_attr_int, the value as int) on the brick."""
        clock, access_us = self.clock, self.access_us
        tick_us = clock.tick_us

        def read(device, attribute, name):
            try:
                if attribute is None:
                    attribute = device._attribute_file_open(name)
                now = clock.now_us + access_us
                if now < clock.free_us:     # tick_us's first test, a call fewer
                    clock.now_us = now
                elif access_us:
                    tick_us(access_us)
                try:
                    value = attribute.entry.device.get(attribute.name)
                except (KeyError, AttributeError, ValueError) as ex:
                    raise _kernel_error(ex, attribute.name) from ex
                text = str(value).strip()
            except Exception as ex:
                device._raise_friendly_access_error(ex, name, None)
            return attribute, int(text) if to_int else text
        return read

    def _writer(self, to_int):
        """ev3dev2's Device._set_attribute (to_int: set_attr_int, str(int(value))) on the brick."""
        brick, clock, access_us = self, self.clock, self.access_us
        tick_us = clock.tick_us

        def write(device, attribute, name, value):
            if to_int:
                value = str(int(value))
            try:
                if attribute is None:
                    attribute = device._attribute_file_open(name)
                text = value if type(value) is str else value.decode() if isinstance(value, bytes) else str(value)
                now = clock.now_us + access_us
                if now < clock.free_us:
                    clock.now_us = now
                elif access_us:
                    tick_us(access_us)
                entry = attribute.entry
                try:
                    entry.device.set(attribute.name, text)
                except (KeyError, AttributeError, ValueError) as ex:
                    raise _kernel_error(ex, attribute.name) from ex
                if brick.record_writes:
                    brick.writes.append(Write(round(clock.now(), 6), entry.port, attribute.name, text))
            except Exception as ex:
                device._raise_friendly_access_error(ex, name, value)
            return attribute
        return write

    def _led_set(self, led, name, value):
        if name == "brightness":
            self.event("led", led=led, brightness=int(value))

    def list_device_names(self, class_path, name_pattern="*", **kwargs):
        """ev3dev2's list_device_names over the simulated devices (substring matching)."""
        class_name = os.path.basename(class_path.rstrip("/"))
        found = False
        for name in self._names(class_name, name_pattern, kwargs):
            found = True
            yield name
        if not found and class_name == "lego-sensor" and "driver_name" in kwargs and self.plug:
            self._plug_optional(kwargs)
            yield from self._names(class_name, name_pattern, kwargs)

    def _names(self, class_name, name_pattern, kwargs):
        entries = self.classes.get(class_name, {})
        for name in sorted(entries, key=_natural):
            if not fnmatch.fnmatch(name, name_pattern):
                continue
            device = entries[name].device
            if all(_matches(device, attr, pattern) for attr, pattern in kwargs.items()):
                yield name

    def _plug_optional(self, kwargs):
        """A program asks for a sensor the robot lacks: plug in its optional one of that kind."""
        drivers = kwargs["driver_name"]
        address = kwargs.get("address")
        plugged = self.plug(drivers if isinstance(drivers, list) else [drivers],
                            address if isinstance(address, str) else None)
        if plugged is None:
            return
        port, sensor = plugged[0], plugged[1]
        sensors = self.classes.setdefault("lego-sensor", {})
        name = next((n for n, e in sensors.items() if e.port == port), f"sensor{len(sensors)}")
        self._add("lego-sensor", name, port, sensor)

    def _open(self, device, name):
        entry = self.by_path.get(device._path)
        if entry is None:
            raise OSError(errno.ENOENT, f"no device at {device._path}")
        return _Attribute(self, entry, name)

    # --- install / uninstall ev3dev2 --------------------------------------------------
    def install(self):
        """Put a fresh, patched ev3dev2 in sys.modules (the old modules are set aside)."""
        if self._saved_modules is not None:
            raise RuntimeError("this brick is already installed")
        self._saved_modules = {k: sys.modules.pop(k) for k in list(sys.modules) if _is_ev3dev2(k)}
        try:
            ev3dev2 = importlib.import_module("ev3dev2")
            ev3dev2.get_current_platform = lambda: "ev3"
            ev3dev2.list_device_names = self.list_device_names
            brick = self

            def _attribute_file_open(device, name):
                return brick._open(device, name)

            # ev3dev2's attribute getters and setters, straight to the simulated attribute: the
            # same steps and errors as its own (_get_attribute and get_attr_int, ...) without the
            # file's seek, encode, decode and flush round trip (measured: 5% of the line
            # follower's instructions) or the layers between. Each access's cost is taken here
            # while the clock may move on without waiting (clock.free_us), else by tick_us.
            reader, writer = self._reader, self._writer
            Device = ev3dev2.Device
            Device._attribute_file_open = _attribute_file_open
            Device._get_attribute = Device.get_attr_string = Device.get_attr_line = reader(False)
            Device.get_attr_int = reader(True)
            Device._set_attribute = Device.set_attr_string = Device.set_attr_raw = writer(False)
            Device.set_attr_int = writer(True)
            Device.DEVICE_ROOT_PATH = "/sys/class"
            self._finder = _PatchOnImport({
                "ev3dev2.stopwatch": self._patch_stopwatch, "ev3dev2.motor": self._patch_motor,
                "ev3dev2.sound": self._patch_sound, "ev3dev2.button": self._patch_button,
                "ev3dev2.console": self._patch_console, "ev3dev2.fonts": self._patch_fonts,
                "ev3dev2.display": self._patch_display})
            sys.meta_path.insert(0, self._finder)
            for name in _MODULES:
                importlib.import_module(name)
        except BaseException:
            self.uninstall()
            raise
        self.ev3dev2 = ev3dev2
        self._ev3dev1.install(self, self._finder)   # the old library (python-ev3dev 1.x), when imported
        return ev3dev2

    def uninstall(self):
        """Drop our ev3dev2 modules and put back the ones that were there before."""
        if self._saved_modules is None:
            return
        self._ev3dev1.uninstall()
        if self._finder in sys.meta_path:
            sys.meta_path.remove(self._finder)
        self._finder = None
        for k in [k for k in sys.modules if _is_ev3dev2(k)]:
            del sys.modules[k]
        sys.modules.update(self._saved_modules)
        self._saved_modules = None
        self.ev3dev2 = None

    # --- the patches, each run as its module is imported: execute() runs the module's code ----
    def _patch_stopwatch(self, stopwatch, execute):
        execute()
        clock = self.clock
        stopwatch.get_ticks_ms = lambda: round(clock.now() * 1000)

    def _patch_motor(self, motor, execute):
        execute()
        clock = self.clock

        class _Poll:
            def __init__(self):
                self.entries = []

            def register(self, attribute, *mask):
                self.entries.append(attribute.entry)

            def unregister(self, *args):
                pass

            def poll(self, timeout_ms=None):
                """Like the kernel waking ev3dev2 on a `state` change: step by step."""
                wait = 0.1 if timeout_ms is None or timeout_ms < 0 else timeout_ms / 1000
                end = clock.now() + wait
                before = [_get(e.device, "state") for e in self.entries]
                while True:
                    clock.wait_step(end)
                    changed = [_get(e.device, "state") for e in self.entries] != before
                    if changed or clock.now() >= end - 1e-9:
                        return [(0, 2)] if changed else []

        motor.select = type("select", (), {"poll": _Poll, "POLLPRI": 2})

    def _patch_sound(self, sound, execute):
        execute()
        brick, clock = self, self.clock
        Sound = sound.Sound

        def _play(self, what, seconds, play_type, **fields):
            self._validate_play_type(play_type)
            brick.event("sound", what=what, duration=round(seconds, 6), **fields)
            if play_type == Sound.PLAY_NO_WAIT_FOR_COMPLETE:
                return _SoundProcess(clock, clock.now() + seconds)
            if play_type == Sound.PLAY_LOOP:
                while True:
                    clock.sleep(max(seconds, 0.01))
            clock.sleep(seconds)
            return None

        def beep(self, args="", play_type=Sound.PLAY_WAIT_FOR_COMPLETE):
            tones = [(f, length) for f, length, reps, _, _ in _beep_tones(str(args)) for _ in range(reps)]
            return _play(self, "beep", beep_seconds(str(args)), play_type, args=str(args), tones=tones)

        def speak(self, text, espeak_opts="-a 200 -s 130", volume=100, play_type=Sound.PLAY_WAIT_FOR_COMPLETE):
            self._validate_play_type(play_type)
            self.set_volume(volume)
            wpm = re.search(r"-s\s*(\d+)", espeak_opts)
            words = max(1, len(str(text).split()))
            seconds = 0.3 + words * 60.0 / (int(wpm.group(1)) if wpm else 175)
            return _play(self, "speak", seconds, play_type, text=str(text), volume=volume)

        def play_file(self, wav_file, volume=100, play_type=Sound.PLAY_WAIT_FOR_COMPLETE):
            if not os.path.exists(wav_file):
                raise ValueError(f"{wav_file} does not exist")
            self._validate_play_type(play_type)
            self.set_volume(volume)
            try:
                with wave.open(str(wav_file)) as w:
                    seconds = w.getnframes() / float(w.getframerate())
            except Exception:  # noqa: BLE001 - not a WAV file ev3dev2 could tell: no length
                seconds = 0.0
            return _play(self, "play_file", seconds, play_type, file=str(wav_file), volume=volume)

        volume = {"pct": 100}

        def set_volume(self, pct, channel=None):
            volume["pct"] = int(pct)

        def get_volume(self, channel=None):
            return volume["pct"]

        Sound.beep, Sound.speak, Sound.play_file = beep, speak, play_file
        Sound.set_volume, Sound.get_volume = set_volume, get_volume
        Sound._get_channel = lambda self: "Playback"

    def _patch_button(self, button, execute):
        log = logging.getLogger("ev3dev2.button")
        level = log.level
        log.setLevel(logging.ERROR)  # "Failed to import evdev"
        try:
            execute()
        finally:
            log.setLevel(level)
        brick, clock = self, self.clock

        class Button(button.ButtonCommon, button.EV3ButtonCommon):
            """EV3 buttons: the ones in Brick.buttons are pressed."""

            @property
            def buttons_pressed(self):
                clock.tick(brick.access_cost)
                return [b for b in BUTTON_NAMES if b in brick.buttons]

            def _wait(self, wait_for_button_press, wait_for_button_release, timeout_ms):
                press = [wait_for_button_press] if isinstance(wait_for_button_press, str) else wait_for_button_press
                release = ([wait_for_button_release] if isinstance(wait_for_button_release, str)
                           else wait_for_button_release)
                end = None if timeout_ms is None else clock.now() + timeout_ms / 1000
                while True:
                    pressed = self.buttons_pressed
                    if all(b in pressed for b in press) and not any(b in pressed for b in release):
                        return True
                    if end is not None and clock.now() >= end:
                        return False
                    clock.sleep(0.01)

            def process_forever(self):
                while True:
                    self.process()
                    clock.sleep(0.01)

        button.Button = Button

    def _patch_console(self, console, execute):
        execute()
        patch_console(console, self, importlib.import_module("ev3dev2.display"))

    def _patch_fonts(self, fonts, execute):
        execute()
        patch_fonts(fonts)

    def _patch_display(self, display, execute):
        execute()
        brick = self
        RealDisplay = display.Display

        class Display(RealDisplay):
            """The EV3 screen as a PIL image; text and updates are events."""

            def __init__(self, desc="Display"):
                self.platform = "ev3"
                self._img = display.Image.new("1", SCREEN_SIZE, "white")
                self._draw = display.ImageDraw.Draw(self._img)
                self.desc = desc
                brick.display_image = self._img

            xres = property(lambda self: SCREEN_SIZE[0])
            yres = property(lambda self: SCREEN_SIZE[1])

            def update(self):
                brick.event("display", what="update")

            def text_pixels(self, text, clear_screen=True, x=0, y=0, text_color="black", font=None):
                brick.event("display", what="text", text=str(text), x=x, y=y, clear=bool(clear_screen))
                return RealDisplay.text_pixels(self, text, clear_screen, x, y, text_color, font)

            def clear(self):
                self._draw.rectangle(((0, 0), SCREEN_SIZE), fill="white")

        display.Display = Display


class _PatchOnImport(importlib.abc.MetaPathFinder):
    """Imports the modules it has a patch for as usual, then patches them: a run loads only the
    ev3dev modules its program uses. patches: {module name: patch(module, execute)}."""

    def __init__(self, patches):
        self.patches = patches

    def find_spec(self, name, path, target=None):
        patch = self.patches.get(name)
        if patch is None:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _PatchingLoader(spec.loader, patch)
        return spec


class _PatchingLoader(importlib.abc.Loader):
    def __init__(self, loader, patch):
        self.loader, self.patch = loader, patch

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        self.patch(module, lambda: self.loader.exec_module(module))


def _kernel_error(ex, name):
    """The error the kernel gives for what a simulated device raised: no such attribute (ENOENT),
    or a value it refuses (EINVAL)."""
    if isinstance(ex, ValueError):
        return OSError(errno.EINVAL, str(ex))
    return OSError(errno.ENOENT, f"no attribute {name!r}")


def _get(device, name):
    try:
        return str(device.get(name))
    except Exception:  # noqa: BLE001 - discovery reads any device; unreadable is no match
        return ""


def _matches(device, attr, pattern):
    value = _get(device, attr).strip()
    patterns = pattern if isinstance(pattern, list) else [pattern]
    return any(value.find(p) >= 0 for p in patterns)


def _natural(name):
    m = re.match(r"^(.*?)(\d+)$", name)
    return (m.group(1), int(m.group(2))) if m else (name, -1)


def _is_ev3dev2(name):
    return name == "ev3dev2" or name.startswith("ev3dev2.")
