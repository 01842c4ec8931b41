"""A connection to one brick: TLS to the pinned certificate, challenge-response with the pairing key,
version check, rpyc calls, heartbeat.

Every failure becomes a BrickError whose message says what happened and what to do, since a student
cannot act on "Connection refused" or a remote traceback. A brick that drops out (flat battery, out of
Wi-Fi range) sends no goodbye, so a heartbeat notices within HEARTBEAT_INTERVAL + HEARTBEAT_TIMEOUT
seconds. Whatever text the brick sends is cleaned of control characters before anyone shows it.
"""

import errno
import json
import re
import socket
import ssl
import threading
from collections.abc import Callable

from robolab import __version__
from robolab.ev3.brick.service import SERVICE_VERSION, parse_hello, proof, read_line, send_line
from robolab.ev3.pairing import Pairing
from robolab.ev3.rpyc_safe import rpyc
from robolab.ev3.tls import WrongCertificate, pinned_socket

CONNECT_TIMEOUT = 5.0
HEARTBEAT_INTERVAL = 0.5
HEARTBEAT_TIMEOUT = 3.0
SETUP_HINT = "robolab brick setup"
CHALLENGE_CHARS = 128  # the brick's is 64 hex digits


class BrickError(Exception):
    """Something about a brick a person can act on; str() is the whole message."""


class BrickLost(BrickError):
    """The connection dropped while in use."""


def connect(pairing: Pairing, timeout: float = CONNECT_TIMEOUT,
            on_lost: Callable[[BrickLost], None] | None = None) -> "BrickConnection":
    """Nothing is sent before the brick has proven it holds the key of the certificate pinned at setup."""
    if pairing.key and not pairing.fingerprint:
        raise BrickError(f"brick '{pairing.name}' was paired by an older RoboLab, whose pairing key could be "
                         f"overheard on the network. Set this brick up again (it takes seconds): "
                         f"{SETUP_HINT} {pairing.host} --name {pairing.name}")
    sock = _open_socket(pairing, timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # the hello's short lines go at once
    try:
        if not pairing.key:
            raise BrickError(f"brick {pairing.label}: this computer is not paired with it. Pair it with: "
                             f"{SETUP_HINT} {pairing.host}")
        tls = _verified(sock, pairing, timeout)
        try:
            hello = _handshake(tls, pairing)
            tls.settimeout(None)
            conn = rpyc.connect_stream(TLSStream(tls), config={
                "allow_public_attrs": False, "sync_request_timeout": 15})
        except BaseException:
            tls.close()
            raise
    except BaseException:
        sock.close()
        raise
    return BrickConnection(pairing, conn, hello, on_lost)


class TLSStream(rpyc.SocketStream):
    """rpyc's socket stream over TLS: data TLS has already decrypted counts as ready to read, though
    the socket itself has nothing more."""

    def poll(self, timeout):
        return bool(self.sock.pending()) or super().poll(timeout)


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


def _verified(sock: socket.socket, pairing: Pairing, timeout: float) -> ssl.SSLSocket:
    """TLS with the brick, its certificate checked against the pinned one."""
    where = f"brick {pairing.label}"
    sock.settimeout(timeout)
    try:
        return pinned_socket(sock, pairing.fingerprint)
    except WrongCertificate:
        raise BrickError(f"{where} is not the brick this computer was paired with: its certificate is not the one "
                         f"pinned at setup, so nothing was sent to it. If the brick was set up again, pair again "
                         f"with: {SETUP_HINT} {pairing.host} --name {pairing.name}; if not, something else on the "
                         "network answers at its address: tell your tutor") from None
    except (TimeoutError, socket.timeout):
        raise BrickError(f"{where} accepted the connection but did not answer; is port {pairing.port} the RoboLab "
                         "service?") from None
    except (OSError, ValueError):  # ssl.SSLError is an OSError
        raise BrickError(f"{where} answered, but not over TLS as RoboLab's brick service {SERVICE_VERSION} does: it "
                         f"was set up by an older RoboLab, or is not a RoboLab brick. Set it up again with: "
                         f"{SETUP_HINT} {pairing.host} --name {pairing.name}") from None


def _handshake(tls: ssl.SSLSocket, pairing: Pairing) -> dict:
    """The brick's hello (its version and a challenge), our proof of the key, and its verdict."""
    where = f"brick {pairing.label}"
    try:
        hello = parse_hello(read_line(tls))
        brick_version = hello.get("service")
        name = printable(str(hello.get("name") or pairing.name))[:64]
        hello["name"] = name
        if brick_version != SERVICE_VERSION:
            raise _version_error(hello, brick_version, name, pairing)
        challenge = hello.get("challenge")
        if not isinstance(challenge, str) or not 32 <= len(challenge) <= CHALLENGE_CHARS:
            raise ValueError("no challenge")
        send_line(tls, {"client": f"robolab {__version__}", "service": SERVICE_VERSION,
                        "proof": proof(pairing.key, pairing.fingerprint, challenge)})
        verdict = parse_hello(read_line(tls))
    except (TimeoutError, socket.timeout):
        raise BrickError(f"{where} accepted the connection but did not answer; is port {pairing.port} the RoboLab "
                         "service?") from None
    except (OSError, ValueError, UnicodeDecodeError):
        raise BrickError(f"{where} answered, but not as a RoboLab brick; set it up again with: "
                         f"{SETUP_HINT} {pairing.host}") from None
    if verdict.get("ok") is not True:
        raise BrickError(f"brick '{name}' refused the connection: the pairing key is wrong, so it is paired with "
                         f"another computer or was set up again. Check it is your group's brick, then pair again with: "
                         f"{SETUP_HINT} {pairing.host} --name {name}")
    return hello


def _version_error(hello: dict, brick_version, name: str, pairing: Pairing) -> BrickError:
    fix = (f"set the brick up again to update it: {SETUP_HINT} {pairing.host} --name {name}"
           if not isinstance(brick_version, int) or brick_version < SERVICE_VERSION
           else "update RoboLab on this computer")
    installed_by = printable(str(hello.get("robolab") or "unknown"))[:40]
    return BrickError(f"brick '{name}' runs RoboLab brick service {printable(str(brick_version))[:20]} (installed by "
                      f"RoboLab {installed_by}), but this RoboLab {__version__} needs brick service "
                      f"{SERVICE_VERSION}: {fix}")


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
        """Save NAME.py on the brick; the path it has there."""
        return printable(str(self._call("upload", name, source)))

    def run(self, name: str, listener: Callable, trace: bool = False) -> str:
        """Start NAME.py; listener("output", stream, line), ("exit", code, stopped), with trace ("line", n)."""
        return self._call("run", name, InOrder(listener), trace)

    def stop(self) -> dict:
        """{"stopped": the program's name or None, "seconds": how long stopping took}."""
        reply = self._json_reply("stop")
        stopped, seconds = reply.get("stopped"), reply.get("seconds")
        return {"stopped": printable(str(stopped)) if stopped else None,
                "seconds": float(seconds) if isinstance(seconds, (int, float)) else 0.0}

    def status(self) -> dict:
        """The brick's status (service.py's Brick.status), each field of the type the desktop expects."""
        return clean_status(self._json_reply("status"))

    def _json_reply(self, what: str) -> dict:
        text = self._call(what)
        try:
            reply = json.loads(text)
        except (TypeError, ValueError, RecursionError):
            reply = None
        if not isinstance(reply, dict):
            raise BrickError(f"brick '{self.name}' answered {what} with something RoboLab cannot read: set it up "
                             f"again with: {SETUP_HINT} {self.pairing.host} --name {self.name}")
        return reply

    def _call(self, what: str, *args):
        if self.lost:
            raise self.lost
        try:
            return getattr(self.conn.root, what)(*args)
        except (EOFError, rpyc.AsyncResultTimeout) as error:
            raise self._mark_lost(f"{error.__class__.__name__}") from None
        except Exception as error:
            if not hasattr(error, "_remote_tb"):  # ours: the socket failed
                if isinstance(error, OSError):
                    raise self._mark_lost(error.strerror or error.__class__.__name__) from None
                raise
            raise BrickError(f"brick '{self.name}' could not {DOING.get(what, what)}: {remote_words(error)}") from None

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


def clean_status(reply: dict) -> dict:
    """A status reply as the desktop reads it: numbers are numbers or None, texts are printable,
    whatever the brick sent (a field of the wrong type is left out, as if the brick had none)."""
    def text(value):
        return printable(str(value))[:200] if isinstance(value, (str, int, float)) and value != "" else None

    def number(value):
        return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    versions = reply.get("versions") if isinstance(reply.get("versions"), dict) else {}
    programs = reply.get("programs") if isinstance(reply.get("programs"), list) else []
    last = reply.get("last") if isinstance(reply.get("last"), list) and len(reply["last"]) == 3 else None
    return {
        "name": text(reply.get("name")), "battery_volts": number(reply.get("battery_volts")),
        "versions": {text(key): (value if key == "service" and number(value) is not None else text(value))
                     for key, value in list(versions.items())[:20] if text(key)},
        "running": text(reply.get("running")), "start_seconds": number(reply.get("start_seconds")),
        "last": [text(last[0]), number(last[1]), bool(last[2])] if last else None,
        "programs": [name for name in map(text, programs[:1000]) if name], "warm": reply.get("warm") is True,
    }


DOING = {"upload": "save the program", "run": "start the program", "stop": "stop the program",
         "status": "say how it is"}
IN_WORDS = {  # errno on the brick -> what it means there, and what to do
    errno.ENOSPC: "its storage (the SD card) is full. Delete programs or files on it, then try again",
    errno.EDQUOT: "its storage (the SD card) is full. Delete programs or files on it, then try again",
    errno.ENOMEM: "it is out of memory. Stop the program running on it, or restart the brick",
    errno.EACCES: "permission denied there. Set the brick up again with robolab brick setup",
    errno.EPERM: "permission denied there. Set the brick up again with robolab brick setup",
    errno.EROFS: "its storage is read-only (a damaged SD card?). Restart the brick; if it stays so, check the card",
    errno.EIO: "its SD card could not be read or written. Restart the brick; if it stays so, check the card",
    errno.EMFILE: "it has too many files open. Restart the brick",
    errno.ENFILE: "it has too many files open. Restart the brick",
}


def remote_words(error: BaseException) -> str:
    """What an exception rpyc carried over from the brick means, in words, without its remote traceback."""
    if isinstance(error, MemoryError):
        return IN_WORDS[errno.ENOMEM]
    if isinstance(error, OSError):
        number = error.errno if isinstance(error.errno, int) else (
            error.args[0] if error.args and isinstance(error.args[0], int) else None)
        if number in IN_WORDS:
            return IN_WORDS[number]
        if number is not None:
            return f"{printable(str(error.strerror or errno.errorcode.get(number, number)))} (on the brick)"
    text = str(error.args[0]) if error.args else ""
    first = printable(text.strip().splitlines()[0]) if text.strip() else ""
    return first[:300] if isinstance(error, ValueError) and first else (
        f"{error.__class__.__name__}: {first[:300]}" if first else error.__class__.__name__)


# ANSI escape sequences (CSI, OSC, and two-character ones), then any other control or bidi character
_ESCAPES = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])|\x9b[0-?]*[ -/]*[@-~]")
_CONTROLS = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Text from the brick, safe to show in a terminal or the window: no escape sequences, no control or
    direction-changing characters (a tab stays; a line break goes: it is one line)."""
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


class InOrder:
    """The brick's callbacks in the order it sent them: each comes numbered, and rpyc may run two
    at once on two threads (the serving thread and one waiting for an answer).

    Only plain values are delivered: anything else would be a proxy for an object on the brick, and
    reading it (even str()) asks the brick, from inside this callback, which a brick gone bad could
    make wait for ever. A callback carrying one is skipped, keeping its place in the order."""

    WINDOW = 10_000  # how far ahead a callback may come; a brick sending more is not heard
    PLAIN = (str, int, float, bool, type(None))

    def __init__(self, deliver: Callable):
        self.deliver, self.next, self.early = deliver, 0, {}
        self.lock = threading.Lock()

    def __call__(self, number: int, *args) -> None:
        with self.lock:
            if type(number) is not int or not self.next <= number < self.next + self.WINDOW:
                return
            plain = all(type(arg) in self.PLAIN for arg in args)  # type(): a proxy's own class, no request
            self.early[number] = args if plain and args else None
            while self.next in self.early:
                args = self.early.pop(self.next)
                self.next += 1
                if args is not None:
                    self.deliver(*args)
