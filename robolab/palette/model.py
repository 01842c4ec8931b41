"""What a palette pack defines, as plain immutable data (loading and checking live elsewhere)."""

from dataclasses import dataclass, field
from typing import Any

PARAM_TYPES = (
    "number", "choice", "motor_port", "sensor_port", "colour", "text", "boolean", "name", "expression",
)
ROLES = ("declare", "assign", "use")
PLACES = ("any", "top", "inside")
COMMENT = "comment"  # built into the language: every pack has it, no pack defines it


@dataclass(frozen=True)
class Choice:
    id: str
    label: str
    python: str  # written by the pack author, so pasted as is


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    label: str = ""
    help: str = ""
    default: Any = None
    min: float | None = None
    max: float | None = None
    step: float | None = None
    unit: str = ""
    integer: bool = False
    choices: tuple[Choice, ...] = ()
    ports: tuple[str, ...] = ()
    max_length: int = 200
    kinds: tuple[str, ...] = ()  # for type "name"
    role: str = "use"
    scope: str = ""  # "body": a declared name visible only inside the command's bodies
    list: bool = False
    count_of: str = ""

    def choice(self, choice_id: str) -> Choice | None:
        return next((c for c in self.choices if c.id == choice_id), None)


@dataclass(frozen=True)
class Command:
    id: str
    category: str
    text: str
    python: str
    help: str = ""
    params: tuple[Param, ...] = ()
    bodies: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    place: str = "any"
    inside: tuple[str, ...] = ()
    unique: bool = False
    epilogue: str = ""
    scope: str = ""

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    colour: str


@dataclass(frozen=True)
class Kind:
    id: str
    label: str
    read: str = "{name}"
    assignable: bool = False
    hoisted: bool = False


@dataclass(frozen=True)
class Setup:
    id: str
    python: str
    requires: tuple[str, ...] = ()


@dataclass(frozen=True)
class BuiltinValue:
    """A name an expression can read without declaring it, such as a sensor reading."""

    name: str
    python: str
    help: str = ""
    requires: tuple[str, ...] = ()


@dataclass(frozen=True)
class Function:
    name: str
    python: str
    arity: int
    help: str = ""
    requires: tuple[str, ...] = ()


@dataclass(frozen=True)
class Level:
    name: str
    commands: tuple[str, ...]
    extends: str = ""


@dataclass(frozen=True)
class Migration:
    before: str
    # Left out of the hash (dicts have none), so a Pack with migrations stays hashable.
    commands: dict[str, str] = field(default_factory=dict, hash=False)
    params: dict[str, str] = field(default_factory=dict, hash=False)  # "command.old" -> "new"


@dataclass(frozen=True)
class Pack:
    id: str
    version: str
    title: str
    language: str = "en"
    description: str = ""
    prelude: str = ""
    division: str = "exact"  # "whole": a / b gives a whole number, as on RobotLab's brick
    categories: tuple[Category, ...] = ()
    commands: tuple[Command, ...] = ()
    kinds: tuple[Kind, ...] = ()
    setup: tuple[Setup, ...] = ()
    values: tuple[BuiltinValue, ...] = ()
    functions: tuple[Function, ...] = ()
    levels: tuple[Level, ...] = ()
    migrations: tuple[Migration, ...] = ()
    path: str = ""

    def __post_init__(self):
        # Lookup tables, built once: the compiler asks for commands by id for every block.
        object.__setattr__(self, "_commands", {c.id: c for c in self.commands})
        object.__setattr__(self, "_kinds", {k.id: k for k in self.kinds})
        object.__setattr__(self, "_values", {v.name: v for v in self.values})
        object.__setattr__(self, "_functions", {f.name: f for f in self.functions})
        object.__setattr__(self, "_categories", {c.id: c for c in self.categories})

    def command(self, command_id: str) -> Command | None:
        return self._commands.get(command_id)

    def kind(self, kind_id: str) -> Kind | None:
        return self._kinds.get(kind_id)

    def value(self, name: str) -> BuiltinValue | None:
        return self._values.get(name)

    def function(self, name: str) -> Function | None:
        return self._functions.get(name)

    def category(self, category_id: str) -> Category | None:
        return self._categories.get(category_id)

    def level_commands(self, level_name: str) -> list[str]:
        """The commands a level shows, its own after those of the levels it extends."""
        by_name = {level.name: level for level in self.levels}
        chain, seen = [], set()
        level = by_name.get(level_name)
        while level is not None and level.name not in seen:
            seen.add(level.name)
            chain.append(level)
            level = by_name.get(level.extends)
        ids = [cid for level in reversed(chain) for cid in level.commands]
        return list(dict.fromkeys(ids))

    @property
    def label(self) -> str:
        return f"{self.id} {self.version}"
