"""What the desktop says when the brick fails or misbehaves (issue 15): remote errors in words, replies
that are not what they should be, and text with escape sequences, against the stand-in brick."""
import errno
import os
import shutil
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from robolab.ev3.connection import BrickError, clean_status, connect, printable, remote_words
from robolab.ev3.mode import EV3Mode
from robolab.ev3.pairing import Pairing, Pairings
from robolab.ev3.program import BrickProgram

try:
    from tests.ev3.standin import PROGRAMS, SERVICE, StandInBrick
except ImportError:
    from ev3.standin import PROGRAMS, SERVICE, StandInBrick

ESCAPES = "\x1b[2J\x1b]0;owned\x07\x1b[31m\x9b1m\x07\x08\r\u202e"


def test_a_full_disk_on_the_brick_is_said_in_words_and_the_link_stays(brick):
    (brick.programs / "full.py.part").symlink_to("/dev/full")  # writing there fails with ENOSPC
    connection = connect(brick.pairing)
    try:
        with pytest.raises(BrickError) as caught:
            connection.upload("full", "print(1)\n")
        message = str(caught.value)
        assert message.startswith("brick 'test-brick' could not save the program: its storage (the SD card) is full")
        assert "Traceback" not in message and "lost the connection" not in message
        assert connection.alive and connection.status()["name"] == "test-brick"
    finally:
        connection.close()


def _remote(error: BaseException) -> BaseException:
    """`error` as the desktop's rpyc rebuilds it from the brick's (real rpyc 5.3 code, no network)."""
    from rpyc.core import vinegar
    dumped = vinegar.dump(type(error), error, None, True, True)
    return vinegar.load(dumped, False, False, False)


@pytest.mark.parametrize("error, words", [
    (OSError(errno.ENOSPC, "No space left on device"), "storage (the SD card) is full"),
    (OSError(errno.ENOMEM, "Cannot allocate memory"), "out of memory"),
    (MemoryError(), "out of memory"),
    (PermissionError(errno.EACCES, "Permission denied", "/home/robot/robolab/x.py"), "permission denied there"),
    (OSError(errno.EROFS, "Read-only file system"), "read-only"),
    (OSError(errno.EIO, "Input/output error"), "could not be read or written"),
    (OSError(errno.ENOTDIR, "Not a directory"), "Not a directory (on the brick)"),
    (ValueError("there is no program 'x' on brick b; download it first"), "there is no program 'x'"),
    (KeyError("\x1b[2Jsurprise"), "KeyError: surprise"),
])
def test_remote_errors_are_said_in_words_without_a_traceback(error, words):
    remote = _remote(error)
    assert hasattr(remote, "_remote_tb")  # it really is the rebuilt kind
    said = remote_words(remote)
    assert words in said
    assert "Traceback" not in said and "\x1b" not in said


def test_printable_keeps_text_and_drops_escapes_and_controls():
    assert printable(f"left{ESCAPES}right\ttab ünïcødé") == "leftright\ttab ünïcødé"
    assert printable("log n 1") == "log n 1"


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_printable_never_lets_a_control_character_through(text):
    shown = printable(text)
    assert not any(ord(c) < 32 and c != "\t" or 0x7f <= ord(c) <= 0x9f or 0x202a <= ord(c) <= 0x202e
                   or 0x2066 <= ord(c) <= 0x2069 for c in shown)
    assert printable(shown) == shown


def test_a_status_of_the_wrong_kinds_is_read_as_unknown():
    status = clean_status({"name": "b\x1b[2J", "battery_volts": "lots", "versions": {"rpyc": ["4"], "service": 3,
                           "\x1b": "x"}, "running": {"a": 1}, "programs": ["a", 3, None], "last": "x", "warm": 1})
    assert status == {"name": "b", "battery_volts": None, "versions": {"rpyc": None, "service": 3}, "running": None,
                      "start_seconds": None, "last": None, "programs": ["a", "3"], "warm": False}


def test_output_with_escape_sequences_reaches_the_student_clean(brick, tmp_path, library):
    pairings = Pairings(tmp_path / "bricks.json")
    pairings.save(brick.pairing)
    heard = []
    mode = EV3Mode(pairings, on_output=lambda stream, line: heard.append((stream, line)))
    mode.connect(brick.name)
    try:
        count = BrickProgram.from_file(str(PROGRAMS / "count.rlab"), library)
        mode.connection.upload(count.name, "import sys\nprint('a%sb' % {!r}, flush=True)\n"
                                           "print('c%sd' % {!r}, file=sys.stderr, flush=True)\n".format(ESCAPES, ESCAPES))
        assert mode.run(count, download=False).wait(10) == 0
    finally:
        mode.disconnect()
    assert sorted(heard) == [("err", "cd"), ("out", "ab")]  # two streams: either may come first


@pytest.fixture
def hostile(tmp_path):
    """A brick whose service answers stop with something that is not JSON, and gives a status of the
    wrong kinds with escape sequences in it (a broken or malicious brick)."""
    text = SERVICE.read_text()
    for old, new in (("return json.dumps(brick.stop())", "return '<html>stopped</html>'"),
                     ("return json.dumps(brick.status())",
                      "return json.dumps(dict(brick.status(), battery_volts='7.5', running=%r))" % ESCAPES)):
        assert old in text
        text = text.replace(old, new)
    service = tmp_path / "hostile_service.py"
    service.write_text(text)
    shutil.copy(SERVICE.with_name("zygote.py"), tmp_path / "zygote.py")
    standin = StandInBrick(tmp_path, name="evil" + ESCAPES, service=service).start()
    home = tmp_path / "config"
    Pairings(home / "robolab" / "bricks.json").save(Pairing("evil", "127.0.0.1", standin.port, standin.key,
                                                            standin.fingerprint))
    yield home
    standin.close()


def _robolab(home, *args):
    done = subprocess.run([sys.executable, "-m", "robolab", *args], capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, XDG_CONFIG_HOME=str(home)))
    return done.returncode, done.stdout, done.stderr


def test_replies_that_are_not_json_or_of_the_wrong_kinds_are_said_not_raised(hostile):
    code, out, err = _robolab(hostile, "stop")
    assert code == 1
    assert "answered stop with something RoboLab cannot read" in err
    code, out, err = _robolab(hostile, "brick", "list", "--status")
    assert code == 0 and "battery unknown" in out
    for said in (out, err):
        assert "Traceback" not in said
        assert not any(ord(c) < 32 and c not in "\t\n" or 0x7f <= ord(c) <= 0x9f for c in said), repr(said)


def test_push_to_a_brick_named_with_escapes_shows_none(hostile):
    code, out, err = _robolab(hostile, "push", str(PROGRAMS / "count.rlab"), "--run")
    assert code == 0, err
    assert "\x1b" not in out + err and "running on brick evil" in err


def test_callbacks_of_the_wrong_kinds_are_read_safely(tmp_path, library):
    """A brick gone bad sends output, line and exit callbacks carrying anything at all."""
    text = SERVICE.read_text()
    for old, new in (('self.tell("output", stream, text)',
                      'self.tell("output", stream, text); self.tell("output", 5, {"a": 1}); self.tell("line", "x"); '
                      'self.tell("bogus"); self.tell("output")'),
                     ('self.tell("exit", code, self.stopped)', 'self.tell("exit", 10 ** 30, "yes")')):
        assert old in text
        text = text.replace(old, new)
    service = tmp_path / "odd_service.py"
    service.write_text(text)
    shutil.copy(SERVICE.with_name("zygote.py"), tmp_path / "zygote.py")
    standin = StandInBrick(tmp_path, service=service).start()
    pairings = Pairings(tmp_path / "bricks.json")
    pairings.save(standin.pairing)
    heard = []
    mode = EV3Mode(pairings, on_output=lambda stream, line: heard.append((stream, line)))
    try:
        mode.connect(standin.name)
        handle = mode.run(BrickProgram.from_file(str(PROGRAMS / "count.rlab"), library))
        assert handle.wait(10) == 1 and handle.stopped is True
    finally:
        mode.disconnect()
        standin.close()
    assert [line for _, line in heard] == ["log n 1", "log n 2", "log n 3"]  # the proxies for a dict were skipped
    assert all(stream in ("out", "err") and isinstance(line, str) for stream, line in heard)
