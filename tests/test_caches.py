"""Start-up (issue 17): `robolab --version` loads nothing heavy; the grammar's tables and compiled
programs come from RoboLab's cache folder (here a test folder, never the user's)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from robolab import cache
from robolab.palette import PackLibrary
from robolab.runnable import Runnable, runnable
from robolab.shipped import palettes_dir
from simulator import floors
from simulator.world import load_world

PROGRAM = "robolab 1 palette ev3 1.0\nrepeat times=2 {\n    beep\n}\n"


@pytest.fixture
def cache_folder(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV, str(folder))
    return folder


@pytest.fixture
def compiles(monkeypatch):
    """Counts the programs actually compiled."""
    count = []
    real = Runnable.compile.__func__

    def counting(cls, text, library, file):
        count.append(file)
        return real(cls, text, library, file)
    monkeypatch.setattr(Runnable, "compile", classmethod(counting))
    return count


def test_version_loads_nothing_heavy():
    code = ("import sys\nfrom robolab.cli import main\ntry:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
            "heavy = ('lark', 'pymunk', 'PIL', 'PySide6', 'greenlet', 'simulator', 'ev3dev2', 'platformdirs',\n"
            "         'robolab.language', 'robolab.palette', 'robolab.model')\n"
            "print(sorted(m for m in sys.modules if m.startswith(heavy)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("RoboLab ") and result.stdout.splitlines()[-1] == "[]"


def test_a_program_compiled_before_is_not_compiled_again(tmp_path, cache_folder, compiles):
    library = PackLibrary()
    first = runnable(str(tmp_path / "twice.rlab"), PROGRAM, library)
    again = runnable(str(tmp_path / "twice.rlab"), PROGRAM, [])     # pack places only: no pack loaded
    assert again == first and len(compiles) == 1
    assert "beep" in first.source and first.place(first.source.splitlines().index("for _ in range(int(2)):") + 1) == (2, 1)
    assert [p.name for p in cache_folder.glob("compiled-*.json")] != []


def test_a_changed_program_name_or_pack_is_compiled_again(tmp_path, cache_folder, compiles):
    runnable(str(tmp_path / "p.rlab"), PROGRAM, [])
    runnable(str(tmp_path / "p.rlab"), PROGRAM.replace("times=2", "times=3"), [])
    runnable(str(tmp_path / "other.rlab"), PROGRAM, [])        # its name is in the Python's header
    packs = tmp_path / "packs"
    packs.mkdir()
    pack = packs / "ev3.toml"
    pack.write_text((palettes_dir() / "ev3.toml").read_text(encoding="utf-8"), encoding="utf-8")
    runnable(str(tmp_path / "p.rlab"), PROGRAM, [packs])           # another pack file could be the pack
    runnable(str(tmp_path / "p.rlab"), PROGRAM, [packs])
    pack.write_text(pack.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    runnable(str(tmp_path / "p.rlab"), PROGRAM, [packs])
    assert len(compiles) == 5


def test_a_damaged_cache_entry_is_compiled_again(tmp_path, cache_folder, compiles):
    runnable(str(tmp_path / "p.rlab"), PROGRAM, [])
    (entry,) = cache_folder.glob("compiled-*.json")
    for damage in (b"{not json", json.dumps({"source": 3, "world": "", "places": []}).encode(), b"[]"):
        entry.write_bytes(damage)
        assert "beep" in runnable(str(tmp_path / "p.rlab"), PROGRAM, []).source
    assert len(compiles) == 4


def test_robolab_run_twice_keeps_one_compiled_program_and_the_grammar(tmp_path):
    folder = tmp_path / "cache"
    program = tmp_path / "hello.rlab"
    program.write_text(PROGRAM, encoding="utf-8")
    env = {**os.environ, cache.ENV: str(folder)}
    outputs = [subprocess.run([sys.executable, "-m", "robolab", "run", str(program), "--json"], capture_output=True,
                              text=True, cwd=ROOT, env=env, timeout=120) for _ in range(2)]
    assert all(result.returncode == 0 for result in outputs), outputs[0].stderr
    assert outputs[0].stdout == outputs[1].stdout and json.loads(outputs[0].stdout)["events"]
    assert len(list(folder.glob("compiled-*.json"))) == 1 and len(list(folder.glob("grammar-*.lark"))) == 1


WALLED = ('size = [400, 300]\nwall_colour = "#ff0000"\n[start]\nx = 50\ny = 50\n'
          '[[line]]\npoints = [[20, 150], [380, 160]]\nwidth = 18\ncolour = "#000000"\n'
          '[[area]]\nrectangle = [300, 0, 320, 120]\ncolour = "#ff0000"\n')


@pytest.fixture
def floors_kept(tmp_path):
    folder = tmp_path / "floors"
    floors.keep_in(folder)
    yield folder
    floors.keep_in(None)


def test_a_world_drawn_before_is_read_back_as_drawn(tmp_path, floors_kept):
    path = tmp_path / "w.toml"
    path.write_text(WALLED, encoding="utf-8")
    drawn = load_world(path)
    (entry,) = floors_kept.glob("floor-*.rgb")
    again = load_world(path)
    assert again._image is None   # not drawn: read back
    assert (again._w, again._h, again._pixels) == (drawn._w, drawn._h, drawn._pixels)
    assert again.wall_rects == drawn.wall_rects and len(drawn.wall_rects) == 1
    assert again.image.tobytes() == drawn.image.tobytes() and again.image.size == drawn.image.size
    assert again.floor_sample(200, 155, 15.0) == drawn.floor_sample(200, 155, 15.0) != (255, 255, 255)
    path.write_text(WALLED.replace("width = 18", "width = 30"), encoding="utf-8")
    wider = load_world(path)
    assert wider._image is not None and wider._pixels != drawn._pixels   # another floor: drawn
    assert len(list(floors_kept.glob("floor-*.rgb"))) == 2
    entry.write_bytes(entry.read_bytes()[:-7])        # damaged: drawn again, not read short
    path.write_text(WALLED, encoding="utf-8")
    assert load_world(path)._pixels == drawn._pixels


def test_a_world_module_shipped_without_its_source_still_runs_and_keeps_floors(tmp_path, floors_kept, monkeypatch):
    """A frozen bundle ships world.py compiled, not as source: floors are named by its code then
    (a run once failed there with "No such file or directory")."""
    real = Path.read_bytes

    def no_source(self):
        if self.name == "world.py" and self.parent.name == "simulator":
            raise FileNotFoundError(2, "No such file or directory", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", no_source)
    path = tmp_path / "w.toml"
    path.write_text(WALLED, encoding="utf-8")
    drawn = load_world(path)
    assert len(list(floors_kept.glob("floor-*.rgb"))) == 1
    assert load_world(path)._pixels == drawn._pixels


def test_no_floor_is_kept_until_a_folder_is_named(tmp_path):
    path = tmp_path / "w.toml"
    path.write_text(WALLED, encoding="utf-8")
    assert load_world(path)._image is not None and load_world(path)._image is not None


def test_robolab_run_reads_a_world_drawn_before_without_pillow(tmp_path):
    folder = tmp_path / "cache"
    program = tmp_path / "which.py"
    program.write_text("import sys\nprint('PIL' in sys.modules)\n", encoding="utf-8")
    env = {**os.environ, cache.ENV: str(folder)}
    outputs = [subprocess.run([sys.executable, "-m", "robolab", "run", str(program), "--world", "line_track"],
                              capture_output=True, text=True, cwd=ROOT, env=env, timeout=120) for _ in range(2)]
    assert all(result.returncode == 0 for result in outputs), outputs[0].stderr
    assert [result.stdout.splitlines()[0] for result in outputs] == ["True", "False"]
    assert len(list(folder.glob("floor-*.rgb"))) == 1
