"""The old ev3dev library (python-ev3dev 1.x: `from ev3dev.ev3 import *`) on the virtual brick.

It drives the same sysfs attributes as python-ev3dev2, through the same few points, so it gets the
same patches as ev3dev2 in brick.py, reusing the patched ev3dev2 parts where it has its own:

- `core.list_device_names` and `Device._attribute_file_open` go to the brick (a device not found
  is `connected = False`, as on the brick);
- `Motor.wait`'s `select.poll` is the brick's step-by-step poll;
- `Sound.beep/tone/play/speak/play_song` are ev3dev2's simulated sound events (they return a
  process object whose `wait()` waits on the simulated clock); the volume is kept, not set with amixer;
- `ButtonEVIO.buttons_pressed` reads the brick's buttons (no /dev/input ioctl);
- `Screen` is ev3dev2's simulated Display (a PIL image; no /dev/fb0);
- `ev3dev.auto` is `ev3dev.ev3` (it would guess the platform and write /tmp/current_platform).

install(brick, finder) in brick.install(): the patches are made when the program imports ev3dev;
uninstall() puts back the modules that were there before.
"""

from __future__ import annotations

import importlib
import sys
import types


def _is_ev3dev(name: str) -> bool:
    return name == "ev3dev" or name.startswith("ev3dev.")


class Ev3dev1:
    """The python-ev3dev 1.x modules of one run (none when it is not installed)."""

    def __init__(self):
        self._saved = None

    def install(self, brick, finder) -> None:
        """Set aside the host's ev3dev modules; `import ev3dev` in the run then loads it patched
        (through brick.py's import hook `finder`), only in runs whose program uses it."""
        self._saved = {k: sys.modules.pop(k) for k in list(sys.modules) if _is_ev3dev(k)}
        finder.patches["ev3dev"] = lambda package, execute: self._load(brick, execute)

    def _load(self, brick, execute) -> None:
        try:
            execute()
            self._patch(brick)
        except Exception as error:  # noqa: BLE001 - a version we cannot patch must not reach the host
            for k in [k for k in sys.modules if _is_ev3dev(k) and k != "ev3dev"]:
                del sys.modules[k]
            raise ImportError(f"this python-ev3dev cannot run on the simulated brick: {error}") from error

    def _patch(self, brick) -> None:
        core = importlib.import_module("ev3dev.core")
        core.list_device_names = brick.list_device_names
        core.Device._attribute_file_open = lambda device, name: brick._open(device, name)
        core.select = importlib.import_module("ev3dev2.motor").select
        _patch_sound(core, importlib.import_module("ev3dev2.sound").Sound())
        button = importlib.import_module("ev3dev2.button").Button
        core.ButtonEVIO.buttons_pressed = property(lambda self: button.buttons_pressed.fget(self))
        core.ButtonEVIO.__init__ = lambda self: None
        display = importlib.import_module("ev3dev2.display")
        core.Screen = lambda: display.Display()
        ev3 = importlib.import_module("ev3dev.ev3")
        if hasattr(ev3, "Screen"):
            ev3.Screen = core.Screen
        auto = types.ModuleType("ev3dev.auto", "ev3dev.ev3, on the simulated EV3.")
        auto.__dict__.update({k: v for k, v in vars(ev3).items() if not k.startswith("__")})
        sys.modules["ev3dev.auto"] = auto
        sys.modules["ev3dev"].auto = auto

    def uninstall(self) -> None:
        if self._saved is None:
            return
        for k in [k for k in sys.modules if _is_ev3dev(k)]:
            del sys.modules[k]
        sys.modules.update(self._saved)
        self._saved = None


def _patch_sound(core, sound) -> None:
    """1.x's Sound (static methods returning a Popen) through ev3dev2's simulated Sound."""
    no_wait = sound.PLAY_NO_WAIT_FOR_COMPLETE
    Sound = core.Sound
    Sound.beep = staticmethod(lambda args="": sound.beep(str(args), play_type=no_wait))
    Sound.play = staticmethod(lambda wav_file: sound.play_file(wav_file, play_type=no_wait))
    Sound.speak = staticmethod(lambda text, espeak_opts="-a 200 -s 130":
                               sound.speak(text, espeak_opts, play_type=no_wait))
    Sound.set_volume = staticmethod(lambda pct, channel=None: sound.set_volume(pct))
    Sound.get_volume = staticmethod(lambda channel=None: sound.get_volume())
    Sound._get_channel = staticmethod(lambda: "Playback")
