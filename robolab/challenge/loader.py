"""Reading a challenge file (TOML) into a checked Challenge, every problem as `file:line: message`.

The format is in docs/challenges.md. Shapes, numbers, colours and unknown keys are checked as
world files check them (simulator.world_file), so zones are written the same way in both.
"""

from __future__ import annotations

import math
import re
import tomllib
from pathlib import Path

from robolab.challenge.goals import COMMON_KEYS, KINDS, Goal, describe
from robolab.challenge.model import Challenge, Move, ZoneSpec
from robolab.errors import Problem, RobolabError
from robolab.palette import PackLibrary
from robolab.shipped import shipped_dir
from simulator.world import shipped_worlds
from simulator.world_file import WorldError, _Checker, line_of, read_world_file

TOP_KEYS = {"id", "version", "title", "description", "world", "robot", "pack", "level", "time_limit",
            "pass_mark", "stars", "start", "zone", "vary", "goal"}
ZONE_KEYS = {"name", "relative", "polygon", "rectangle", "corner_radius", "centre", "radius"}
VARY_KEYS = {"obstacles", "zones", "lines", "areas", "walls", "dx", "dy"}
_ID = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")


def challenges_dir() -> Path:
    return shipped_dir("challenges")


def shipped_challenges() -> dict[str, Path]:
    """The challenges that come with RoboLab: id (the file's name) -> file."""
    return {path.stem: path for path in sorted(challenges_dir().glob("*.toml"))}


def find_challenge(name: str | Path) -> Path:
    """A challenge file, or a shipped challenge by its id ("square")."""
    path = Path(name)
    if not path.exists() and isinstance(name, str) and path.suffix == "" and name in shipped_challenges():
        return shipped_challenges()[name]
    return path


class _ChallengeChecker(_Checker):
    """The world file's checks, reporting Problems (robolab's file:line form)."""

    def problem(self, where: tuple, message: str) -> None:
        self.problems.append(Problem(message, str(self.path), line_of(self.lines, where)))

    def number(self, value, where: tuple, positive: bool = False):
        if isinstance(value, float) and not math.isfinite(value):
            self.problem(where, f"{self.label(where)}: expected a finite number, got {value!r}")
            return None
        return super().number(value, where, positive)

    def numbers(self, value, count: int, where: tuple, what: str):
        if isinstance(value, list) and any(isinstance(v, float) and not math.isfinite(v) for v in value):
            self.problem(where, f"{self.label(where)}: expected {what} (finite numbers), got {value!r}")
            return None
        return super().numbers(value, count, where, what)


def load_challenge(name: str | Path, library: PackLibrary | None = None) -> Challenge:
    """A checked challenge, or RobolabError listing every problem with its line."""
    path = find_challenge(name)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        known = ", ".join(shipped_challenges()) or "none"
        raise RobolabError([Problem(f"no such challenge file (shipped challenges: {known})", str(path))]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise RobolabError([Problem(f"cannot read the challenge file: {error}", str(path))]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
        line = int(found.group(1)) if found else 1
        if found:
            message = f"{message[:found.start()]} (column {found.group(2)})"
        raise RobolabError([Problem(message, str(path), line)]) from None
    return _Reader(path, text, data, library or PackLibrary()).read()


class _Reader:
    def __init__(self, path: Path, text: str, data: dict, library: PackLibrary):
        self.path, self.data, self.library = path, data, library
        self.check = _ChallengeChecker(path, text)
        self.world_spec = None

    def problem(self, where: tuple, message: str) -> None:
        self.check.problem(where, message)

    def text(self, key: str, required: bool = True, default: str = "") -> str:
        if key not in self.data:
            if required:
                self.problem((), f"missing {key}")
            return default
        return self.check.string(self.data[key], (key,)) or default

    def number(self, key: str, default=None, positive: bool = False):
        if key not in self.data:
            return default
        value = self.check.number(self.data[key], (key,), positive=positive)
        return default if value is None else value

    def read(self) -> Challenge:
        data = self.data
        self.check.keys(data, TOP_KEYS, ())
        ident = self.text("id")
        if ident and not _ID.match(ident):
            self.problem(("id",), f"id: lower-case letters, digits, - and _ only, got {ident!r}")
        version = data.get("version", 1)
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            self.problem(("version",), f"version: a whole number from 1, got {version!r}")
            version = 1
        title = self.text("title")
        description = self.text("description", required=False)
        world = self.world()
        robot = self.robot()
        pack_id = self.text("pack")
        pack = self.pack(pack_id)
        level = self.level(pack)
        time_limit = self.number("time_limit", positive=True)
        if "time_limit" not in data:
            self.problem((), "missing time_limit (simulated seconds a run may take)")
        start = self.start()
        zones = self.zones()
        goals = self.goals(pack, zones)
        moves = self.moves(zones)
        total = sum(goal.points for goal in goals)
        pass_mark = self.number("pass_mark", default=total)
        if pass_mark is not None and pass_mark > total and goals:
            self.problem(("pass_mark",), f"pass_mark {pass_mark:g} is more than the goals' points ({total:g})")
        stars = self.stars(pass_mark or 0.0, total)
        if self.check.problems:
            raise RobolabError(self.check.problems)
        return Challenge(path=self.path, id=ident, version=version, title=title, description=description,
                         world=world, pack=pack_id, time_limit=time_limit, goals=goals, pass_mark=pass_mark,
                         stars=stars, level=level, robot=robot, start=start, zones=zones, moves=moves)

    # --- the world, robot and pack --------------------------------------------------------------------
    def world(self) -> str:
        name = self.text("world")
        if not name:
            return ""
        shipped = shipped_worlds()
        target = str(shipped[name]) if name in shipped else str(self.path.parent / name)
        try:
            self.world_spec = read_world_file(Path(target))
        except WorldError as error:
            for problem in error.problems:
                self.problem(("world",), f"world: {problem}")
        return name if name in shipped else target

    def robot(self) -> str | None:
        if "robot" not in self.data:
            return None
        name = self.check.string(self.data["robot"], ("robot",))
        if name is None:
            return None
        path = self.path.parent / name
        if not path.is_file():
            self.problem(("robot",), f"robot: '{name}' not found (looked in {self.path.parent})")
        return str(path)

    def pack(self, pack_id: str):
        if not pack_id:
            return None
        try:
            pack = self.library.find(pack_id)
        except RobolabError as error:
            self.problem(("pack",), f"pack: '{pack_id}' has problems: {error.problems[0]}")
            return None
        if pack is None:
            self.problem(("pack",), f"pack: no palette pack '{pack_id}' is installed "
                                    f"(installed: {', '.join(self.library.ids())})")
        return pack

    def level(self, pack) -> str | None:
        if "level" not in self.data:
            return None
        level = self.check.string(self.data["level"], ("level",))
        if level is not None and pack is not None and level not in [lv.name for lv in pack.levels]:
            names = ", ".join(f"'{lv.name}'" for lv in pack.levels)
            self.problem(("level",), f"level: pack '{pack.id}' has no level '{level}' (levels: {names})")
        return level

    # --- the layout and its variations --------------------------------------------------------------------
    def start(self) -> dict:
        table = self.data.get("start")
        if table is None:
            return {}
        if not isinstance(table, dict):
            self.problem(("start",), "start: expected a table with x, y, heading")
            return {}
        self.check.keys(table, {"x", "y", "heading"}, ("start",))
        return {key: r for key in ("x", "y", "heading") if key in table
                and (r := self.range(table[key], ("start", key))) is not None}

    def range(self, value, where: tuple) -> tuple | None:
        """A number (fixed) or [low, high] (a variant picks between them)."""
        if isinstance(value, list):
            pair = self.check.numbers(value, 2, where, "a number or [low, high]")
            if pair is not None and pair[0] > pair[1]:
                self.problem(where, f"{self.check.label(where)}: low is more than high in {value!r}")
                return None
            return pair
        number = self.check.number(value, where)
        return None if number is None else (number, number)

    def tables(self, key: str) -> list[tuple[int, dict]]:
        items = self.data.get(key, [])
        if not isinstance(items, list) or not all(isinstance(t, dict) for t in items):
            self.problem((key,), f"{key}: expected [[{key}]] tables")
            return []
        return list(enumerate(items))

    def world_zones(self) -> set[str]:
        return {name for name, _ in self.world_spec.zones} if self.world_spec else set()

    def zones(self) -> list[ZoneSpec]:
        zones = []
        for index, table in self.tables("zone"):
            where = ("zone", index)
            self.check.keys(table, ZONE_KEYS, where)
            shape = self.check.shape(table, where, "polygon")
            name = self.check.string(table.get("name"), where + ("name",)) if "name" in table else None
            if "name" not in table:
                self.problem(where, f"[zone {index + 1}] needs a name")
            relative = table.get("relative", False)
            if not isinstance(relative, bool):
                self.problem(where + ("relative",), f"zone {index + 1} relative: expected true or false")
                relative = False
            if name and name in [z.name for z in zones]:
                self.problem(where + ("name",), f"zone '{name}' is defined twice")
            if shape is not None and name:
                zones.append(ZoneSpec(name, shape, relative))
        return zones

    def moves(self, zones: list[ZoneSpec]) -> list[Move]:
        moves = []
        spec = self.world_spec
        counts = {"lines": sum(1 for p in spec.paint if p.kind == "line") if spec else 0,
                  "areas": sum(1 for p in spec.paint if p.kind == "area") if spec else 0,
                  "walls": len(spec.walls) if spec else 0}
        obstacles = {o.name for o in spec.obstacles if o.name} if spec else set()
        zone_names = self.world_zones() | {z.name for z in zones}
        for index, table in self.tables("vary"):
            where = ("vary", index)
            self.check.keys(table, VARY_KEYS, where)
            things = []
            for key in ("obstacles", "zones", "lines", "areas", "walls"):
                if key not in table:
                    continue
                items = table[key]
                named = key in ("obstacles", "zones")
                if not isinstance(items, list) or not all(
                        isinstance(i, str) if named else isinstance(i, int) and not isinstance(i, bool) for i in items):
                    what = "names" if named else "numbers (1 is the first in the world file)"
                    self.problem(where + (key,), f"vary {index + 1} {key}: expected a list of {what}, got {items!r}")
                    continue
                for item in items:
                    if key == "obstacles" and item not in obstacles:
                        self.problem(where + (key,), f"vary {index + 1}: the world has no obstacle named '{item}'"
                                                     f" (named obstacles: {', '.join(sorted(obstacles)) or 'none'})")
                    elif key == "zones" and item not in zone_names:
                        self.problem(where + (key,), f"vary {index + 1}: no zone '{item}'")
                    elif not named and not 1 <= item <= counts[key]:
                        self.problem(where + (key,), f"vary {index + 1}: the world has no {key[:-1]} {item} "
                                                     f"(it has {counts[key]})")
                    else:
                        things.append((key[:-1], item))
            if not things:
                self.problem(where, f"[vary {index + 1}] moves nothing: give obstacles, zones, lines, areas or walls")
            dx = self.range(table.get("dx", 0), where + ("dx",)) or (0.0, 0.0)
            dy = self.range(table.get("dy", 0), where + ("dy",)) or (0.0, 0.0)
            moves.append(Move(tuple(things), dx, dy))
        return moves

    # --- goals, pass mark and stars -----------------------------------------------------------------------
    def goals(self, pack, zones: list[ZoneSpec]) -> list[Goal]:
        goals: list[Goal] = []
        zone_names = self.world_zones() | {z.name for z in zones}
        spec = self.world_spec
        movable = {o.name for o in spec.obstacles if o.name and o.mass is not None} if spec else set()
        objects = {o.name for o in spec.obstacles if o.name} if spec else set()
        tables = self.tables("goal")
        if not tables and "goal" not in self.data:
            self.problem((), "no goals: give at least one [[goal]]")
        ids = [str(t.get("id", f"goal{i + 1}")) for i, t in tables]
        for index, table in tables:
            where = ("goal", index)
            label = f"goal {index + 1}"
            kind = table.get("kind")
            check = KINDS.get(kind) if isinstance(kind, str) else None
            if check is None:
                self.problem(where + ("kind",), f"{label}: kind must be one of {', '.join(KINDS)}, got {kind!r}")
                continue
            self.check.keys(table, COMMON_KEYS | set(check.KEYS), where)
            ident = table.get("id", f"goal{index + 1}")
            if not isinstance(ident, str) or not _ID.match(ident):
                self.problem(where + ("id",), f"{label} id: lower-case letters, digits, - and _ only, got {ident!r}")
            elif ids.count(ident) > 1:
                self.problem(where + ("id",), f"{label}: id '{ident}' is used by another goal too")
            points = table.get("points")
            if isinstance(points, bool) or not isinstance(points, (int, float)) or not 0 <= points < 1e9:
                self.problem(where + ("points",), f"{label} points: a number from 0, got {points!r}")
                points = 0
            for key in check.REQUIRED:
                if key not in table:
                    self.problem(where, f"{label} ({kind}) needs {key}")
            given = [k for k in check.ONE_OF if k in table]
            if check.ONE_OF and len(given) != 1:
                self.problem(where, f"{label} ({kind}) needs exactly one of {', '.join(check.ONE_OF)}")
            keys = {}
            for key, kind_of in check.KEYS.items():
                if key in table:
                    value = self.goal_value(table[key], kind_of, where + (key,), f"{label} {key}",
                                            zone_names, movable if kind == "push" else objects, ids, pack)
                    if value is not None:
                        keys[key] = value
            if keys.get("goal") == ident:
                self.problem(where + ("goal",), f"{label}: a goal cannot time itself")
            text = table.get("text")
            goal = Goal(str(ident), kind, float(points), "", keys, line_of(self.check.lines, where))
            if text is not None and not isinstance(text, str):
                self.problem(where + ("text",), f"{label} text: expected a string")
                text = None
            complete = all(k in keys for k in check.REQUIRED) and (not check.ONE_OF or len(given) == 1)
            words = text or (describe(goal) if complete else kind)
            goals.append(Goal(goal.id, kind, goal.points, words, keys, goal.line))
        return goals

    def goal_value(self, value, kind_of: str, where: tuple, label: str, zones: set, objects: set, ids: list, pack):
        check = self.check
        if kind_of == "zone":
            if isinstance(value, str) and value not in zones:
                self.problem(where, f"{label}: no zone '{value}' in the world or the challenge "
                                    f"(zones: {', '.join(sorted(zones)) or 'none'})")
                return None
            return check.string(value, where)
        if kind_of == "zones":
            if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
                self.problem(where, f"{label}: expected a list of zone names, got {value!r}")
                return None
            missing = [v for v in value if v not in zones]
            if missing:
                self.problem(where, f"{label}: no zone '{missing[0]}' in the world or the challenge "
                                    f"(zones: {', '.join(sorted(zones)) or 'none'})")
                return None
            return list(value)
        if kind_of == "object":
            if isinstance(value, str) and value not in objects:
                self.problem(where, f"{label}: the world has no movable obstacle named '{value}' "
                                    f"(named: {', '.join(sorted(objects)) or 'none'})")
                return None
            return check.string(value, where)
        if kind_of == "bool":
            if not isinstance(value, bool):
                self.problem(where, f"{label}: expected true or false, got {value!r}")
                return None
            return value
        if kind_of in ("seconds", "mm"):
            return check.number(value, where, positive=True)
        if kind_of in ("share", "percent"):
            number = check.number(value, where)
            top = 1 if kind_of == "share" else 100
            if number is not None and not 0 <= number <= top:
                self.problem(where, f"{label}: must be from 0 to {top}, got {value!r}")
                return None
            return number
        if kind_of == "number":
            number = check.number(value, where)
            if number is not None and number < 0:
                self.problem(where, f"{label}: must be 0 or more, got {value!r}")
                return None
            return number
        if kind_of == "count":
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                self.problem(where, f"{label}: a whole number from 1, got {value!r}")
                return None
            return value
        if kind_of == "port":
            if str(value) not in ("1", "2", "3", "4"):
                self.problem(where, f"{label}: a sensor port 1 to 4, got {value!r}")
                return None
            return str(value)
        if kind_of == "goal":
            if value not in ids:
                self.problem(where, f"{label}: no goal with id {value!r} (ids: {', '.join(ids)})")
                return None
            return value
        if kind_of == "command":
            if pack is not None and (not isinstance(value, str) or pack.command(value) is None):
                self.problem(where, f"{label}: pack '{pack.id}' has no command {value!r}")
                return None
            return check.string(value, where)
        if kind_of == "value":
            if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                self.problem(where, f"{label}: expected a number or text, got {value!r}")
                return None
            return value
        return check.string(value, where)  # text

    def stars(self, pass_mark: float, total: float) -> tuple:
        if "stars" not in self.data:
            return (pass_mark, (pass_mark + total) / 2, total)
        stars = self.data["stars"]
        if (not isinstance(stars, list) or not 1 <= len(stars) <= 3
                or any(isinstance(s, bool) or not isinstance(s, (int, float)) or not math.isfinite(s) for s in stars)):
            self.problem(("stars",), f"stars: one to three scores, lowest first, got {stars!r}")
            return ()
        if list(stars) != sorted(stars):
            self.problem(("stars",), f"stars: lowest first, got {stars!r}")
        if stars and stars[-1] > total:
            self.problem(("stars",), f"stars: {stars[-1]:g} is more than the goals' points ({total:g})")
        return tuple(float(s) for s in stars)


def check_challenge_file(path: str | Path, library: PackLibrary | None = None) -> tuple[Challenge | None, list[Problem]]:
    """The challenge (when it has no problems) and every problem found."""
    try:
        return load_challenge(path, library), []
    except RobolabError as error:
        return None, error.problems
