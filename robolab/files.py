"""Reading and writing users' files safely: saves are atomic, keep the file what it was (a link
stays a link, its permissions stay), and reads give a clear error."""

import hashlib
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from robolab.errors import Problem, RobolabError

NEW_FILE_MODE = 0o644


def read_text(path: str | Path) -> str:
    """A file's text, or RobolabError saying why it cannot be read."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RobolabError([Problem("no such file", str(path))]) from None
    except UnicodeDecodeError as error:
        raise RobolabError([Problem(f"not a text file (byte {error.start} is not UTF-8)", str(path))]) from None
    except OSError as error:
        raise RobolabError([Problem(f"cannot read: {error.strerror}", str(path))]) from None


def check_writable(path: str | Path, suggested: str = "out") -> None:
    """RobolabError in one line when a file cannot be written at `path` (a folder is there, or the
    folder it would go in does not exist), before any work is done to make it."""
    path = Path(path)
    if path.is_dir():
        raise RobolabError([Problem(f"is a folder; name the file to write in it, such as {path / suggested}",
                                    str(path))])
    if not path.parent.is_dir():
        why = "is not a folder" if path.parent.exists() else "does not exist"
        raise RobolabError([Problem(f"cannot write here: the folder {path.parent} {why}", str(path))])


def write_atomic(path: str | Path, text: str, executable: bool = False, mode: int | None = None) -> None:
    """Write via a temporary file, fsync and rename: the old file stays whole if anything fails.

    A symbolic link is written through (its target gets the text, the link stays). The file keeps
    its permissions; a new one gets `mode` (0o644, or 0o755 when executable). The temporary file
    has its final mode before any text is in it, so a file of secrets (mode=0o600) is never
    readable by others, not even for a moment.
    """
    path = Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)
    if mode is None:
        mode = _existing_mode(path)
        if mode is None:
            mode = 0o755 if executable else NEW_FILE_MODE
        elif executable:
            mode |= (mode & 0o444) >> 2  # executable by whoever may read it
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(handle, mode)
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if not hasattr(os, "fchmod"):
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    if hasattr(os, "O_DIRECTORY"):
        directory = os.open(path.parent, os.O_DIRECTORY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


def _existing_mode(path: Path) -> int | None:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return None


@dataclass(frozen=True)
class DiskState:
    """What a file held when it was read or written, to notice another program changing it since."""

    modified_ns: int
    size: int
    digest: str


def disk_state(path: str | Path) -> DiskState | None:
    """The file's state now; None when it cannot be read (gone, say)."""
    try:
        data = Path(path).read_bytes()
        info = Path(path).stat()
    except OSError:
        return None
    return DiskState(info.st_mtime_ns, len(data), hashlib.sha256(data).hexdigest())


def changed_on_disk(path: str | Path, known: DiskState | None) -> bool:
    """True when the file now holds something other than what it held in `known`. A file only
    touched (same content, new time) has not changed; a file that is gone has nothing to lose."""
    if known is None:
        return False
    try:
        info = Path(path).stat()
    except OSError:
        return False
    if (info.st_mtime_ns, info.st_size) == (known.modified_ns, known.size):
        return False
    now = disk_state(path)
    return now is not None and now.digest != known.digest
