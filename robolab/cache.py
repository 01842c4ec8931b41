"""RoboLab's cache folder: what is worth keeping between runs and can always be made again (the
grammar's parse tables, compiled programs).

It is platformdirs' user cache folder, or $ROBOLAB_CACHE_DIR when set (the tests point it at a
temporary folder). A cache that cannot be read or written is no cache: nothing fails for it.
"""

import hashlib
import os
import tempfile
from pathlib import Path

ENV = "ROBOLAB_CACHE_DIR"


def cache_dir() -> Path:
    chosen = os.environ.get(ENV)
    if chosen:
        return Path(chosen)
    import platformdirs  # only when the cache is used

    return Path(platformdirs.user_cache_dir("robolab"))


def cache_file(name: str) -> Path:
    """A file in the cache folder (the folder is made when missing)."""
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass
    return folder / name


def key(*parts) -> str:
    """A short hash naming what `parts` (strings or bytes) make."""
    digest = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else str(part).encode("utf-8")
        digest.update(len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()[:32]


def read_bytes(name: str) -> bytes | None:
    try:
        return (cache_dir() / name).read_bytes()
    except OSError:
        return None


def write_bytes(name: str, data: bytes) -> None:
    """Write whole or not at all (a reader never sees half a file); errors are ignored."""
    path = cache_file(name)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)


def prune(pattern: str, keep: int) -> None:
    """Keep the `keep` most recently written files matching `pattern`; delete the others."""
    try:
        files = sorted(cache_dir().glob(pattern), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in files[keep:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass
