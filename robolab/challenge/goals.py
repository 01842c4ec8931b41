"""Goal checks: each kind of goal judged over what a run reports, frame by frame.

A run reports Frames (the robot's pose, speed and outline, its sensors' spots, the movable
objects), events (collisions, logged values, speech) and, at the end, how it ended. One check
per goal follows them and says, at any moment, whether its goal is met, missed or still open:
the window ticks goals live from these states, and marking reads them at the end. Every kind
also says which keys a challenge file may give it (KEYS), so the file checker and the checks
cannot disagree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from robolab.challenge.geometry import inside, outline_points, overlaps

OPEN, MET, MISSED = "open", "met", "missed"
STOPPED_SPEED = 20.0   # mm/s: slower than this, a robot has stopped
RING_POINTS = 8        # follow_line: points round the sensor's spot, `within` mm away


@dataclass(frozen=True)
class Frame:
    """The world at one moment of a run (mm, degrees, seconds)."""

    time: float
    x: float
    y: float
    heading: float
    speed: float                      # mm/s of the robot's centre
    outline: tuple                    # the robot's chassis, placed in the world
    sensors: dict = field(default_factory=dict)   # port -> (x, y) of the sensor
    objects: dict = field(default_factory=dict)   # movable object's name -> (x, y, outline)


@dataclass(frozen=True)
class RunEnd:
    """How a run ended: at `time`, by itself (the program finished) or not, with an error or not."""

    time: float
    finished: bool
    error: str = ""


@dataclass(frozen=True)
class Goal:
    """A goal as the challenge file gives it: its kind, its keys (checked), points and words."""

    id: str
    kind: str
    points: float
    text: str
    keys: dict
    line: int = 0


@dataclass(frozen=True)
class Outcome:
    """A goal's result: met or not, the points it earned, and why, in words."""

    goal: str
    met: bool
    points: float
    detail: str
    time: float | None = None   # when it was met

    def as_dict(self) -> dict:
        return dict(self.__dict__)


class Arena:
    """What checks need of a layout: zones by name (polygons), the floor, the program's commands."""

    def __init__(self, zones: dict, world=None, commands: tuple = ()):
        self.zones, self.world, self.commands = zones, world, tuple(commands)


class Check:
    """Follows one goal through a run. Subclasses set KEYS {key: type} and REQUIRED, and update
    `state`, `met_at` and `detail` in frame/event/finish."""

    KEYS: dict = {}
    REQUIRED: tuple = ()
    ONE_OF: tuple = ()   # exactly one of these keys

    def __init__(self, goal: Goal, arena: Arena):
        self.goal, self.arena = goal, arena
        self.state, self.met_at, self.detail = OPEN, None, ""
        self.start()

    def get(self, key, default=None):
        return self.goal.keys.get(key, default)

    def start(self) -> None:
        pass

    def frame(self, frame: Frame) -> None:
        pass

    def event(self, event: dict) -> None:
        pass

    def finish(self, end: RunEnd, checks: dict) -> None:
        if self.state == OPEN:
            self.state = MISSED

    def meet(self, time: float, detail: str = "") -> None:
        if self.state != MET:
            self.state, self.met_at = MET, time
        if detail:
            self.detail = detail

    def miss(self, detail: str) -> None:
        self.state, self.detail = MISSED, detail

    def outcome(self) -> Outcome:
        met = self.state == MET
        return Outcome(self.goal.id, met, self.goal.points if met else 0.0, self.detail,
                       round(self.met_at, 3) if met and self.met_at is not None else None)

    def robot_in(self, frame: Frame, zone: str) -> bool:
        polygon = self.arena.zones[zone]
        if self.get("whole", False):
            return all(inside(polygon, x, y) for x, y in outline_points(frame.outline))
        return inside(polygon, frame.x, frame.y)


class Reach(Check):
    """Reach a zone; with stop, end the run stopped inside it."""

    KEYS = {"zone": "zone", "stop": "bool", "whole": "bool"}
    REQUIRED = ("zone",)

    def start(self):
        self.last_inside = False
        self.last_speed = 0.0

    def frame(self, frame):
        self.last_inside, self.last_speed = self.robot_in(frame, self.get("zone")), frame.speed
        if self.last_inside and self.met_at is None:
            self.met_at = frame.time
            if not self.get("stop"):
                self.meet(frame.time, f"reached '{self.get('zone')}' at {frame.time:.1f} s")

    def finish(self, end, checks):
        zone = self.get("zone")
        if not self.get("stop"):
            if self.state != MET:
                self.miss(f"never reached '{zone}'")
            return
        if self.last_inside and self.last_speed < STOPPED_SPEED:
            self.state = OPEN
            self.meet(end.time, f"stopped in '{zone}'")
        elif self.last_inside:
            self.miss(f"in '{zone}' at the end, but still moving")
        else:
            self.miss(f"not in '{zone}' at the end" + ("" if self.met_at is not None else " (never reached it)"))


class Visit(Check):
    """Visit zones in the order given."""

    KEYS = {"zones": "zones", "whole": "bool"}
    REQUIRED = ("zones",)

    def start(self):
        self.next = 0

    def frame(self, frame):
        zones = self.get("zones")
        if self.state == OPEN and self.robot_in(frame, zones[self.next]):
            self.next += 1
            self.detail = f"visited {self.next} of {len(zones)}"
            if self.next == len(zones):
                self.meet(frame.time, f"visited all {len(zones)} in order by {frame.time:.1f} s")

    def finish(self, end, checks):
        zones = self.get("zones")
        if self.state != MET:
            self.miss(f"visited {self.next} of {len(zones)} in order; never reached '{zones[self.next]}'")


class Stay(Check):
    """Stay inside a zone from the start for `seconds`."""

    KEYS = {"zone": "zone", "seconds": "seconds", "whole": "bool"}
    REQUIRED = ("zone", "seconds")

    def frame(self, frame):
        if self.state != OPEN:
            return
        if not self.robot_in(frame, self.get("zone")):
            self.miss(f"left '{self.get('zone')}' at {frame.time:.1f} s")
        elif frame.time >= self.get("seconds"):
            self.meet(frame.time, f"stayed in '{self.get('zone')}' for {self.get('seconds'):g} s")

    def finish(self, end, checks):
        if self.state == OPEN:
            self.miss(f"the run ended at {end.time:.1f} s, before {self.get('seconds'):g} s")


class Avoid(Check):
    """Never touch a zone, the walls, or a named object."""

    KEYS = {"zone": "zone", "walls": "bool", "object": "object"}
    ONE_OF = ("zone", "walls", "object")

    def frame(self, frame):
        zone = self.get("zone")
        if self.state == OPEN and zone is not None and overlaps(frame.outline, self.arena.zones[zone]):
            self.miss(f"touched '{zone}' at {frame.time:.1f} s")

    def event(self, event):
        if self.state != OPEN or event.get("kind") != "collision":
            return
        name = str(event.get("with", ""))
        if self.get("walls") and (name.startswith("wall") or name == "edge"):
            self.miss(f"bumped into a wall at {event.get('time', 0):.1f} s")
        elif self.get("object") is not None and name == self.get("object"):
            self.miss(f"bumped into '{name}' at {event.get('time', 0):.1f} s")

    def finish(self, end, checks):
        if self.state == OPEN:
            self.meet(end.time, "never touched it")


class Push(Check):
    """Push a movable object into a zone, or out of one, by the end of the run."""

    KEYS = {"object": "object", "into": "zone", "out_of": "zone", "whole": "bool"}
    REQUIRED = ("object",)
    ONE_OF = ("into", "out_of")

    def start(self):
        self.done_since = None

    def frame(self, frame):
        name = self.get("object")
        if name not in frame.objects:
            return
        x, y, outline = frame.objects[name]
        zone = self.get("into") or self.get("out_of")
        polygon = self.arena.zones[zone]
        points = outline_points(outline) if self.get("whole") else [(x, y)]
        if self.get("into"):
            done = all(inside(polygon, px, py) for px, py in points)
        else:
            done = not any(inside(polygon, px, py) for px, py in points)
        if done and self.done_since is None:
            self.done_since = frame.time
        elif not done:
            self.done_since = None
        self.state = MET if done else OPEN
        self.met_at = self.done_since

    def finish(self, end, checks):
        name, zone = self.get("object"), self.get("into") or self.get("out_of")
        where = "in" if self.get("into") else "out of"
        if self.state == MET:
            self.detail = f"'{name}' {where} '{zone}' from {self.met_at:.1f} s"
        else:
            self.miss(f"'{name}' is not {where} '{zone}' at the end")


class FollowLine(Check):
    """Keep a sensor on a dark line for at least `share` of the run."""

    KEYS = {"sensor": "port", "share": "share", "within": "mm", "dark": "percent"}

    def start(self):
        self.on = self.total = 0
        self.port = str(self.get("sensor", "3"))
        within = self.get("within", 15.0)
        self.ring = [(0.0, 0.0)] + [(within * c, within * s) for c, s in _circle(RING_POINTS)]
        self.dark = self.get("dark", 50.0) / 100.0 * 255.0 * 3

    def frame(self, frame):
        spot = frame.sensors.get(self.port)
        world = self.arena.world
        if spot is None or world is None:
            return
        self.total += 1
        sx, sy = spot
        if any(sum(world.floor_rgb(sx + dx, sy + dy)) < self.dark for dx, dy in self.ring):
            self.on += 1
        self.detail = f"on the line {self.share():.0%} of the time"

    def share(self) -> float:
        return self.on / self.total if self.total else 0.0

    def finish(self, end, checks):
        wanted = self.get("share", 0.8)
        if self.total and self.share() >= wanted:
            self.meet(end.time, f"on the line {self.share():.0%} of the time (at least {wanted:.0%})")
        else:
            self.miss(f"on the line {self.share():.0%} of the time (needs {wanted:.0%})")


class FinishWithin(Check):
    """Finish within `seconds`: the program ends by itself, or the goal named by `goal` is met, in time."""

    KEYS = {"seconds": "seconds", "goal": "goal"}
    REQUIRED = ("seconds",)

    def frame(self, frame):
        # Without a goal to time, the program has not finished by itself while frames still come.
        if self.state == OPEN and self.get("goal") is None and frame.time > self.get("seconds"):
            self.miss(f"not done within {self.get('seconds'):g} s")

    def finish(self, end, checks):
        limit, other = self.get("seconds"), self.get("goal")
        if other is not None:
            check = checks[other]
            if check.state == MET and check.met_at is not None and check.met_at <= limit:
                self.state = OPEN
                self.meet(check.met_at, f"'{other}' done at {check.met_at:.1f} s (within {limit:g} s)")
            elif check.state == MET:
                self.miss(f"'{other}' done at {check.met_at:.1f} s, after {limit:g} s")
            else:
                self.miss(f"'{other}' not done")
        elif end.finished and not end.error and end.time <= limit:
            self.state = OPEN
            self.meet(end.time, f"the program finished at {end.time:.1f} s (within {limit:g} s)")
        else:
            self.miss("the program did not finish by itself" if not end.finished or end.error
                      else f"the program finished at {end.time:.1f} s, after {limit:g} s")


class Log(Check):
    """Log a value (optionally under a name, optionally a given value)."""

    KEYS = {"name": "text", "value": "value", "tolerance": "number"}

    def event(self, event):
        if self.state != OPEN or event.get("kind") != "log" or event.get("cleared"):
            return
        name = self.get("name")
        if name is not None and event.get("name") != name:
            return
        if "value" in self.goal.keys and not _same(event.get("value"), self.get("value"), self.get("tolerance", 0)):
            return
        self.meet(event.get("time", 0.0), f"logged {event.get('name')} = {event.get('value')}")

    def finish(self, end, checks):
        if self.state != MET:
            self.miss("no such value was logged")


class Say(Check):
    """Say words (a part of what is spoken, any case) or a number."""

    KEYS = {"words": "text", "value": "value", "tolerance": "number"}

    def event(self, event):
        if self.state != OPEN or event.get("kind") != "sound" or event.get("what") != "speak":
            return
        text = str(event.get("text", ""))
        if self.get("words") is not None and self.get("words").lower() not in text.lower():
            return
        if "value" in self.goal.keys and not _same(_number(text), self.get("value"), self.get("tolerance", 0)):
            return
        self.meet(event.get("time", 0.0), f"said '{text}'")

    def finish(self, end, checks):
        if self.state != MET:
            self.miss("never said it")


class Size(Check):
    """Use at most `at_most` commands (comments do not count)."""

    KEYS = {"at_most": "count"}
    REQUIRED = ("at_most",)

    def start(self):
        count, limit = len(self.arena.commands), self.get("at_most")
        if count <= limit:
            self.meet(0.0, f"{count} commands (at most {limit})")
        else:
            self.miss(f"{count} commands (at most {limit})")


class Uses(Check):
    """Use a given command somewhere in the program."""

    KEYS = {"command": "command"}
    REQUIRED = ("command",)

    def start(self):
        command = self.get("command")
        if command in self.arena.commands:
            self.meet(0.0, f"uses '{command}'")
        else:
            self.miss(f"does not use '{command}'")


KINDS: dict[str, type[Check]] = {
    "reach": Reach, "visit": Visit, "stay": Stay, "avoid": Avoid, "push": Push, "follow_line": FollowLine,
    "finish_within": FinishWithin, "log": Log, "say": Say, "size": Size, "uses": Uses,
}
COMMON_KEYS = {"kind", "id", "points", "text"}


def _circle(n: int):
    return [(math.cos(2 * math.pi * i / n), math.sin(2 * math.pi * i / n)) for i in range(n)]


def _number(text: str):
    try:
        return float(text)
    except ValueError:
        return None


def _same(got, wanted, tolerance) -> bool:
    if isinstance(wanted, (int, float)) and not isinstance(wanted, bool):
        return isinstance(got, (int, float)) and not isinstance(got, bool) and abs(got - wanted) <= tolerance
    return str(got) == str(wanted)


def describe(goal: Goal) -> str:
    """A goal in words for the student, when the challenge gives no text."""
    k = goal.keys
    whole = " (all of the robot)" if k.get("whole") else ""
    match goal.kind:
        case "reach":
            return f"Reach '{k['zone']}'" + (" and stop there" if k.get("stop") else "") + whole
        case "visit":
            return "Visit " + ", then ".join(f"'{z}'" for z in k["zones"]) + whole
        case "stay":
            return f"Stay inside '{k['zone']}' for {k['seconds']:g} s{whole}"
        case "avoid":
            what = f"'{k['zone']}'" if "zone" in k else "the walls" if k.get("walls") else f"'{k['object']}'"
            return f"Never touch {what}"
        case "push":
            return (f"Push '{k['object']}' into '{k['into']}'" if "into" in k
                    else f"Push '{k['object']}' out of '{k['out_of']}'")
        case "follow_line":
            return f"Keep the sensor on the line at least {k.get('share', 0.8):.0%} of the time"
        case "finish_within":
            return f"Finish '{k['goal']}' within {k['seconds']:g} s" if "goal" in k else f"Finish within {k['seconds']:g} s"
        case "log":
            return "Log " + (f"'{k['name']}'" if "name" in k else "a value") + (f" = {k['value']}" if "value" in k else "")
        case "say":
            return "Say " + (f"'{k['words']}'" if "words" in k else f"{k['value']}" if "value" in k else "something")
        case "size":
            return f"Use at most {k['at_most']} commands"
        case "uses":
            return f"Use '{k['command']}'"
    return goal.kind
