"""The virtual brick (simulator/brick.py) and the lockstep runner (simulator/lockstep.py).

The simulated devices here are small stand-ins speaking the docs/simulator.md interface
(get/set of attribute strings, address, driver_name): a motor whose position follows
speed_sp, sensors whose values a schedule changes.
"""
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from simulator.lockstep import LockstepRunner
from tests.fakesim import FakeSim

ROOT = Path(__file__).resolve().parents[1]
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable


PROGRAM = '''\
import time
from ev3dev2.motor import MoveTank, OUTPUT_B, OUTPUT_C, SpeedPercent
from ev3dev2.sensor.lego import ColorSensor, TouchSensor
from ev3dev2.sound import Sound
from ev3dev2.stopwatch import StopWatch

tank = MoveTank(OUTPUT_B, OUTPUT_C)
colour = ColorSensor()          # found by its driver, on no particular port
touch = TouchSensor()
print("reflected", colour.reflected_light_intensity)
watch = StopWatch()
watch.start()
tank.on_for_seconds(SpeedPercent(50), SpeedPercent(-50), 2)
print("after", round(time.monotonic(), 2), tank.left_motor.position, tank.right_motor.position)
while not touch.is_pressed:
    time.sleep(0.01)
print("pressed at", round(time.monotonic(), 2))
Sound().beep()
tank.on_for_rotations(30, 30, 1)
time.sleep(5)
print("watch", watch.value_ms >= 7000)
'''


def run(source, sim=None, **kwargs):
    sim = sim or FakeSim()
    return LockstepRunner(sim, source, **kwargs).run(), sim


def test_program_runs_fast_in_simulated_time_and_writes_the_attributes():
    sim = FakeSim(schedule=[(3.0, "1", {"value0": 1})])
    wall = time.perf_counter()
    result, _ = run(PROGRAM, sim)
    wall = time.perf_counter() - wall
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "reflected 42"
    assert lines[1].startswith("after 2.0") and lines[1].endswith(" 1050 -1050"), lines[1]
    assert lines[2].startswith("pressed at 3.0"), lines[2]
    assert lines[3] == "watch True"
    assert result.time > 9 and wall < 1.0, (result.time, wall)
    assert result.commands("B") == ["reset", "run-timed", "run-to-rel-pos"], result.commands("B")
    assert result.values("B", "speed_sp") == ["525", "315"]
    assert result.values("C", "speed_sp") == ["-525", "315"]
    assert result.values("B", "position_sp") == ["360"]
    assert result.values("B", "time_sp") == ["2000"]
    sounds = [e for e in result.events if e["kind"] == "sound"]
    assert len(sounds) == 1 and sounds[0]["what"] == "beep" and sounds[0]["duration"] == 0.2
    assert sim.time == pytest.approx(result.time, abs=0.005)


def test_time_sleep_and_clocks_are_simulated():
    result, sim = run("import time\nt=time.time()\ntime.sleep(100)\nprint(round(time.time()-t, 3))\n")
    assert result.stdout == "100.0\n" and result.steps == 20000
    assert sim.time == pytest.approx(100.0)


def test_busy_loop_stops_within_100ms_of_stop():
    runner = LockstepRunner(FakeSim(), "x = 0\nwhile True:\n    x += 1\n")
    asked = []

    def stop():
        asked.append(time.perf_counter())
        runner.stop()
    threading.Timer(0.3, stop).start()
    result = runner.run()
    ended = time.perf_counter()
    assert asked and ended - asked[0] < 0.1
    assert result.stopped and result.line in (2, 3)


def test_stop_while_sleeping_and_atexit_handlers_run():
    src = ("import atexit, time\nfrom ev3dev2.motor import LargeMotor\nm = LargeMotor('outB')\n"
           "atexit.register(m.off, brake=False)\nm.on(20)\nwhile True:\n    time.sleep(1)\n")
    runner = LockstepRunner(FakeSim(), src)
    threading.Timer(0.2, runner.stop).start()
    result = runner.run()
    assert result.stopped
    assert result.commands("B") == ["run-forever", "stop"]
    assert result.values("B", "stop_action")[-1] == "coast"


def test_until_limits_simulated_time():
    result, _ = run("import time\nwhile True:\n    time.sleep(0.5)\n", until=3.0)
    assert result.timed_out and result.time == pytest.approx(3.0)


def test_error_reports_the_programs_line():
    result, _ = run("import time\n\ntime.sleep(1)\nx = 1 / 0\n")
    assert result.returncode == 1
    assert 'File "<program>", line 4' in result.stderr and "ZeroDivisionError" in result.stderr
    assert "lockstep" not in result.stderr


def test_busy_event_and_stop_when_busy():
    result, _ = run("while True:\n    pass\n", busy_limit=0.2, stop_when_busy=True)
    assert result.stopped
    busy = [e for e in result.events if e["kind"] == "busy"]
    assert busy and "has not waited" in busy[0]["text"]


def test_busy_reading_loop_advances_the_clock():
    src = ("from ev3dev2.sensor.lego import TouchSensor\nt = TouchSensor()\n"
           "while not t.is_pressed:\n    pass\nimport time\nprint(round(time.monotonic(), 1))\n")
    result, _ = run(src, FakeSim(schedule=[(2.0, "1", {"value0": 1})]))
    assert result.stdout == "2.0\n"


def test_two_runs_are_identical():
    a, sim_a = run(PROGRAM, FakeSim(schedule=[(3.0, "1", {"value0": 1})]))
    b, sim_b = run(PROGRAM, FakeSim(schedule=[(3.0, "1", {"value0": 1})]))
    assert a.writes == b.writes and a.stdout == b.stdout and a.time == b.time
    assert [m.a for m in sim_a.motors.values()] == [m.a for m in sim_b.motors.values()]


def test_ev3dev2_is_restored_after_a_run():
    import ev3dev2
    import ev3dev2.motor
    before = (sys.modules["ev3dev2"], sys.modules["ev3dev2.motor"], ev3dev2.list_device_names,
              ev3dev2.Device._attribute_file_open, time.sleep, time.monotonic, threading.Thread.start,
              sys.stdout)
    result, _ = run("from ev3dev2.motor import OUTPUT_A, LargeMotor\nprint(OUTPUT_A)\nLargeMotor()\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ev3-ports:outA\n"
    after = (sys.modules["ev3dev2"], sys.modules["ev3dev2.motor"], ev3dev2.list_device_names,
             ev3dev2.Device._attribute_file_open, time.sleep, time.monotonic, threading.Thread.start,
             sys.stdout)
    assert after == before
    assert "ev3dev2.sound" not in sys.modules or sys.modules["ev3dev2.sound"].Sound.beep.__module__ == "ev3dev2.sound"


def test_sound_leds_display_buttons_are_events():
    src = ("from ev3dev2.sound import Sound\nfrom ev3dev2.led import Leds\nfrom ev3dev2.button import Button\n"
           "import time\ns = Sound()\ns.play_tone(440, 1.5)\ns.speak('hello there')\n"
           "Leds().set_color('LEFT', 'RED')\nprint(Button().enter)\n"
           "from ev3dev2.display import Display\nd = Display()\nd.text_grid('hi', x=1, y=2)\nd.update()\n"
           "print(round(time.monotonic(), 1))\n")
    result, _ = run(src, buttons={"enter"})
    assert result.returncode == 0, result.stderr
    kinds = [(e["kind"], e.get("what")) for e in result.events]
    assert ("sound", "beep") in kinds and ("sound", "speak") in kinds
    assert {"kind": "led", "led": "led0:red:brick-status", "brightness": 255} in [
        {k: v for k, v in e.items() if k != "time"} for e in result.events]
    texts = [e for e in result.events if e["kind"] == "display" and e["what"] == "text"]
    assert texts and texts[0]["text"] == "hi" and (texts[0]["x"], texts[0]["y"]) == (8, 20)
    assert result.stdout.splitlines()[0] == "True"
    assert float(result.stdout.splitlines()[1]) >= 1.5


def test_program_threads_run_as_greenlets_on_the_simulated_clock():
    src = ("import threading, time\nlog = []\nlocal = threading.local()\n"
           "def worker(n):\n    local.n = n\n    for i in range(3):\n        time.sleep(1)\n"
           "        log.append((n, i, round(time.monotonic(), 3), local.n))\n"
           "ts = [threading.Thread(target=worker, args=(n,)) for n in (1, 2)]\n"
           "for t in ts: t.start()\nfor t in ts: t.join()\nprint(log)\nprint(ts[0].is_alive())\n")
    result, _ = run(src)
    assert result.returncode == 0, result.stderr
    log = eval(result.stdout.splitlines()[0])
    assert log == [(1, 0, 1.0, 1), (2, 0, 1.0, 2), (1, 1, 2.0, 1), (2, 1, 2.0, 2), (1, 2, 3.0, 1), (2, 2, 3.0, 2)]
    assert result.stdout.splitlines()[1] == "False"


def test_until_ends_a_running_program_quietly_with_124():
    result, _ = run("import time\ntry:\n    while True:\n        time.sleep(1)\nfinally:\n    print('cleanup')\n",
                    until=2.5)
    assert result.returncode == 124 and result.timed_out and result.stderr == ""
    assert result.stdout == "cleanup\n"


def _compile(example, tmp_path):
    out = tmp_path / f"{example}.py"
    subprocess.run([PYTHON, "-m", "robolab", "compile", str(ROOT / "examples" / f"{example}.rlab"), "-o", str(out)],
                   check=True, cwd=ROOT, capture_output=True)
    return out


MOTOR_ATTRS = ("command", "speed_sp", "position_sp", "time_sp", "stop_action", "polarity", "duty_cycle_sp")


def _motor_writes(writes, port):
    return [(w.attribute, w.value) for w in writes if w.port == port and w.attribute in MOTOR_ATTRS]


def _real_simulation():
    try:
        from simulator.physics import Simulation
        from simulator.robot import load_robot
        from simulator.world import load_world, shipped_world
    except ImportError:
        return None
    return Simulation(load_world(shipped_world("empty_arena")), load_robot(), seed=0)


@pytest.mark.parametrize("example", ["square"])
def test_differential_against_fakebrick(example, tmp_path):
    """The compiled example sends the same motor commands on the fake sysfs brick (real
    ev3dev2 in a subprocess) and on the simulator (real ev3dev2 in-process)."""
    from tests.fakebrick import FakeBrick
    program = _compile(example, tmp_path)
    fake = FakeBrick(tmp_path).run(program, timeout=30, virtual_timeout=30)
    assert fake.returncode == 0, fake.stderr
    for sim in (FakeSim(), _real_simulation()):
        if sim is None:
            continue
        result = LockstepRunner(sim, program).run(until=30)
        assert result.returncode == 0, result.stderr
        for port in "ABC":
            assert _motor_writes(result.writes, port) == _motor_writes(fake.writes, port), (type(sim), port)
        assert result.time == pytest.approx(fake.virtual_time, rel=0.1)  # motor models differ


def test_threaded_runtime_example_runs_on_the_real_simulation(tmp_path):
    sim = _real_simulation()
    if sim is None:
        pytest.skip("simulator.physics is not there yet")
    program = _compile("bump_and_turn", tmp_path)
    result = LockstepRunner(sim, program).run(until=10)
    assert result.returncode == 124 and result.stderr == "", result.stderr
    assert result.commands("B")[:1] == ["run-forever"] and result.commands("B")[-1] == "stop"
    assert sim.distance_travelled > 100


def test_real_simulation_runs_a_program_deterministically():
    if _real_simulation() is None:
        pytest.skip("simulator.physics is not there yet")
    a_sim, b_sim = _real_simulation(), _real_simulation()
    src = ("from ev3dev2.motor import MoveTank, OUTPUT_B, OUTPUT_C\nt = MoveTank(OUTPUT_B, OUTPUT_C)\n"
           "t.on_for_seconds(40, 20, 3)\nt.on_for_degrees(30, -30, 200)\n")
    a = LockstepRunner(a_sim, src).run()
    b = LockstepRunner(b_sim, src).run()
    assert a.returncode == 0, a.stderr
    assert a.writes == b.writes and a_sim.pose == b_sim.pose and a.time == b.time
    assert a_sim.distance_travelled > 100


def test_atexit_handlers_run_after_until_and_the_program_no_longer_runs():
    src = ("import atexit, time\nfrom ev3dev2.motor import LargeMotor\nm = LargeMotor('outC')\n"
           "atexit.register(m.off)\nwhile True:\n    m.on(10)\n    time.sleep(0.5)\n")
    result, sim = run(src, until=2.2)
    assert result.returncode == 124
    assert result.commands("C") == ["run-forever"] * 5 + ["stop"]
    assert sim.motors["C"].a["state"] == ""


def test_a_crashing_physics_step_leaves_nothing_installed():
    class Broken(FakeSim):
        def step(self):
            raise RuntimeError("boom")
    before = (time.sleep, sys.stdout, threading.Thread.start)
    with pytest.raises(RuntimeError, match="boom"):
        LockstepRunner(Broken(), "import time\ntime.sleep(1)\n").run()
    assert (time.sleep, sys.stdout, threading.Thread.start) == before
    assert "ev3dev2.motor" not in sys.modules or "simulator" not in repr(
        getattr(sys.modules["ev3dev2"], "list_device_names", None))
