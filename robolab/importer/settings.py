"""RobotLab's simulator settings files (.cfg, INI): reading them, and their values and colours.

A value that cannot be read is noted for the import report and replaced by RobotLab's default,
so one bad line never stops an import; a file that is not INI at all is refused, naming it.
"""

import configparser
import math
import os
from pathlib import Path

from robolab.errors import Problem, RobolabError
from simulator.bounded import UnreadableFile, read_bytes

MAX_FILE_BYTES = 1024 * 1024  # a RobotLab .cfg is about 2 kB

DELPHI_COLOURS = {
    "clblack": "#000000", "clmaroon": "#800000", "clgreen": "#008000", "clolive": "#808000",
    "clnavy": "#000080", "clpurple": "#800080", "clteal": "#008080", "clgray": "#808080",
    "clgrey": "#808080", "clsilver": "#c0c0c0", "clred": "#ff0000", "cllime": "#00ff00",
    "clyellow": "#ffff00", "clblue": "#0000ff", "clfuchsia": "#ff00ff", "claqua": "#00ffff",
    "clwhite": "#ffffff", "clltgray": "#c0c0c0", "cldkgray": "#808080", "clmoneygreen": "#c0dcc0",
    "clskyblue": "#a6caf0", "clcream": "#fffbf0", "clmedgray": "#a0a0a4",
}
MAX_VALUE = 1_000_000.0  # mm, %, ...: any setting beyond this is damage, not a robot
RANGES = {  # settings whose sane range is narrower (RobotLab's own are well inside these)
    "mmPerPixel": (0.2, 100.0),   # the floor raster of an arena stays under the simulator's pixel cap "wheelTrack": (1.0, 5000.0), "wheelDiam": (1.0, 1000.0),
    "gearRatio": (0.001, 100.0), "maxRevPerSec": (0.01, 100.0), "theta": (-1000.0, 1000.0),
    "diameter": (0.0, 1000.0), "radius": (0.0, 1000.0),
}
DEFAULTS = {  # what RobotLab's own settings held, for a .cfg that leaves something out
    "robot": {"wheelTrack": "120", "wheelDiam": "49.6", "gearRatio": "0.125", "theta": str(math.pi / 2),
              "pos.x": "0", "pos.y": "0", "left": "0", "right": "2"},
    "arena": {"background": "", "mmPerPixel": "2.5", "floorColour": "clWhite", "wallColour": "clRed"},
    "robot.output.1": {"type": "motor", "maxRevPerSec": "5.83333333333333", "bias": "100", "noise": "0"},
    "robot.output.3": {"type": "motor", "maxRevPerSec": "5.83333333333333", "bias": "100", "noise": "0"},
    "robot.input.1": {"type": "switch", "pos.x": "50", "pos.y": "50", "bias": "0", "noise": "0"},
    "robot.input.2": {"type": "light", "pos.x": "70", "pos.y": "0", "bias": "0", "noise": "0"},
    "robot.input.3": {"type": "switch", "pos.x": "50", "pos.y": "-50", "bias": "0", "noise": "0"},
}


def read_cfg(path: Path | None) -> tuple[configparser.ConfigParser, list[str]]:
    """The settings (RobotLab's defaults where the file is missing or silent) and notes."""
    settings = configparser.ConfigParser(interpolation=None, strict=False)
    settings.optionxform = str
    settings.read_dict(DEFAULTS)
    notes = []
    if path is None or not os.path.lexists(path):
        notes.append(f"{path.name if path else 'settings'}: no simulator settings beside the program; "
                     "RobotLab's standard robot and a blank arena are used")
        return settings, notes
    try:
        data = read_bytes(path, MAX_FILE_BYTES)
    except UnreadableFile as error:
        raise RobolabError([Problem(f"cannot read the simulator settings: {error}", str(path))]) from None
    text = data.decode("cp1252", errors="replace")   # Windows text; 5 byte values mean nothing in it
    odd = next((i for i, c in enumerate(text) if c == "\ufffd"), None)
    if odd is not None:
        notes.append(f"{path.name}: byte {odd} (0x{data[odd]:02x}) is not Windows text (cp1252); read as \ufffd")
    try:
        settings.read_string(text, source=str(path))
    except configparser.Error as error:
        raise RobolabError([Problem(f"not readable RobotLab simulator settings: {error}".splitlines()[0],
                                    str(path))]) from None
    return settings, notes


class Settings:
    """Reads values from the .cfg, noting any that cannot be read (and using RobotLab's default)."""

    def __init__(self, settings, file: str, notes: list):
        self.settings, self.file, self.notes = settings, file, notes

    def text(self, section: str, key: str, default: str = "") -> str:
        if not self.settings.has_section(section):
            return default
        return self.settings[section].get(key, default).strip()

    def number(self, section: str, key: str, default: float) -> float:
        """The value, or the default (with a report line) when it is not a number or out of range."""
        raw = self.text(section, key, "")
        if raw == "":
            return default
        try:
            value = float(raw.replace(",", ".") if "." not in raw else raw)
        except ValueError:
            value = math.nan
        shown = comment(raw)
        if not math.isfinite(value):
            self.notes.append(f"{self.file} [{section}] {key}={shown}: not a number; {default:g} is used")
            return default
        low, high = RANGES.get(key, (-MAX_VALUE, MAX_VALUE))
        if not low <= value <= high:
            self.notes.append(f"{self.file} [{section}] {key}={shown}: out of range ({low:g} to {high:g}); "
                              f"{default:g} is used")
            return default
        return value

    def colour(self, section: str, key: str, default: str) -> str:
        raw = self.text(section, key, "")
        if not raw:
            return default
        named = DELPHI_COLOURS.get(raw.lower())
        if named:
            return named
        try:  # a TColor number: $00BBGGRR or decimal
            value = int(raw[1:], 16) if raw.startswith("$") else int(raw, 0)
        except ValueError:
            value = -1
        if 0 <= value <= 0xFFFFFF:
            return f"#{value & 0xFF:02x}{(value >> 8) & 0xFF:02x}{(value >> 16) & 0xFF:02x}"
        self.notes.append(f"{self.file} [{section}] {key}={comment(raw)}: not a colour RoboLab knows; {default} is used")
        return default


def fmt(value: float) -> str:
    """A number for a TOML file, to a thousandth of a millimetre."""
    return repr(round(float(value), 3))


def quote(text: str) -> str:
    """Text as a TOML string (control characters escaped: TOML allows none in a string)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(f"\\u{ord(c):04x}" if ord(c) < 32 or ord(c) == 127 else c for c in escaped) + '"'


def comment(text: str) -> str:
    """Text from a .cfg fit for a TOML comment: one line, no control characters, not too long."""
    clean = "".join(c if c.isprintable() else "?" for c in text)
    return clean if len(clean) <= 40 else clean[:40] + "…"
