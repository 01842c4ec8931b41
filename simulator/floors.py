"""Drawn floors kept between runs: a world drawn before is read back as its RGB raster and wall
rectangles, so a run neither draws it again nor imports Pillow (together a twentieth of a headless
`robolab run`'s start-up).

Nothing is kept until an application names a folder (`keep_in`; RoboLab's command line gives its
cache folder). An entry is named by what the drawing depends on: the world's floor colour, paint,
extent and wall colour, the source of world.py (the drawing code) and Pillow's version (its line
drawing). Worlds with a floor image are not kept (reading the image needs Pillow anyway). A file
that is missing, damaged or of another size is a miss; a folder that cannot be written, no cache.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import tempfile
from pathlib import Path

KEEP = 20                 # floors kept (the oldest go first): a few MB each
_folder: Path | None = None


def keep_in(folder: str | Path | None) -> None:
    """Keep drawn floors in `folder` from now on (None: keep none)."""
    global _folder
    _folder = Path(folder) if folder is not None else None


def name_of(spec, extent) -> str | None:
    """The file name of the world's drawn floor, or None when it is not to be kept."""
    if _folder is None or spec.floor_image is not None or spec.floor_source is not None:
        return None
    drawing = _drawing_code()
    if drawing is None:
        return None
    digest = hashlib.sha256(repr((spec.floor, spec.paint, extent, spec.wall_colour)).encode("utf-8"))
    digest.update(drawing)
    digest.update(_pillow_version())
    return f"floor-{digest.hexdigest()[:32]}.rgb"


def load(name: str | None):
    """(width, height, pixels, wall_rects) kept under `name`, or None."""
    if name is None:
        return None
    try:
        data = (_folder / name).read_bytes()
        head, _, pixels = data.partition(b"\n")
        entry = json.loads(head)
        width, height = entry["size"]
        rects = [tuple(rect) for rect in entry["wall_rects"]]
        if len(pixels) != 3 * width * height or not all(len(r) == 4 for r in rects):
            return None
        return width, height, pixels, rects
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store(name: str | None, width: int, height: int, pixels: bytes, wall_rects) -> None:
    """Keep a drawn floor, whole or not at all (a reader never sees half a file)."""
    if name is None:
        return
    head = json.dumps({"size": [width, height], "wall_rects": [list(r) for r in wall_rects]}).encode()
    try:
        _folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=_folder)
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(head + b"\n" + pixels)
        os.replace(temporary, _folder / name)
        kept = sorted(_folder.glob("floor-*.rgb"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in kept[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        Path(temporary).unlink(missing_ok=True)


def _drawing_code() -> bytes | None:
    """world.py's source, or its compiled code where there is no source (a frozen bundle ships none);
    None when neither can be read: then nothing is kept."""
    try:
        return Path(__file__).with_name("world.py").read_bytes()
    except OSError:
        pass
    try:
        import marshal

        spec = importlib.util.find_spec("simulator.world")
        return marshal.dumps(spec.loader.get_code("simulator.world"))
    except (AttributeError, ImportError, OSError, TypeError, ValueError):
        return None


def _pillow_version() -> bytes:
    """Pillow's version file, read without importing Pillow."""
    try:
        spec = importlib.util.find_spec("PIL")
        return (Path(spec.submodule_search_locations[0]) / "_version.py").read_bytes()
    except (AttributeError, ImportError, OSError, TypeError, IndexError):
        return b"?"
