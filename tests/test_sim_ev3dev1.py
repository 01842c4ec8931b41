"""The old ev3dev library (python-ev3dev 1.x, `from ev3dev.ev3 import *`) on the same virtual
brick as python-ev3dev2: motors, sensors, the IR remote, sound, lights, buttons and the screen."""

import textwrap

import pytest

from simulator.run import run_program

pytest.importorskip("ev3dev.core")  # a dependency (pyproject.toml); skipped only where it is missing

OLD = """\
#!/usr/bin/env python3
# In the style of ev3dev's 1.x demos: drive forward until the touch sensor is pressed or something
# is close, with sound and lights.
from ev3dev.ev3 import *
from time import sleep

left, right = LargeMotor(OUTPUT_B), LargeMotor('outC')
assert left.connected and right.connected
ts, cs, us = TouchSensor(), ColorSensor(), UltrasonicSensor()
print("connected", ts.connected, cs.connected, us.connected, MediumMotor('outD').connected)
cs.mode = 'COL-REFLECT'
us.mode = 'US-DIST-CM'
print("light", cs.value(), "distance", us.value() / 10)
Leds.set_color(Leds.LEFT, Leds.AMBER)
Sound.speak('Go').wait()
for motor in (left, right):
    motor.run_forever(speed_sp=400)
while not ts.value() and us.value() > 300:
    sleep(0.01)
for motor in (left, right):
    motor.stop(stop_action='brake')
left.wait_while('running')
Sound.tone([(440, 100, 50), (660, 100)]).wait()
print("stopped", us.value() / 10, left.position > 1000, Button().buttons_pressed)
lcd = Screen()
lcd.draw.text((10, 10), 'Done')
lcd.update()
"""

REMOTE = """\
from ev3dev.ev3 import *
import time
remote = RemoteControl(channel=2)
assert remote.connected
remote.on_red_up = lambda state: print("red up", state, round(time.monotonic(), 1))
for _ in range(300):
    remote.process()
    time.sleep(0.01)
"""


def write(folder, name, text):
    path = folder / name
    path.write_text(textwrap.dedent(text))
    return path


def test_an_old_ev3dev_program_drives_to_the_wall_with_sound_and_lights(tmp_path):
    summary = run_program(write(tmp_path, "drive_to_wall", OLD), "empty_arena")
    assert summary.returncode == 0, summary.error
    lines = summary.output.splitlines()
    assert lines[0] == "connected True True True False"   # the default robot has no motor on D
    assert lines[1] == "light 71 distance 92.5"
    assert lines[2].startswith("stopped 2") and lines[2].endswith(" True []")
    assert 1990 - 300 < summary.pose["x"] + 75 < 2000 - 250   # stopped about 30 cm from the wall
    kinds = [(e["kind"], e.get("what")) for e in summary.events]
    assert ("sound", "speak") in kinds and ("sound", "beep") in kinds and ("led", None) in kinds


def test_the_old_remote_control_class_hears_the_simulated_remote(tmp_path):
    summary = run_program(write(tmp_path, "remote.py", REMOTE), "empty_arena",
                          remote=[(1.0, 2, "top_left"), (2.0, 2, ())])
    assert summary.returncode == 0, summary.error
    assert summary.output.splitlines() == ["red up True 1.0", "red up False 2.0"]


def test_ev3dev_auto_is_the_ev3_and_writes_nothing_on_the_host(tmp_path):
    program = write(tmp_path, "auto.py", "from ev3dev.auto import *\nprint(LargeMotor(OUTPUT_B).connected)\n")
    summary = run_program(program, "empty_arena")
    assert summary.returncode == 0 and summary.output == "True\n", summary.error
