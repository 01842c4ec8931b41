"""The X11 libraries Qt's xcb platform plugin needs that a classroom's Linux machine may lack
(libxcb-cursor0 above all: Qt 6.5+ will not start without it). The bundle carries the build
machine's copies, so it starts where they are missing. Used by robolab.spec; plain Python."""

import subprocess
import sys

# Shared-library names (as `ldconfig -p` lists them) of the xcb helpers PySide6's plugin links to.
XCB_LIBRARIES = ("libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-image.so.0",
                 "libxcb-render-util.so.0", "libxcb-shape.so.0", "libxcb-randr.so.0", "libxcb-xkb.so.1",
                 "libxcb-util.so.1", "libxkbcommon-x11.so.0")


def installed(names=XCB_LIBRARIES) -> dict[str, str]:
    """Name -> path of those this machine has (for this machine's architecture, the first listed)."""
    if not sys.platform.startswith("linux"):
        return {}
    try:
        listing = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        listing = ""
    wide = sys.maxsize > 2 ** 32  # a 64-bit Python takes the 64-bit copies: "(libc6,x86-64)", "(libc6,AArch64)"
    found = {}
    for line in listing.splitlines():
        entry, _, path = line.strip().partition(" => ")
        name, _, flags = entry.partition(" ")
        if name in names and name not in found and ("64" in flags) == wide:
            found[name] = path.strip()
    return found


def bundle_binaries() -> list[tuple[str, str]]:
    """PyInstaller binaries entries: each library found, into the bundle's top folder."""
    return [(path, ".") for path in installed().values()]
