"""Driving the simulated robot by hand, without a program (RobotLab's Controls window): the motors
get the powers the student sets, the physics runs in real time, and the sensors can be watched.

As with LiveRun, the simulation lives in one worker thread; set_power only queues a wish.
"""

from __future__ import annotations

import threading
import time

from simulator.physics import Simulation
from simulator.robot import load_robot

from robolab.live.controller import FRAME, TRAIL_STEP_MM, add_to_trail, placed_world
from robolab.live.readings import Snapshot, snapshot

_wall = time.perf_counter


class ManualDrive:
    """The robot in `world`, its motors driven by hand until stop()."""

    def __init__(self, world, robot=None, *, start=None, seed: int = 0):
        self.sim = Simulation(placed_world(world, start), robot or load_robot(getattr(world, "robot", None)), seed=seed)
        self.start_pose = self.sim.pose
        self.trail = [(self.start_pose.x, self.start_pose.y)]
        self.wheels = {spec.wheel: port for port, spec in self.sim.robot.motors.items() if spec.wheel}
        self._wanted: dict[str, int] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = None
        self._last = snapshot(self.sim, self.start_pose.heading)

    @property
    def latest(self) -> Snapshot:
        return self._last

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._work, name="robolab drive by hand", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(1.0)

    def set_power(self, port: str, power: int) -> None:
        """Power -100..100 % for the motor on `port` (0 brakes it)."""
        with self._lock:
            self._wanted[port] = max(-100, min(100, int(power)))

    def drive(self, left: int, right: int) -> None:
        """Both wheels at once (arrow keys)."""
        with self._lock:
            for wheel, power in (("left", left), ("right", right)):
                if wheel in self.wheels:
                    self._wanted[self.wheels[wheel]] = max(-100, min(100, int(power)))

    def _apply(self):
        with self._lock:
            wanted, self._wanted = self._wanted, {}
        for port, power in wanted.items():
            motor = self.sim.motors.get(port)
            if motor is None:
                continue
            if power == 0:
                motor.set("stop_action", "brake")
                motor.command("stop")
            else:
                motor.set("speed_sp", str(round(power * motor.max_speed / 100)))
                motor.command("run-forever")

    def _work(self):
        sim, wall0, sim0 = self.sim, _wall(), self.sim.time
        next_frame = 0.0
        while not self._stop.is_set():
            self._apply()
            sim.step()
            x, y = sim.chassis.position
            tx, ty = self.trail[-1]
            if abs(x - tx) + abs(y - ty) >= TRAIL_STEP_MM:
                add_to_trail(self.trail, x, y)
            now = _wall()
            if now >= next_frame:
                next_frame = now + FRAME
                self._last = snapshot(sim, self.start_pose.heading)
            ahead = wall0 + (sim.time - sim0) - now
            if ahead > 0.002:
                self._stop.wait(ahead)
            elif ahead < -0.25:
                wall0, sim0 = now, sim.time
        self._last = snapshot(sim, self.start_pose.heading)
