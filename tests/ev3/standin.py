"""A stand-in brick: the real brick service under a real rpyc 4.1.5 (what `brick setup` installs on the
EV3), in a subprocess on 127.0.0.1, driving the real python-ev3dev2 on a fake sysfs tree.

rpyc 4.1.5 (and its plumbum) is pip-installed once into a cache folder, so the desktop side of a test
keeps the project's rpyc 5.3 while the brick side runs the old one, as in a classroom.
"""
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import platformdirs

try:
    from tests.fakebrick import PYTHON, FakeBrick
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from fakebrick import PYTHON, FakeBrick

from robolab.ev3.pairing import Pairing
from robolab.ev3.tls import make_certificate, pem_fingerprint

BRICK_RPYC = "4.1.5"
HERE = Path(__file__).resolve().parent
SERVICE = HERE.parents[1] / "robolab" / "ev3" / "brick" / "service.py"
BRICKSIDE = HERE / "brickside"  # sitecustomize.py: ev3dev2 on the fake tree
PROGRAMS = HERE / "programs"


def brick_rpyc_dir() -> Path:
    """A folder holding rpyc 4.1.5 and plumbum, installed from the package registry on first use."""
    target = Path(os.environ.get("ROBOLAB_TEST_CACHE") or platformdirs.user_cache_dir("robolab-tests"))
    folder = target / f"rpyc-{BRICK_RPYC}"
    if (folder / "rpyc" / "version.py").exists():
        return folder
    target.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="rpyc-", dir=target))
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-warn-conflicts",
         "--target", str(staging), f"rpyc=={BRICK_RPYC}"], capture_output=True, text=True)
    if result.returncode:
        shutil.rmtree(staging, ignore_errors=True)
        raise RuntimeError(f"could not install rpyc {BRICK_RPYC} for the stand-in brick:\n{result.stderr}")
    try:
        staging.rename(folder)
    except OSError:  # another test run got there first
        shutil.rmtree(staging, ignore_errors=True)
    return folder


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class StandInBrick:
    """The brick service in a subprocess; .fake is the FakeBrick whose files it drives."""

    def __init__(self, tmp_path: Path, name="test-brick", key="k3y-for-tests", service: Path = SERVICE):
        self.tmp = Path(tmp_path)
        self.fake = FakeBrick(self.tmp)
        self.name, self.key, self.service = name, key, service
        self.programs = self.tmp / "home" / "robot" / "robolab"
        self.port = free_port()
        self.config = self.tmp / "brick.json"
        self.config.write_text(json.dumps({
            "name": name, "key": key, "host": "127.0.0.1", "port": self.port, "robolab": "test",
            "programs": str(self.programs), "sys_class": str(self.fake.sys_class)}))
        self.log = self.tmp / "service.log"
        self.proc = None
        certificate, private_key = make_certificate(name)  # as `brick setup` makes them, beside brick.json
        (self.tmp / "brick.crt").write_bytes(certificate)
        (self.tmp / "brick.key").write_bytes(private_key)
        (self.tmp / "brick.key").chmod(0o600)
        self.fingerprint = pem_fingerprint(certificate)

    @property
    def pairing(self) -> Pairing:
        return Pairing(self.name, "127.0.0.1", self.port, self.key, self.fingerprint)

    def env(self) -> dict:
        path = os.pathsep.join([str(BRICKSIDE), str(brick_rpyc_dir())])
        return dict(os.environ, PYTHONPATH=path, ROBOLAB_TEST_SYS_CLASS=str(self.fake.sys_class),
                    PYTHONDONTWRITEBYTECODE="1")

    def start(self, timeout=30.0, open_files: int | None = None) -> "StandInBrick":
        """Start the service; `open_files` caps its file descriptors (as a small brick's would run out)."""
        def limit():
            if open_files:
                resource.setrlimit(resource.RLIMIT_NOFILE, (open_files, open_files))
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen([PYTHON, str(self.service), "--config", str(self.config)], stdout=log,
                                         stderr=subprocess.STDOUT, env=self.env(), start_new_session=True,
                                         preexec_fn=limit if open_files else None)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the brick service ended at once:\n{self.log.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"the brick service did not listen within {timeout} s:\n{self.log.read_text()}")

    def motor(self, port: str, attribute: str) -> str:
        return self.fake.attribute_path(port, attribute).read_text().strip()

    def signal(self, sig) -> None:
        self.proc.send_signal(sig)

    def close(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        self._end_orphan()

    def _end_orphan(self) -> None:
        """A program a killed service left behind (its process group is noted in .running) ends with the test."""
        try:
            pid = int((self.programs / ".running").read_text().split()[0])
            if str(self.tmp) in os.readlink(f"/proc/{pid}/cwd"):
                os.killpg(pid, signal.SIGKILL)
        except (OSError, ValueError, IndexError):
            pass
