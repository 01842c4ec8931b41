"""Checks across a pack: ids, references, slots and templates (what `robolab palette check` reports)."""

import ast
import builtins
import re
from collections import Counter
from itertools import chain

from robolab.errors import Problem
from robolab.palette import model as m
from robolab.palette import numbers
from robolab.palette.lines import line_of
from robolab.palette.loader import PackReader
from robolab.palette.templates import (TEXT_SUFFIX, Code, TemplateError, body_slot, fill, is_atomic, lines_of,
                                       slots, slots_in_strings)
from robolab.palette.types import check_number, check_value, literal, sample_value

_COMMAND_ID = re.compile(r"[a-z_][a-z0-9_]*\Z")
_PLACEHOLDER = "_slot_"


def check_pack(pack: m.Pack, reader: PackReader) -> list[Problem]:
    """Every cross-reference and template problem of a structurally loaded pack."""
    checker = _Checker(pack, reader)
    checker.run()
    return checker.problems


class _Checker:
    def __init__(self, pack: m.Pack, reader: PackReader):
        self.pack, self.reader = pack, reader
        self.problems: list[Problem] = []
        self._defined: dict[tuple, set[str]] = {}

    def defined(self, key: tuple, requires: tuple | None = None) -> set[str]:
        """Names defined for the command, value or function `key` (by what it requires)."""
        if requires is None:  # commands pass theirs: with a duplicate id, the lookup finds the other
            item = {"command": self.pack.command, "value": self.pack.value, "function": self.pack.function}[key[0]](key[1])
            requires = item.requires if item is not None else ()
        if requires not in self._defined:
            self._defined[requires] = _defined_names(self.pack, requires)
        return self._defined[requires]

    def problem(self, key: tuple, message: str, sub: tuple = ()) -> None:
        path = self.reader.paths.get(key, ()) + sub
        self.problems.append(Problem(message, self.reader.file, line_of(self.reader.lines, path)))

    def run(self) -> None:
        pack = self.pack
        self.duplicates("category", [c.id for c in pack.categories])
        self.duplicates("command", [c.id for c in pack.commands])
        self.duplicates("setup", [s.id for s in pack.setup])
        self.duplicates("level", [lv.name for lv in pack.levels])
        self.duplicates("value or function", [v.name for v in pack.values] + [f.name for f in pack.functions])
        for command in pack.commands:
            self.command(command)
        for kind in pack.kinds:
            if set(slots(kind.read)) - {"name"}:
                self.problems.append(Problem(f'kind "{kind.id}": read may only use {{name}}', self.reader.file,
                                             line_of(self.reader.lines, ("kinds", kind.id, "read"))))
        for item in chain(pack.values, pack.functions, pack.setup):
            key = ("setup", item.id) if isinstance(item, m.Setup) else (
                "value" if isinstance(item, m.BuiltinValue) else "function", item.name)
            self.requires(key, item.requires, f'{key[0]} "{key[1]}"')
        for value in pack.values:
            self.python(("value", value.name), value.python, f'value "{value.name}"', eval_mode=True)
        for function in pack.functions:
            self.python(("function", function.name), function.python, f'function "{function.name}"', eval_mode=True)
        for setup in pack.setup:
            self.python(("setup", setup.id), setup.python, f'setup "{setup.id}"')
        self.python((), pack.prelude, "prelude")
        self.levels()
        self.migrations()

    def duplicates(self, what: str, ids: list[str]) -> None:
        for ident, count in Counter(ids).items():
            if count > 1:
                key = (what, ident) if what != "value or function" else ("function", ident)
                self.problem(key, f'{what} "{ident}" is defined {count} times')

    def command(self, c: m.Command) -> None:
        key, subject = ("command", c.id), f'command "{c.id}"'
        if c.id == m.COMMENT:
            self.problem(key, f"{subject}: 'comment' is built into the language; packs do not define it")
        elif not _COMMAND_ID.match(c.id):
            self.problem(key, f"{subject}: an id is lower-case letters, digits and _")
        if self.pack.category(c.category) is None and c.category:
            self.problem(key, f'{subject}: unknown category "{c.category}"', ("category",))
        self.requires(key, c.requires, subject)
        self.unknown_commands(key, c.inside, subject, "inside")
        try:
            text_slots = slots(c.text)
        except TemplateError as error:
            self.problem(key, f"{subject}: text: {error}", ("text",))
            text_slots = []
        names = [p.name for p in c.params]
        for name, count in Counter(names).items():
            if count > 1:
                self.problem(key, f'{subject}: param "{name}" is defined {count} times', ("params",))
        for slot in text_slots:
            if slot not in names:
                self.problem(key, f"{subject}: text has {{{slot}}} but no param is called \"{slot}\"", ("text",))
        for index, param in enumerate(c.params):
            if param.name not in text_slots:
                self.problem(key, f'{subject} param "{param.name}": no {{{param.name}}} slot in the text',
                             ("params", index))
            self.param(c, param, index)
        self.template(c)

    def param(self, c: m.Command, p: m.Param, index: int) -> None:
        key, sub, subject = ("command", c.id), ("params", index), f'command "{c.id}" param "{p.name}"'
        if p.min is not None and p.max is not None and p.min > p.max:
            self.problem(key, f"{subject}: min {p.min:g} is above max {p.max:g}", sub + ("min",))
        if p.step is not None and p.step <= 0:
            self.problem(key, f"{subject}: step must be above 0", sub + ("step",))
        if p.type == "choice" and not p.choices:
            self.problem(key, f"{subject}: a choice needs choices", sub)
        for cid, count in Counter(ch.id for ch in p.choices).items():
            if count > 1:
                self.problem(key, f'{subject}: choice "{cid}" is listed {count} times', sub + ("choices",))
        for kind in p.kinds:
            if self.pack.kind(kind) is None:
                self.problem(key, f'{subject}: unknown kind "{kind}"', sub + ("kind",))
        if p.type == "name" and not p.kinds:
            self.problem(key, f"{subject}: a name param needs a kind", sub)
        if p.scope and (p.scope != "body" or p.role != "declare"):
            self.problem(key, f'{subject}: scope "body" is only for names it declares', sub + ("scope",))
        if p.count_of and c.param(p.count_of) is None:
            self.problem(key, f'{subject}: count_of names no param "{p.count_of}"', sub + ("count_of",))
        if p.default is not None:
            self.default(key, sub, subject, p)

    def default(self, key, sub, subject, p: m.Param) -> None:
        value = p.default
        if p.list and p.type in ("name", "expression") and value == ():
            problem = None
        elif p.type == "expression":
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                problem = check_number(p, value)
            else:
                problem = None if isinstance(value, str) and value.strip() else "must be an expression"
        elif p.type == "sensor_port" and isinstance(value, int):
            problem = check_value(p, str(value))
        else:
            problem = check_value(p, tuple(value) if p.list and isinstance(value, list) else value)
        if problem:
            self.problem(key, f"{subject}: default {value!r} is not allowed: {problem}", sub + ("default",))

    def template(self, c: m.Command) -> None:
        key, subject = ("command", c.id), f'command "{c.id}"'
        try:
            used = slots(c.python)
        except TemplateError as error:
            self.problem(key, f"{subject}: python: {error}", ("python",))
            return
        body_lines = [body_slot(line) for line in lines_of(c.python)]
        wrong = [f"python must have {{{body}}} once, on a line of its own"
                 for body in c.bodies if body_lines.count(body) != 1]
        wrong += [f"python has {{{name}}} but no param or body is called \"{name}\""
                  for name in used if c.param(name.removesuffix(TEXT_SUFFIX)) is None and name not in c.bodies]
        for message in wrong:
            self.problem(key, f"{subject}: {message}", ("python",))
        if wrong or self.slots_in_strings(c):
            return
        for values, choice in _sample_fillings(c):
            filled = fill(c.python, values, {b: [] for b in c.bodies})
            source = "\n".join(line.text for line in filled)
            if choice is None:
                ok = self.python(key, source, subject, sub=("python",), template=c.python, requires=c.requires)
            else:  # name the choice whose python breaks the template, and show the filled code
                index, param, option = choice
                ok = self.python(key, source, f'{subject} param "{param}" choice "{option}"',
                                 sub=("params", index, "choices"), requires=c.requires)
            if not ok:
                return
        if c.epilogue:
            # The epilogue runs after the command's own Python, so it may use what that defines
            # (e.g. `def main(): ...` with epilogue `main()`).
            own = bound_names(ast.parse(source))
            self.python(key, c.epilogue, f"{subject} epilogue", sub=("epilogue",), also=own,
                        requires=c.requires)

    def slots_in_strings(self, c: m.Command) -> bool:
        """A value may stand only where a literal can: never inside a string literal."""
        found = slots_in_strings(c.python)
        for name, line in found:
            self.problems.append(Problem(
                f'command "{c.id}": python puts {{{name}}} inside a string literal (line {line} of its python); '
                f"a value there could end the string and run as code: pass it as a value of its own, "
                f"for example print({{{name}}}) or 'text ' + str({{{name}}})",
                self.reader.file, self._template_line(("command", c.id), line)))
        return bool(found)

    def _template_line(self, key: tuple, line: int) -> int | None:
        """The pack file's line of a template's line `line` (a multi-line string starts on the next)."""
        first = line_of(self.reader.lines, self.reader.paths.get(key, ()) + ("python",))
        if first is None:
            return None
        text = self.reader.text_lines
        opening = text[first - 1].split("=", 1)[-1].strip() if 0 < first <= len(text) else ""
        return first + line if opening in ("'''", '"""') else first + line - 1

    def python(self, key, source: str, subject: str, sub=("python",), eval_mode=False, template="",
               also=frozenset(), requires=None) -> bool:
        """Is `source` valid Python using only defined names? Reports and returns False when not."""
        try:
            tree = ast.parse(source, mode="eval" if eval_mode else "exec")
        except SyntaxError as error:
            shown = template or source
            self.problem(key, f"{subject}: python is not valid Python once filled in "
                              f"({error.msg}, line {error.lineno}): {shown.strip()!r}"[:300], sub)
            return False
        if key == () or key[0] == "setup":
            return True
        local = bound_names(tree) | set(also)
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                name = node.id
                if not (name.startswith(_PLACEHOLDER) or name in self.defined(key, requires) or name in local):
                    self.problem(key, f"{subject}: python uses '{name}', which neither the prelude nor "
                                      f"the setup snippets it requires define", sub)
                    return False
        return True

    def requires(self, key, requires, subject) -> None:
        known = {s.id for s in self.pack.setup}
        for rid in requires:
            if rid not in known:
                self.problem(key, f'{subject}: requires unknown setup "{rid}"', ("requires",))

    def unknown_commands(self, key, ids, subject, what) -> None:
        for cid in ids:
            if self.pack.command(cid) is None:
                self.problem(key, f'{subject}: {what} names unknown command "{cid}"', (what,))

    def levels(self) -> None:
        if not self.pack.levels:
            self.problems.append(Problem("pack: needs at least one [[levels]] entry", self.reader.file))
        names = {lv.name for lv in self.pack.levels}
        for level in self.pack.levels:
            self.unknown_commands(("level", level.name), level.commands, f'level "{level.name}"', "commands")
            if level.extends and level.extends not in names:
                self.problem(("level", level.name), f'level "{level.name}": extends unknown level '
                                                    f'"{level.extends}"', ("extends",))

    def migrations(self) -> None:
        """A migration's `before` is a version, and what it renames to exists in this pack (once any
        later migrations have renamed it further): otherwise old programs would not open."""
        good = [(i, mg) for i, mg in enumerate(self.pack.migrations) if _VERSION.match(mg.before)]
        for index, migration in enumerate(self.pack.migrations):
            path = ("migrations", index)
            if not _VERSION.match(migration.before):
                self.at(path + ("before",), f"migration: before must be a version like 2.0, not {migration.before!r}")
                continue
            if _version(migration.before) > _version(self.pack.version):
                self.at(path + ("before",), f"migration: before {migration.before} is above the pack's "
                                            f"version {self.pack.version}")
            later = [mg for _, mg in sorted(good, key=lambda g: _version(g[1].before))
                     if _version(mg.before) > _version(migration.before)]
            for old, new in migration.commands.items():
                final = new
                for step in later:
                    final = step.commands.get(final, final) if isinstance(final, str) else final
                if not isinstance(final, str) or self.pack.command(final) is None:
                    self.at(path + ("commands",), f'migration: commands renames "{old}" to {new!r}, '
                                                  f"which is not a command of this pack")
            for key, new in migration.params.items():
                command, _, old = key.partition(".")
                if not old or not isinstance(new, str):
                    self.at(path + ("params",), f'migration: params must map "command.old" to a new param '
                                                f'name, not "{key}" = {new!r}')
                    continue
                for step in later:
                    command = step.commands.get(command, command)
                    new = step.params.get(f"{command}.{new}", new) if isinstance(new, str) else new
                c = self.pack.command(command) if isinstance(command, str) else None
                if c is None or not isinstance(new, str) or c.param(new) is None:
                    self.at(path + ("params",), f'migration: params renames "{key}" to {migration.params[key]!r}, '
                                                f"which is not a param of that command in this pack")

    def at(self, path: tuple, message: str) -> None:
        self.problems.append(Problem(message, self.reader.file, line_of(self.reader.lines, path)))


_VERSION = re.compile(r"\d+\.\d+\Z")


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def _sample_fillings(c: m.Command):
    """Fillings of the template to check: sample values, then each choice of every choice param
    (with which param and choice it is, to name it in a problem)."""
    # Choices stand in as a plain name first, so a broken template is not blamed on a choice.
    base = {p.name: Code(_PLACEHOLDER + p.name) if p.choices else _sample_code(p) for p in c.params}
    base |= {p.name + TEXT_SUFFIX: Code(repr(p.name)) for p in c.params}
    yield base, None
    for index, p in enumerate(c.params):
        for choice in p.choices:
            yield {**base, p.name: Code(choice.python, compound=not is_atomic(choice.python))}, (index, p.name, choice.id)


def _sample_code(p: m.Param) -> Code:
    if p.type in ("name", "expression"):
        return Code(_PLACEHOLDER + p.name)
    value = sample_value(p)
    if p.type == "choice" and p.choice(value) is None:
        value = p.choices[0].id if p.choices else None
        if value is None:
            return Code(_PLACEHOLDER + p.name)
    try:
        if p.list:
            return Code(", ".join(literal(p, v) for v in value))
        text = literal(p, str(value) if p.type == "sensor_port" else value)
        return Code(text, compound=not is_atomic(text))
    except (KeyError, ValueError, TypeError, AttributeError):
        return Code(_PLACEHOLDER + p.name)


def _defined_names(pack: m.Pack, requires: tuple[str, ...]) -> set[str]:
    """Names Python code may use: builtins, the prelude's, and those of the setup snippets it
    requires (directly or through other snippets), since only those are emitted with it."""
    by_id = {s.id: s for s in pack.setup}
    needed, todo = set(), list(requires)
    while todo:
        sid = todo.pop()
        if sid in by_id and sid not in needed:
            needed.add(sid)
            todo.extend(by_id[sid].requires)
    names = set(dir(builtins)) | {numbers.HELPER}  # the compiler provides it to every program
    for source in [pack.prelude] + [by_id[sid].python for sid in needed]:
        try:
            names |= bound_names(ast.parse(source))
        except SyntaxError:
            pass
    return names


def bound_names(tree: ast.AST) -> set[str]:
    """Every name a piece of Python binds anywhere (assignment, import, def, loop, argument...)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names.update(node.names)
    return names

