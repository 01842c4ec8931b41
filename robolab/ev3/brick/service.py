#!/usr/bin/env python3
"""RoboLab's service on the EV3 brick: upload, run, stream output, stop, status.

Runs on the brick's own Python 3.5 (ev3dev stretch) under rpyc 4.1.5, so it keeps to Python 3.5
syntax (checked with vermin). It is an rpyc Service with a few exposed calls, not rpyc's classic
"execute anything" mode, and every connection first presents the brick's pairing key.

Importing ev3dev2 takes about 20 s on the brick, so a zygote process (zygote.py, beside this file)
imports it once, when the service starts, and forks each program: every run after the first starts
at once.
Each program runs as its own process group; Stop escalates SIGINT, SIGTERM, SIGKILL and then
brakes every motor through sysfs, because the kernel leaves motors running when a process dies.

    python3 service.py --config brick.json       (systemd starts it so)
"""
import argparse
import collections
import hmac
import itertools
import json
import logging
import os
import platform
import signal
import socket
import subprocess
import sys
import threading
import time

SERVICE_VERSION = 2  # bump when the calls below change; the desktop names both on a mismatch
DEFAULT_PORT = 18817
NAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
STOP_STEPS = ((signal.SIGINT, 0.4), (signal.SIGTERM, 0.3), (signal.SIGKILL, 1.0))
HANDSHAKE_SECONDS = 5.0

if __package__:
    from robolab.ev3.brick.zygote import LINE, Zygote  # imported on the desktop, from the package
else:
    from zygote import LINE, Zygote  # run as a script (on the brick): the file beside this one

log = logging.getLogger("robolab-brick")


class Listener(object):
    """The desktop's callback, called without waiting for its answer; owner is the connection.
    Each call carries its number first: the desktop may run two async calls at once, on two
    threads, and puts them back in this order."""

    def __init__(self, callback, owner):
        import rpyc
        self.call, self.owner = rpyc.async_(callback), owner
        self.numbers = itertools.count()
        self.lock = threading.Lock()

    def __call__(self, *args):
        with self.lock:  # numbered and sent in one go, from the stdout and stderr readers alike
            self.call(next(self.numbers), *args)


# --- motors ----------------------------------------------------------------------------------

def stop_all_motors(sys_class):
    """Brake every tacho and DC motor by writing its sysfs files; True if any was found."""
    found = False
    for kind in ("tacho-motor", "dc-motor"):
        folder = os.path.join(sys_class, kind)
        for motor in sorted(os.listdir(folder)) if os.path.isdir(folder) else ():
            for attribute, value in (("stop_action", "brake"), ("command", "stop")):
                try:
                    with open(os.path.join(folder, motor, attribute), "w") as f:
                        f.write(value)
                    found = True
                except OSError as error:
                    log.warning("could not %s %s: %s", attribute, motor, error)
    return found


def ev3dev2_version():
    """Read from its version.py without importing it (that takes 20 s on the brick)."""
    import importlib.util
    try:
        spec = importlib.util.find_spec("ev3dev2")
        folder = os.path.dirname(spec.origin)
        with open(os.path.join(folder, "version.py")) as f:
            for line in f:
                if line.startswith("__version__"):
                    return line.split("=", 1)[1].strip().strip("'\"")
    except (AttributeError, ImportError, OSError, TypeError, ValueError):
        pass
    return "not installed"


def battery_volts(sys_class):
    folder = os.path.join(sys_class, "power_supply")
    for supply in sorted(os.listdir(folder)) if os.path.isdir(folder) else ():
        try:
            with open(os.path.join(folder, supply, "voltage_now")) as f:
                return round(int(f.read().strip()) / 1e6, 2)
        except (OSError, ValueError):
            continue
    return None


# --- one running program ---------------------------------------------------------------------

class Run(object):
    """A program's process group, its output readers and its end.

    It is launched on its own thread: the first run after the brick boots waits for the zygote to
    import ev3dev2, and the desktop's call (and its heartbeat) must not wait with it.
    """

    def __init__(self, brick, name, launch, listener):
        self.brick, self.name, self.listener = brick, name, listener
        self.started, self.first_output, self.stopped = time.time(), None, False
        self.proc, self.code = None, None
        self.launched, self.done = threading.Event(), threading.Event()
        runner = threading.Thread(target=self._main, args=(launch,))
        runner.daemon = True
        runner.start()

    def _main(self, launch):
        try:
            self.proc = launch()
        except Exception as error:
            self.tell("output", "err", "RoboLab could not start %s on the brick: %s" % (self.name, error))
            self._end(1)
            return
        self.brick.launched(self)
        self.launched.set()
        if self.stopped:  # Stop came while it was starting
            self._signal(signal.SIGKILL)
        readers = [threading.Thread(target=self._read, args=(self.proc.stdout, "out")),
                   threading.Thread(target=self._read, args=(self.proc.stderr, "err"))]
        for reader in readers:
            reader.daemon = True
            reader.start()
        code = self.proc.wait()
        for reader in readers:
            reader.join(2.0)
        if self.stopped or code < 0:
            stop_all_motors(self.brick.sys_class)
        self._end(code)

    def _end(self, code):
        self.code = code
        self.done.set()
        self.brick.ended(self)
        self.tell("exit", code, self.stopped)

    def _read(self, pipe, stream):
        for raw in iter(pipe.readline, b""):
            text = raw.decode("utf-8", "replace").rstrip("\r\n")
            if stream == "err" and text.startswith(LINE):
                self.tell("line", int(text[len(LINE):]))
                continue
            if self.first_output is None:
                self.first_output = time.time()
            self.brick.remember(stream, text)
            self.tell("output", stream, text)
        pipe.close()

    def tell(self, kind, *args):
        listener = self.listener
        if listener is None:
            return
        try:
            listener(kind, *args)
        except Exception as error:  # the desktop has gone; the program runs on
            log.info("listener for %s gone: %s", self.name, error)
            self.listener = None

    def _signal(self, sig):
        try:
            os.killpg(self.proc.pid, sig)
            return True
        except OSError:
            return False

    def stop(self):
        """SIGINT, then SIGTERM, then SIGKILL to the whole group; motors are braked once it has ended."""
        self.stopped = True
        began = time.time()
        if not self.launched.is_set():
            return 0.0  # _main ends it the moment it exists
        for sig, grace in STOP_STEPS:
            if not self._signal(sig) or self.done.wait(grace):
                break
        self.done.wait(0.5)  # worst case 2.2 s in all, under the desktop's 3 s heartbeat timeout
        return time.time() - began


# --- the brick: programs folder, zygote, the current run --------------------------------------

class Brick(object):
    def __init__(self, config):
        self.name = config["name"]
        self.key = config.get("key", "")
        self.programs = config.get("programs", "/home/robot/robolab")
        self.sys_class = config.get("sys_class", "/sys/class")
        self.installed_by = config.get("robolab", "")
        self.lock = threading.RLock()
        self.run = None
        self.last = None  # (name, exit code, stopped)
        self.recent = collections.deque(maxlen=200)
        self.zygote = None
        if not os.path.isdir(self.programs):
            os.makedirs(self.programs)
        self.running_file = os.path.join(self.programs, ".running")
        self._end_leftover()
        self._warm_up()

    def _end_leftover(self):
        """A program the last service started may still drive (the service was killed, the desktop gone):
        end its process group and brake the motors before anything else."""
        try:
            with open(self.running_file) as f:
                pgid, name = f.read().split()[:2]
            os.remove(self.running_file)
            with open("/proc/%s/cmdline" % pgid, "rb") as f:
                command = f.read().decode("utf-8", "replace")
            pgid = int(pgid)
        except (OSError, ValueError):
            return
        if "zygote.py" not in command and name + ".py" not in command:
            return  # that process id is someone else's now (the brick was restarted)
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(pgid, sig)
            except OSError:
                break
            time.sleep(0.3)
        stop_all_motors(self.sys_class)
        log.info("ended %s, left running by the last service (group %s)", name, pgid)

    def _warm_up(self):
        with self.lock:
            if self.zygote is None or not self.zygote.usable():
                self.zygote = Zygote(self.programs)

    def remember(self, stream, text):
        self.recent.append((stream, text))

    def path_of(self, name):
        if not name or len(name) > 64 or not set(name) <= NAME_CHARS:
            raise ValueError("a program name is 1-64 letters, digits, _ or -, not %r" % (name,))
        return os.path.join(self.programs, name + ".py")

    def upload(self, name, source):
        """Save as an executable NAME.py with a shebang, so the brick's file browser runs it too."""
        path = self.path_of(name)
        if not source.startswith("#!"):
            source = "#!/usr/bin/env python3\n" + source
        temporary = path + ".part"
        with open(temporary, "w", encoding="utf-8") as f:
            f.write(source)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temporary, 0o755)
        os.replace(temporary, path)
        return path

    def start(self, name, listener, trace=False):
        path = self.path_of(name)
        if not os.path.isfile(path):
            raise ValueError("there is no program %r on brick %s; download it first" % (name, self.name))
        with self.lock:
            if self.run is not None:
                self.run.stop()
            self.recent.clear()
            self.run = Run(self, name, lambda: self._launch(name, path, trace), listener)
        return name

    def _launch(self, name, path, trace):
        zygote = self.zygote
        try:
            if zygote is None or not zygote.usable():
                raise OSError("it is not running")
            return zygote.start(path, trace)
        except OSError as error:  # a fresh interpreter (slow on the brick), and a new zygote for next time
            log.warning("starting %s without the zygote: %s", name, error)
            threading.Thread(target=self._warm_up).start()
            return subprocess.Popen([sys.executable, path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    stdin=subprocess.DEVNULL, cwd=self.programs, start_new_session=True,
                                    env=dict(os.environ, PYTHONUNBUFFERED="1"))

    def launched(self, run):
        with open(self.running_file, "w") as f:
            f.write("%d %s\n" % (run.proc.pid, run.name))
        log.info("running %s (pid %s)", run.name, run.proc.pid)

    def ended(self, run):
        with self.lock:
            if self.run is run:
                self.run = None
                try:
                    os.remove(self.running_file)
                except OSError:
                    pass
            self.last = (run.name, run.code, run.stopped)
            log.info("%s ended with %s%s", run.name, run.code, " (stopped)" if run.stopped else "")
        self._warm_up()  # only if the zygote has died

    def stop(self):
        with self.lock:
            run = self.run
        seconds = run.stop() if run is not None else 0.0
        if run is None:
            stop_all_motors(self.sys_class)
        return {"stopped": run.name if run else None, "seconds": round(seconds, 3)}

    def forget_listener(self, listener_owner):
        run = self.run
        if run is not None and getattr(run.listener, "owner", None) is listener_owner:
            run.listener = None

    def status(self):
        run = self.run
        from rpyc.version import version_string
        versions = {"service": SERVICE_VERSION, "robolab": self.installed_by, "rpyc": version_string,
                    "python": platform.python_version(), "kernel": platform.release()}
        zygote = self.zygote
        versions["ev3dev2"] = (zygote.versions.get("ev3dev2") if zygote else None) or ev3dev2_version()
        return {
            "name": self.name, "battery_volts": battery_volts(self.sys_class), "versions": versions,
            "running": run.name if run else None,
            "start_seconds": round(run.first_output - run.started, 3) if run and run.first_output else None,
            "last": self.last, "programs": self.program_names(),
            "warm": bool(zygote and zygote.usable() and zygote.ready.is_set()),  # ev3dev2 imported
        }

    def program_names(self):
        return sorted(n[:-3] for n in os.listdir(self.programs) if n.endswith(".py"))

    def shutdown(self):
        with self.lock:
            run, zygote = self.run, self.zygote
        if run is not None:
            run.stop()
        if zygote is not None:
            zygote.discard()


# --- the network side ------------------------------------------------------------------------

def handshake_authenticator(brick):
    """Before any rpyc traffic: one JSON line with the key in, one JSON line out.

    A connection without the right key is answered with why, then closed, so the desktop can say
    "not paired" instead of a bare connection error.
    """
    from rpyc.utils.authenticators import AuthenticationError

    def authenticate(sock):
        sock.settimeout(HANDSHAKE_SECONDS)
        data = b""
        try:
            while not data.endswith(b"\n") and len(data) < 4096:
                chunk = sock.recv(4096 - len(data))
                if not chunk:
                    break
                data += chunk
            hello = json.loads(data.decode("utf-8"))
            key = str(hello.get("key", ""))
        except (OSError, ValueError, AttributeError):
            raise AuthenticationError("not a RoboLab hello")
        answer = {"service": SERVICE_VERSION, "name": brick.name, "robolab": brick.installed_by}
        if not key:
            answer["refused"] = "no key"
        elif not hmac.compare_digest(key.encode("utf-8"), brick.key.encode("utf-8")):
            answer["refused"] = "wrong key"
        try:
            sock.sendall((json.dumps(answer) + "\n").encode("utf-8"))
        except OSError:
            raise AuthenticationError("hung up during the hello")
        if "refused" in answer:
            log.warning("refused %s: %s", sock.getpeername(), answer["refused"])
            raise AuthenticationError(answer["refused"])
        sock.settimeout(None)
        return sock, hello.get("client", "")
    return authenticate


def make_service(brick):
    import rpyc

    class BrickService(rpyc.Service):
        """The calls the desktop may make; results are JSON text so every rpyc version reads them."""

        def on_disconnect(self, conn):
            brick.forget_listener(self)

        def exposed_upload(self, name, source):
            return brick.upload(str(name), str(source))

        def exposed_run(self, name, listener=None, trace=False):
            """Run NAME.py; listener(kind, ...) hears ("output", stream, line), ("exit", code, stopped) and,
            with `trace`, ("line", n) for the line running now (it slows the program down)."""
            return brick.start(str(name), Listener(listener, self) if listener is not None else None, bool(trace))

        def exposed_stop(self):
            return json.dumps(brick.stop())

        def exposed_status(self):
            return json.dumps(brick.status())

    return BrickService


def load_config(args):
    config = {}
    if args.config:
        with open(args.config) as f:
            config = json.load(f)
    for option in ("name", "key", "programs", "sys_class", "port", "host"):
        value = getattr(args, option)
        if value is not None:
            config[option] = value
    config.setdefault("name", socket.gethostname())
    return config


def main(argv=None):
    parser = argparse.ArgumentParser(description="RoboLab brick service")
    parser.add_argument("--config", help="JSON file with name, key, port, programs, sys_class")
    parser.add_argument("--name")
    parser.add_argument("--key")
    parser.add_argument("--host")
    parser.add_argument("--port", type=int)
    parser.add_argument("--programs", help="where programs are saved (default /home/robot/robolab)")
    parser.add_argument("--sys-class", dest="sys_class", help="sysfs class folder (default /sys/class)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    config = load_config(args)
    if not config.get("key"):
        parser.error("no pairing key: give --key or a --config file with one")
    from rpyc.utils.server import ThreadedServer
    brick = Brick(config)
    server = ThreadedServer(make_service(brick), hostname=config.get("host", "0.0.0.0"),
                            port=int(config.get("port", DEFAULT_PORT)),
                            authenticator=handshake_authenticator(brick),
                            protocol_config={"allow_public_attrs": False, "sync_request_timeout": 10})
    signal.signal(signal.SIGTERM, lambda *_: server.close())
    print("robolab brick %s: service %s listening on port %s" % (brick.name, SERVICE_VERSION, server.port))
    sys.stdout.flush()
    try:
        server.start()
    finally:
        brick.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
