"""Every kind of goal: a program that meets it, and one that misses it by a little (real simulated runs)."""

import textwrap

import pytest

from robolab.challenge.loader import load_challenge
from robolab.challenge.marking import mark_program
from robolab.challenge.marking import completion_code, verify_code

HEADER = "robolab 1 palette ev3 1.0\n"

# The robot starts at (1000, 750) facing +x in these worlds; one wheel rotation is 176 mm.
PUSH_WORLD = """
size = [2000, 1500]
border = true
[start]
x = 1000
y = 750
heading = 0
[[obstacle]]
name = "box"
rectangle = [1150, 700, 1250, 800]
mass = 0.3
[[zone]]
name = "far"
rectangle = [1300, 0, 2000, 1500]
[[zone]]
name = "near"
rectangle = [1100, 0, 1300, 1500]
"""


def make(tmp_path, goal: str, zones: str = "", world: str = "empty_arena", time_limit: float = 20):
    if world.startswith("\n"):
        (tmp_path / "w.toml").write_text(world)
        world = "w.toml"
    path = tmp_path / "c.toml"
    path.write_text(textwrap.dedent(f"""\
        id = "t"
        title = "test"
        world = "{world}"
        pack = "ev3"
        time_limit = {time_limit}
        """) + textwrap.dedent(zones) + "\n[[goal]]\nid = \"g\"\npoints = 10\n" + textwrap.dedent(goal))
    return load_challenge(path)


def met(challenge, program: str) -> tuple[bool, str]:
    mark = mark_program(challenge, HEADER + textwrap.dedent(program), variants=(0,))
    assert not mark.error, mark.error
    outcome = mark.variants[0].outcomes[0]
    assert (outcome.points == 10) == outcome.met
    return outcome.met, outcome.detail


ZONE_AHEAD = """
[[zone]]
name = "spot"
rectangle = [1330, 650, 1400, 850]
"""


def test_reach(tmp_path):
    c = make(tmp_path, 'kind = "reach"\nzone = "spot"\n', ZONE_AHEAD)
    assert met(c, "drive speed=40 amount=2 unit=rotations") [0]          # 352 mm: x 1352
    assert not met(c, "drive speed=40 amount=1.8 unit=rotations")[0]     # 317 mm: 13 mm short


def test_reach_and_stop(tmp_path):
    c = make(tmp_path, 'kind = "reach"\nzone = "spot"\nstop = true\n', ZONE_AHEAD)
    assert met(c, "drive speed=40 amount=2 unit=rotations")[0]
    ok, detail = met(c, "drive speed=40 amount=1.9 unit=rotations\nstart_driving speed=20\n")
    assert not ok and "still moving" in detail


def test_visit_in_order(tmp_path):
    zones = """
    [[zone]]
    name = "a"
    rectangle = [1100, 650, 1200, 850]
    [[zone]]
    name = "b"
    rectangle = [1300, 650, 1400, 850]
    """
    c = make(tmp_path, 'kind = "visit"\nzones = ["b", "a"]\n', zones)
    assert met(c, "drive speed=40 amount=2 unit=rotations\ndrive speed=-40 amount=1.3 unit=rotations")[0]
    ok, detail = met(c, "drive speed=40 amount=2 unit=rotations\ndrive speed=-40 amount=0.8 unit=rotations")
    assert not ok and "1 of 2" in detail


def test_stay(tmp_path):
    zones = """
    [[zone]]
    name = "home"
    rectangle = [800, 550, 1200, 950]
    """
    c = make(tmp_path, 'kind = "stay"\nzone = "home"\nseconds = 3\n', zones)
    assert met(c, "drive speed=20 amount=0.5 unit=rotations\nwait seconds=3")[0]
    ok, detail = met(c, "drive speed=20 amount=0.5 unit=rotations\nwait seconds=0.5")
    assert not ok and "ended" in detail
    ok, detail = met(c, "drive speed=40 amount=1.3 unit=rotations\nwait seconds=3")   # 229 mm: out by 29
    assert not ok and "left 'home'" in detail


def test_avoid_zone(tmp_path):
    zones = """
    [[zone]]
    name = "pit"
    rectangle = [1200, 0, 1300, 1500]
    """
    c = make(tmp_path, 'kind = "avoid"\nzone = "pit"\n', zones)
    assert met(c, "drive speed=30 amount=0.6 unit=rotations")[0]      # front at 1191
    ok, detail = met(c, "drive speed=30 amount=0.7 unit=rotations")   # front at 1208
    assert not ok and "touched 'pit'" in detail


def test_avoid_walls(tmp_path):
    c = make(tmp_path, 'kind = "avoid"\nwalls = true\n')
    assert met(c, "drive speed=30 amount=5.0 unit=rotations")[0]      # front at 1965 mm, wall at 2000
    ok, detail = met(c, "drive speed=30 amount=5.3 unit=rotations")
    assert not ok and "wall" in detail


def test_push_into(tmp_path):
    c = make(tmp_path, 'kind = "push"\nobject = "box"\ninto = "far"\n', world=PUSH_WORLD)
    assert met(c, "drive speed=30 amount=1.3 unit=rotations")[0]
    ok, detail = met(c, "drive speed=30 amount=0.9 unit=rotations")
    assert not ok and "'box' is not in 'far'" in detail


def test_push_out_of(tmp_path):
    c = make(tmp_path, 'kind = "push"\nobject = "box"\nout_of = "near"\nwhole = true\n', world=PUSH_WORLD)
    assert met(c, "drive speed=30 amount=1.7 unit=rotations")[0]
    assert not met(c, "drive speed=30 amount=1.1 unit=rotations")[0]   # centre out, not all of it


def test_follow_line(tmp_path):
    c = make(tmp_path, 'kind = "follow_line"\nshare = 0.9\n', world="line_track", time_limit=12)
    follower = """\
        forever {
            start_tank left=(30 + 0.8 * (reflected_light - 50)) right=(30 - 0.8 * (reflected_light - 50))
        }
        """
    ok, detail = met(c, follower)
    assert ok and "100%" in detail
    ok, detail = met(c, "start_driving speed=30\nwait seconds=12")   # straight on: off at the bend
    assert not ok and "needs 90%" in detail


def test_finish_within(tmp_path):
    c = make(tmp_path, 'kind = "finish_within"\nseconds = 3\n')
    assert met(c, "wait seconds=2.9")[0]
    ok, detail = met(c, "wait seconds=3.1")
    assert not ok


def test_finish_a_goal_within(tmp_path):
    goal = 'kind = "finish_within"\ngoal = "there"\nseconds = 3\n[[goal]]\nid = "there"\nkind = "reach"\nzone = "spot"\npoints = 0\n'
    c = make(tmp_path, goal, ZONE_AHEAD)
    assert met(c, "drive speed=40 amount=2 unit=rotations")[0]
    ok, detail = met(c, "wait seconds=1.5\ndrive speed=40 amount=2 unit=rotations")
    assert not ok and "after 3 s" in detail


def test_log(tmp_path):
    c = make(tmp_path, 'kind = "log"\nname = "answer"\nvalue = 42\ntolerance = 0.5\n')
    assert met(c, 'log label="answer" value=(40 + 2.2)')[0]
    assert not met(c, 'log label="answer" value=(40 + 1.4)')[0]
    assert not met(c, 'log label="answr" value=42')[0]


def test_say(tmp_path):
    c = make(tmp_path, 'kind = "say"\nwords = "hello"\n')
    assert met(c, 'say words="Well, Hello there"')[0]
    assert not met(c, 'say words="Hell no"')[0]
    c = make(tmp_path, 'kind = "say"\nvalue = 7\n')
    assert met(c, "say_number value=(3 + 4)")[0]
    assert not met(c, "say_number value=(3 + 5)")[0]


def test_size(tmp_path):
    c = make(tmp_path, 'kind = "size"\nat_most = 2\n')
    assert met(c, "# comments do not count\nbeep\nbeep")[0]
    ok, detail = met(c, "beep\nbeep\nbeep")
    assert not ok and "3 commands" in detail


def test_uses(tmp_path):
    c = make(tmp_path, 'kind = "uses"\ncommand = "wait_until"\n')
    assert met(c, "wait_until condition=(timer > 0.1)")[0]
    assert not met(c, "wait seconds=0.1")[0]


def test_points_pass_and_stars(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text(textwrap.dedent("""\
        id = "t"
        title = "t"
        world = "empty_arena"
        pack = "ev3"
        time_limit = 5
        pass_mark = 30
        stars = [30, 50, 60]
        [[goal]]
        kind = "uses"
        command = "beep"
        points = 30
        [[goal]]
        kind = "say"
        words = "hi"
        points = 20
        [[goal]]
        kind = "size"
        at_most = 1
        points = 10
        """))
    c = load_challenge(path)
    mark = mark_program(c, HEADER + "beep\n")
    assert (mark.score, mark.passed, mark.stars) == (40.0, True, 1)
    mark = mark_program(c, HEADER + "beep\nsay words=\"hi\"\n")
    assert (mark.score, mark.passed, mark.stars) == (50.0, True, 2)
    mark = mark_program(c, HEADER + "say words=\"hi\"\nsay words=\"hi\"\n")
    assert (mark.score, mark.passed, mark.stars) == (20.0, False, 0)


def test_completion_code_is_verified_by_marking_again(tmp_path):
    c = make(tmp_path, 'kind = "reach"\nzone = "spot"\n', ZONE_AHEAD)
    good = HEADER + "drive speed=40 amount=2 unit=rotations\n"
    mark = mark_program(c, good, variants=(1, 2))
    assert mark.code.startswith("1-2:") and mark.score == 10
    assert verify_code(c, good, mark.code)[0]
    assert verify_code(c, good, mark.code.lower())[0]
    # The code of a score the program does not earn, or of another program, does not verify.
    assert not verify_code(c, good, completion_code(c, good, [1, 2], 0.0))[0]
    assert not verify_code(c, HEADER + "beep\n", mark.code)[0]
    assert not verify_code(c, good, "nonsense")[0]


@pytest.mark.parametrize("program, reason", [
    ("robolab 1 palette ev3 1.0\ndrive speed=400 amount=1 unit=rotations\n", ":2:"),
    ("robolab 1 palette treescript 1.0\n", "for the palette pack 'ev3'"),
    (HEADER + "forever {\n    set name=x value=1\n}\nvar name=x value=0\n", ":3:"),
])
def test_a_program_that_cannot_run_gets_0_with_its_line(tmp_path, program, reason):
    c = make(tmp_path, 'kind = "uses"\ncommand = "beep"\n')
    mark = mark_program(c, program, name="alice.rlab")
    assert mark.score == 0 and reason in mark.error and mark.error.startswith("alice.rlab")


def test_a_run_time_error_is_on_its_line(tmp_path):
    c = make(tmp_path, 'kind = "uses"\ncommand = "beep"\n')
    mark = mark_program(c, HEADER + "beep\nvar name=zero value=0\nwait seconds=(1 / zero)\n", name="bob.rlab")
    assert mark.score == 0 and mark.error.startswith("bob.rlab:4:") and "ZeroDivisionError" in mark.error


def test_a_level_keeps_to_its_commands(tmp_path):
    c = make(tmp_path, 'kind = "uses"\ncommand = "beep"\n')
    c.level = "Week 1: driving"
    mark = mark_program(c, HEADER + "beep\nsay words=\"hi\"\n", name="p.rlab")
    assert mark.score == 0 and "p.rlab:3:" in mark.error and "'say' is not in the level" in mark.error
