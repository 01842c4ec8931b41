"""Watching a program run on the simulated robot: the Qt-free half of the simulator panel.

LiveProgram (compiled program and its line/block maps), LiveRun (a run in a worker thread:
run, pause, step, stop, speed), ManualDrive (driving by hand, no program), DataLog (logged values
and sensor samples, CSV). The window (robolab.ui.sim) only draws what these hand it.
"""

from robolab.live.controller import FAST, FINISHED, PAUSED, READY, RUNNING, LiveRun, at_rest, placed_world
from robolab.live.program import LiveProgram
from robolab.live.readings import MotorReading, SensorReading, Snapshot

__all__ = ["FAST", "FINISHED", "PAUSED", "READY", "RUNNING", "LiveProgram", "LiveRun", "MotorReading",
           "SensorReading", "Snapshot", "at_rest", "placed_world"]
