"""Reading and writing users' files safely: saves are atomic, reads give a clear error."""

import os
import tempfile
from pathlib import Path

from robolab.errors import Problem, RobolabError


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


def write_atomic(path: str | Path, text: str, executable: bool = False) -> None:
    """Write via a temporary file, fsync and rename: the old file stays whole if anything fails."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o755 if executable else 0o644)
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
