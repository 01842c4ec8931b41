"""Which bricks this computer is paired with (name, host, port, key, certificate fingerprint), kept in
the user's config folder.

A classroom has a dozen bricks on one Wi-Fi: the key a brick was given at setup is what stops one
group from driving another group's robot, and the pinned certificate is what stops anything else on
the network from posing as the brick.
"""

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import platformdirs

from robolab.files import write_atomic

DEFAULT_PORT = 18817  # the brick service's port (robolab/ev3/brick/service.py)
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


@dataclass(frozen=True)
class Pairing:
    """A brick to connect to; key is "" when this computer is not paired with it, fingerprint (its
    certificate's, "sha256:...") is "" when it was paired before bricks had certificates."""

    name: str
    host: str
    port: int = DEFAULT_PORT
    key: str = ""
    fingerprint: str = ""

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def label(self) -> str:
        return self.name if self.name == self.host else f"{self.name} ({self.address})"


def default_file() -> Path:
    return Path(platformdirs.user_config_dir("robolab")) / "bricks.json"


class Pairings:
    """The paired bricks, read from and saved to one JSON file."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else default_file()

    def all(self) -> list[Pairing]:
        try:
            entries = json.loads(self.path.read_text(encoding="utf-8"))["bricks"]
            return [Pairing(e["name"], e["host"], int(e.get("port", DEFAULT_PORT)), e.get("key", ""),
                            e.get("fingerprint", "")) for e in entries]
        except FileNotFoundError:
            return []
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise ValueError(f"{self.path}: the list of paired bricks cannot be read ({error}); "
                             "fix or delete it, then pair again with robolab brick setup") from None

    def save(self, pairing: Pairing) -> None:
        """Add or replace (by name, and any other entry for the same address)."""
        kept = [p for p in self.all() if p.name != pairing.name and p.address != pairing.address]
        self._write(kept + [pairing])

    def remove(self, name: str) -> bool:
        bricks = self.all()
        kept = [p for p in bricks if p.name != name]
        self._write(kept)
        return len(kept) != len(bricks)

    def _write(self, bricks: list[Pairing]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"bricks": [asdict(p) for p in sorted(bricks, key=lambda p: p.name)]}, indent=2)
        write_atomic(self.path, text + "\n", mode=0o600)  # the keys are the only secret here

    def resolve(self, spec: str) -> Pairing:
        """--brick NAME | HOST | HOST:PORT -> the pairing, or an unpaired address (key "")."""
        spec = spec.strip()
        bricks = self.all()
        for pairing in bricks:
            if pairing.name == spec:
                return pairing
        host, port = split_address(spec)
        for pairing in bricks:
            if pairing.host == host and pairing.port == port:
                return pairing
        return Pairing(spec, host, port)


def split_address(spec: str) -> tuple[str, int]:
    """"HOST", "HOST:PORT", "[::1]:PORT" -> (host, port); ValueError for a bad port."""
    host, port = spec, DEFAULT_PORT
    if spec.startswith("["):
        host, _, rest = spec[1:].partition("]")
        if rest.startswith(":"):
            port = _port(rest[1:], spec)
    elif spec.count(":") == 1:
        host, text = spec.split(":")
        port = _port(text, spec)
    if not host:
        raise ValueError(f"'{spec}' names no brick or host")
    return host, port


def _port(text: str, spec: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ValueError(f"'{spec}': the port must be a number from 1 to 65535")
    return int(text)
