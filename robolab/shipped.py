"""Where the data shipped with RoboLab lives: palette packs and examples.

Installed from a wheel they sit inside the package (robolab/palettes, robolab/examples); in a
source checkout or an editable install they are the top-level folders beside robolab/.
"""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def shipped_dir(name: str) -> Path:
    installed = _PACKAGE / name
    return installed if installed.is_dir() else _PACKAGE.parent / name


def palettes_dir() -> Path:
    return shipped_dir("palettes")


def examples_dir() -> Path:
    return shipped_dir("examples")


def pack_places(extra=()) -> list[Path]:
    """Where packs are looked for: the files or folders named, then the shipped packs."""
    return [Path(p) for p in extra] + [palettes_dir()]


def pack_files(places: list[Path]) -> list[Path]:
    """The pack files in `places`, in the order they are searched."""
    found = []
    for place in places:
        if place.is_file():
            found.append(place)
        elif place.is_dir():
            found.extend(sorted(place.glob("*.toml")))
    return found
