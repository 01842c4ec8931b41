"""`robolab brick setup`: prepare a brick once (rpyc 4.1.5, the brick service, a systemd unit, a name, a
pairing key and a TLS certificate) and pair this computer with it, pinning the certificate.

Running it again is safe: it keeps the brick's key and certificate (so a second computer that runs it
is paired too), updates only what changed and restarts the service. A brick set up before it had a
certificate gets a new key with its certificate: the old key may have been overheard. The brick has no pip and maybe no internet, so the
rpyc 4.1.5 and plumbum wheels are fetched here (or given with --wheels) and unpacked there.
"""

import getpass
import json
import re
import secrets
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import platformdirs

from robolab import __version__
from robolab.ev3.brick import service as brick_service
from robolab.ev3.connection import BrickError, connect
from robolab.ev3.pairing import DEFAULT_PORT, NAME_PATTERN, Pairing, Pairings
from robolab.ev3.tls import make_certificate, pem_fingerprint

BRICK_RPYC = "4.1.5"
NEEDED_KB = 2048  # rpyc, plumbum and the service take about 1 MB unpacked
LIB, SERVICE, CONFIG, PROGRAMS = ".robolab/lib", ".robolab/service.py", ".robolab/brick.json", "robolab"
CERTIFICATE, PRIVATE_KEY = ".robolab/brick.crt", ".robolab/brick.key"  # where service.py looks, beside CONFIG
BRICK_FILES = ("service.py", "zygote.py")  # robolab/ev3/brick/ -> ~/.robolab/ on the brick
UNIT = """\
[Unit]
Description=RoboLab brick service: runs programs sent from RoboLab
After=network.target

[Service]
User={user}
Environment=PYTHONPATH={home}/{lib}
ExecStart=/usr/bin/python3 {home}/{service} --config {home}/{config}
Restart=always
RestartSec=3

[Install]
WantedBy=multi-user.target
"""


def brick_wheels(folder: str | None = None) -> list[Path]:
    """The rpyc 4.1.5 and plumbum wheels for the brick's Python 3.5: from `folder`, else downloaded once."""
    if folder:
        wheels = sorted(Path(folder).glob("*.whl"))
        if not any(w.name.startswith(f"rpyc-{BRICK_RPYC}-") for w in wheels):
            raise BrickError(f"{folder}: no rpyc-{BRICK_RPYC} wheel there (and plumbum's); get them with: "
                             f"pip download --only-binary=:all: --python-version 3.5 -d {folder} rpyc=={BRICK_RPYC}")
        return wheels
    cache = Path(platformdirs.user_cache_dir("robolab")) / f"brick-rpyc-{BRICK_RPYC}"
    wheels = sorted(cache.glob("*.whl"))
    if any(w.name.startswith("rpyc-") for w in wheels) and any(w.name.startswith("plumbum-") for w in wheels):
        return wheels
    result = subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
                             "--only-binary=:all:", "--python-version", "3.5", "--implementation", "py",
                             "--abi", "none", "--platform", "any", "-d", str(cache), f"rpyc=={BRICK_RPYC}"],
                            capture_output=True, text=True)
    if result.returncode:
        raise BrickError(f"could not download rpyc {BRICK_RPYC} for the brick (is this computer online?). On a "
                         f"computer that is: pip download --only-binary=:all: --python-version 3.5 -d WHEELS "
                         f"rpyc=={BRICK_RPYC}, then give --wheels WHEELS.\n{result.stderr.strip()}")
    return sorted(cache.glob("*.whl"))


def setup_brick(brick, host: str, name: str | None, user: str = "robot", port: int = DEFAULT_PORT,
                wheels: list[Path] | None = None, pairings: Pairings | None = None,
                say: Callable[[str], None] = print, wait: float = 120.0) -> Pairing:
    """Install or update everything on `brick` (an SSHBrick or FolderBrick); save and return the pairing."""
    facts = brick.facts()
    if not facts["ev3dev"]:
        raise BrickError(f"{host} is not an ev3dev brick (no 'ev3dev' in /etc/os-release); RoboLab needs ev3dev "
                         "stretch on the EV3, see https://www.ev3dev.org")
    if facts["python"] and tuple(facts["python"][:2]) < (3, 5):
        raise BrickError(f"{host} has Python {'.'.join(map(str, facts['python']))}; the brick service needs 3.5 or newer")
    old = _json(brick.read(CONFIG))
    name = name or old.get("name") or _default_name(facts.get("hostname"), host)
    if not NAME_PATTERN.match(name):
        raise BrickError(f"'{name}' cannot be a brick's name: use 1-32 letters, digits, - or _, e.g. group-3")
    pairings = pairings or Pairings()
    _same_brick(brick, host, name, pairings)
    installed = brick.installed_rpyc(LIB)
    here = Path(brick_service.__file__).parent
    files = {name: (here / name).read_bytes() for name in BRICK_FILES}
    needed_kb = (NEEDED_KB if installed != BRICK_RPYC else 0) + sum(map(len, files.values())) // 1024 + 64
    if facts["free_kb"] is not None and facts["free_kb"] < needed_kb:
        raise BrickError(f"{host} has only {facts['free_kb']} KB free, and setup needs about {needed_kb} KB: delete "
                         "some files on the brick (or use a larger SD card)")
    if installed != BRICK_RPYC:
        say(f"installing rpyc {BRICK_RPYC} on {host}" + (f" (it had {installed})" if installed else ""))
        for wheel in wheels if wheels is not None else brick_wheels():
            brick.write(f".robolab/wheels/{wheel.name}", wheel.read_bytes())
            brick.extract(f".robolab/wheels/{wheel.name}", LIB)
    certificate, fresh = _certificate(brick, name)
    key = (not fresh and old.get("key")) or secrets.token_urlsafe(24)  # a new certificate: a new key with it
    config = dict(old, name=name, key=key, port=port,
                  programs=f"{_home(brick)}/{PROGRAMS}", robolab=__version__)  # other settings kept
    config.pop("certfile", None), config.pop("keyfile", None)  # always beside brick.json
    changed = installed != BRICK_RPYC or fresh
    stale = [file for file, data in files.items() if brick.read(f".robolab/{file}") != data]
    if stale:
        say(f"installing the RoboLab brick service {brick_service.SERVICE_VERSION}")
        for file in stale:
            brick.write(f".robolab/{file}", files[file], 0o755)
        changed = True
    if old != config:
        brick.write(CONFIG, (json.dumps(config, indent=2) + "\n").encode(), 0o600)
        changed = True
    unit = UNIT.format(user=user, home=_home(brick), lib=LIB, service=SERVICE, config=CONFIG)
    pairing = Pairing(name, host, port, config["key"], pem_fingerprint(certificate))
    if changed or not _answers(pairing):
        say("starting the service (it starts by itself whenever the brick boots)")
        brick.install_service(unit)
    _wait_for(pairing, wait)
    pairings.save(pairing)
    say(f"brick '{name}' at {host} is ready and paired with this computer; try: robolab push PROGRAM.rlab "
        f"--brick {name} --run")
    return pairing


def setup_command(args) -> int:
    """The `robolab brick setup HOST` command: SSH in (robot/maker unless told), set up, pair."""
    from robolab.ev3.brick_files import SSHBrick

    password = args.password
    try:
        try:
            brick = SSHBrick(args.host, args.user, password or "maker")
        except BrickError as error:
            if password or "wrong password" not in str(error) or not sys.stdin.isatty():
                raise
            password = getpass.getpass(f"password for {args.user}@{args.host}: ")
            brick = SSHBrick(args.host, args.user, password)
        try:
            setup_brick(brick, args.host, args.name, args.user, args.port or DEFAULT_PORT,
                        brick_wheels(args.wheels) if args.wheels else None)
        finally:
            brick.close()
    except BrickError as error:
        print(f"robolab brick setup: {error}", file=sys.stderr)
        return 1
    return 0


def _same_brick(brick, host: str, name: str, pairings: Pairings) -> None:
    """As ssh refuses a host whose key has changed: a brick this computer pinned a certificate for must
    still have that certificate, or setting it up would pair this computer with whatever answers now."""
    try:
        known = next((p for p in pairings.all() if p.name == name and p.fingerprint), None)
    except ValueError as error:
        raise BrickError(str(error)) from None
    if known is None:
        return
    pem = brick.read(CERTIFICATE)
    try:
        now = pem_fingerprint(pem) if pem else None
    except ValueError:
        now = None
    if now != known.fingerprint:
        raise BrickError(f"{host} is not the brick '{name}' this computer was paired with: its certificate "
                         f"{'is another' if now else 'is missing'}, so nothing was changed there. If the brick was "
                         f"re-flashed or set up from scratch, unpair it first (robolab brick forget {name}), then "
                         f"set it up again; if not, something else answers at {host}: tell your tutor")


def _certificate(brick, name: str) -> tuple[bytes, bool]:
    """The brick's certificate (PEM), and whether it is new: made here and sent over SSH when the brick
    has none, or a damaged one. Its private key is written 0600 and never leaves the brick again."""
    pem = brick.read(CERTIFICATE)
    if pem and brick.read(PRIVATE_KEY):
        try:
            pem_fingerprint(pem)
            return pem, False
        except ValueError:
            pass
    pem, private_key = make_certificate(name)
    brick.write(PRIVATE_KEY, private_key, 0o600)
    brick.write(CERTIFICATE, pem, 0o644)
    return pem, True


def _home(brick) -> str:
    return str(brick.home)


def _json(data: bytes | None) -> dict:
    try:
        value = json.loads(data or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _default_name(hostname: str | None, host: str) -> str:
    """The brick's host name, unless it is ev3dev's default that every brick has; else HOST's first part."""
    if hostname and hostname != "ev3dev" and NAME_PATTERN.match(hostname):
        return hostname
    first = re.sub(r"[^A-Za-z0-9_-]", "-", host.split(".")[0] if not host[:1].isdigit() else host)
    return first[:32] or "ev3"


def _answers(pairing: Pairing) -> bool:
    try:
        connect(pairing, timeout=3).close()
        return True
    except BrickError:
        return False


def _wait_for(pairing: Pairing, seconds: float) -> None:
    """The service takes a while to start on the brick; wait until it answers with the new key."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            connect(pairing, timeout=3).close()
            return
        except BrickError as error:
            if time.monotonic() > deadline:
                raise BrickError(f"the service was installed on {pairing.host}, but does not answer after "
                                 f"{seconds:g} s: {error}") from None
            time.sleep(0.5)
