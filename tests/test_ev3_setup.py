"""`robolab brick setup` against a folder standing in for the brick: rpyc 4.1.5 and the service really get
unpacked and started there, and this computer is paired with the running service."""
import json

import pytest

from robolab.ev3.brick_files import FolderBrick, _parse_facts
from robolab.ev3.connection import BrickError, connect
from robolab.ev3.mode import EV3Mode
from robolab.ev3.pairing import Pairing, Pairings
from robolab.ev3.program import BrickProgram
from robolab.ev3.setup import BRICK_RPYC, brick_wheels, setup_brick
from robolab.ev3.tls import pem_fingerprint

try:
    from tests.ev3.standin import BRICKSIDE, PROGRAMS, free_port
    from tests.fakebrick import FakeBrick
except ImportError:
    from ev3.standin import BRICKSIDE, PROGRAMS, free_port
    from fakebrick import FakeBrick

EV3DEV_RELEASE = 'PRETTY_NAME="ev3dev 10 (stretch)"\nNAME="ev3dev"\nID=ev3dev\n'


@pytest.fixture(scope="session")
def wheels():
    return brick_wheels()  # pip download, for Python 3.5, once per machine


@pytest.fixture
def folder(tmp_path):
    fake = FakeBrick(tmp_path)
    root = tmp_path / "brick"
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "os-release").write_text(EV3DEV_RELEASE)
    brick = FolderBrick(root, env={"PYTHONPATH": str(BRICKSIDE), "ROBOLAB_TEST_SYS_CLASS": str(fake.sys_class)})
    brick.write(".robolab/brick.json", json.dumps({"sys_class": str(fake.sys_class)}).encode())
    brick.fake = fake
    yield brick
    brick.stop_service()


def test_setup_installs_starts_and_pairs_then_a_program_runs(folder, wheels, tmp_path, library):
    pairings = Pairings(tmp_path / "bricks.json")
    port, said = free_port(), []
    pairing = setup_brick(folder, "127.0.0.1", "group-3", port=port, wheels=wheels, pairings=pairings,
                          say=said.append, wait=30)
    assert pairings.resolve("group-3") == pairing and pairing.port == port and len(pairing.key) >= 24
    home = folder.home
    assert (home / ".robolab/lib/rpyc/version.py").exists() and (home / ".robolab/lib/plumbum").is_dir()
    assert (home / ".robolab/service.py").stat().st_mode & 0o100 and (home / ".robolab/zygote.py").is_file()
    config = json.loads((home / ".robolab/brick.json").read_text())
    assert config["name"] == "group-3" and config["key"] == pairing.key
    assert (home / ".robolab/brick.json").stat().st_mode & 0o777 == 0o600
    assert (home / ".robolab/brick.key").stat().st_mode & 0o777 == 0o600
    assert pairing.fingerprint == pem_fingerprint((home / ".robolab/brick.crt").read_bytes())  # pinned
    unit = (folder.root / "etc/systemd/system/robolab-brick.service").read_text()
    assert "ExecStart=/usr/bin/python3" in unit and "User=robot" in unit
    assert "Restart=always" in unit  # even after a clean exit
    assert any("ready and paired" in line for line in said)
    mode = EV3Mode(pairings)
    status = mode.connect("group-3")
    assert status["versions"]["rpyc"] == BRICK_RPYC  # the unpacked one serves
    assert mode.run(BrickProgram.from_file(str(PROGRAMS / "count.rlab"), library)).wait(20) == 0
    mode.disconnect()


def test_setup_again_keeps_the_key_and_changes_nothing_that_is_right(folder, wheels, tmp_path):
    first = setup_brick(folder, "127.0.0.1", "group-3", port=free_port(), wheels=wheels,
                        pairings=Pairings(tmp_path / "a.json"), say=lambda _: None, wait=30)
    said = []
    second_computer = Pairings(tmp_path / "b.json")
    again = setup_brick(folder, "127.0.0.1", None, port=first.port, wheels=[], pairings=second_computer,
                        say=said.append, wait=30)
    assert again == first  # same name and key: the second computer is paired too
    assert not any("installing" in line or "starting" in line for line in said), said
    connect(second_computer.resolve("group-3")).close()


def test_a_brick_paired_the_old_way_asks_to_be_set_up_again_and_then_gets_a_new_key(folder, wheels, tmp_path):
    old = Pairing("group-3", "127.0.0.1", free_port(), "an-old-key-someone-overheard")  # no certificate pinned
    pairings = Pairings(tmp_path / "bricks.json")
    pairings.save(old)
    with pytest.raises(BrickError, match="paired by an older RoboLab.*robolab brick setup 127.0.0.1 --name group-3"):
        connect(pairings.resolve("group-3"))
    folder.write(".robolab/brick.json", json.dumps({"sys_class": str(folder.fake.sys_class), "name": "group-3",
                                                    "key": old.key}).encode(), 0o600)
    again = setup_brick(folder, "127.0.0.1", None, port=old.port, wheels=wheels, pairings=pairings,
                        say=lambda _: None, wait=30)
    assert again.key != old.key and again.fingerprint.startswith("sha256:")
    assert pairings.resolve("group-3") == again
    connect(again).close()


def test_a_paired_brick_whose_certificate_changed_is_not_set_up_until_forgotten(folder, wheels, tmp_path):
    pairings = Pairings(tmp_path / "bricks.json")
    first = setup_brick(folder, "127.0.0.1", "group-3", port=free_port(), wheels=wheels, pairings=pairings,
                        say=lambda _: None, wait=30)
    (folder.home / ".robolab/brick.crt").unlink()  # re-flashed, or something else answering at its address
    config_before = (folder.home / ".robolab/brick.json").read_bytes()
    with pytest.raises(BrickError, match="is not the brick 'group-3' this computer was paired with: its certificate "
                                         "is missing.*robolab brick forget group-3"):
        setup_brick(folder, "127.0.0.1", "group-3", port=first.port, wheels=wheels, pairings=pairings,
                    say=lambda _: None, wait=30)
    assert (folder.home / ".robolab/brick.json").read_bytes() == config_before  # nothing was changed there
    assert pairings.resolve("group-3") == first
    pairings.remove("group-3")  # robolab brick forget group-3
    again = setup_brick(folder, "127.0.0.1", "group-3", port=first.port, wheels=wheels, pairings=pairings,
                        say=lambda _: None, wait=30)
    assert again.fingerprint != first.fingerprint and again.key != first.key
    connect(again).close()


def test_not_ev3dev_is_refused(folder, wheels):
    (folder.root / "etc" / "os-release").write_text('NAME="Debian GNU/Linux"\n')
    with pytest.raises(BrickError, match="not an ev3dev brick"):
        setup_brick(folder, "127.0.0.1", "x", port=free_port(), wheels=wheels, say=lambda _: None)


def test_a_full_brick_is_refused_with_the_space_needed(folder, wheels, monkeypatch):
    facts = folder.facts()
    monkeypatch.setattr(folder, "facts", lambda: dict(facts, free_kb=100))
    with pytest.raises(BrickError, match=r"only 100 KB free, and setup needs about \d+ KB"):
        setup_brick(folder, "127.0.0.1", "x", port=free_port(), wheels=wheels, say=lambda _: None)
    assert not (folder.home / ".robolab/lib").exists()


def test_a_bad_name_is_refused(folder, wheels):
    with pytest.raises(BrickError, match="cannot be a brick's name"):
        setup_brick(folder, "127.0.0.1", "group 3!", port=free_port(), wheels=wheels, say=lambda _: None)


def test_facts_read_from_an_ev3dev_shell():
    out = (EV3DEV_RELEASE + "4.14.117-ev3dev-2.3.5-ev3\nev3-07\n/dev/mmcblk0p2 1000 500 6400 8% /\n"
           "python 3 5 3\n")
    assert _parse_facts(out) == {"ev3dev": True, "python": (3, 5, 3), "free_kb": 6400, "hostname": "ev3-07"}


def test_wrong_host_and_wrong_password_over_ssh():
    from robolab.ev3.brick_files import SSHBrick

    with pytest.raises(BrickError, match="host 'no-such-brick.invalid' not found"):
        SSHBrick("no-such-brick.invalid", password="maker", timeout=3)
    with pytest.raises(BrickError, match="answers, but not to SSH|does not answer|cannot reach"):
        SSHBrick("127.0.0.1", password="maker", port=free_port(), timeout=3)
