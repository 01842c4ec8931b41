"""Watching a simulated run for a challenge: Frames and events from the simulation into the goal checks.

A Watcher hangs on the lockstep runner's step callback. Every SAMPLE_STEPS physics steps it
makes a Frame of the robot and the movable objects, hands it and the new events to every goal's
check, and adds to the trail. The window's live run and marking both use it, so the goals
ticked on screen and the marks are the same numbers.
"""

from __future__ import annotations

import math

from robolab.challenge.geometry import placed
from robolab.challenge.goals import KINDS, MET, Arena, Check, FinishWithin, Frame, RunEnd

SAMPLE_STEPS = 4           # a frame every 4 physics steps (every 0.02 simulated seconds)
TRAIL_STEP_MM = 10.0       # the trail gets a point when the robot has moved this far


class Watcher:
    def __init__(self, challenge, layout, sim, runner, commands: tuple = ()):
        self.challenge, self.layout, self.sim, self.runner = challenge, layout, sim, runner
        arena = Arena(layout.zones, layout.world, commands)
        self.checks: dict[str, Check] = {goal.id: KINDS[goal.kind](goal, arena) for goal in challenge.goals}
        self.chassis = list(sim.robot.chassis)
        kinds = {check.goal.kind for check in self.checks.values()}
        # Only what some goal looks at is measured each frame (a frame costs the run's time).
        self.sensors = dict(sim.robot.sensors) if "follow_line" in kinds else {}
        self.bodies = list(sim.obstacle_bodies) if "push" in kinds else []
        self.trail = [(round(sim.pose.x, 1), round(sim.pose.y, 1))]
        self._seen = [0, 0]
        self.frames = 0
        self.ended: RunEnd | None = None

    def on_step(self) -> None:
        """The runner's step callback: a frame every SAMPLE_STEPS steps."""
        if self.sim.step_count % SAMPLE_STEPS == 0:
            self.observe()

    def observe(self) -> None:
        frame = self.frame()
        self.frames += 1
        for event in self.new_events():
            for check in self.checks.values():
                check.event(event)
        for check in self.checks.values():
            check.frame(frame)
        tx, ty = self.trail[-1]
        if abs(frame.x - tx) + abs(frame.y - ty) >= TRAIL_STEP_MM:
            self.trail.append((round(frame.x, 1), round(frame.y, 1)))

    def frame(self) -> Frame:
        sim = self.sim
        x, y, heading = sim.pose
        vx, vy = sim.chassis.velocity
        sensors = {port: sim.to_world(spec.x, spec.y) for port, spec in self.sensors.items()}
        objects = {}
        for name, body in self.bodies:
            shape = next(iter(body.shapes))
            outline = tuple(tuple(body.local_to_world(v)) for v in shape.get_vertices())
            objects[name] = (body.position.x, body.position.y, outline)
        return Frame(sim.time, x, y, heading, math.hypot(vx, vy), tuple(placed(self.chassis, x, y, heading)),
                     sensors, objects)

    def new_events(self) -> list[dict]:
        found = []
        for index, source in enumerate((self.runner.events, self.sim.events)):
            for event in source[self._seen[index]:]:
                event = dict(event)
                event.setdefault("kind", event.pop("type", "event"))
                found.append(event)
            self._seen[index] = len(source)
        return sorted(found, key=lambda event: event.get("time", 0.0))

    def finish(self, end: RunEnd) -> list:
        """The run has ended: the last frame, then each goal's outcome (timed goals last)."""
        if self.ended is None:
            self.ended = end
            self.observe()
            ordered = sorted(self.checks.values(), key=lambda c: isinstance(c, FinishWithin))
            for check in ordered:
                check.finish(end, self.checks)
        return [check.outcome() for check in self.checks.values()]

    def states(self) -> dict[str, str]:
        """Each goal's state now: open, met or missed (the window's ticks)."""
        return {goal: check.state for goal, check in self.checks.items()}

    def points(self) -> float:
        return sum(check.goal.points for check in self.checks.values() if check.state == MET)
