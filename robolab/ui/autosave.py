"""Autosave: unsaved work is copied to the user's state folder, so a crash loses at most 30 s.

Each running RoboLab writes its own file (named by process id and start time, so no later
process overwrites it); a clean exit removes it. A file
whose process is gone was left by a crash, and the next start offers to recover it. A process id
can be taken again by another program (after a reboot, say), so the file also records when its
process started, where the system says. Plain Python.
"""

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from robolab.files import read_text, write_atomic

INTERVAL_MS = 30_000


def state_dir() -> Path:
    from platformdirs import user_state_dir

    return Path(user_state_dir("robolab", appauthor=False))


@dataclass(frozen=True)
class Recovery:
    """Work left behind by a RoboLab that did not exit cleanly."""

    file: Path
    text: str
    original: str  # the file it was opened from, or ""
    saved_at: float

    def describe(self) -> str:
        when = time.strftime("%d %b %Y at %H:%M", time.localtime(self.saved_at))
        name = Path(self.original).name if self.original else "an unsaved program"
        return f"{name}, autosaved {when}"


class Autosave:
    def __init__(self, folder: Path | None = None, pid: int | None = None):
        self.folder = Path(folder) if folder else state_dir() / "autosave"
        self.pid = pid or os.getpid()
        self.session = f"{self.pid}-{time.time_ns() // 1_000_000}"

    @property
    def file(self) -> Path:
        return self.folder / f"autosave-{self.session}.rlab"

    def _meta(self, file: Path) -> Path:
        return file.with_suffix(".json")

    def write(self, text: str, original: str = "") -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(self.file, text)
        write_atomic(self._meta(self.file), json.dumps({"original": original, "saved_at": time.time(),
                                                        "started": _started(self.pid)}))

    def discard(self, file: Path | None = None) -> None:
        file = file or self.file
        file.unlink(missing_ok=True)
        self._meta(file).unlink(missing_ok=True)

    def orphans(self) -> list[Recovery]:
        """Autosaves of RoboLabs that are no longer running, newest first."""
        found = []
        for file in sorted(self.folder.glob("autosave-*.rlab")) if self.folder.is_dir() else []:
            if file == self.file:
                continue
            try:
                pid = int(file.stem.split("-")[1])
            except (ValueError, IndexError):
                continue
            try:
                meta = json.loads(self._meta(file).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                meta = {}
            if not isinstance(meta, dict):
                meta = {}
            if _running(pid, meta.get("started")):
                continue
            try:
                text = read_text(file)
            except Exception:  # noqa: BLE001 - an unreadable leftover is skipped, not fatal
                continue
            found.append(Recovery(file, text, str(meta.get("original", "")),
                                  float(meta.get("saved_at", file.stat().st_mtime))))
        return sorted(found, key=lambda r: -r.saved_at)


def _running(pid: int, started: str | None = None) -> bool:
    """Is the RoboLab with this process id (which started at `started`, when known) still running?"""
    now = _started(pid)
    if started and now and now != started:
        return False  # another program has that process id now
    if os.name == "nt":
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)
        if handle:
            ctypes.windll.kernel32.CloseHandle(handle)
        return bool(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _started(pid: int) -> str | None:
    """When a process started, as this boot's id and its start tick (Linux); None elsewhere."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        stat = Path(f"/proc/{pid}/stat").read_text()
        return f"{boot}:{stat[stat.rindex(')') + 2:].split()[19]}"
    except (OSError, ValueError, IndexError):
        return None
