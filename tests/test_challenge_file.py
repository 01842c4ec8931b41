"""Challenge files: checked with file:line problems; variants the same everywhere; the shipped
challenges' reference solutions pass and their wrong ones fail."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from robolab.challenge.loader import check_challenge_file, load_challenge, shipped_challenges
from robolab.challenge.marking import mark_program
from robolab.challenge.variants import layout

SOLUTIONS = Path(__file__).parent / "challenges"
GOOD = """\
id = "reach-it"
version = 2
title = "Reach it"
world = "obstacle_course"
pack = "ev3"
time_limit = 30

[start]
x = [150, 250]
heading = [-10, 10]

[[zone]]
name = "pad"
relative = true
centre = [300, 0]
radius = 50

[[vary]]
obstacles = ["movable box"]
zones = ["goal"]
dx = [-50, 50]
dy = [-40, 40]

[[goal]]
id = "there"
kind = "reach"
zone = "goal"
points = 70

[[goal]]
kind = "avoid"
walls = true
points = 30
"""


def write(tmp_path, text: str) -> Path:
    path = tmp_path / "challenge.toml"
    path.write_text(textwrap.dedent(text))
    return path


def problems(tmp_path, text: str) -> list[str]:
    challenge, found = check_challenge_file(write(tmp_path, text))
    assert challenge is None and found
    return [str(p) for p in found]


def test_a_good_file_loads(tmp_path):
    c = load_challenge(write(tmp_path, GOOD))
    assert (c.id, c.version, c.total, c.pass_mark, c.stars) == ("reach-it", 2, 100, 100, (100, 100, 100))
    assert [g.id for g in c.goals] == ["there", "goal2"]
    assert c.goals[0].text == "Reach 'goal'" and c.goals[1].text == "Never touch the walls"


@pytest.mark.parametrize("change, line, words", [
    (("time_limit = 30", "time_limt = 30"), 6, "unknown key 'time_limt' (did you mean 'time_limit'?)"),
    (('kind = "reach"', 'kind = "reech"'), 26, "kind must be one of reach, visit"),
    (('zone = "goal"\npoints', 'zone = "gaol"\npoints'), 27, "no zone 'gaol' in the world or the challenge"),
    (('world = "obstacle_course"', 'world = "nowhere.toml"'), 4, "world: "),
    (('pack = "ev3"', 'pack = "ev4"'), 5, "no palette pack 'ev4'"),
    (('obstacles = ["movable box"]', 'obstacles = ["box 9"]'), 19, "no obstacle named 'box 9'"),
    (("x = [150, 250]", "x = [250, 150]"), 9, "low is more than high"),
    (("points = 70", "points = -1"), 28, "points: a number from 0"),
    (("radius = 50", "radius = 0"), 16, "must be more than 0"),
    (("time_limit = 30", "time_limit = 30\npass_mark = 120"), 7, "pass_mark 120 is more than the goals' points"),
    (("time_limit = 30", "time_limit = 30\nlevel = \"Week 9\""), 7, "has no level 'Week 9'"),
    (("walls = true", "walls = true\nzone = \"pad\""), 30, "needs exactly one of zone, walls, object"),
    (('id = "there"', 'id = "goal2"'), 25, "id 'goal2' is used by another goal too"),
    (('title = "Reach it"', 'title = "Reach it'), 3, "(column"),
])
def test_mistakes_are_reported_on_their_line(tmp_path, change, line, words):
    old, new = change
    assert old in GOOD
    found = problems(tmp_path, GOOD.replace(old, new, 1))
    assert any(f"challenge.toml:{line}: " in p and words in p for p in found), found


def test_missing_keys_are_named(tmp_path):
    found = problems(tmp_path, 'id = "x"\n[[goal]]\nkind = "stay"\npoints = 1\n')
    text = "\n".join(found)
    for words in ("missing title", "missing world", "missing pack", "missing time_limit", "(stay) needs zone",
                  "(stay) needs seconds"):
        assert words in text


def test_challenge_check_on_the_command_line(tmp_path):
    good = write(tmp_path, GOOD)
    bad = tmp_path / "bad.toml"
    bad.write_text(GOOD.replace('zone = "goal"\npoints', 'zone = "gaol"\npoints'))
    run = subprocess.run([sys.executable, "-m", "robolab", "challenge", "check", str(good), str(bad)],
                         capture_output=True, text=True)
    assert run.returncode == 1
    assert f"{good}: ok (reach-it 2: 2 goals, 100 points" in run.stdout
    assert f"{bad}:27: goal 1 zone: no zone 'gaol'" in run.stderr
    assert "Traceback" not in run.stderr


def test_the_same_variant_is_the_same_layout_everywhere(tmp_path):
    path = write(tmp_path, GOOD)
    c = load_challenge(path)
    first, again, other = layout(c, 2), layout(c, 2), layout(c, 3)
    assert first.start == again.start and first.zones == again.zones
    assert first.world.obstacles == again.world.obstacles
    assert first.start != other.start and first.world.obstacles != other.world.obstacles
    assert 150 <= first.start.x <= 250 and -10 <= first.start.heading <= 10
    # A relative zone follows the start: 300 mm ahead of it.
    pad = first.zones["pad"]
    cx, cy = sum(x for x, _ in pad) / len(pad), sum(y for _, y in pad) / len(pad)
    import math
    assert math.isclose(cx, first.start.x + 300 * math.cos(math.radians(first.start.heading)), abs_tol=1)
    assert math.isclose(cy, first.start.y + 300 * math.sin(math.radians(first.start.heading)), abs_tol=1)
    # Another process (another hash seed) draws the same layout.
    code = ("import sys; from robolab.challenge.loader import load_challenge; from robolab.challenge.variants import layout;"
            "L = layout(load_challenge(sys.argv[1]), 2); print(tuple(L.start), L.world.obstacles[-1].polygon[0])")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                         env={"PYTHONHASHSEED": "123", "PATH": ""}).stdout
    assert out.strip() == f"{tuple(first.start)} {first.world.obstacles[-1].polygon[0]}"


def test_a_line_offset_moves_the_painted_line(tmp_path):
    c = load_challenge(shipped_challenges()["line_lap"])
    plain, moved = layout(c, 0), layout(c, 1)
    assert plain.world.image.tobytes() != moved.world.image.tobytes()
    assert layout(c, 1).world.image.tobytes() == moved.world.image.tobytes()


def test_shipped_challenges_check_clean():
    assert set(shipped_challenges()) >= {"square", "stay_inside", "line_lap", "maze", "sumo", "park"}
    for ident, path in shipped_challenges().items():
        challenge, found = check_challenge_file(path)
        assert not found, found
        assert challenge.id == ident


@pytest.mark.parametrize("ident", ["square", "stay_inside", "line_lap", "maze", "sumo", "park"])
def test_reference_solution_passes_and_wrong_one_fails(ident):
    c = load_challenge(shipped_challenges()[ident])
    good = mark_program(c, (SOLUTIONS / f"{ident}.good.rlab").read_text(), variants=(1, 2, 3))
    assert good.passed and not good.error, (good.row(), [o.detail for r in good.variants for o in r.outcomes])
    wrong = mark_program(c, (SOLUTIONS / f"{ident}.wrong.rlab").read_text(), variants=(1, 2, 3))
    assert not wrong.passed and wrong.score < good.score


def test_try_and_verify_on_the_command_line(tmp_path):
    program = SOLUTIONS / "park.good.rlab"
    tried = subprocess.run([sys.executable, "-m", "robolab", "challenge", "try", "park", str(program), "--variants", "2"],
                           capture_output=True, text=True)
    assert tried.returncode == 0, tried.stderr
    assert "layout 2: 100 points" in tried.stdout and "★★★" in tried.stdout
    code = tried.stdout.split("completion code: ")[1].split()[0]
    assert code.startswith("1-2:")
    right = subprocess.run([sys.executable, "-m", "robolab", "challenge", "verify", "park", str(program), code],
                           capture_output=True, text=True)
    assert right.returncode == 0 and "right" in right.stdout
    copy = tmp_path / "copied.rlab"
    copy.write_text(program.read_text() + "# a change\n")
    wrong = subprocess.run([sys.executable, "-m", "robolab", "challenge", "verify", "park", str(copy), code],
                           capture_output=True, text=True)
    assert wrong.returncode == 1 and "wrong" in wrong.stderr and "Traceback" not in wrong.stderr
