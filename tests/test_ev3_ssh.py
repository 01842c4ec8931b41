"""`brick setup`'s SSH side against Debian's real OpenSSH server on 127.0.0.1 (.ci/run installs it; these
tests skip where it is missing or we are not root). The host is Debian, not ev3dev, which setup must see."""
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import paramiko
import pytest

from robolab.ev3.brick_files import SSHBrick
from robolab.ev3.connection import BrickError
from robolab.ev3.mode import EV3Mode
from robolab.ev3.pairing import Pairings
from robolab.ev3.setup import BRICK_RPYC, brick_wheels, setup_brick
from robolab.ev3.tls import pem_fingerprint

try:
    from tests.ev3.standin import free_port
except ImportError:
    from ev3.standin import free_port

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
# systemctl's stand-in logs its arguments; `restart` starts the unit's ExecStart (with its Environment=)
# in the background, as systemd would, ending the one it started before.
SYSTEMCTL = """#!/bin/sh
here="$(dirname "$0")/.."
echo "$@" >> "$here/systemctl.log"
if [ "$1" = restart ] && [ -e "$ROBOLAB_TEST_UNIT" ]; then
  [ -e "$here/service.pid" ] && kill "$(cat "$here/service.pid")" 2>/dev/null && sleep 1
  env $(sed -n 's/^Environment=//p' "$ROBOLAB_TEST_UNIT") setsid $(sed -n 's/^ExecStart=//p' "$ROBOLAB_TEST_UNIT") \\
    > "$here/service.log" 2>&1 < /dev/null &
  echo $! > "$here/service.pid"
fi
"""
pytestmark = pytest.mark.skipif(not (os.path.exists(SSHD) and hasattr(os, "geteuid") and os.geteuid() == 0),
                                reason="needs Debian's openssh-server and root (CI installs it in .ci/run)")


@pytest.fixture(scope="module")
def sshd(tmp_path_factory):
    """An sshd of our own on a free port: root logs in with a key made here; passwords are checked (and,
    root's being locked, always wrong)."""
    folder = tmp_path_factory.mktemp("sshd")
    os.chmod(folder, 0o755)
    host_key, client_key = folder / "host_rsa", folder / "client_rsa"
    paramiko.RSAKey.generate(2048).write_private_key_file(str(host_key))
    key = paramiko.RSAKey.generate(2048)
    key.write_private_key_file(str(client_key))
    (folder / "authorized_keys").write_text(f"{key.get_name()} {key.get_base64()}\n")
    port = free_port()
    bin_ = folder / "bin"  # sudo and systemctl stand-ins, first on the session's PATH
    bin_.mkdir()
    (bin_ / "sudo").write_text(
        "#!/bin/sh\nread password\necho \"$password\" >> \"$(dirname \"$0\")/../sudo.log\"\n"
        "while [ \"${1#-}\" != \"$1\" ]; do [ \"$1\" = -p ] && shift; shift; done\nexec \"$@\"\n")
    (bin_ / "systemctl").write_text(SYSTEMCTL)
    (bin_ / "cat").write_text(  # this Debian passes for ev3dev while the flag file is there
        "#!/bin/sh\nif [ \"$1\" = /etc/os-release ] && [ -e \"$(dirname \"$0\")/../pretend-ev3dev\" ]; then\n"
        "  printf 'PRETTY_NAME=\"ev3dev 10 (stretch)\"\\nID=ev3dev\\n'; exit 0\nfi\nexec /bin/cat \"$@\"\n")
    for tool in bin_.iterdir():
        tool.chmod(0o755)
    (folder / "sshd_config").write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {host_key}\nPidFile {folder / 'sshd.pid'}\n"
        f"AuthorizedKeysFile {folder / 'authorized_keys'}\nStrictModes no\nPermitRootLogin yes\n"
        "PasswordAuthentication yes\nKbdInteractiveAuthentication no\nUsePAM no\n"
        f"Subsystem sftp internal-sftp\nSetEnv PATH={bin_}:/usr/bin:/bin ROBOLAB_TEST_UNIT={folder / 'unit'}\n")
    Path("/run/sshd").mkdir(exist_ok=True)  # its privilege-separation folder
    proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(folder / "sshd_config")], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            paramiko.Transport(("127.0.0.1", port)).close()
            break
        except (OSError, paramiko.SSHException):
            if proc.poll() is not None:
                pytest.fail(f"sshd did not start: {proc.stderr.read().decode()}")
            time.sleep(0.1)
    home = folder / "home"
    home.mkdir()
    yield port, str(client_key), str(home)  # the tools' logs are in home's parent
    proc.terminate()
    proc.wait(10)
    service = folder / "service.pid"
    if service.exists():
        try:
            os.killpg(int(service.read_text()), signal.SIGTERM)
        except (OSError, ValueError):
            pass


def test_a_wrong_password_is_named(sshd):
    port, _, _ = sshd
    with pytest.raises(BrickError, match="root@127.0.0.1: wrong password"):
        SSHBrick("127.0.0.1", "root", "maker", port=port, timeout=10)


def test_a_computer_that_is_not_ev3dev_is_refused(sshd, tmp_path):
    port, key, home = sshd
    brick = SSHBrick("127.0.0.1", "root", port=port, key_filename=key, home=home)
    try:
        facts = brick.facts()
        assert facts["free_kb"] > 0 and facts["python"] >= (3, 5)
        with pytest.raises(BrickError, match="is not an ev3dev brick"):
            setup_brick(brick, "127.0.0.1", "x", wheels=[], say=lambda _: None)
    finally:
        brick.close()


def test_files_and_wheels_go_over_sftp(sshd):
    port, key, home = sshd
    brick = SSHBrick("127.0.0.1", "root", port=port, key_filename=key, home=home)
    try:
        brick.write(".robolab/brick.json", b'{"name": "x"}', 0o600)
        assert brick.read(".robolab/brick.json") == b'{"name": "x"}'
        assert os.stat(Path(home) / ".robolab/brick.json").st_mode & 0o777 == 0o600
        assert brick.read(".robolab/none.json") is None
        assert brick.installed_rpyc(".robolab/lib") is None
        for wheel in brick_wheels():
            brick.write(f".robolab/wheels/{wheel.name}", wheel.read_bytes())
            brick.extract(f".robolab/wheels/{wheel.name}", ".robolab/lib")
        assert brick.installed_rpyc(".robolab/lib") == BRICK_RPYC  # imported by the host's python3 there
    finally:
        brick.close()


def test_the_service_is_installed_with_sudo_and_systemctl(sshd):
    port, key, home = sshd
    unit_path = Path(home).parent / "other.service"
    brick = SSHBrick("127.0.0.1", "root", "the-password", port=port, key_filename=key, home=home,
                     unit_path=str(unit_path))
    try:
        brick.install_service("[Unit]\nDescription=test\n")
    finally:
        brick.close()
    folder = Path(home).parent
    assert unit_path.read_text() == "[Unit]\nDescription=test\n"
    assert (folder / "sudo.log").read_text().splitlines()[-1] == "the-password"
    assert (folder / "systemctl.log").read_text().splitlines()[-3:] == [
        "daemon-reload", "enable robolab-brick", "restart robolab-brick"]


def test_setup_over_ssh_installs_everything_and_the_service_answers(sshd, tmp_path, library):
    port, key, home = sshd
    folder = Path(home).parent
    (folder / "pretend-ev3dev").touch()
    brick = SSHBrick("127.0.0.1", "root", "pw", port=port, key_filename=key, home=home,
                     unit_path=str(folder / "unit"))
    pairings, said = Pairings(tmp_path / "bricks.json"), []
    try:
        pairing = setup_brick(brick, "127.0.0.1", "group-5", user="root", port=free_port(), wheels=brick_wheels(),
                              pairings=pairings, say=said.append, wait=60)
    finally:
        brick.close()
        (folder / "pretend-ev3dev").unlink()
    assert "User=root" in (folder / "unit").read_text()
    assert pairings.resolve("group-5") == pairing
    assert os.stat(Path(home) / ".robolab/brick.key").st_mode & 0o777 == 0o600  # the key, sent over SFTP
    assert pairing.fingerprint == pem_fingerprint((Path(home) / ".robolab/brick.crt").read_bytes())
    mode = EV3Mode(pairings)
    try:
        status = mode.connect("group-5")  # the service systemd (here, its stand-in) started from the unit
    finally:
        mode.disconnect()
    assert status["name"] == "group-5" and status["versions"]["rpyc"] == BRICK_RPYC
    assert any("ready and paired" in line for line in said)
