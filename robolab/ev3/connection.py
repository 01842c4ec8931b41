"""A connection to one brick: handshake with the pairing key, version check, rpyc calls, heartbeat.

Every failure becomes a BrickError whose message says what happened and what to do, since a student
cannot act on "Connection refused". A brick that drops out (flat battery, out of Wi-Fi range) sends no
goodbye, so a heartbeat notices within HEARTBEAT_INTERVAL + HEARTBEAT_TIMEOUT seconds.
"""

import json
import socket
import threading
from collections.abc import Callable

from robolab import __version__
from robolab.ev3.brick.service import SERVICE_VERSION
from robolab.ev3.pairing import Pairing
from robolab.ev3.rpyc_safe import rpyc

CONNECT_TIMEOUT = 5.0
HEARTBEAT_INTERVAL = 0.5
HEARTBEAT_TIMEOUT = 3.0
SETUP_HINT = "robolab brick setup"


class BrickError(Exception):
    """Something about a brick a person can act on; str() is the whole message."""


class BrickLost(BrickError):
    """The connection dropped while in use."""


def connect(pairing: Pairing, timeout: float = CONNECT_TIMEOUT,
            on_lost: Callable[[BrickLost], None] | None = None) -> "BrickConnection":
    sock = _open_socket(pairing, timeout)
    try:
        hello = _handshake(sock, pairing, timeout)
        sock.settimeout(None)
        conn = rpyc.connect_stream(rpyc.SocketStream(sock), config={
            "allow_public_attrs": False, "sync_request_timeout": 15})
    except BaseException:
        sock.close()
        raise
    return BrickConnection(pairing, conn, hello, on_lost)


def _open_socket(pairing: Pairing, timeout: float) -> socket.socket:
    where = f"brick {pairing.label}"
    try:
        return socket.create_connection((pairing.host, pairing.port), timeout=timeout)
    except socket.gaierror:
        if not pairing.key:
            raise BrickError(f"no brick called '{pairing.name}' is paired with this computer, and no computer on "
                             f"the network has that name. See the paired bricks with: robolab brick list") from None
        raise BrickError(f"{where}: the host '{pairing.host}' is not found on this network; is this computer on "
                         "the classroom Wi-Fi?") from None
    except ConnectionRefusedError:
        raise BrickError(f"{where} is on the network but its RoboLab service is not running on port "
                         f"{pairing.port}; restart the brick, or set it up with: {SETUP_HINT} {pairing.host}") from None
    except (TimeoutError, socket.timeout):
        raise BrickError(f"{where} does not answer (waited {timeout:g} s): is it switched on and on this "
                         "network?") from None
    except OSError as error:
        raise BrickError(f"{where} cannot be reached: {error.strerror or error}") from None


def _handshake(sock: socket.socket, pairing: Pairing, timeout: float) -> dict:
    where = f"brick {pairing.label}"
    sock.settimeout(timeout)
    try:
        sock.sendall((json.dumps({"client": f"robolab {__version__}", "service": SERVICE_VERSION,
                                  "key": pairing.key}) + "\n").encode())
        data = b""
        while not data.endswith(b"\n") and len(data) < 4096:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
        hello = json.loads(data.decode("utf-8"))
        if not isinstance(hello, dict):
            raise ValueError(hello)
    except (TimeoutError, socket.timeout):
        raise BrickError(f"{where} accepted the connection but did not answer; is port {pairing.port} the RoboLab "
                         "service?") from None
    except (OSError, ValueError, UnicodeDecodeError):
        raise BrickError(f"{where} answered, but not as a RoboLab brick (an old rpyc server?); set it up with: "
                         f"{SETUP_HINT} {pairing.host}") from None
    name = hello.get("name", pairing.name)
    refused = hello.get("refused")
    if refused == "no key":
        raise BrickError(f"brick '{name}' refused the connection: this computer is not paired with it. Pair it "
                         f"with: {SETUP_HINT} {pairing.host} --name {name}")
    if refused:
        raise BrickError(f"brick '{name}' refused the connection: the pairing key is wrong, so it is paired with "
                         f"another computer or was set up again. Check it is your group's brick, then pair again with: "
                         f"{SETUP_HINT} {pairing.host} --name {name}")
    brick_version = hello.get("service")
    if brick_version != SERVICE_VERSION:
        fix = (f"set the brick up again to update it: {SETUP_HINT} {pairing.host} --name {name}"
               if not isinstance(brick_version, int) or brick_version < SERVICE_VERSION
               else "update RoboLab on this computer")
        raise BrickError(f"brick '{name}' runs RoboLab brick service {brick_version} (installed by RoboLab "
                         f"{hello.get('robolab') or 'unknown'}), but this RoboLab {__version__} needs brick service "
                         f"{SERVICE_VERSION}: {fix}")
    return hello


class BrickConnection:
    """Calls on a connected brick. Output callbacks arrive on a background thread."""

    def __init__(self, pairing: Pairing, conn, hello: dict, on_lost):
        self.pairing, self.conn, self.hello = pairing, conn, hello
        self.name = hello.get("name", pairing.name)
        self.on_lost = on_lost
        self.lost: BrickLost | None = None
        self._closing = threading.Event()
        # waits in serve() for up to 0.1 s at a time, not sleeps between polls: output lines arrive as they come
        self._server = rpyc.BgServingThread(conn, callback=self._serving_ended, serve_interval=0.1, sleep_interval=0)
        self._heartbeat = threading.Thread(target=self._beat, name=f"heartbeat {self.name}", daemon=True)
        self._heartbeat.start()

    # -- the calls --------------------------------------------------------------------------
    def upload(self, name: str, source: str) -> str:
        return self._call("upload", name, source)

    def run(self, name: str, listener: Callable, trace: bool = False) -> str:
        """Start NAME.py; listener("output", stream, line), ("exit", code, stopped), with trace ("line", n)."""
        return self._call("run", name, InOrder(listener), trace)

    def stop(self) -> dict:
        return json.loads(self._call("stop"))

    def status(self) -> dict:
        return json.loads(self._call("status"))

    def _call(self, what: str, *args):
        if self.lost:
            raise self.lost
        try:
            return getattr(self.conn.root, what)(*args)
        except (EOFError, OSError, rpyc.AsyncResultTimeout) as error:
            raise self._mark_lost(f"{error.__class__.__name__}") from None
        except ValueError as error:  # the brick's own check, e.g. a bad program name
            raise BrickError(f"brick '{self.name}': {_remote_message(error)}") from None

    # -- liveness ---------------------------------------------------------------------------
    @property
    def alive(self) -> bool:
        return self.lost is None and not self._closing.is_set()

    def _beat(self):
        while not self._closing.wait(HEARTBEAT_INTERVAL):
            try:
                self.conn.ping(timeout=HEARTBEAT_TIMEOUT)
            except Exception as error:  # timeout, EOF, closed: all mean it has gone
                if not self._closing.is_set():
                    self._mark_lost(f"no answer to a heartbeat: {error.__class__.__name__}")
                return

    def _serving_ended(self):
        if not self._closing.is_set():
            self._mark_lost("the brick closed the connection")

    def _mark_lost(self, why: str) -> BrickLost:
        if self.lost is None:
            self.lost = BrickLost(f"lost the connection to brick '{self.name}' ({why}). A program running on it "
                                  "may still be running: press the brick's back button to end it, or reconnect "
                                  "and press Stop")
            self._closing.set()
            try:
                self.conn.close()
            except Exception:
                pass
            if self.on_lost:
                self.on_lost(self.lost)
        return self.lost

    def close(self):
        self._closing.set()
        try:
            self._server.stop()
        except Exception:
            pass
        try:
            self.conn.close()
        except Exception:
            pass


def _remote_message(error: Exception) -> str:
    """The first line of an exception rpyc carried over from the brick, without its remote traceback."""
    text = str(error.args[0]) if error.args else str(error)
    return text.strip().splitlines()[0] if text.strip() else error.__class__.__name__


class InOrder:
    """The brick's callbacks in the order it sent them: each comes numbered, and rpyc may run two
    at once on two threads (the serving thread and one waiting for an answer)."""

    def __init__(self, deliver: Callable):
        self.deliver, self.next, self.early = deliver, 0, {}
        self.lock = threading.Lock()

    def __call__(self, number: int, *args) -> None:
        with self.lock:
            self.early[number] = args
            while self.next in self.early:
                args = self.early.pop(self.next)
                self.next += 1
                self.deliver(*args)
