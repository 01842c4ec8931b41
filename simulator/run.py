"""A whole simulated run: a world, a robot, an ev3dev2 program; what happened, as a summary.

Used by `python -m simulator`, by `robolab run`, and by the IDE's simulator panel.
"""

import csv
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from simulator.lockstep import LockstepRunner
from simulator.physics import Simulation
from simulator.robot import load_robot
from simulator.world import load_world


@dataclass
class RunSummary:
    """The outcome of a run, plain data (the JSON output of the command line)."""

    program: str
    world: str
    seed: int
    time: float  # simulated seconds
    returncode: int
    stopped: bool  # ended by --until or stop(), not by the program
    pose: dict  # final pose: x, y (mm), heading (degrees)
    distance: float  # mm travelled by the robot's centre
    collisions: int
    events: list = field(default_factory=list)
    output: str = ""
    error: str = ""  # the traceback when the program failed
    error_line: int | None = None  # the program's line where it failed

    def as_dict(self) -> dict:
        return dict(self.__dict__)

    def report(self, as_json: bool = False) -> str:
        """What a command line prints: one JSON object, or the program's output and the summary."""
        if as_json:
            return json.dumps(self.as_dict()) + "\n"
        return self.output + self.text() + "\n"

    def text(self) -> str:
        """The summary a person reads in a terminal."""
        pose = self.pose
        lines = [
            f"{self.program} in {self.world}: {self.time:.2f} s simulated"
            + (" (stopped)" if self.stopped else f", exit code {self.returncode}"),
            f"final pose: x {pose['x']:.0f} mm, y {pose['y']:.0f} mm, heading {pose['heading']:.0f}°",
            f"distance travelled: {self.distance:.0f} mm; collisions: {self.collisions}",
        ]
        kinds: dict[str, int] = {}
        for event in self.events:
            kinds[event.get("kind", "event")] = kinds.get(event.get("kind", "event"), 0) + 1
        if kinds:
            lines.append("events: " + ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items())))
        return "\n".join(lines)


class _Tracer:
    """Writes the robot's pose and its sensors' first values after every physics step."""

    def __init__(self, simulation: Simulation, path: Path):
        self.simulation, self.file = simulation, open(path, "w", newline="", encoding="utf-8")
        self.writer = csv.writer(self.file)
        ports = sorted(simulation.sensors)
        self.ports = ports
        self.writer.writerow(["time", "x", "y", "heading"] + [f"sensor{p}" for p in ports])
        self.step = simulation.step
        simulation.step = self.traced_step

    def traced_step(self):
        self.step()
        sim = self.simulation
        pose = sim.pose
        values = [sim.sensors[p].get("value0") for p in self.ports]
        self.writer.writerow([f"{sim.time:.3f}", f"{pose.x:.2f}", f"{pose.y:.2f}", f"{pose.heading:.2f}"] + values)

    def close(self):
        self.simulation.step = self.step
        self.file.close()


def run_program(program: str | Path, world: str | Path = "empty_arena", robot: str | Path | None = None,
                until: float | None = None, seed: int = 0, trace: str | Path | None = None,
                busy_limit: float = 2.0) -> RunSummary:
    """Run an ev3dev2 program file in a world until it ends (or `until` simulated seconds)."""
    the_world = load_world(world)
    simulation = Simulation(the_world, load_robot(robot), seed=seed)
    tracer = _Tracer(simulation, Path(trace)) if trace else None
    runner = LockstepRunner(simulation, str(program), until=until, busy_limit=busy_limit)
    try:
        result = runner.run()
    finally:
        if tracer:
            tracer.close()
    pose = simulation.pose
    return RunSummary(
        program=Path(program).name, world=the_world.name, seed=seed, time=round(simulation.time, 6),
        returncode=result.returncode, stopped=bool(result.stopped or result.timed_out),
        pose={"x": round(pose.x, 3), "y": round(pose.y, 3), "heading": round(pose.heading, 3)},
        distance=round(simulation.distance_travelled, 3), collisions=simulation.collisions,
        events=_merged(result.events, simulation.events), output=result.stdout,
        error=result.stderr if result.returncode else "", error_line=result.line if result.returncode else None,
    )


def _merged(brick_events: list, physics_events: list) -> list[dict]:
    """The brick's events (sounds, lights, screen) and the physics' (collisions), in time order."""
    events = [_plain(event) for event in brick_events + physics_events]
    for event in events:
        event.setdefault("kind", event.pop("type", "event"))
    return sorted(events, key=lambda event: event.get("time", 0.0))


def _plain(event) -> dict:
    """An event as JSON-friendly data."""
    data = dict(event) if isinstance(event, dict) else dict(getattr(event, "__dict__", {"event": str(event)}))
    return {k: (round(v, 6) if isinstance(v, float) and math.isfinite(v) else v) for k, v in data.items()}
