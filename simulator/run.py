"""A whole simulated run: a world, a robot, an ev3dev2 program; what happened, as a summary.

Used by `python -m simulator`, by `robolab run`, and by the IDE's simulator panel.
"""

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from simulator.infrared import remote_of
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
        shown = [event for event in self.events if event.get("kind") != "log"]  # logged values are in the output
        for event in shown[:SHOWN_EVENTS]:
            lines.append(f"  {event.get('time', 0.0):8.3f} s  {describe(event)}")
        if len(shown) > SHOWN_EVENTS:
            lines.append(f"  ... and {len(shown) - SHOWN_EVENTS} more (--json lists them all)")
        return "\n".join(lines)


SHOWN_EVENTS = 20


def describe(event: dict) -> str:
    """One event in words, for the terminal (and the IDE's output pane)."""
    kind = event.get("kind", "event")
    if kind == "message":
        return "message cleared" if event.get("cleared") else f"message {event.get('number')}" + (
            f" ({event['char']})" if event.get("char") else "")
    if kind == "log":
        return "data log cleared" if event.get("cleared") else f"log {event.get('name')} = {event.get('value')}"
    if kind == "sound":
        what = event.get("what", "sound")
        detail = event.get("text") or event.get("args") or event.get("file") or ""
        return f"{what} {detail}".strip() + f" ({event.get('duration', 0):g} s)"
    if kind == "collision":
        return f"bumped into {event.get('with', 'something')}"
    if kind == "display":
        return f"screen: {event.get('text', '')}".rstrip()
    if kind == "led":
        return f"light {event.get('led')} brightness {event.get('brightness')}"
    if kind == "sensor":
        return event.get("text", "sensor")
    if kind == "busy":
        return event.get("text", "the program is busy")
    rest = {k: v for k, v in event.items() if k not in ("time", "kind")}
    return f"{kind} " + " ".join(f"{k}={v}" for k, v in rest.items())


class _Tracer:
    """Writes the robot's pose, its sensors' first values and the program's line after every
    physics step. `line_label` turns a line of the program into what a reader knows (e.g. the
    line of the block in the student's program) or None; the innermost line it knows is shown."""

    def __init__(self, simulation: Simulation, runner: LockstepRunner, path: Path, line_label=None):
        self.simulation, self.runner = simulation, runner
        self.line_label = line_label or (lambda line: line)
        import csv   # only a traced run needs it

        self.file = open(path, "w", newline="", encoding="utf-8")
        self.writer = csv.writer(self.file)
        self.ports = sorted(simulation.sensors)
        self.writer.writerow(["time", "x", "y", "heading"] + [f"sensor{p}" for p in self.ports] + ["line"])
        runner.on_step = self.row

    def row(self):
        sim = self.simulation
        pose = sim.pose
        values = [sim.sensors[p].get("value0") for p in self.ports]
        label = next((label for label in map(self.line_label, self.runner.current_lines) if label is not None), None)
        self.writer.writerow([f"{sim.time:.3f}", f"{pose.x:.2f}", f"{pose.y:.2f}", f"{pose.heading:.2f}"]
                             + values + ["" if label is None else label])

    def close(self):
        self.file.close()


def run_program(program: str | Path, world: str | Path | None = None, robot: str | Path | None = None,
                until: float | None = None, seed: int = 0, trace: str | Path | None = None,
                busy_limit: float = 5.0, line_label=None, args=(), remote=(), profile: str | None = None) -> RunSummary:
    """Run an ev3dev2 program file in a world until it ends (or `until` simulated seconds).
    A program that runs busy_limit wall seconds without waiting (simulated time stands still,
    so it would never end) is stopped, with a "busy" event saying where.
    line_label: turns a line of the program into the line the trace shows (default: itself).
    args: the program's command-line arguments (sys.argv[1:]); remote: timed IR remote presses
    [(time_s, channel, buttons)] (infrared.py); profile: None, or "nbev3devsim" (nbev3devsim.py: its
    dialect, and the world, robot and start its magic line names when none is given here)."""
    source, dialect = None, None
    if profile is not None:   # nbev3devsim.py loads only for a program written for it
        from simulator.nbev3devsim import PROFILES, Profile, magic_robot, magic_world, read_magic, start_pose

        if profile not in PROFILES:
            raise ValueError(f"unknown profile {profile!r} (there is: {', '.join(PROFILES)})")
        source, magic = read_magic(Path(program).read_text(encoding="utf-8"))
        dialect = Profile(magic)
        world, robot = world or magic_world(magic), robot or magic_robot(magic)
    the_world = load_world(world or "empty_arena")
    if dialect is not None and dialect.magic.start:
        the_world.start = start_pose(dialect.magic.start, the_world)
    simulation = Simulation(the_world, load_robot(robot if robot is not None else the_world.robot), seed=seed)
    remote_of(simulation).schedule(remote)
    runner = LockstepRunner(simulation, Path(program), until=until, busy_limit=busy_limit, stop_when_busy=True,
                            argv=[str(program), *args], source=source, profile=dialect, record_writes=False)
    tracer = _Tracer(simulation, runner, Path(trace), line_label) if trace else None
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
