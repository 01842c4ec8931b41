"""RobotLab's simulator settings files (.cfg, INI): reading them, and their values and colours.

A value that cannot be read is noted for the import report and replaced by RobotLab's default,
so one bad line never stops an import; a file that is not INI at all is refused, naming it.
"""

import configparser
import math
from pathlib import Path

from robolab.errors import Problem, RobolabError

DELPHI_COLOURS = {
    "clblack": "#000000", "clmaroon": "#800000", "clgreen": "#008000", "clolive": "#808000",
    "clnavy": "#000080", "clpurple": "#800080", "clteal": "#008080", "clgray": "#808080",
    "clgrey": "#808080", "clsilver": "#c0c0c0", "clred": "#ff0000", "cllime": "#00ff00",
    "clyellow": "#ffff00", "clblue": "#0000ff", "clfuchsia": "#ff00ff", "claqua": "#00ffff",
    "clwhite": "#ffffff", "clltgray": "#c0c0c0", "cldkgray": "#808080", "clmoneygreen": "#c0dcc0",
    "clskyblue": "#a6caf0", "clcream": "#fffbf0", "clmedgray": "#a0a0a4",
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
    if path is None or not path.is_file():
        notes.append(f"{path.name if path else 'settings'}: no simulator settings beside the program; "
                     "RobotLab's standard robot and a blank arena are used")
        return settings, notes
    try:
        settings.read_string(path.read_bytes().decode("cp1252"), source=str(path))
    except (configparser.Error, OSError) as error:
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
        raw = self.text(section, key, "")
        if raw == "":
            return default
        try:
            value = float(raw.replace(",", ".") if "." not in raw else raw)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            self.notes.append(f"{self.file} [{section}] {key}={raw}: not a number; {default:g} is used")
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
        self.notes.append(f"{self.file} [{section}] {key}={raw}: not a colour RoboLab knows; {default} is used")
        return default


def fmt(value: float) -> str:
    """A number for a TOML file, to a thousandth of a millimetre."""
    return repr(round(float(value), 3))


def quote(text: str) -> str:
    """Text as a TOML string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
