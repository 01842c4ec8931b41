"""The EV3 link end to end: the desktop (rpyc 5.3) drives the real brick service under a real rpyc 4.1.5 on
127.0.0.1, whose programs run the real python-ev3dev2 on a fake sysfs tree."""
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from robolab.ev3.brick import service as brick_service
from robolab.ev3.connection import BrickError, BrickLost, connect
from robolab.ev3.mode import CONNECTED, LOST, RUNNING, EV3Mode
from robolab.ev3.pairing import Pairing, Pairings
from robolab.ev3.program import BrickProgram
from robolab.ev3.rpyc_safe import rpyc

try:
    from tests.ev3.standin import PROGRAMS, SERVICE, StandInBrick, free_port
except ImportError:
    from ev3.standin import PROGRAMS, SERVICE, StandInBrick, free_port


class Recorder:
    """The mode's callbacks, kept in order; `lines` are the program's output lines."""

    def __init__(self):
        self.output, self.states, self.changed = [], [], threading.Condition()

    def on_output(self, stream, line):
        with self.changed:
            self.output.append((stream, line))
            self.changed.notify_all()

    def on_state(self, state, message):
        with self.changed:
            self.states.append((state, message, time.monotonic()))
            self.changed.notify_all()

    def lines(self, stream="out"):
        return [line for s, line in self.output if s == stream]

    def wait_for(self, predicate, timeout=10.0):
        with self.changed:
            assert self.changed.wait_for(predicate, timeout), (self.output, self.states)


@pytest.fixture
def recorder():
    return Recorder()


@pytest.fixture
def mode(brick, recorder, tmp_path):
    pairings = Pairings(tmp_path / "bricks.json")
    pairings.save(brick.pairing)
    ev3 = EV3Mode(pairings, on_output=recorder.on_output, on_state=recorder.on_state)
    ev3.connect(brick.name)
    yield ev3
    ev3.disconnect()


def program(library, name):
    return BrickProgram.from_file(str(PROGRAMS / f"{name}.rlab"), library)


def test_download_saves_an_executable_program_with_its_shebang(mode, brick, library):
    count = program(library, "count")
    path = Path(mode.download(count))
    assert path == brick.programs / "count.py"
    assert path.read_text() == count.source
    assert path.read_text().startswith("#!/usr/bin/env python3\n")
    assert path.stat().st_mode & stat.S_IXUSR
    assert "count" in mode.status()["programs"]


def test_run_streams_the_output_and_gives_the_exit_code(mode, recorder, library):
    handle = mode.run(program(library, "count"))
    assert handle.wait(10) == 0
    assert recorder.lines() == ["log n 1", "log n 2", "log n 3"]
    assert [s for s, *_ in recorder.states][-2:] == [RUNNING, CONNECTED]


def test_status_names_the_brick_its_battery_versions_and_program(mode, brick, recorder, library):
    status = mode.status()
    assert status["name"] == "test-brick"
    assert status["battery_volts"] == 7.5
    assert status["versions"]["rpyc"] == "4.1.5"  # the brick side really runs the old rpyc
    assert status["versions"]["service"] == brick_service.SERVICE_VERSION
    assert rpyc.__version__.startswith("5.")  # and the desktop the new one
    handle = mode.run(program(library, "forever"))
    recorder.wait_for(lambda: len(recorder.lines()) >= 2)
    assert mode.status()["running"] == "forever"
    mode.stop()
    assert handle.wait(5) is not None
    assert mode.status()["running"] is None


def test_stop_ends_a_forever_program_within_a_second_and_brakes_the_motors(mode, brick, recorder, library):
    handle = mode.run(program(library, "forever"))
    recorder.wait_for(lambda: len(recorder.lines()) >= 3)  # streamed while it runs
    assert not handle.ended.is_set()
    assert brick.motor("B", "command") == "run-forever"
    result = mode.stop()
    assert result["stopped"] == "forever"
    assert result["seconds"] < 1.0  # SIGINT is enough; SIGKILL would come at 0.7 s anyway
    assert handle.wait(2) is not None and handle.stopped
    for port in "BC":
        assert brick.motor(port, "command") == "stop"
        assert brick.motor(port, "stop_action") == "brake"  # the service's, after the program's own coast
    assert not any("Traceback" in line for line in recorder.lines("err"))
    count = len(recorder.lines())
    time.sleep(0.3)
    assert len(recorder.lines()) == count  # it has really ended


def test_stop_escalates_to_sigkill_for_a_program_that_ignores_sigint_and_sigterm(mode, brick, recorder):
    stubborn = (
        "#!/usr/bin/env python3\n"
        "import signal, time\n"
        "from ev3dev2.motor import LargeMotor, OUTPUT_B\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"  # from the start: no moment where Ctrl+C ends it
        "LargeMotor(OUTPUT_B).on(50)\n"
        "print('driving', flush=True)\n"
        "while True:\n"
        "    time.sleep(0.05)\n")
    connection = mode.connection
    connection.upload("stubborn", stubborn)
    ended = threading.Event()
    exits = []
    connection.run("stubborn", lambda kind, *args: kind == "exit" and (exits.append(args), ended.set()))
    deadline = time.monotonic() + 10
    while brick.motor("B", "command") != "run-forever" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert brick.motor("B", "command") == "run-forever"
    result = connection.stop()
    assert ended.wait(5)
    assert exits == [(-signal.SIGKILL, True)]
    assert result["seconds"] >= 0.6  # it waited out SIGINT and SIGTERM
    assert brick.motor("B", "command") == "stop" and brick.motor("B", "stop_action") == "brake"


def test_a_crash_is_reported_on_the_students_line(mode, recorder, library):
    crash = program(library, "crash")
    handle = mode.run(crash)
    assert handle.wait(10) == 1
    assert recorder.lines() == ["log before 1"]
    problem = handle.problem
    assert (problem.file, problem.line, problem.column) == (crash.file, 5, 1)
    assert "ZeroDivisionError" in problem.message
    assert not any("service.py" in line or "runpy" in line for line in recorder.lines("err"))


PEEK = ("#!/usr/bin/env python3\nimport os, sys\n"
        "print('warm', 'ev3dev2.motor' in sys.modules, 'parent', os.getppid(), flush=True)\n")


def _zygote_of(service_pid):
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
            ppid = int((entry / "stat").read_text().split(") ")[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if any(arg.endswith(b"zygote.py") for arg in command) and ppid == service_pid:
            return int(entry.name)
    return None


def test_programs_are_forked_from_a_zygote_that_has_ev3dev2_imported(mode, brick, recorder):
    mode.connection.upload("peek", PEEK)
    zygote = _zygote_of(brick.proc.pid)
    assert zygote is not None
    for _ in range(2):
        recorder.output.clear()
        mode.connection.run("peek", lambda *args: recorder.on_output(*args[1:]) if args[0] == "output" else None)
        recorder.wait_for(lambda: recorder.lines())
        assert recorder.lines() == [f"warm True parent {zygote}"]
    assert mode.status()["warm"] and mode.status()["versions"]["ev3dev2"] == "2.1.0.post1"


def test_without_its_zygote_a_program_still_runs_and_a_new_zygote_starts(mode, brick, recorder):
    mode.connection.upload("peek", PEEK)
    old = _zygote_of(brick.proc.pid)
    os.kill(old, signal.SIGKILL)
    time.sleep(0.2)
    mode.connection.run("peek", lambda *args: recorder.on_output(*args[1:]) if args[0] == "output" else None)
    recorder.wait_for(lambda: recorder.lines())
    assert recorder.lines() == [f"warm False parent {brick.proc.pid}"]  # a fresh interpreter, started cold
    deadline = time.monotonic() + 15
    while _zygote_of(brick.proc.pid) in (None, old) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _zygote_of(brick.proc.pid) not in (None, old)


def test_a_connection_without_the_key_is_refused(brick):
    with pytest.raises(BrickError, match="not paired with it"):
        connect(Pairing("test-brick", "127.0.0.1", brick.port, ""))


def test_a_connection_with_a_wrong_key_is_refused(brick):
    with pytest.raises(BrickError, match="pairing key is wrong"):
        connect(Pairing("test-brick", "127.0.0.1", brick.port, "someone-elses-key", brick.fingerprint))


def test_plain_rpyc_without_the_handshake_gets_nothing(brick):
    conn = rpyc.connect("127.0.0.1", brick.port, config={"sync_request_timeout": 5})
    with pytest.raises((EOFError, OSError)):
        conn.root.status()


def test_a_brick_with_another_service_version_names_both_and_the_fix(tmp_path):
    old = tmp_path / "old_service.py"
    text = SERVICE.read_text()
    now = brick_service.SERVICE_VERSION
    assert f"SERVICE_VERSION = {now} " in text
    old.write_text(text.replace(f"SERVICE_VERSION = {now} ", f"SERVICE_VERSION = {now - 1} ", 1))
    shutil.copy(SERVICE.with_name("zygote.py"), tmp_path / "zygote.py")  # as setup puts them, side by side
    standin = StandInBrick(tmp_path, service=old).start()
    try:
        with pytest.raises(BrickError) as caught:
            connect(standin.pairing)
    finally:
        standin.close()
    message = str(caught.value)
    assert f"brick service {now - 1}" in message and f"needs brick service {now}" in message
    assert "robolab brick setup 127.0.0.1 --name test-brick" in message


def test_an_unreachable_brick_says_so():
    port = free_port()
    with pytest.raises(BrickError, match="service is not running on port"):
        connect(Pairing("nobody", "127.0.0.1", port, "k", "sha256:" + "0" * 64))
    with pytest.raises(BrickError, match="no brick called 'ev3-nowhere' is paired"):
        connect(Pairing("ev3-nowhere", "ev3-nowhere.invalid", 18817, ""))


@pytest.mark.parametrize("how", ["killed", "frozen"])
def test_a_brick_that_drops_out_mid_run_is_noticed_within_5_s(mode, brick, recorder, library, how):
    handle = mode.run(program(library, "forever"))
    recorder.wait_for(lambda: len(recorder.lines()) >= 2)
    began = time.monotonic()
    brick.signal(signal.SIGKILL if how == "killed" else signal.SIGSTOP)  # frozen: no goodbye, like lost Wi-Fi
    assert handle.ended.wait(5.0)
    with pytest.raises(BrickLost, match="lost the connection to brick 'test-brick'"):
        handle.wait(0)
    recorder.wait_for(lambda: any(s == LOST for s, *_ in recorder.states), timeout=1)
    lost_at = next(t for s, _, t in recorder.states if s == LOST)
    assert lost_at - began < 5.0
    with pytest.raises(BrickLost):
        mode.status()


def test_reconnect_after_the_service_restarts(mode, brick, library):
    brick.signal(signal.SIGKILL)
    brick.proc.wait()
    deadline = time.monotonic() + 5
    while mode.state != LOST and time.monotonic() < deadline:
        time.sleep(0.05)
    assert mode.state == LOST
    brick.start()
    mode.connect(brick.name)
    assert mode.run(program(library, "count")).wait(10) == 0


def test_the_brick_service_and_zygote_are_python_3_5(tmp_path):
    vermin = shutil.which("vermin") or str(Path(sys.executable).parent / "vermin")
    checked = subprocess.run([vermin, "-t=3.5-", "--no-tips", "--violations", str(SERVICE),
                              str(SERVICE.with_name("zygote.py"))], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    newer = tmp_path / "newer.py"  # the same check does catch newer syntax
    newer.write_text('name = "x"\nprint(f"{name}")\n')
    failed = subprocess.run([vermin, "-t=3.5-", "--no-tips", "--violations", str(newer)], capture_output=True, text=True)
    assert failed.returncode != 0


def test_disconnecting_leaves_the_brick_serving_others(mode, brick):
    connection = mode.connection
    mode.disconnect()
    assert not connection.alive
    with socket.create_connection(("127.0.0.1", brick.port), timeout=2):
        pass  # the service still takes new connections


def test_rpyc_beside_qt_leaves_none_alone():
    """shiboken6 6.12 on Python 3.11 loses a reference to None on each builtin __doc__ read; rpyc_safe
    keeps rpyc from making those reads (else Python aborts at exit once Qt is loaded)."""
    code = (
        "import sys\n"
        "from PySide6 import QtCore\n"
        "from robolab.ev3.rpyc_safe import rpyc\n"
        "import rpyc.lib, rpyc.core.netref\n"
        "before = sys.getrefcount(None)\n"
        "for _ in range(50):\n"
        "    list(rpyc.lib.get_methods(rpyc.core.netref.LOCAL_ATTRS, test))\n"
        "    list(rpyc.lib.get_methods(rpyc.core.netref.LOCAL_ATTRS, type(test)))\n"
        "print(sys.getrefcount(None) - before)\n")
    result = subprocess.run([sys.executable, "-c", "def test(): pass\n" + code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) >= 0


def test_a_program_left_driving_by_a_killed_service_is_ended_when_it_restarts(mode, brick):
    silent = ("#!/usr/bin/env python3\nimport time\nfrom ev3dev2.motor import LargeMotor, OUTPUT_B\n"
              "LargeMotor(OUTPUT_B).on(30)\nwhile True:\n    time.sleep(0.05)\n")
    mode.connection.upload("silent", silent)
    mode.connection.run("silent", lambda *_: None)
    deadline = time.monotonic() + 10
    while brick.motor("B", "command") != "run-forever" and time.monotonic() < deadline:
        time.sleep(0.05)
    pid = int((brick.programs / ".running").read_text().split()[0])
    brick.signal(signal.SIGKILL)
    brick.proc.wait()
    time.sleep(0.3)
    assert brick.motor("B", "command") == "run-forever"  # nobody stopped it: it prints nothing, so it lives on
    os.kill(pid, 0)
    brick.start()
    deadline = time.monotonic() + 5
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid)
    assert brick.motor("B", "command") == "stop" and brick.motor("B", "stop_action") == "brake"


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as f:
        return f.read().split(") ")[1][0] != "Z"  # a zombie has ended


def test_traced_runs_name_the_running_block_and_plain_runs_do_not(brick, tmp_path, library):
    pairings = Pairings(tmp_path / "bricks.json")
    pairings.save(brick.pairing)
    blocks = []
    ev3 = EV3Mode(pairings, on_block=blocks.append)
    ev3.connect(brick.name)
    try:
        forever = program(library, "forever")
        handle = ev3.run(forever, trace=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not any(forever.program.block_at(path).command == "wait"
                                                      for path in list(blocks)):
            time.sleep(0.05)
        ev3.stop()
        handle.wait(5)
        commands = {forever.program.block_at(path).command for path in blocks}
        assert "wait" in commands  # where the loop spends its time
        assert commands <= {"var", "start_driving", "forever", "change", "log", "wait"}
        blocks.clear()
        assert ev3.run(program(library, "count")).wait(10) == 0
        assert blocks == []
    finally:
        ev3.disconnect()


@pytest.mark.parametrize("body, code, said", [("sys.exit(3)", 3, None), ("raise SystemExit('no wall seen')", 1, "no wall seen"),
                                              ("sys.exit()", 0, None)])
def test_the_exit_code_is_the_programs(mode, recorder, body, code, said):
    mode.connection.upload("leave", f"#!/usr/bin/env python3\nimport sys\nprint('bye', flush=True)\n{body}\n")
    exits, ended = [], threading.Event()

    def listen(kind, *args):
        if kind == "output":
            recorder.on_output(*args)
        else:
            exits.append(args)
            ended.set()

    mode.connection.run("leave", listen)
    assert ended.wait(10)
    assert exits == [(code, False)]
    assert recorder.lines() == ["bye"]
    assert recorder.lines("err") == ([said] if said else [])


def test_callbacks_come_back_in_the_order_the_brick_sent_them():
    """rpyc may run two of the brick's async calls at once on two threads; they are put back in order."""
    from robolab.ev3.connection import InOrder
    heard = []
    listen = InOrder(lambda *args: heard.append(args))
    for number in (1, 0, 3, 2, 4):
        listen(number, "output", "out", f"line {number}")
    assert [line for _, _, line in heard] == [f"line {n}" for n in range(5)]
    for number in (-1, 4, "5", 10**9):  # not numbers in the window ahead: a broken brick's, not heard
        listen(number, "output", "out", "stray")
    listen(5, "output", "out", "line 5")
    assert [line for _, _, line in heard] == [f"line {n}" for n in range(6)]
