"""Where packs live: the ones shipped with RoboLab, plus any folders or files the user names."""

from pathlib import Path

from robolab.errors import Problem, RobolabError
from robolab.palette.check import check_pack
from robolab.palette.loader import read_pack
from robolab.palette.model import Pack
from robolab.shipped import pack_files, pack_places


def check_pack_file(path: str | Path) -> tuple[Pack | None, list[Problem]]:
    """Load and check one pack file: the pack (when readable) and every problem found."""
    pack, reader = read_pack(path)
    problems = list(reader.problems)
    if pack is not None:
        problems += check_pack(pack, reader)
    return pack, sorted(problems, key=lambda p: (p.line, p.message))


def load_pack(path: str | Path) -> Pack:
    """A checked pack, or RobolabError naming every problem."""
    pack, problems = check_pack_file(path)
    if problems:
        raise RobolabError(problems)
    return pack


class PackLibrary:
    """Finds packs by id, searching extra places first, then the shipped packs; caches them."""

    def __init__(self, extra: list[str | Path] = ()):
        self.places = pack_places(extra)
        self._cache: dict[Path, Pack] = {}

    @property
    def extra(self) -> list[Path]:
        """The places named besides the shipped packs (by --palette or the window's pack manager)."""
        return self.places[:-1]

    def add_place(self, place: str | Path) -> None:
        """Search a pack file or folder too (before the shipped packs)."""
        path = Path(place)
        if path not in self.places:
            self.places.insert(len(self.places) - 1, path)

    def remove_place(self, place: str | Path) -> None:
        path = Path(place)
        if path in self.extra:
            self.places.remove(path)
            self._cache.clear()

    def files(self) -> list[Path]:
        return pack_files(self.places)

    def load(self, path: Path) -> Pack:
        path = path.resolve()
        if path not in self._cache:
            self._cache[path] = load_pack(path)
        return self._cache[path]

    def find(self, pack_id: str) -> Pack | None:
        """The first pack with this id (a file named ID.toml is tried before reading others)."""
        files = self.files()
        named = [f for f in files if f.stem == pack_id]
        for path in named + [f for f in files if f not in named]:
            try:
                pack = self.load(path)
            except RobolabError:
                if path.stem == pack_id:
                    raise
                continue
            if pack.id == pack_id:
                return pack
        return None

    def ids(self) -> list[str]:
        return sorted({f.stem for f in self.files()})
