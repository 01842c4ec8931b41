"""Read a palette pack TOML file into a Pack, collecting every problem with its line.

Structure is checked here (types of keys, required keys, known types); cross-references and
templates are checked in `robolab.palette.check`. Problems never raise half-way: a course team
sees all of them at once.
"""

import re
import tomllib
from pathlib import Path

from robolab.errors import Problem
from robolab.palette import model as m
from robolab.palette.lines import key_lines, line_of

FORMAT = 1
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_TEXT, _BOOL, _LIST = (str,), (bool,), (list,)
_NUMBER = (int, float)


class PackReader:
    """Turns one pack file's TOML data into model objects, recording problems with their lines."""

    def __init__(self, file: str, text: str):
        self.file = file
        self.problems: list[Problem] = []
        self.paths: dict[tuple, tuple] = {}  # ("command", id) -> key path, for later checks
        self.lines = key_lines(text)
        self.text_lines = text.splitlines()
        try:
            self.data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            found = _TOML_POSITION.search(str(error))
            line, column = (int(found.group(1)), int(found.group(2))) if found else (0, 0)
            message = _TOML_POSITION.sub("", str(error)).strip()
            self.problems.append(Problem(f"not valid TOML: {message}", file, line, column))
            self.data = None
        except (ValueError, RecursionError):  # a number of over 4,300 digits; arrays nested too deep
            self.problems.append(Problem("not valid TOML: a number too long or arrays nested too deeply", file))
            self.data = None

    def problem(self, path: tuple, message: str) -> None:
        self.problems.append(Problem(message, self.file, line_of(self.lines, path)))

    def get(self, table: dict, key: str, path: tuple, subject: str, types, default=None, required=False):
        if key not in table:
            if required:
                self.problem(path, f"{subject}: '{key}' is missing")
            return default
        value = table[key]
        if isinstance(value, bool) and bool not in types:
            value = None
        if not isinstance(value, types):
            wanted = {str: "text", bool: "true or false", list: "a list", int: "a number", dict: "a table"}
            self.problem(path + (key,), f"{subject}: '{key}' must be {wanted.get(types[0], types[0].__name__)}")
            return default
        return value

    def texts(self, table: dict, key: str, path: tuple, subject: str) -> tuple[str, ...]:
        items = self.get(table, key, path, subject, _LIST, default=[])
        if not all(isinstance(i, str) for i in items):
            self.problem(path + (key,), f"{subject}: '{key}' must be a list of text")
            return ()
        return tuple(items)

    def unknown_keys(self, table: dict, allowed: set, path: tuple, subject: str) -> None:
        for key in table:
            if key not in allowed:
                self.problem(path + (key,), f"{subject}: unknown key '{key}'")

    def array(self, key: str) -> list[tuple[tuple, dict]]:
        """The tables of a top-level array of tables, with their paths."""
        items = self.data.get(key, [])
        if not isinstance(items, list):
            self.problem((key,), f"'{key}' must be an array of tables, written [[{key}]]")
            return []
        good = []
        for index, item in enumerate(items):
            if isinstance(item, dict):
                good.append(((key, index), item))
            else:
                self.problem((key, index), f"'{key}' entry {index + 1} must be a table")
        return good

    def read(self) -> m.Pack | None:
        if self.data is None:
            return None
        d, root = self.data, ()
        self.unknown_keys(d, {"format", "id", "version", "title", "language", "description", "prelude",
                              "categories", "commands", "kinds", "setup", "values", "functions",
                              "levels", "migrations", "division"}, root, "pack")
        fmt = self.get(d, "format", root, "pack", (int,), default=FORMAT)
        if fmt != FORMAT:
            self.problem(("format",), f"pack format {fmt} is not supported (this RoboLab reads format {FORMAT})")
        version = self.get(d, "version", root, "pack", _TEXT, default="0.0", required=True)
        if not re.fullmatch(r"\d{1,6}\.\d{1,6}", version):
            self.problem(("version",), f"pack: version must look like 1.0, not {version if len(version) < 20 else version[:20] + '…'!r}")
        division = self.get(d, "division", root, "pack", _TEXT, default="exact")
        if division not in ("exact", "whole"):
            self.problem(("division",), f'pack: division must be "exact" or "whole", not {division!r}')
        return m.Pack(
            id=self.get(d, "id", root, "pack", _TEXT, default="", required=True),
            division=division,
            version=version,
            title=self.get(d, "title", root, "pack", _TEXT, default="", required=True),
            language=self.get(d, "language", root, "pack", _TEXT, default="en"),
            description=self.get(d, "description", root, "pack", _TEXT, default=""),
            prelude=self.get(d, "prelude", root, "pack", _TEXT, default=""),
            categories=tuple(self.category(p, t) for p, t in self.array("categories")),
            commands=tuple(self.command(p, t) for p, t in self.array("commands")),
            kinds=self.kinds(),
            setup=tuple(self.setup(p, t) for p, t in self.array("setup")),
            values=tuple(self.builtin_value(p, t) for p, t in self.array("values")),
            functions=tuple(self.function(p, t) for p, t in self.array("functions")),
            levels=tuple(self.level(p, t) for p, t in self.array("levels")),
            migrations=tuple(self.migration(p, t) for p, t in self.array("migrations")),
            path=self.file,
        )

    def category(self, path, t) -> m.Category:
        cid = self.get(t, "id", path, "category", _TEXT, default="", required=True)
        subject = f'category "{cid}"'
        self.unknown_keys(t, {"id", "name", "colour"}, path, subject)
        colour = self.get(t, "colour", path, subject, _TEXT, default="#808080", required=True)
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
            self.problem(path + ("colour",), f"{subject}: colour must be written #rrggbb, not {colour!r}")
        self.paths[("category", cid)] = path
        return m.Category(cid, self.get(t, "name", path, subject, _TEXT, default=cid), colour)

    def command(self, path, t) -> m.Command:
        cid = self.get(t, "id", path, "command", _TEXT, default="", required=True)
        subject = f'command "{cid}"'
        self.unknown_keys(t, {"id", "category", "text", "help", "python", "params", "bodies", "requires",
                              "place", "inside", "unique", "epilogue", "scope"}, path, subject)
        params = self.get(t, "params", path, subject, _LIST, default=[])
        place = self.get(t, "place", path, subject, _TEXT, default="any")
        if place not in m.PLACES:
            self.problem(path + ("place",), f"{subject}: place must be one of {', '.join(m.PLACES)}")
        scope = self.get(t, "scope", path, subject, _TEXT, default="")
        if scope not in ("", "function"):
            self.problem(path + ("scope",), f'{subject}: scope must be "function" or left out')
        self.paths[("command", cid)] = path
        return m.Command(
            id=cid,
            category=self.get(t, "category", path, subject, _TEXT, default="", required=True),
            text=self.get(t, "text", path, subject, _TEXT, default=cid, required=True),
            python=self.get(t, "python", path, subject, _TEXT, default="", required=True),
            help=self.get(t, "help", path, subject, _TEXT, default=""),
            params=tuple(self.param(path + ("params", i), p, subject)
                         for i, p in enumerate(params) if isinstance(p, dict)),
            bodies=self.texts(t, "bodies", path, subject),
            requires=self.texts(t, "requires", path, subject),
            place=place,
            inside=self.texts(t, "inside", path, subject),
            unique=self.get(t, "unique", path, subject, _BOOL, default=False),
            epilogue=self.get(t, "epilogue", path, subject, _TEXT, default=""),
            scope=scope,
        )

    def param(self, path, t, owner: str) -> m.Param:
        name = self.get(t, "name", path, f"{owner} param", _TEXT, default="", required=True)
        subject = f'{owner} param "{name}"'
        self.unknown_keys(t, {"name", "type", "label", "help", "default", "min", "max", "step", "unit",
                              "integer", "choices", "ports", "max_length", "kind", "role", "scope",
                              "list", "count_of"}, path, subject)
        ptype = self.get(t, "type", path, subject, _TEXT, default="text", required=True)
        if ptype not in m.PARAM_TYPES:
            self.problem(path + ("type",), f"{subject}: unknown type {ptype!r} (one of {', '.join(m.PARAM_TYPES)})")
        role = self.get(t, "role", path, subject, _TEXT, default="use")
        if role not in m.ROLES:
            self.problem(path + ("role",), f"{subject}: role must be one of {', '.join(m.ROLES)}")
        kinds = t.get("kind", ())
        kinds = (kinds,) if isinstance(kinds, str) else self.texts(t, "kind", path, subject)
        numbers = {k: self.get(t, k, path, subject, _NUMBER) for k in ("min", "max", "step")}
        integer_default = all(isinstance(v, int) for v in (*numbers.values(), t.get("default", 0)) if v is not None)
        return m.Param(
            name=name, type=ptype,
            label=self.get(t, "label", path, subject, _TEXT, default=name),
            help=self.get(t, "help", path, subject, _TEXT, default=""),
            default=_frozen(t.get("default")),
            unit=self.get(t, "unit", path, subject, _TEXT, default=""),
            integer=self.get(t, "integer", path, subject, _BOOL, default=ptype == "number" and integer_default),
            choices=self.choices(path, t, subject),
            ports=tuple(str(p) for p in self.get(t, "ports", path, subject, _LIST, default=[])),
            max_length=self.get(t, "max_length", path, subject, (int,), default=200),
            kinds=kinds, role=role,
            scope=self.get(t, "scope", path, subject, _TEXT, default=""),
            list=self.get(t, "list", path, subject, _BOOL, default=False),
            count_of=self.get(t, "count_of", path, subject, _TEXT, default=""),
            **numbers,
        )

    def choices(self, path, t, subject) -> tuple[m.Choice, ...]:
        result = []
        for index, c in enumerate(self.get(t, "choices", path, subject, _LIST, default=[])):
            if not isinstance(c, dict) or not isinstance(c.get("id"), str):
                self.problem(path + ("choices",), f"{subject}: choice {index + 1} must be a table with an id")
                continue
            label, python = c.get("label", c["id"]), c.get("python", repr(c["id"]))
            if not isinstance(label, str) or not isinstance(python, str):
                self.problem(path + ("choices",), f"{subject}: choice \"{c['id']}\": label and python must be text")
                continue
            result.append(m.Choice(c["id"], label, python))
        return tuple(result)

    def kinds(self) -> tuple[m.Kind, ...]:
        table = self.get(self.data, "kinds", (), "pack", (dict,), default={})
        result = []
        for kid, t in table.items():
            path, subject = ("kinds", kid), f'kind "{kid}"'
            if not isinstance(t, dict):
                self.problem(path, f"{subject} must be a table")
                continue
            self.unknown_keys(t, {"label", "read", "assignable", "hoisted"}, path, subject)
            result.append(m.Kind(
                kid, self.get(t, "label", path, subject, _TEXT, default=kid),
                self.get(t, "read", path, subject, _TEXT, default="{name}"),
                self.get(t, "assignable", path, subject, _BOOL, default=False),
                self.get(t, "hoisted", path, subject, _BOOL, default=False)))
        return tuple(result)

    def setup(self, path, t) -> m.Setup:
        sid = self.get(t, "id", path, "setup", _TEXT, default="", required=True)
        subject = f'setup "{sid}"'
        self.unknown_keys(t, {"id", "python", "requires"}, path, subject)
        self.paths[("setup", sid)] = path
        return m.Setup(sid, self.get(t, "python", path, subject, _TEXT, default="", required=True),
                       self.texts(t, "requires", path, subject))

    def builtin_value(self, path, t) -> m.BuiltinValue:
        name = self.get(t, "name", path, "value", _TEXT, default="", required=True)
        subject = f'value "{name}"'
        self.unknown_keys(t, {"name", "python", "help", "requires"}, path, subject)
        self.paths[("value", name)] = path
        return m.BuiltinValue(name, self.get(t, "python", path, subject, _TEXT, default="", required=True),
                              self.get(t, "help", path, subject, _TEXT, default=""),
                              self.texts(t, "requires", path, subject))

    def function(self, path, t) -> m.Function:
        name = self.get(t, "name", path, "function", _TEXT, default="", required=True)
        subject = f'function "{name}"'
        self.unknown_keys(t, {"name", "python", "arity", "help", "requires"}, path, subject)
        self.paths[("function", name)] = path
        return m.Function(name, self.get(t, "python", path, subject, _TEXT, default="", required=True),
                          self.get(t, "arity", path, subject, (int,), default=1, required=True),
                          self.get(t, "help", path, subject, _TEXT, default=""),
                          self.texts(t, "requires", path, subject))

    def level(self, path, t) -> m.Level:
        name = self.get(t, "name", path, "level", _TEXT, default="", required=True)
        subject = f'level "{name}"'
        self.unknown_keys(t, {"name", "commands", "extends"}, path, subject)
        self.paths[("level", name)] = path
        return m.Level(name, self.texts(t, "commands", path, subject),
                       self.get(t, "extends", path, subject, _TEXT, default=""))

    def migration(self, path, t) -> m.Migration:
        subject = "migration"
        self.unknown_keys(t, {"before", "commands", "params"}, path, subject)
        maps = {k: self.get(t, k, path, subject, (dict,), default={}) for k in ("commands", "params")}
        return m.Migration(self.get(t, "before", path, subject, _TEXT, default="0.0", required=True), **maps)


def _frozen(value):
    """TOML lists as tuples, so a Pack stays immutable and hashable."""
    return tuple(_frozen(v) for v in value) if isinstance(value, list) else value


def read_pack(path: str | Path) -> tuple[m.Pack | None, PackReader]:
    """Read a pack file without checking cross-references; problems are on the returned reader."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reader = PackReader(str(path), "")
        reader.problems.append(Problem(f"cannot read the pack: {error}", str(path)))
        return None, reader
    reader = PackReader(str(path), text)
    return reader.read(), reader
