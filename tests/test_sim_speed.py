"""What the simulator's speed-ups must not change (issue 17): the same trajectory whichever path
a run takes, a crash still raised from run(), and a plain run that keeps only what it reports."""
import math
import random
import sys
import threading
import time
import tracemalloc

import pytest

from simulator import chipmunk
from simulator.lockstep import LockstepRunner
from simulator.physics import Simulation
from simulator.robot import load_robot
from simulator.run import run_program
from simulator.world import load_world
from tests.fakesim import FakeSim
from tests.test_sim_physics import drive, make_world

LINE_FOLLOWER = '''\
import threading, time
from ev3dev2.motor import MoveTank, OUTPUT_B, OUTPUT_C, SpeedPercent
from ev3dev2.sensor.lego import ColorSensor
tank = MoveTank(OUTPUT_B, OUTPUT_C)
colour = ColorSensor()
ticks = []
def counter():                      # a second greenlet, so some waits go through the loop
    while True:
        ticks.append(time.monotonic())
        time.sleep(0.037)
threading.Thread(target=counter, daemon=True).start()
while time.monotonic() < 8:
    off = colour.reflected_light_intensity - 50
    tank.on(SpeedPercent(30 + 0.8 * off), SpeedPercent(30 - 0.8 * off))
print(len(ticks), round(time.monotonic(), 6))
'''


def line_follower_run(**kwargs):
    sim = Simulation(load_world("line_track"), load_robot(), seed=0)
    result = LockstepRunner(sim, LINE_FOLLOWER, **kwargs).run(until=20)
    assert result.returncode == 0, result.stderr
    return sim, result


def test_stepping_in_the_program_or_in_the_loop_gives_the_same_run():
    inline, fast = line_follower_run()
    # an on_step callback makes every physics step happen in the loop
    looped, slow = line_follower_run(on_step=lambda: None)
    assert fast.stdout == slow.stdout
    assert fast.writes == slow.writes and len(fast.writes) > 1000
    assert inline.pose == looped.pose and inline.step_count == looped.step_count
    assert inline.distance_travelled == looped.distance_travelled > 500


def test_a_plain_run_keeps_no_write_records_and_runs_the_same():
    recorded, with_log = line_follower_run()
    plain, without_log = line_follower_run(record_writes=False)
    assert without_log.writes == [] and len(with_log.writes) > 1000
    assert plain.pose == recorded.pose and without_log.stdout == with_log.stdout


def test_a_physics_step_that_raises_is_raised_from_run_even_if_the_program_catches_everything():
    class Broken(FakeSim):
        def step(self):
            if self.time > 0.5:
                raise RuntimeError("boom")
            super().step()
    before = (time.sleep, sys.stdout, threading.Thread.start)
    program = "import time\nwhile True:\n    try:\n        time.sleep(0.1)\n    except Exception:\n        pass\n"
    with pytest.raises(RuntimeError, match="boom"):
        LockstepRunner(Broken(), program).run(until=5)
    assert (time.sleep, sys.stdout, threading.Thread.start) == before


def bumpy_run(tmp_path, direct):
    """Into a movable box and on into a wall, turning: contacts, pushes, stalls."""
    body = ('[[obstacle]]\nname = "box"\nrectangle = [1200, 700, 1300, 800]\nmass = 0.3\n'
            '[[wall]]\nrectangle = [1700, 0, 1800, 1500]\n')
    sim = Simulation(make_world(tmp_path, body), load_robot(), seed=0)
    sim._chassis_body = chipmunk.BodyState(sim.chassis, direct)
    sim._control_body = chipmunk.BodyState(sim.control, direct)
    sim._space_step = chipmunk.space_stepper(sim.space, direct)
    poses = []
    for left, right in ((500, 480), (600, 600), (-300, 200)):
        drive(sim, left, right)
        for _ in range(400):
            sim.step()
            poses.append((sim.pose, sim.to_world(10.0, -5.0)))
    return poses, sim.obstacle_positions(), sim.events, sim.distance_travelled


def test_calling_chipmunk_directly_gives_what_pymunk_gives(tmp_path):
    direct, through_pymunk = bumpy_run(tmp_path, True), bumpy_run(tmp_path, False)
    assert direct == through_pymunk
    (name, box_x, _, _), = direct[1]
    assert len(direct[2]) >= 2 and box_x > 1300   # it bumped into the box and pushed it


def test_the_averaged_floor_table_reads_what_averaging_there_reads():
    world = load_world("line_track")
    rng = random.Random(3)
    for diameter in (15.0, 24.0):
        for _ in range(3000):   # in the world, just outside it (black margin), far outside
            x, y = rng.uniform(-40, world.width + 40), rng.uniform(-40, world.height + 40)
            c, r = math.floor(x / world.mm_per_pixel), world._h - 1 - math.floor(y / world.mm_per_pixel)
            assert world.floor_sample(x, y, diameter) == world._average(c, r, diameter), (x, y)
    assert world.floor_sample(-500, -500, 15.0) == (0, 0, 0)
    assert {world.floor_sample(1000, y, 15.0) for y in range(0, 1500, 5)} >= {(0, 0, 0), (255, 255, 255)}


def test_a_plain_run_keeps_no_more_memory_for_running_longer(tmp_path):
    """What a 40 s run of a line follower holds at its peak is what a 10 s run holds: nothing is
    kept per step or per device access (a write log grew by some 2.5 MB here)."""
    program = tmp_path / "follow.py"
    program.write_text(LINE_FOLLOWER.replace("while time.monotonic() < 8:", "while True:"), encoding="utf-8")
    run_program(program, "line_track", until=1)   # imports and caches outside the measure
    peaks = {}
    for until in (10, 40):
        tracemalloc.start()
        try:
            summary = run_program(program, "line_track", until=until)
            peaks[until] = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert summary.time == until and summary.distance > 40 * until
    assert peaks[40] < 1.05 * peaks[10], peaks


def test_a_run_loads_only_the_ev3dev_modules_its_program_uses_and_those_patched():
    program = ("import sys\n"
               "from ev3dev2.motor import LargeMotor\n"
               "print(sorted(m for m in ('ev3dev2.sound', 'ev3dev2.display', 'ev3dev2.led', 'ev3dev.core')"
               " if m in sys.modules))\n"
               "from ev3dev2.sound import Sound\n"
               "Sound().beep('-f 440 -l 300')\n"
               "print(round(__import__('time').monotonic(), 3))\n")
    sim = Simulation(load_world("empty_arena"), load_robot(), seed=0)
    result = LockstepRunner(sim, program).run(until=5)
    assert result.returncode == 0, result.stderr
    loaded, after_beep = result.stdout.splitlines()
    assert loaded == "[]"
    assert [e["what"] for e in result.events if e["kind"] == "sound"] == ["beep"]  # simulated, not run
    assert float(after_beep) >= 0.3     # the beep waited on the simulated clock
    assert not any(hasattr(finder, "patches") for finder in sys.meta_path)   # the import hook is gone


def test_a_line_hook_cleared_during_the_run_leaves_no_trace_hook_behind():
    """The window steps line by line, then runs on at full speed: the trace hook goes with the hook."""
    sim = Simulation(load_world("empty_arena"), load_robot(), seed=0)
    seen = []
    program = "import sys, time\nfor i in range(5):\n    time.sleep(0.1)\nprint(sys.gettrace() is None)\n"
    runner = LockstepRunner(sim, program)

    def hook(line):
        seen.append(line)
        if len(seen) == 3:
            runner.line_hook = None
    runner.line_hook = hook
    result = runner.run(until=5)
    assert result.returncode == 0, result.stderr
    assert len(seen) == 3 and result.stdout == "True\n"
