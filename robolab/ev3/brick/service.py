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

Every connection is TLS with the brick's own certificate, which the desktop pinned at setup (as SSH
pins a host key); inside it the desktop answers a fresh challenge with an HMAC of the pairing key, so
the key itself never crosses the network. Unauthenticated connections are bounded in number (in all
and from any one address) and in time, and running out of file descriptors turns the oldest waiting
connection away instead of ending the service.

    python3 service.py --config brick.json       (systemd starts it so)
"""
import argparse
import collections
import errno
import hashlib
import hmac
import itertools
import json
import logging
import os
import platform
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time

SERVICE_VERSION = 3  # bump when the calls below change; the desktop names both on a mismatch
DEFAULT_PORT = 18817
NAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
STOP_STEPS = ((signal.SIGINT, 0.4), (signal.SIGTERM, 0.3), (signal.SIGKILL, 1.0))
HANDSHAKE_SECONDS = 5.0  # from accept to a proven key, however slowly the other side sends
MAX_HANDSHAKES = 32  # connections not yet authenticated; more are closed at once
MAX_HANDSHAKES_PER_HOST = 8  # so one flooding computer leaves places for the desktops
HELLO_BYTES = 4096  # a hello line is far shorter
HELLO_BRACKETS = 8  # a hello is one flat object; deeper JSON is not a hello

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
        self.fingerprint = config.get("fingerprint", "")  # of its own certificate, set by main()
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

def proof(key, fingerprint, challenge):
    """What the desktop answers a challenge with: an HMAC of the pairing key over this brick's
    certificate and a fresh challenge, so it proves the key without sending it, and a captured answer
    is worth nothing on another connection or at another brick. The desktop uses this same function."""
    message = ("robolab-brick-proof\n%s\n%s" % (fingerprint, challenge)).encode("utf-8")
    return hmac.new(key.encode("utf-8"), message, hashlib.sha256).hexdigest()


def certificate_fingerprint(der):
    """How a certificate is pinned: "sha256:" and the hex digest of its DER bytes."""
    return "sha256:" + hashlib.sha256(der).hexdigest()


def parse_hello(data):
    """One hello line (bytes) -> dict; ValueError for anything else, however long or deeply nested."""
    if len(data) > HELLO_BYTES or data.count(b"[") + data.count(b"{") > HELLO_BRACKETS:
        raise ValueError("not a RoboLab hello (too long or too deeply nested)")
    try:
        hello = json.loads(data.decode("utf-8"))
    except RecursionError:
        raise ValueError("not a RoboLab hello (too deeply nested)")
    if not isinstance(hello, dict):
        raise ValueError("not a RoboLab hello (not a JSON object)")
    return hello


def read_line(sock):
    """Bytes up to and including the first newline (at most HELLO_BYTES); the socket's timeout applies."""
    data = b""
    while not data.endswith(b"\n") and len(data) < HELLO_BYTES:
        chunk = sock.recv(HELLO_BYTES - len(data))
        if not chunk:
            break
        data += chunk
    return data


def send_line(sock, message):
    sock.sendall((json.dumps(message) + "\n").encode("utf-8"))


def server_context(certfile, keyfile):
    """TLS 1.2 or newer with the brick's certificate (Python 3.5's ssl and today's alike)."""
    context = ssl.SSLContext(getattr(ssl, "PROTOCOL_TLS_SERVER", ssl.PROTOCOL_SSLv23))
    if hasattr(ssl, "TLSVersion"):  # 3.7+; the options below are deprecated there
        setattr(context, "minimum_version", getattr(ssl, "TLSVersion").TLSv1_2)
    else:
        context.options |= ssl.OP_NO_SSLv2 | ssl.OP_NO_SSLv3 | ssl.OP_NO_TLSv1 | ssl.OP_NO_TLSv1_1
    context.load_cert_chain(certfile, keyfile)
    return context


class Deadline(object):
    """Cuts a connection that has not finished its handshake in time, however slowly it trickles in:
    a socket timeout alone starts again with every byte. It costs no file descriptor."""

    def __init__(self, sock, seconds):
        self.sock, self.cancelled = sock, False
        self.lock = threading.Lock()
        self.timer = threading.Timer(seconds, self._cut)
        self.timer.daemon = True
        self.timer.start()

    def watch(self, sock):
        """The object that holds the connection now (the TLS socket, once wrapped)."""
        with self.lock:
            self.sock = sock

    def _cut(self):
        with self.lock:
            if not self.cancelled:
                try:  # the plain socket's shutdown: it wakes the handshake's read, whoever is in it
                    socket.socket.shutdown(self.sock, socket.SHUT_RDWR)
                except OSError:
                    pass

    def cancel(self):
        """Before the socket is closed, so a late cut never reaches a descriptor used again since."""
        with self.lock:
            self.cancelled = True
        self.timer.cancel()


def handshake_authenticator(brick, context):
    """Before any rpyc traffic: TLS, then one JSON line each way and a proof of the key.

    The brick speaks first (inside TLS, so only after the desktop has checked its certificate): its
    service version, name and a fresh challenge. The desktop answers with the proof; a wrong or
    missing one is answered with why, then the connection is closed, so the desktop can say "not
    paired" instead of a bare connection error.
    """
    from rpyc.utils.authenticators import AuthenticationError

    def authenticate(sock):
        sock.settimeout(HANDSHAKE_SECONDS)
        deadline = Deadline(sock, HANDSHAKE_SECONDS)
        tls = None
        try:
            tls = context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
            deadline.watch(tls)
            tls.do_handshake()
            result = _prove(tls, brick)
            deadline.cancel()
            return result
        except (OSError, ValueError) as error:  # ssl.SSLError is an OSError
            deadline.cancel()
            if tls is not None:
                _close(tls)
            raise AuthenticationError("no TLS hello: %s" % (error,))
        except BaseException:
            deadline.cancel()
            if tls is not None:
                _close(tls)
            raise
    return authenticate


def _prove(tls, brick):
    """The hello and the challenge, inside TLS; (socket, client's name) or AuthenticationError."""
    from rpyc.utils.authenticators import AuthenticationError
    challenge = hashlib.sha256(os.urandom(32)).hexdigest()
    try:
        send_line(tls, {"service": SERVICE_VERSION, "name": brick.name, "robolab": brick.installed_by,
                        "challenge": challenge})
        hello = parse_hello(read_line(tls))
    except (OSError, ValueError) as error:
        raise AuthenticationError("no hello: %s" % (error,))
    answer = hello.get("proof")
    refused = None
    if not isinstance(answer, str) or not answer:
        refused = "no key"
    elif not hmac.compare_digest(answer.encode("utf-8"),
                                 proof(brick.key, brick.fingerprint, challenge).encode("utf-8")):
        refused = "wrong key"
    try:
        send_line(tls, {"refused": refused} if refused else {"ok": True})
    except OSError:
        raise AuthenticationError("hung up during the hello")
    if refused:
        log.warning("refused %s: %s", tls.getpeername()[0], refused)
        raise AuthenticationError(refused)
    tls.settimeout(None)
    client = hello.get("client")
    return tls, client if isinstance(client, str) else ""


def guarded_server_class():
    """rpyc's ThreadedServer, made to outlive floods (rpyc imported late: the desktop imports this file)."""
    from rpyc.utils.server import ThreadedServer

    class GuardedServer(ThreadedServer):
        """At most MAX_HANDSHAKES connections wait to authenticate, MAX_HANDSHAKES_PER_HOST from one
        address (more are closed at once), each for at most HANDSHAKE_SECONDS; a failed accept (no file
        descriptors left) or thread start carries on, where rpyc's own would end the service and the
        program it runs."""

        def __init__(self, *args, **kwargs):
            ThreadedServer.__init__(self, *args, **kwargs)
            self.waiting = collections.Counter()  # address -> connections authenticating now
            self.places = threading.Lock()
            self.turned_away = 0
            self.spare = os.open(os.devnull, os.O_RDONLY)  # given up to turn one away when none is left

        def accept(self):
            while self.active:
                try:
                    sock, address = self.listener.accept()
                    break
                except socket.timeout:
                    continue
                except OSError as error:
                    if not self.active:
                        raise EOFError()  # closed: what rpyc's start() expects
                    if error.errno in (errno.EMFILE, errno.ENFILE):
                        self._turn_one_away(error)
                    elif error.errno not in (errno.EINTR, errno.EAGAIN, errno.ECONNABORTED):
                        log.warning("accept failed (%s); trying again", error)
                        time.sleep(0.1)
            else:
                return
            host = address[0] if isinstance(address, tuple) else address
            if not self._take_place(host):
                self.turned_away += 1
                if self.turned_away % 100 == 1:
                    log.warning("too many connections waiting to authenticate: turned away %d", self.turned_away)
                _close(sock)
                return
            sock.setblocking(True)
            _no_delay(sock)
            self.clients.add(sock)
            try:
                thread = threading.Thread(target=self._handle, args=(sock, host))
                thread.daemon = True
                thread.start()
            except RuntimeError as error:  # can't start a new thread
                log.warning("could not start a thread (%s); closed a connection", error)
                self._give_place(host)
                self._drop(sock)

        def _take_place(self, host):
            with self.places:
                if sum(self.waiting.values()) >= MAX_HANDSHAKES or self.waiting[host] >= MAX_HANDSHAKES_PER_HOST:
                    return False
                self.waiting[host] += 1
                return True

        def _give_place(self, host):
            with self.places:
                self.waiting[host] -= 1
                if self.waiting[host] <= 0:
                    del self.waiting[host]

        def _turn_one_away(self, error):
            """Out of file descriptors: the spare one makes room to accept the oldest waiting connection
            and close it at once, so a flood drains instead of blocking everyone behind it."""
            self.turned_away += 1
            if self.turned_away % 100 == 1:
                log.warning("accept failed (%s): turned away %d", error, self.turned_away)
            os.close(self.spare)
            try:
                _close(self.listener.accept()[0])
            except OSError:
                time.sleep(0.05)
            while True:  # another thread may have taken it meanwhile: wait for one to be freed
                try:
                    self.spare = os.open(os.devnull, os.O_RDONLY)
                    return
                except OSError:
                    time.sleep(0.05)

        def _handle(self, sock, host):
            """Authenticate (holding one of the bounded places), then serve until the desktop hangs up."""
            try:
                try:
                    tls, credentials = self.authenticator(sock)
                finally:
                    self._give_place(host)
            except Exception as error:  # whatever a stranger sends ends here, never in a dead thread
                log.info("turned away a connection: %s", error)
                self._drop(sock)
                return
            self.clients.discard(sock)
            self.clients.add(tls)
            try:
                self._serve_client(tls, credentials)
            except Exception as error:
                log.info("connection ended: %r", error)
            finally:
                self._drop(tls)

        def _drop(self, sock):
            self.clients.discard(sock)
            _close(sock)

    return GuardedServer


def _no_delay(sock):
    """Small messages go at once: the hello's lines would otherwise wait for a delayed ACK (40 ms)."""
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except OSError:
        pass


def _close(sock):
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


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
    here = os.path.dirname(os.path.abspath(args.config)) if args.config else os.getcwd()
    for option, file in (("certfile", "brick.crt"), ("keyfile", "brick.key")):  # beside the config file
        config[option] = os.path.join(here, config.get(option) or file)
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
    try:
        context = server_context(config["certfile"], config["keyfile"])
        with open(config["certfile"]) as f:
            config["fingerprint"] = certificate_fingerprint(ssl.PEM_cert_to_DER_cert(f.read()))
    except (OSError, ValueError) as error:
        parser.error("no usable certificate (%s): set the brick up again with robolab brick setup" % (error,))
    brick = Brick(config)
    server = guarded_server_class()(
        make_service(brick), hostname=config.get("host", "0.0.0.0"), port=int(config.get("port", DEFAULT_PORT)),
        authenticator=handshake_authenticator(brick, context),
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
