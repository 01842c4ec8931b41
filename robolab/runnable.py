"""A program compiled for a headless run, kept in the cache folder: running it again neither
parses nor compiles it again (reading and compiling the language was half of `robolab run`'s
start-up).

The cache entry is named by the program's text and name, every palette pack file that could
be its pack (their paths and contents), and RoboLab's version together with the sizes and times
of the language's own source files (so an edited compiler never gets yesterday's output). Only
programs that compile are kept; JSON, not pickle: a cache file is data, never code.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from robolab import __version__, cache
from robolab.shipped import pack_files, pack_places

KEEP = 200          # compiled programs kept (the oldest go first)
_SOURCES = ("language", "model", "palette")   # what compiling a program depends on, beside the packs


@dataclass
class Runnable:
    """What a run needs of a compiled program."""

    source: str          # the Python
    world: str           # the world its header names ("" when it names none)
    places: list         # places[n - 1]: (line, column) in the program of the block line n came from, or None

    @classmethod
    def compile(cls, text: str, library, file: str) -> "Runnable":
        """Parse and compile program text (RobolabError naming every problem)."""
        from robolab.language import compile_program, parse_program

        program, pack = parse_program(text, library, file)
        compiled = compile_program(program, pack, name=Path(file).stem)
        places = []
        for origin in compiled.origins:
            block = program.block_at(origin) if origin else None
            places.append((block.line, block.column) if block is not None else None)
        return cls(compiled.source, program.world, places)

    def place(self, python_line: int | None) -> tuple[int, int] | None:
        """(line, column) of the block a line of the Python belongs to, or None."""
        if python_line and 0 < python_line <= len(self.places):
            return self.places[python_line - 1]
        return None

    def line_of(self, python_line: int | None) -> int | None:
        place = self.place(python_line)
        return place[0] if place else None


def runnable(file: str, text: str, library) -> Runnable:
    """The program in `text` (read from `file`) compiled, from the cache when it is there.
    library: a PackLibrary, or the extra pack places to make one from (made only when the
    program must be compiled)."""
    packs = library.files() if hasattr(library, "files") else pack_files(pack_places(library))
    name = f"compiled-{_key(file, text, packs)}.json"
    cached = _load(cache.read_bytes(name))
    if cached is not None:
        return cached
    if not hasattr(library, "files"):
        from robolab.palette import PackLibrary

        library = PackLibrary(library)
    compiled = Runnable.compile(text, library, file)
    data = {"source": compiled.source, "world": compiled.world, "places": compiled.places}
    cache.write_bytes(name, json.dumps(data).encode("utf-8"))
    cache.prune("compiled-*.json", KEEP)
    return compiled


def _key(file: str, text: str, packs: list[Path]) -> str:
    parts = [__version__, Path(file).stem, text]
    for pack in packs:
        try:
            parts += [str(pack), pack.read_bytes()]
        except OSError:
            parts += [str(pack), "unreadable"]
    package = Path(__file__).resolve().parent
    for folder in _SOURCES:
        for source in sorted((package / folder).glob("*.*")):
            stat = source.stat()
            parts.append(f"{source.name} {stat.st_size} {stat.st_mtime_ns}")
    return cache.key(*parts)


def _load(data: bytes | None) -> Runnable | None:
    """A cache entry as a Runnable; None when missing or not one (a damaged file is a miss)."""
    if data is None:
        return None
    try:
        entry = json.loads(data)
        places = [tuple(p) if p is not None else None for p in entry["places"]]
        if not (isinstance(entry["source"], str) and isinstance(entry["world"], str)):
            return None
        if not all(p is None or (len(p) == 2 and all(isinstance(n, int) for n in p)) for p in places):
            return None
        return Runnable(entry["source"], entry["world"], places)
    except (ValueError, KeyError, TypeError):
        return None
