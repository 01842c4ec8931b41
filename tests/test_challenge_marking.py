"""`robolab mark`: real Dask (a local cluster, and a scheduler and two workers started here on
127.0.0.1), bad submissions isolated with their reasons, resume after the marker is killed."""

import csv
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from robolab.challenge.batch import find_submissions
from robolab.errors import RobolabError

pytest.importorskip("distributed")

SOLUTIONS = Path(__file__).parent / "challenges"
HEADER = "robolab 1 palette ev3 1.0\n"
BAD = {
    # Waits a thousandth of a second at a time, for the challenge's 100000 s: it would take hours.
    "hangs": HEADER + "forever {\n    wait seconds=0.001\n}\n",
    "never_waits": HEADER + "var name=x value=0\nforever {\n    set name=x value=(x + 1)\n    change name=x amount=1\n}\n",
    # Doubles a text each time round: gigabytes within a second.
    "eats_memory": HEADER + "var name=s value=black\nforever {\n    set name=s value=(s + s)\n    wait seconds=0.01\n}\n",
    "crashes": HEADER + "var name=zero value=0\nwait seconds=(1 / zero)\n",
    "malformed": HEADER + "drive speed=400 amount=1 unit=rotations\n",
}
LIMITS = ["--time-limit", "5", "--memory", "400"]


def robolab(*args, cwd=None, **kwargs):
    return subprocess.run([sys.executable, "-m", "robolab", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300, **kwargs)


@pytest.fixture(scope="module")
def challenge(tmp_path_factory):
    """The park challenge with a time limit a hanging program never reaches."""
    from robolab.challenge.loader import shipped_challenges

    shipped = shipped_challenges()["park"]
    folder = tmp_path_factory.mktemp("challenge")
    shutil.copytree(shipped.parent / "worlds", folder / "worlds")
    path = folder / "park.toml"
    path.write_text(shipped.read_text().replace("time_limit = 30", "time_limit = 100000"))
    return str(path)


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cohort")
    shutil.copy(SOLUTIONS / "park.good.rlab", folder / "alice.rlab")
    shutil.copy(SOLUTIONS / "park.wrong.rlab", folder / "bob.rlab")
    (folder / "carol").mkdir()
    shutil.copy(SOLUTIONS / "park.good.rlab", folder / "carol" / "parking.rlab")
    for name, text in BAD.items():
        (folder / f"{name}.rlab").write_text(text)
    return folder


def submissions(folder: Path) -> list[str]:
    return sorted(str(p) for p in folder.iterdir())


def rows(path: Path) -> dict[str, dict]:
    with open(path, newline="", encoding="utf-8") as file:
        return {row["id"]: row for row in csv.DictReader(file)}


@pytest.fixture(scope="module")
def local_marks(cohort, challenge, tmp_path_factory):
    out = tmp_path_factory.mktemp("local")
    run = robolab("mark", *submissions(cohort), "--challenge", challenge, "-o", str(out / "marks.csv"),
                  "--report", str(out / "report.html"), "--workers", "2", *LIMITS)
    assert run.returncode == 0, run.stderr
    return out


def test_a_local_cluster_marks_good_work_and_gives_bad_work_0_with_its_reason(local_marks):
    marks = rows(local_marks / "marks.csv")
    assert list(marks) == sorted(marks)
    assert set(marks) == {"alice", "bob", "carol", *BAD}
    assert (marks["alice"]["score"], marks["alice"]["pass"], marks["alice"]["stars"]) == ("100.00", "yes", "3")
    assert marks["carol"]["score"] == "100.00"           # a folder: the id is the folder's name
    assert marks["bob"]["pass"] == "no" and 0 < float(marks["bob"]["score"]) < 70
    assert marks["alice"]["code"].startswith("1-3:") and marks["alice"]["parked"] == "70.00"
    reasons = {name: marks[name]["error"] for name in BAD}
    assert "took more than 5 s of real time" in reasons["hangs"]
    assert "used more than 400 MB of memory" in reasons["eats_memory"]
    assert reasons["crashes"].startswith("crashes.rlab:3:") and "ZeroDivisionError" in reasons["crashes"]
    assert reasons["malformed"].startswith("malformed.rlab:2:") and "speed" in reasons["malformed"]
    assert reasons["never_waits"].startswith("never_waits.rlab:3:") and "never waits" in reasons["never_waits"]
    for name in BAD:
        assert marks[name]["score"] == "0.00" and marks[name]["pass"] == "no"


def test_the_report_shows_each_trail_sortable_by_score(local_marks):
    page = (local_marks / "report.html").read_text()
    assert 'src="report_trails/alice.png"' in page and "sortBy(" in page
    assert page.index(">alice<") < page.index(">bob<") < page.index(">hangs<")   # best first
    from PIL import Image

    with Image.open(local_marks / "report_trails" / "alice.png") as picture:
        assert picture.width == 240
        assert (220, 30, 30) in {colour for _, colour in picture.getcolors(1 << 16)}   # the trail is drawn


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_dask_scheduler_and_two_workers_give_the_same_marks(cohort, challenge, local_marks, tmp_path):
    dask = str(Path(sys.executable).parent / "dask")
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    logs = open(tmp_path / "dask.log", "w")
    processes = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                                  stdout=logs, stderr=logs)]
    try:
        for _ in range(2):
            processes.append(subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--host", "127.0.0.1",
                                               "--no-dashboard"], stdout=logs, stderr=logs, cwd=tmp_path))
        from distributed import Client

        with Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)
            assert len(client.scheduler_info()["workers"]) == 2
        run = robolab("mark", *submissions(cohort), "--challenge", challenge, "-o", str(tmp_path / "marks.csv"),
                      "--scheduler", address, *LIMITS)
        assert run.returncode == 0, run.stderr
        assert (tmp_path / "marks.csv").read_text().splitlines() == (local_marks / "marks.csv").read_text().splitlines()
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
        logs.close()


def test_marking_resumes_after_the_marker_is_killed(cohort, challenge, local_marks, tmp_path):
    out = tmp_path / "marks.csv"
    command = [sys.executable, "-m", "robolab", "mark", *submissions(cohort), "--challenge", challenge,
               "-o", str(out), "--workers", "1", *LIMITS]
    marker = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and marker.poll() is None:
            if out.is_file() and len(out.read_text().splitlines()) >= 3:   # the header and two rows
                break
            time.sleep(0.05)
        assert marker.poll() is None, "the marker finished before it could be killed"
    finally:
        os.killpg(marker.pid, signal.SIGKILL)
        marker.wait()
    done = rows(out)
    assert 2 <= len(done) < 8
    # Mark one finished row, so we can see it is kept rather than marked again; end with a
    # half-written line, as a kill can leave.
    first = sorted(done)[0]
    done[first]["error"] += " (kept)"
    with open(out, "w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, list(done[first]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(done.values())
        file.write("zed,10")
    again = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert f"{len(done)} of 8 already marked" in again.stdout
    assert f"marked {8 - len(done)} submissions" in again.stdout
    final, expected = rows(out), rows(local_marks / "marks.csv")
    assert list(final) == list(expected)
    assert final[first]["error"].endswith(" (kept)")
    for ident in expected:
        if ident != first:
            assert final[ident] == expected[ident]


def test_without_dask_robolab_mark_says_how_to_install_it(tmp_path):
    code = ("import sys; sys.modules['distributed'] = None; from robolab.cli import main; "
            "sys.exit(main(['mark', 'x.rlab', '--challenge', 'park']))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 2
    assert f"{sys.executable} -m pip install 'robolab[marking]'" in run.stderr


def test_submissions_are_named_by_their_file_or_folder(tmp_path):
    (tmp_path / "dan.rlab").write_text(HEADER)
    (tmp_path / "eve").mkdir()
    (tmp_path / "eve" / "a.rlab").write_text(HEADER)
    (tmp_path / "eve" / "b.rlab").write_text(HEADER)
    (tmp_path / "fay").mkdir()
    found = {s.id: s for s in find_submissions([str(tmp_path / n) for n in ("dan.rlab", "eve", "fay")])}
    assert list(found) == ["dan", "eve", "fay"]
    assert found["dan"].text == HEADER and not found["dan"].problem
    assert "2 programs (a.rlab, b.rlab)" in found["eve"].problem
    assert "no .rlab program" in found["fay"].problem
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "dan.rlab").write_text(HEADER)
    with pytest.raises(RobolabError, match="two submissions have the id 'dan'"):
        find_submissions([str(tmp_path / "dan.rlab"), str(tmp_path / "x" / "dan.rlab")])
