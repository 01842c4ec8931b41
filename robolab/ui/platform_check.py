"""Before Qt starts: will its platform plugin load? Qt itself aborts with a wall of text when it
cannot (a fresh Linux machine without libxcb-cursor0, no display, a mistyped QT_QPA_PLATFORM); this
says the one line that fixes it instead. Plain Python: dlopen of the plugin, no QApplication."""

import ctypes
import importlib.util
import os
import re
import sys
from pathlib import Path

# What the pip route needs on Debian and Ubuntu (the README lists the same).
DEBIAN_PACKAGES = ("libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0 "
                   "libxcb-randr0 libxcb-xkb1 libxkbcommon-x11-0 libegl1 libgl1 libfontconfig1 libdbus-1-3")
FIX = f"sudo apt-get install {DEBIAN_PACKAGES}"
_MISSING = re.compile(r"(lib[\w.+-]+?)\.so(?:\.(\d+))?: cannot open shared object file")


def plugins_dir() -> Path | None:
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / "Qt" / "plugins" / "platforms"


def package_for(library: str, version: str | None) -> str:
    """Debian's package for a shared library: libxcb-icccm.so.4 -> libxcb-icccm4."""
    if not version:
        return library
    return f"{library}-{version}" if library[-1].isdigit() else f"{library}{version}"


def platform_problem(env=None, platform: str = sys.platform, folder: Path | None = None) -> str | None:
    """Why Qt's platform plugin will not start, as one line saying what to do (None: it will)."""
    if not platform.startswith("linux"):
        return None
    env = os.environ if env is None else env
    chosen = env.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    wayland = bool(env.get("WAYLAND_DISPLAY")) or env.get("XDG_SESSION_TYPE") == "wayland"
    if not chosen:
        if wayland:
            return None
        chosen = "xcb"
    folder = folder or plugins_dir()
    if folder is None or not folder.is_dir():
        return None
    plugin = folder / f"libq{chosen}.so"
    if not plugin.exists():
        known = sorted(p.name[4:-3] for p in folder.glob("libq*.so"))
        return (f"Qt has no platform plugin {chosen!r} (QT_QPA_PLATFORM): unset QT_QPA_PLATFORM, or set it to "
                f"one of {', '.join(known)}")
    if chosen != "xcb":
        return None
    if not env.get("DISPLAY"):
        return ("No display to open the window on (DISPLAY is not set): start RoboLab from a desktop session, "
                "or use QT_QPA_PLATFORM=offscreen robolab --screenshot OUT.png FILE")
    try:
        ctypes.CDLL(str(plugin), mode=os.RTLD_LAZY if hasattr(os, "RTLD_LAZY") else 0)
    except OSError as error:
        missing = _MISSING.search(str(error))
        what = package_for(*missing.groups()) if missing else "a system library"
        return f"Qt's X11 plugin needs {what}, which is not installed: {FIX}"
    return None
