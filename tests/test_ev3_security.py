"""The brick link against an attacker on the network (issue 15): a relay that sniffs and replays, a fake
brick, a stale answer to the challenge, hostile hellos. The real service under rpyc 4.1.5 on 127.0.0.1."""
import json
import socket
import ssl
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from robolab.ev3.brick.service import SERVICE_VERSION, parse_hello, proof, read_line, send_line
from robolab.ev3.connection import BrickError, connect
from robolab.ev3.pairing import Pairing
from robolab.ev3.tls import client_context

try:
    from tests.ev3.attackers import Impostor, Relay
except ImportError:
    from ev3.attackers import Impostor, Relay

MARKER = "#!/usr/bin/env python3\nprint('ran', flush=True)\n"


def via(pairing: Pairing, port: int) -> Pairing:
    return Pairing(pairing.name, "127.0.0.1", port, pairing.key, pairing.fingerprint)


def tls_to(brick, timeout=5.0) -> ssl.SSLSocket:
    """A TLS connection to the brick, as anyone on the network can open one (no pinning needed for that)."""
    return client_context().wrap_socket(socket.create_connection(("127.0.0.1", brick.port), timeout=timeout))


def test_a_sniffing_relay_sees_no_key_and_its_replay_runs_nothing(brick):
    relay = Relay(brick.port)
    try:
        connection = connect(via(brick.pairing, relay.port))
        connection.upload("marker", MARKER)
        ran = []
        connection.run("marker", lambda kind, *args: ran.append(kind))
        deadline = time.monotonic() + 10
        while "exit" not in ran and time.monotonic() < deadline:
            time.sleep(0.05)
        connection.close()
    finally:
        relay.close()
    assert "exit" in ran
    captured = relay.captured()
    assert len(captured) > 1000  # it did see the whole session...
    for secret in (brick.key.encode(), b'"proof"', b"marker", b"print('ran'"):
        assert secret not in captured  # ...all of it encrypted
    (brick.programs / "marker.py").unlink()
    for session in relay.sessions:  # the desktop's bytes, played again to the brick
        with socket.create_connection(("127.0.0.1", brick.port), timeout=5) as sock:
            try:
                sock.sendall(bytes(session["to_brick"]))
                while sock.recv(65536):
                    pass
            except OSError:
                pass
    assert not (brick.programs / "marker.py").exists()  # the upload was not done again
    connect(brick.pairing).close()  # and the brick serves its own desktop as before


def test_a_fake_brick_is_refused_before_anything_is_sent(brick, tmp_path):
    impostor = Impostor(tmp_path)
    relay = Relay(impostor.port)
    try:
        with pytest.raises(BrickError, match="is not the brick this computer was paired with.*nothing was sent"):
            connect(via(brick.pairing, relay.port))
        assert impostor.done.wait(5)
    finally:
        relay.close()
        impostor.close()
    assert impostor.plain == b""  # not a byte inside TLS: no hello, no proof, no key
    assert brick.key.encode() not in relay.captured()


def test_a_plain_listener_at_the_bricks_address_gets_no_key(brick):
    listener = socket.create_server(("127.0.0.1", 0))
    got = bytearray()

    def serve():
        sock, _ = listener.accept()
        sock.settimeout(5)
        try:
            while chunk := sock.recv(65536):
                got.extend(chunk)
                sock.sendall(b'{"service": 2, "name": "test-brick"}\n')  # what an old brick said
        except OSError:
            pass
        sock.close()

    import threading
    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    with pytest.raises(BrickError, match="not over TLS"):
        connect(via(brick.pairing, listener.getsockname()[1]))
    thread.join(5)
    listener.close()
    assert got.startswith(b"\x16\x03")  # a TLS ClientHello, and only that
    assert brick.key.encode() not in got


def test_an_answer_to_an_old_challenge_is_refused(brick):
    with tls_to(brick) as first:
        hello = parse_hello(read_line(first))
        overheard = proof(brick.key, brick.fingerprint, hello["challenge"])
    with tls_to(brick) as second:
        fresh = parse_hello(read_line(second))
        assert fresh["challenge"] != hello["challenge"]
        send_line(second, {"client": "attacker", "proof": overheard})
        assert parse_hello(read_line(second)) == {"refused": "wrong key"}
        assert second.recv(100) == b""  # and it hangs up


def test_the_right_proof_is_accepted(brick):
    """The other side of the test above: the same steps with a fresh proof do authenticate."""
    with tls_to(brick) as sock:
        hello = parse_hello(read_line(sock))
        assert hello["service"] == SERVICE_VERSION and hello["name"] == "test-brick"
        send_line(sock, {"client": "test", "proof": proof(brick.key, brick.fingerprint, hello["challenge"])})
        assert parse_hello(read_line(sock)) == {"ok": True}


@pytest.mark.parametrize("hello", [b"[" * 100_000, b"{\"proof\": " + b"[" * 3000 + b"]" * 3000 + b"}\n",
                                   b"\xff\xfe not utf-8\n", b"null\n", b"\n", b"x" * 10_000])
def test_a_hostile_hello_is_refused_cleanly_and_the_brick_serves_on(brick, hello):
    with tls_to(brick) as sock:
        read_line(sock)
        try:
            sock.sendall(hello)
            answer = read_line(sock)
        except OSError:
            answer = b""
        assert answer in (b"", b'{"refused": "no key"}\n')
    connect(brick.pairing).close()
    assert "Traceback" not in brick.log.read_text()


@pytest.mark.parametrize("data", [b"[" * 5000 + b"\n", b"{" * 9 + b"\n", json.dumps([[[[[[[[[1]]]]]]]]]).encode(),
                                  b'"a string"\n', b"\x00\n", b""])
def test_parse_hello_refuses_anything_but_a_flat_object(data):
    with pytest.raises(ValueError):
        parse_hello(data)


def test_parse_hello_reads_a_hello():
    assert parse_hello(b'{"service": 3, "challenge": "ab"}\n') == {"service": 3, "challenge": "ab"}


# --- floods ------------------------------------------------------------------------------------

QUICK, SLOW = 1100, 200


def _flood_quick(port: int) -> int:
    """QUICK connections opened as fast as possible and held a moment (the audit's 0.45 s flood)."""
    held = []
    for _ in range(QUICK):
        try:
            held.append(socket.create_connection(("127.0.0.1", port), timeout=2))
        except OSError:
            pass
    time.sleep(0.5)
    for sock in held:
        sock.close()
    return len(held)


def _flood_slow(port: int) -> list[socket.socket]:
    """SLOW connections that start a TLS hello and then say nothing more."""
    slow = []
    for _ in range(SLOW):
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=2)
            sock.sendall(b"\x16\x03\x01")  # the first bytes of a ClientHello
            slow.append(sock)
        except OSError:
            pass
    return slow


def _hung_up(sock: socket.socket) -> bool:
    sock.settimeout(0.01)
    try:
        return sock.recv(100) == b""
    except (socket.timeout, BlockingIOError):
        return False
    except OSError:
        return True


@pytest.mark.parametrize("open_files", [1024, 12])  # 12: the flood runs it out of file descriptors
def test_a_running_program_survives_floods_and_the_brick_still_takes_its_desktop(tmp_path, open_files):
    from robolab.ev3.brick.service import HANDSHAKE_SECONDS
    try:
        from tests.ev3.standin import StandInBrick
    except ImportError:
        from ev3.standin import StandInBrick

    brick = StandInBrick(tmp_path).start(open_files=open_files)
    try:
        connection = connect(brick.pairing)
        connection.upload("ticker", "#!/usr/bin/env python3\nimport time\nn = 0\nwhile True:\n"
                                    "    n += 1\n    print(n, flush=True)\n    time.sleep(0.05)\n")
        lines = []
        connection.run("ticker", lambda kind, *args: kind == "output" and lines.append(args[1]))
        deadline = time.monotonic() + 10
        while len(lines) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert lines
        opened = _flood_quick(brick.port)
        slow = _flood_slow(brick.port)
        assert opened > 1000 and len(slow) > 150  # the floods did reach it
        deadline = time.monotonic() + HANDSHAKE_SECONDS + 15  # each is cut at its handshake deadline
        while not all(_hung_up(sock) for sock in slow) and time.monotonic() < deadline:
            time.sleep(0.2)
        held = sum(not _hung_up(sock) for sock in slow)
        for sock in slow:
            sock.close()
        assert held == 0  # none is held for ever
        assert brick.proc.poll() is None  # the service is still there
        before = len(lines)
        again = connect(brick.pairing)  # its desktop still gets in
        assert again.status()["running"] == "ticker"
        deadline = time.monotonic() + 10
        while len(lines) < before + 5 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(lines) >= before + 5 and connection.alive  # the program ran on, its output still comes
        assert [int(n) for n in lines] == list(range(1, len(lines) + 1))  # not a line lost
        log = brick.log.read_text()
        assert "Traceback" not in log and "turned away" in log
        if open_files < 100:
            assert "accept failed (" in log  # it did run out, and carried on
        again.stop()
        again.close()
        connection.close()
    finally:
        brick.close()


def test_runs_after_the_first_reuse_the_warm_connection(brick, tmp_path, library):
    """Only connecting pays the TLS handshake: the mode keeps its connection between runs."""
    from robolab.ev3.mode import EV3Mode
    from robolab.ev3.pairing import Pairings
    from robolab.ev3.program import BrickProgram
    try:
        from tests.ev3.standin import PROGRAMS
    except ImportError:
        from ev3.standin import PROGRAMS

    pairings = Pairings(tmp_path / "bricks.json")
    pairings.save(brick.pairing)
    mode = EV3Mode(pairings)
    mode.connect(brick.name)
    try:
        count = BrickProgram.from_file(str(PROGRAMS / "count.rlab"), library)
        connection = mode.connection
        for _ in range(3):
            assert mode.run(count).wait(30) == 0
        assert mode.connection is connection and connection.alive
    finally:
        mode.disconnect()
    assert brick.log.read_text().count("welcome") == 1  # one handshake for three runs


@settings(max_examples=200)
@given(st.one_of(st.binary(max_size=5000), st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=30).map(lambda value: json.dumps(value).encode() + b"\n")))
def test_parse_hello_gives_a_flat_dict_or_value_error_for_any_bytes(data):
    try:
        hello = parse_hello(data)
    except ValueError:
        return
    assert isinstance(hello, dict) and len(data) <= 4096


def test_during_a_flood_from_one_address_the_desktop_at_another_still_gets_in(brick):
    """One computer flooding takes at most its share of the places to authenticate (127.0.0.2 is
    another address on the same loopback)."""
    from robolab.ev3.tls import pinned_socket

    slow = _flood_slow(brick.port)  # from 127.0.0.1, holding every place it can get
    try:
        assert len(slow) > 150
        time.sleep(0.5)
        raw = socket.create_connection(("127.0.0.1", brick.port), timeout=5, source_address=("127.0.0.2", 0))
        with pinned_socket(raw, brick.fingerprint) as sock:
            hello = parse_hello(read_line(sock))
            send_line(sock, {"client": "test", "proof": proof(brick.key, brick.fingerprint, hello["challenge"])})
            assert parse_hello(read_line(sock)) == {"ok": True}
    finally:
        for sock in slow:
            sock.close()


CHALLENGE = '"challenge": "' + "ab" * 32 + '"'


@pytest.mark.parametrize("hello, verdict", [
    (b"[" * 5000 + b"\n", b""),
    (b'{"service": 3, "name": "x", "challenge": ' + b"[" * 3000 + b"\n", b""),
    (b"not json at all\n", b""),
    (b"\xff" * 5000, b""),
    (b'{"service": [3], "name": {"a": 1}}\n', b""),
    (b'{"service": 3, "name": "x", "challenge": 12}\n', b""),
    (b'{"service": 3, "name": "x", "challenge": "short"}\n', b""),
    (('{"service": 3, "name": "\x1b[2Jx", ' + CHALLENGE + "}\n").encode(), b'{"ok": "yes"}\n'),
    (("{" + '"service": 3, ' + CHALLENGE + "}\n").encode(), b"[" * 4000 + b"\n"),
    (("{" + '"service": 3, ' + CHALLENGE + "}\n").encode(), b"null\n"),
    (("{" + '"service": 3, ' + CHALLENGE + "}\n").encode(), b""),
])
def test_a_brick_gone_bad_gets_a_clear_error_never_a_traceback(brick, tmp_path, hello, verdict):
    """The other way round: the brick itself (its own certificate) sends nonsense in the handshake."""
    impostor = Impostor(tmp_path, brick.tmp / "brick.crt", brick.tmp / "brick.key", hello, verdict)
    try:
        with pytest.raises(BrickError) as caught:
            connect(via(brick.pairing, impostor.port), timeout=3)
    finally:
        impostor.close()
    message = str(caught.value)
    assert "\x1b" not in message and "Traceback" not in message
    assert any(words in message for words in ("not as a RoboLab brick", "pairing key is wrong", "brick service",
                                              "did not answer"))
