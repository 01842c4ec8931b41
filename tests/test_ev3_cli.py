"""`robolab push`, `robolab stop` and `robolab brick list` as a student types them, against a stand-in brick."""
import json
import os
import signal
import subprocess
import sys

import pytest

from robolab.ev3.pairing import Pairing, Pairings, split_address

try:
    from tests.ev3.standin import PROGRAMS
except ImportError:
    from ev3.standin import PROGRAMS


@pytest.fixture
def config_home(tmp_path, brick):
    """A config folder (platformdirs follows XDG_CONFIG_HOME) where this computer is paired with the brick."""
    home = tmp_path / "config"
    Pairings(home / "robolab" / "bricks.json").save(brick.pairing)
    return home


def robolab(config_home, *args, **kwargs):
    env = dict(os.environ, XDG_CONFIG_HOME=str(config_home))
    return subprocess.Popen([sys.executable, "-m", "robolab", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, **kwargs)


def finish(proc, timeout=30):
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


def test_push_run_streams_output_and_exits_with_the_programs_code(config_home, brick):
    code, out, err = finish(robolab(config_home, "push", str(PROGRAMS / "count.rlab"), "--brick", "test-brick", "--run"))
    assert code == 0, err
    assert out.splitlines() == ["log n 1", "log n 2", "log n 3"]
    assert "running on brick test-brick" in err


def test_push_without_run_only_saves_it(config_home, brick):
    code, out, err = finish(robolab(config_home, "push", str(PROGRAMS / "count.rlab"), "--brick", f"127.0.0.1:{brick.port}"))
    assert code == 0, err
    assert (brick.programs / "count.py").is_file()
    assert out == ""


def test_a_crash_on_the_brick_names_the_students_line(config_home, brick):
    crash = str(PROGRAMS / "crash.rlab")
    code, out, err = finish(robolab(config_home, "push", crash, "--brick", "test-brick", "--run"))
    assert code == 1
    assert out.splitlines() == ["log before 1"]
    assert f"{crash}:5:1: while running on the brick: ZeroDivisionError: division by zero" in err.splitlines()


def test_ctrl_c_stops_the_program_and_its_motors(config_home, brick):
    proc = robolab(config_home, "push", str(PROGRAMS / "forever.rlab"), "--brick", "test-brick", "--run")
    assert proc.stdout.readline().strip() == "log n 1"
    assert brick.motor("B", "command") == "run-forever"
    proc.send_signal(signal.SIGINT)
    code, _, err = finish(proc)
    assert code == 130
    assert "motors braked" in err
    assert brick.motor("B", "command") == "stop" and brick.motor("B", "stop_action") == "brake"


def test_robolab_stop_stops_a_program_started_elsewhere(config_home, brick):
    runner = robolab(config_home, "push", str(PROGRAMS / "forever.rlab"), "--brick", "test-brick", "--run")
    assert runner.stdout.readline().strip() == "log n 1"
    code, _, err = finish(robolab(config_home, "stop", "--brick", "test-brick"))
    assert code == 0, err
    assert "stopped forever" in err
    assert finish(runner)[0] == 130
    assert brick.motor("C", "command") == "stop"


def test_pushing_to_an_unpaired_brick_is_refused_clearly(tmp_path, brick):
    empty = tmp_path / "nobody"
    code, _, err = finish(robolab(empty, "push", str(PROGRAMS / "count.rlab"), "--brick", f"127.0.0.1:{brick.port}"))
    assert code == 1
    assert "this computer is not paired with it. Pair it with: robolab brick setup 127.0.0.1" in err
    assert not (brick.programs / "count.py").exists()


def test_a_program_with_mistakes_is_not_sent(config_home, brick, tmp_path):
    bad = tmp_path / "bad.rlab"
    bad.write_text("robolab 1 palette ev3 1.0\ndrive speed=500 amount=1 unit=seconds\n")
    code, _, err = finish(robolab(config_home, "push", str(bad), "--brick", "test-brick", "--run"))
    assert code == 1
    assert f"{bad}:2:" in err
    assert not brick.programs.exists() or not list(brick.programs.glob("bad.py"))


def test_brick_list_shows_pairings_and_status(config_home, brick):
    code, out, _ = finish(robolab(config_home, "brick", "list", "--status"))
    assert code == 0
    name, address, status = out.strip().split("\t")
    assert (name, address) == ("test-brick", f"127.0.0.1:{brick.port}")
    assert "battery 7.5 V" in status and "rpyc 4.1.5" in status and "idle" in status


def test_pairings_resolve_names_hosts_and_ports(tmp_path):
    pairings = Pairings(tmp_path / "bricks.json")
    pairings.save(Pairing("group-1", "ev3-a.local", 18817, "one"))
    pairings.save(Pairing("group-2", "10.0.0.7", 9000, "two"))
    assert pairings.resolve("group-2").key == "two"
    assert pairings.resolve("10.0.0.7:9000").name == "group-2"
    assert pairings.resolve("ev3-a.local").name == "group-1"
    assert pairings.resolve("10.0.0.8") == Pairing("10.0.0.8", "10.0.0.8", 18817, "")
    pairings.save(Pairing("group-1", "ev3-b.local", 18817, "new"))  # set up again: replaced, not doubled
    assert [p.host for p in pairings.all()] == ["ev3-b.local", "10.0.0.7"]
    assert (pairings.path.stat().st_mode & 0o777) == 0o600
    assert json.loads(pairings.path.read_text())["bricks"][0]["name"] == "group-1"
    assert pairings.remove("group-2") and not pairings.remove("group-2")


def test_addresses_and_bad_ports():
    assert split_address("ev3") == ("ev3", 18817)
    assert split_address("ev3:1234") == ("ev3", 1234)
    assert split_address("[::1]:99") == ("::1", 99)
    with pytest.raises(ValueError, match="port must be a number"):
        split_address("ev3:http")
    with pytest.raises(ValueError, match="port must be a number"):
        split_address("ev3:70000")


def test_a_damaged_pairings_file_is_named(tmp_path):
    path = tmp_path / "bricks.json"
    path.write_text("{not json")
    with pytest.raises(ValueError, match=r"bricks.json: the list of paired bricks cannot be read"):
        Pairings(path).all()


def test_brick_setup_names_a_host_that_is_not_there(tmp_path):
    code, _, err = finish(robolab(tmp_path, "brick", "setup", "no-such-brick.invalid"))
    assert code == 1
    assert "robolab brick setup: host 'no-such-brick.invalid' not found" in err


def test_brick_may_be_left_out_when_only_one_is_paired(config_home, brick):
    code, out, err = finish(robolab(config_home, "push", str(PROGRAMS / "count.rlab"), "--run"))
    assert code == 0, err
    assert out.splitlines() == ["log n 1", "log n 2", "log n 3"]
    Pairings(config_home / "robolab" / "bricks.json").save(Pairing("group-9", "10.9.9.9", 18817, "k"))
    code, _, err = finish(robolab(config_home, "stop"))
    assert code == 1
    assert "say which brick with --brick: this computer is paired with group-9, test-brick" in err


def test_brick_forget_unpairs(config_home, brick):
    code, _, err = finish(robolab(config_home, "brick", "forget", "test-brick"))
    assert code == 0 and "forgot brick test-brick" in err
    code, out, _ = finish(robolab(config_home, "brick", "list"))
    assert "no bricks are paired" in out
    code, _, err = finish(robolab(config_home, "brick", "forget", "test-brick"))
    assert code == 1 and "no brick called test-brick" in err
