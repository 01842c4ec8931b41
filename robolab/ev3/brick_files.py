"""Where `brick setup` puts things on a brick, reached over SSH (SSHBrick) or, for tests and for trying
RoboLab without a robot, a local folder standing in for the brick's file system (FolderBrick).

Both offer the same few operations, so setup.py is one procedure whatever the brick is.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path, PurePosixPath

from robolab.ev3.connection import BrickError

UNIT_PATH = "/etc/systemd/system/robolab-brick.service"


class SSHBrick:
    """A real brick (ev3dev) over SSH with paramiko; paths are relative to the user's home."""

    def __init__(self, host: str, user: str = "robot", password: str | None = None, port: int = 22,
                 timeout: float = 10.0, key_filename: str | None = None, home: str | None = None,
                 unit_path: str = UNIT_PATH):
        import paramiko  # only `brick setup` needs SSH

        self.host, self.user, self.password, self.unit_path = host, user, password, unit_path
        self.python = "python3"
        self.client = paramiko.SSHClient()
        self.client.load_system_host_keys()
        self.client.set_missing_host_key_policy(paramiko.AutoAddPolicy())  # a brick is trusted on first use
        try:
            self.client.connect(host, port=port, username=user, password=password, timeout=timeout,
                                key_filename=key_filename, allow_agent=False, look_for_keys=False,
                                banner_timeout=timeout, auth_timeout=timeout)
        except paramiko.AuthenticationException:
            raise BrickError(f"{user}@{host}: wrong password (ev3dev's default is 'maker'); give it with --password") from None
        except socket.gaierror:
            raise BrickError(f"host '{host}' not found: check the brick's address on its screen (top line)") from None
        except paramiko.ssh_exception.NoValidConnectionsError:
            raise BrickError(f"{host} answers, but not to SSH on port {port}: is it an ev3dev brick?") from None
        except (TimeoutError, socket.timeout):
            raise BrickError(f"{host} does not answer (waited {timeout:g} s): is it on and on this network?") from None
        except (OSError, paramiko.SSHException) as error:
            raise BrickError(f"cannot reach {host} over SSH: {error}") from None
        self.sftp = self.client.open_sftp()
        self.home = home or self.sftp.normalize(".")

    def _path(self, rel: str) -> str:
        return str(PurePosixPath(self.home) / rel)

    def run(self, command: str, timeout: float = 120.0, stdin: bytes = b"") -> tuple[int, str, str]:
        stdin_file, stdout, stderr = self.client.exec_command(command, timeout=timeout)
        if stdin:
            stdin_file.write(stdin)
        stdin_file.channel.shutdown_write()
        out, err = stdout.read().decode("utf-8", "replace"), stderr.read().decode("utf-8", "replace")
        return stdout.channel.recv_exit_status(), out, err

    def read(self, rel: str) -> bytes | None:
        try:
            with self.sftp.open(self._path(rel), "rb") as f:
                return f.read()
        except OSError:
            return None

    def write(self, rel: str, data: bytes, mode: int = 0o644) -> None:
        path = self._path(rel)
        self.run(f"mkdir -p '{PurePosixPath(path).parent}'")
        with self.sftp.open(path + ".part", "wb") as f:
            f.chmod(mode)  # before any data: a key is never readable by others, even for a moment
            f.write(data)
        self.sftp.posix_rename(path + ".part", path)

    def facts(self) -> dict:
        code, out, _ = self.run(f"cat /etc/os-release; uname -r; hostname; df -Pk '{self.home}' | tail -1; "
                                "python3 -c 'import sys; print(\"python\", *sys.version_info[:3])'")
        return _parse_facts(out)

    def extract(self, rel_wheel: str, rel_dir: str) -> None:
        code, _, err = self.run(f"python3 -m zipfile -e '{self._path(rel_wheel)}' '{self._path(rel_dir)}'")
        if code:
            raise BrickError(f"{self.host}: could not unpack {rel_wheel}: {err.strip()}")

    def installed_rpyc(self, rel_lib: str) -> str | None:
        code, out, _ = self.run(f"PYTHONPATH='{self._path(rel_lib)}' python3 -c "
                                "'from rpyc.version import version_string; print(version_string)'")
        return out.strip() if code == 0 else None

    def install_service(self, unit: str) -> None:
        """Install the systemd unit with sudo (the SSH password), enable it and (re)start it."""
        self.write(".robolab/robolab-brick.service", unit.encode())
        script = (f"sudo -S -p '' sh -c 'install -m 644 {self._path('.robolab/robolab-brick.service')} {self.unit_path} && "
                  "systemctl daemon-reload && systemctl enable robolab-brick >/dev/null 2>&1 && "
                  "systemctl restart robolab-brick'")
        code, _, err = self.run(script, stdin=((self.password or "") + "\n").encode())  # only the password
        if code:
            raise BrickError(f"{self.host}: could not install the service with sudo: {err.strip() or code}")

    def close(self) -> None:
        self.client.close()


class FolderBrick:
    """A folder standing in for a brick: root/home/robot is its home, and its service runs here as a
    subprocess under the Python running RoboLab (with the rpyc 4.1.5 that setup unpacked)."""

    def __init__(self, root: Path, env: dict | None = None):
        self.root = Path(root)
        self.host = "127.0.0.1"
        self.home = self.root / "home" / "robot"
        self.home.mkdir(parents=True, exist_ok=True)
        self.env = env or {}
        self.pid_file = self.root / "run" / "robolab-brick.pid"

    def read(self, rel: str) -> bytes | None:
        path = self.home / rel
        return path.read_bytes() if path.is_file() else None

    def write(self, rel: str, data: bytes, mode: int = 0o644) -> None:
        path = self.home / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_name(path.name + ".part")
        part.unlink(missing_ok=True)
        with open(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode), "wb") as f:  # 0600 from the start
            os.fchmod(f.fileno(), mode)  # whatever the umask
            f.write(data)
        part.replace(path)

    def facts(self) -> dict:
        release = self.root / "etc" / "os-release"
        text = release.read_text() if release.exists() else ""
        text += f"\n{os.uname().release}\n{socket.gethostname()}\n"
        free_kb = shutil.disk_usage(self.home).free // 1024
        text += f"/dev/x 0 0 {free_kb} 0% /\npython {' '.join(map(str, sys.version_info[:3]))}\n"
        return _parse_facts(text)

    def extract(self, rel_wheel: str, rel_dir: str) -> None:
        with zipfile.ZipFile(self.home / rel_wheel) as wheel:
            wheel.extractall(self.home / rel_dir)

    def installed_rpyc(self, rel_lib: str) -> str | None:
        version = self.home / rel_lib / "rpyc" / "version.py"
        if not version.exists():
            return None
        scope: dict = {}
        exec(version.read_text(), scope)  # our own unpacked file: two assignments
        return scope.get("version_string")

    def install_service(self, unit: str) -> None:
        """Keep the unit beside the others a brick has, and (re)start the service as its ExecStart says."""
        unit_file = self.root / UNIT_PATH.lstrip("/")
        unit_file.parent.mkdir(parents=True, exist_ok=True)
        unit_file.write_text(unit)
        self.stop_service()
        lib = self.home / ".robolab" / "lib"
        env = dict(os.environ, **self.env)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (env.get("PYTHONPATH", ""), str(lib)) if p)
        self.pid_file.parent.mkdir(parents=True, exist_ok=True)
        with open(self.pid_file.parent / "service.log", "ab") as log:
            proc = subprocess.Popen([sys.executable, str(self.home / ".robolab" / "service.py"), "--config",
                                     str(self.home / ".robolab" / "brick.json")], stdout=log,
                                    stderr=subprocess.STDOUT, env=env, start_new_session=True)
        self.pid_file.write_text(str(proc.pid))

    def stop_service(self) -> None:
        """End the service started last time (SIGTERM: it stops its program and brakes the motors)."""
        try:
            pid = int(self.pid_file.read_text())
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                if _reaped(pid):
                    break
                time.sleep(0.05)
        except (OSError, ValueError):
            pass
        self.pid_file.unlink(missing_ok=True)

    def close(self) -> None:
        pass


def _parse_facts(text: str) -> dict:
    facts = {"ev3dev": "ev3dev" in text.lower(), "python": None, "free_kb": None, "hostname": None}
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for n, line in enumerate(lines):
        parts = line.split()
        if parts[0] == "python" and len(parts) == 4:
            facts["python"] = tuple(int(p) for p in parts[1:])
        elif len(parts) == 6 and parts[4].endswith("%") and parts[3].isdigit():
            facts["free_kb"] = int(parts[3])
            if n >= 1:
                facts["hostname"] = lines[n - 1]
    return facts


def _reaped(pid: int) -> bool:
    """True once the process has gone (reaping it if it is our child)."""
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return True
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False
