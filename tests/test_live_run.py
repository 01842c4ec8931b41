"""The simulator panel's run controller, without a window: the same runs as `robolab run`,
pause and step by blocks, stop at once, the running block, variables, data log, driving by hand."""

import csv
import io
import time
from pathlib import Path

import pytest
from conftest import ROOT

from robolab.language import parse_program
from robolab.live import FAST, FINISHED, PAUSED, LiveProgram, LiveRun
from robolab.live.datalog import DataLog
from robolab.live.manual import ManualDrive
from robolab.run import run_file
from robolab.worlds import world_to_run
from simulator.world import load_world

EXAMPLES = ROOT / "examples"


def live(library, source, name="program", world=None, **options):
    program, pack = parse_program(source, library, f"{name}.rlab")
    lp = LiveProgram.build(program, pack, name)
    return LiveRun(lp, load_world(world or world_to_run(Path(f"{name}.rlab"), program.world)), **options)


def example(library, name, **options):
    path = EXAMPLES / name
    program, pack = parse_program(path.read_text(), library, str(path))
    return LiveRun(LiveProgram.build(program, pack, path.stem), load_world(world_to_run(path, program.world)), **options)


def wait_for(condition, timeout=10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.005)
    return False


@pytest.mark.parametrize("name, until", [("square.rlab", None), ("data_logging.rlab", None),
                                         ("bump_and_turn.rlab", 12.0), ("line_follower.rlab", 8.0)])
def test_a_watched_run_ends_where_robolab_run_ends(library, name, until):
    summary, problems = run_file(str(EXAMPLES / name), library, until=until)
    run = example(library, name, speed=FAST, until=until)
    run.start()
    assert run.wait(60)
    assert not problems and run.error is None
    end = run.latest
    assert (round(end.x, 3), round(end.y, 3), round(end.heading, 3)) == (
        summary.pose["x"], summary.pose["y"], summary.pose["heading"])
    assert round(end.time, 6) == summary.time
    assert summary.distance > 100  # the robot did move


def test_step_from_the_start_walks_the_blocks_in_order(library):
    run = example(library, "i_can_count.rlab", speed=FAST)
    run.step()
    seen = []
    for _ in range(7):
        assert wait_for(lambda: run.state == PAUSED)
        seen.append(run.latest.block)
        run.step()
    # var N, main, wait, while, send, wait, set N: one block per step, in the program's order
    assert seen == [(2,), (3,), (3, "do", 1), (3, "do", 2), (3, "do", 2, "do", 1), (3, "do", 2, "do", 2),
                    (3, "do", 2, "do", 3)]
    run.stop()
    assert run.wait(5)


def test_pause_then_step_advances_one_block(library):
    run = example(library, "i_can_count.rlab", speed=4.0)
    run.start()
    assert wait_for(lambda: run.latest.variables.get("N", 0) >= 2)
    run.pause()
    assert wait_for(lambda: run.state == PAUSED)
    before = run.latest.block
    order = list(run.program.starts.values())
    run.step()
    assert wait_for(lambda: run.state == PAUSED)
    after = run.latest.block
    assert after != before and after in order
    # the loop body is send, wait, set: the block after one of them is the next (or the loop's head)
    body = [(3, "do", 2), (3, "do", 2, "do", 1), (3, "do", 2, "do", 2), (3, "do", 2, "do", 3)]
    assert before in body and after == body[(body.index(before) + 1) % len(body)]
    held = run.latest.time
    time.sleep(0.2)
    assert run.latest.time == held and run.state == PAUSED  # paused means the clock stands still
    run.stop()
    assert run.wait(5)


@pytest.mark.parametrize("pack, body", [("ev3", "forever {\n}\n"), ("treescript", "main {\n    forever {\n    }\n}\n")])
def test_stop_ends_a_forever_with_nothing_inside(library, pack, body):
    run = live(library, f"robolab 1 palette {pack} 1.0\n{body}", world="empty_arena")
    run.start()
    time.sleep(0.3)
    assert run.state != FINISHED
    started = time.perf_counter()
    run.stop()
    assert run.wait(1.0), "Stop must end a program that never waits"
    assert time.perf_counter() - started < 1.0   # the target (100 ms) is measured in bench/ui.py
    assert run.result.stopped


def test_the_running_block_follows_the_program(library):
    run = example(library, "i_can_count.rlab", speed=10.0)
    run.start()
    seen = []
    while run.state != FINISHED and wait_for(lambda: run.latest.block not in seen[-1:], 5):
        seen.append(run.latest.block)
    assert run.wait(10)
    # it waits most of the time: in the first wait, then in the loop's wait, which follows
    assert (3, "do", 1) in seen and (3, "do", 2, "do", 2) in seen
    assert seen.index((3, "do", 1)) < seen.index((3, "do", 2, "do", 2))
    assert run.latest.variables == {"N": 10}


def test_a_runtime_error_points_at_its_block(library):
    source = ("robolab 1 palette ev3 1.0\nvar name=zero value=0\nvar name=x value=1\n"
              "set name=x value=(10 / zero)\n")
    run = live(library, source, world="empty_arena", speed=FAST)
    run.start()
    assert run.wait(10)
    message, block = run.error
    assert "ZeroDivisionError" in message and block == (2,)


def test_the_data_log_holds_the_logged_values(library):
    summary, _ = run_file(str(EXAMPLES / "data_logging.rlab"), library)
    run = example(library, "data_logging.rlab", speed=10.0)   # samples come at most once a drawn frame
    log = DataLog()
    current = log.new_run()
    run.set_plotted(["ultrasonic 4"])   # only what the data log plots is sampled
    run.start()
    assert run.wait(60)
    for event in run.new_events():
        current.add_event(event)
    for moment, values in run.samples:
        current.add_sample(moment, values)
    expected = [(e["time"], e["value"]) for e in summary.events if e.get("kind") == "log" and e.get("name") == "distance"]
    assert len(expected) > 10
    assert [t for t, _ in current.logged["distance"]] == [t for t, _ in expected]
    assert [v for _, v in current.logged["distance"]] == pytest.approx([v for _, v in expected])
    assert current.sampled["ultrasonic 4"][0][1] > current.sampled["ultrasonic 4"][-1][1]  # it crept to the wall
    assert list(current.sampled) == ["ultrasonic 4"]
    text = log.to_csv(sensors=["ultrasonic 4"])
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0])[:2] == ["time (s)", "time"] and "ultrasonic 4" in rows[0]
    logged = [(float(r["time (s)"]), float(r["distance"])) for r in rows if r["distance"]]
    assert [x for point in logged for x in point] == pytest.approx([x for point in expected for x in point])


def test_drive_by_hand_moves_the_robot():
    drive = ManualDrive(load_world("empty_arena"))
    start = drive.latest
    drive.start()
    try:
        drive.drive(50, 50)
        assert wait_for(lambda: drive.latest.x - start.x > 50, 5)
        assert abs(drive.latest.heading - start.heading) < 2
        drive.drive(40, -40)  # spin on the spot: turns clockwise
        heading = drive.latest.heading
        assert wait_for(lambda: abs(drive.latest.heading - heading) > 20, 5)
        drive.drive(0, 0)
        assert wait_for(lambda: all(m.speed == 0 for m in drive.latest.motors if m.port in "BC"), 5)
    finally:
        drive.stop()
    assert not drive.running and len(drive.trail) > 5   # over 50 mm driven, a point every TRAIL_STEP_MM or more


def test_variables_include_a_macros_parameters_while_it_runs(library):
    run = example(library, "macro_with_parameters.rlab", speed=5.0)
    run.start()
    try:
        assert wait_for(lambda: run.latest.variables.get("drive_time") == 100, 10)
        values = run.latest.variables
        assert values["turn_time"] == 60 and values["speed"] == 7 and values["quarter_turn"] == 60
        assert values["length"] == 50
    finally:
        run.stop()
        assert run.wait(5)


def test_a_long_trail_keeps_its_shape_in_fewer_points():
    from robolab.live.controller import TRAIL_MAX, add_to_trail

    trail = [(0.0, 0.0)]
    for i in range(1, 3 * TRAIL_MAX):
        add_to_trail(trail, float(i), 0.0)
    assert len(trail) <= TRAIL_MAX and trail[0] == (0.0, 0.0)
    assert trail[-1][0] > 2.9 * TRAIL_MAX   # it still reaches the robot
    assert all(b[0] > a[0] for a, b in zip(trail, trail[1:]))


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.rlab")), ids=lambda p: p.stem)
def test_every_example_can_be_watched_and_stepped(library, path):
    summary, problems = run_file(str(path), library, until=6.0)
    run = example(library, path.name, speed=FAST, until=6.0)
    run.start()
    assert run.wait(60) and run.error is None and not problems
    end = run.latest
    assert (round(end.x, 3), round(end.y, 3)) == (summary.pose["x"], summary.pose["y"])
    stepped = example(library, path.name, speed=FAST)
    stepped.step()
    starts = set(stepped.program.starts.values())
    try:
        for _ in range(4):
            assert wait_for(lambda: stepped.state in (PAUSED, FINISHED))
            if stepped.state == FINISHED:
                break
            assert stepped.latest.block in starts
            stepped.step()
    finally:
        stepped.stop()
        assert stepped.wait(5)


def test_tracing_shows_every_block_even_the_instant_ones(library):
    run = example(library, "i_can_count.rlab", speed=FAST)
    run.set_trace(0.03)
    run.start()
    seen = []
    while run.state != FINISHED and wait_for(lambda: run.latest.block not in seen[-1:], 5):
        seen.append(run.latest.block)
        if seen.count((3, "do", 2, "do", 3)) >= 2:
            break
    send, set_n = (3, "do", 2, "do", 1), (3, "do", 2, "do", 3)   # they take no simulated time
    assert send in seen and set_n in seen and seen.index(send) < seen.index(set_n)
    run.set_trace(0)
    assert run.wait(20) and run.latest.variables == {"N": 10}


@pytest.mark.parametrize("speed", [0.5, 2.0])
def test_the_chosen_speed_holds_the_run_back(library, speed):
    run = example(library, "line_follower.rlab", speed=speed)
    began = time.perf_counter()
    run.start()
    time.sleep(0.6)
    elapsed = time.perf_counter() - began
    simulated = run.latest.time
    run.set_speed(FAST)
    fast_from = run.latest.time
    time.sleep(0.3)
    run.stop()
    assert run.wait(5)
    assert 0 < simulated <= elapsed * speed + 0.1   # never ahead of the clock (a slow machine lags behind)
    assert run.latest.time - fast_from > 0.3 * speed   # as fast as possible is faster still


def test_a_long_wait_paced_at_1x_is_not_taken_for_a_busy_program(library):
    """The physics is stepped inside the waiting program's greenlet: pacing it there is waiting."""
    source = "robolab 1 palette ev3 1.0 world empty_arena\nstart_driving speed=20\nwait seconds=1.5\nbeep\n"
    run = live(library, source, speed=1.0, busy_limit=0.5)
    run.start()
    blocks = set()
    while not run.wait(0.05):
        blocks.add(run.latest.block)
    assert run.result.returncode == 0 and run.sim.time >= 1.5
    assert not [e for e in run.new_events() if e["kind"] == "busy"]
    assert (1,) in blocks   # the waiting block is shown while the physics is stepped in its greenlet


def test_a_watched_challenge_run_reaches_the_verdict_robolab_mark_gives(library):
    """The goals travel with a run (GoalWatch, as the window's run takes them to its process)."""
    from robolab.challenge.loader import load_challenge, shipped_challenges
    from robolab.challenge.marking import GoalWatch, read_submission, run_variant
    from robolab.challenge.variants import layout
    from simulator.robot import load_robot

    challenge = load_challenge(shipped_challenges()["square"])
    text = (ROOT / "tests" / "challenges" / "square.good.rlab").read_text()
    program, pack = read_submission(challenge, text, library, "square.good.rlab")
    expected = run_variant(challenge, program, pack, 1, "square.good")
    where = layout(challenge, 1)
    robot = load_robot(challenge.robot or getattr(where.world, "robot", None))
    run = LiveRun(LiveProgram.build(program, pack, "square.good"), where.world, robot, start=where.start,
                  speed=FAST, seed=1, until=challenge.time_limit, watch=GoalWatch(challenge, where, 1))
    run.start()
    assert run.wait(60)
    assert run.verdict.outcomes == expected.outcomes and run.verdict.time == expected.time
    assert run.verdict.score == 100 and run.goals == {goal.id: "met" for goal in challenge.goals}
