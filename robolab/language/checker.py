"""Meaning checks on a bound program: names, places, macro calls. Also resolves every name once,
so the compiler knows what each name is without repeating the scope rules.
"""

from dataclasses import dataclass, field

from robolab.errors import Problem
from robolab.language.binder import suggestion
from robolab.language.depth import program_problems
from robolab.language.printer import Layout
from robolab.model import expr as e
from robolab.model.program import Block, Program
from robolab.model.rules import place_problem, unique_problem
from robolab.palette.model import COMMENT, Command, Pack, Param


@dataclass(frozen=True)
class Declaration:
    name: str
    kind: str
    path: tuple  # the declaring block
    line: int
    is_global: bool
    param: str = ""


@dataclass
class Analysis:
    """What the checker learned: problems, and the facts the compiler needs."""

    problems: list[Problem] = field(default_factory=list)
    names: dict[tuple, dict[str, Declaration]] = field(default_factory=dict)  # block path -> names it uses
    globals_assigned: dict[tuple, set[str]] = field(default_factory=dict)  # function block -> names
    declared: dict[str, Declaration] = field(default_factory=dict)  # every declared name (first one)


class _Scope:
    def __init__(self, parent: "_Scope | None", function: tuple | None):
        self.parent, self.function, self.names = parent, function, {}

    def find(self, name: str) -> Declaration | None:
        scope = self
        while scope is not None:
            if name in scope.names:
                return scope.names[name]
            scope = scope.parent
        return None


def check_program(program: Program, pack: Pack, file: str = "", assume_declared=frozenset(),
                  layout: Layout | None = None) -> Analysis:
    """Check a bound program. Names in `assume_declared` (from lines that could not be read)
    are not reported as unknown. Problems say where the blocks were read from, or with `layout`
    (the printer's map of an edited program) where they are now."""
    too_deep, walkable = program_problems(program.blocks, pack, file)
    if not walkable:
        return Analysis(problems=too_deep)
    checker = _Checker(program, pack, file, layout)
    checker.assume_declared = assume_declared
    checker.run()
    checker.analysis.problems += too_deep
    return checker.analysis


class _Checker:
    def __init__(self, program: Program, pack: Pack, file: str, layout: Layout | None):
        self.program, self.pack, self.file, self.layout = program, pack, file, layout
        self.analysis = Analysis()
        self.seen_unique: dict[str, int] = {}
        self.later: dict[str, int] = {}  # every declared name -> its first line, to say "used before"

    def problem(self, message: str, where: tuple[int, int]) -> None:
        self.analysis.problems.append(Problem(message, self.file, where[0], where[1]))

    def where(self, path: tuple, block: Block, param: str = "") -> tuple[int, int]:
        return self.layout.where(path, param) if self.layout else block.where(param)

    def line(self, path: tuple, block: Block) -> int:
        return self.where(path, block)[0]

    def run(self) -> None:
        top = _Scope(None, None)
        for path, block in self.program.walk():
            command = self.pack.command(block.command)
            for param in (command.params if command else ()):
                if param.role == "declare" and block.args.get(param.name) is not None:
                    for name in _names(block.args[param.name]):
                        if len(path) == 1 and not param.scope:  # body-scoped names are never "later"
                            self.later.setdefault(name, self.line(path, block))
                        if not param.scope and len(path) == 1 and self._kind(param).hoisted:
                            self.declare(top, name, param, path, block)
        self.blocks(self.program.blocks, (), top, ancestors=())

    def _kind(self, param: Param):
        return self.pack.kind(param.kinds[0]) if param.kinds and self.pack.kind(param.kinds[0]) else _NO_KIND

    def blocks(self, blocks: list[Block], prefix: tuple, scope: _Scope, ancestors: tuple) -> None:
        for index, block in enumerate(blocks):
            path = prefix + (index,)
            if block.command == COMMENT:
                continue
            command = self.pack.command(block.command)
            self.place(command, path, block, ancestors)
            inner = _Scope(scope, path) if command.scope == "function" else scope
            if command.scope == "function":
                self.analysis.globals_assigned[path] = set()
            body_scope = _Scope(inner, inner.function)
            uses: dict[str, Declaration] = {}
            for param in command.params:
                value = block.args.get(param.name)
                if value is not None:
                    self.argument(param, value, path, block, scope, body_scope, uses)
            self.analysis.names[path] = uses
            for name, body in block.bodies.items():
                self.blocks(body, path + (name,), _Scope(body_scope, body_scope.function), ancestors + (command.id,))

    def place(self, command: Command, path: tuple, block: Block, ancestors: tuple) -> None:
        where = self.where(path, block)
        if problem := place_problem(command, ancestors):
            self.problem(problem, where)
        if command.unique:
            if command.id in self.seen_unique:
                self.problem(f"{unique_problem(command.id)} (the first is on line {self.seen_unique[command.id]})",
                             where)
            self.seen_unique.setdefault(command.id, where[0])

    def argument(self, param: Param, value, path, block, scope, body_scope, uses) -> None:
        where = self.where(path, block, param.name)
        if param.type == "name":
            for name in _names(value):
                if param.role == "declare":
                    target = body_scope if param.scope == "body" else scope
                    self.declare(target, name, param, path, block)
                    if name in target.names:
                        uses[name] = target.names[name]
                else:
                    found = self.resolve(name, scope, param.kinds, where, assign=param.role == "assign")
                    if found:
                        uses[name] = found
                        if param.role == "assign" and found.is_global and scope.function is not None:
                            self.analysis.globals_assigned[scope.function].add(name)
        elif param.type == "expression":
            items = value if param.list else (value,)
            for item in items:
                self.expression(item, scope, where, uses)
            if param.count_of and param.list:
                self.count(param, value, block, uses, where)

    def declare(self, scope: _Scope, name: str, param: Param, path, block) -> None:
        where = self.where(path, block, param.name)
        existing = scope.find(name)
        if existing is not None and existing.path == path:
            value = block.args.get(param.name)
            if existing.param == param.name and isinstance(value, tuple) and value.count(name) > 1:
                # def f(a, a) is no Python: each input needs its own name.
                self.problem(f"'{name}' is in the list twice; each name must differ", where)
            return  # hoisted already, or a name the line itself declares
        kind = param.kinds[0] if param.kinds else ""
        if existing is not None and not (param.scope == "body" and existing.path != path):
            self.problem(f"'{name}' is already declared on line {existing.line}; choose another name", where)
            return
        if (builtin := self.pack.value(name) or self.pack.function(name)) is not None:
            self.problem(f"'{name}' is already a name in {self.pack.id} ({builtin.help or 'built in'}); "
                         "choose another name", where)
            return
        declaration = Declaration(name, kind, path, self.line(path, block), scope.function is None, param.name)
        scope.names[name] = declaration
        self.analysis.declared.setdefault(name, declaration)

    def resolve(self, name: str, scope: _Scope, kinds, where, assign=False) -> Declaration | None:
        found = scope.find(name)
        if found is None:
            if name not in self.assume_declared:
                self.unknown(name, scope, where)
            return None
        if assign and not (self.pack.kind(found.kind) or _NO_KIND).assignable:
            # Before the kind check: "cannot be changed" says why better than "not a variable".
            self.problem(f"'{name}' is a {self._label(found.kind)}; it cannot be changed", where)
            return None
        if kinds and found.kind not in kinds:
            wanted = " or ".join(self._label(k) for k in kinds)
            self.problem(f"'{name}' is a {self._label(found.kind)}, not a {wanted}", where)
            return None
        return found

    def _label(self, kind_id: str) -> str:
        kind = self.pack.kind(kind_id)
        return kind.label if kind else kind_id

    def unknown(self, name: str, scope: _Scope, where) -> None:
        if name in self.later:
            self.problem(f"'{name}' is used before it is declared (on line {self.later[name]})", where)
            return
        visible = set()
        s = scope
        while s is not None:
            visible |= set(s.names)
            s = s.parent
        visible |= {v.name for v in self.pack.values}
        self.problem(f"unknown name '{name}'{suggestion(name, visible)}", where)

    def expression(self, node: e.Expr, scope: _Scope, where, uses) -> None:
        for name in e.names_in(node):
            spot = (name.line, name.column) if name.line and not self.layout else where
            if self.pack.value(name.id) is not None and scope.find(name.id) is None:
                continue
            found = self.resolve(name.id, scope, (), spot)
            if found is not None:
                if not self.pack.kind(found.kind).read:
                    self.problem(f"'{name.id}' is a {self._label(found.kind)}; it has no value to use here", spot)
                uses[name.id] = found
        for call in e.calls_in(node):
            spot = (call.line, call.column) if call.line and not self.layout else where
            function = self.pack.function(call.function)
            if function is None:
                names = [f.name for f in self.pack.functions]
                self.problem(f"'{call.function}' is not a function of {self.pack.label}"
                             f"{suggestion(call.function, names)}", spot)
            elif len(call.args) != function.arity:
                self.problem(f"'{call.function}' takes {function.arity} value{'s' * (function.arity != 1)}, "
                             f"not {len(call.args)}", spot)

    def count(self, param: Param, values: tuple, block: Block, uses, where) -> None:
        target_name = block.args.get(param.count_of)
        declaration = uses.get(target_name) if isinstance(target_name, str) else None
        if declaration is None:
            return
        declarer = self.program.block_at(declaration.path)
        command = self.pack.command(declarer.command)
        wanted = next((p for p in command.params if p.list and p.role == "declare" and p.scope == "body"), None)
        if wanted is None:
            return
        expected = len(declarer.args.get(wanted.name, ()))
        if len(values) != expected:
            self.problem(f"'{target_name}' takes {expected} value{'s' * (expected != 1)} "
                         f"({', '.join(declarer.args.get(wanted.name, ())) or 'none'}), not {len(values)}", where)


class _NoKind:
    hoisted = False
    read = ""
    assignable = False


_NO_KIND = _NoKind()


def _names(value) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)
