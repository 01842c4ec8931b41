"""The names a line of a program can see, for an editor's drop-downs and expression builder.

Follows the checker's scope rules (robolab.language.checker) without checking anything: names
declared on earlier lines of the same body or of an enclosing one, the line's ancestors' own
names (a procedure's name and inputs inside it), hoisted top-level names wherever they are
written, and what the pack itself offers (sensor values, functions).
"""

from dataclasses import dataclass

from robolab.model.program import Block, Program
from robolab.palette.model import COMMENT, BuiltinValue, Function, Pack, Param


@dataclass(frozen=True)
class Declared:
    """A name a program declares: `count`, a variable made on line 3."""

    name: str
    kind: str  # the pack's kind id, such as "variable"
    path: tuple  # the declaring block
    line: int = 0


class _Declarers:
    """The names blocks declare. Each command's declaring params are looked up once: a scope
    looks at every earlier line, and a long program has thousands."""

    def __init__(self, pack: Pack):
        self.pack = pack
        self._params: dict[str, tuple[Param, ...]] = {}

    def params(self, command_id: str) -> tuple[Param, ...]:
        found = self._params.get(command_id)
        if found is None:
            command = self.pack.command(command_id) if command_id != COMMENT else None
            found = tuple(p for p in (command.params if command else ()) if p.type == "name" and p.role == "declare")
            self._params[command_id] = found
        return found

    def names(self, block: Block, path: tuple, body_scoped: bool | None = None):
        """(Declared, param) for each name the block declares; `body_scoped` picks only those
        visible inside its bodies (True) or only those visible after it (False); None gives both."""
        for param in self.params(block.command):
            value = block.args.get(param.name)
            if value is None or (body_scoped is not None and (param.scope == "body") != body_scoped):
                continue
            for name in value if isinstance(value, tuple) else (value,):
                if isinstance(name, str):
                    yield Declared(name, param.kinds[0] if param.kinds else "", path, block.line), param

    def all_in(self, blocks: list[Block], prefix: tuple) -> list[Declared]:
        """Every name declared in these blocks and inside them, except body-scoped ones (which
        may reuse an outer name)."""
        found = []
        for index, block in enumerate(blocks):
            path = prefix + (index,)
            found += [d for d, _ in self.names(block, path, body_scoped=False)]
            for name, body in block.bodies.items():
                found += self.all_in(body, path + (name,))
        return found


class Scope:
    """What the block at `path` can name in its values."""

    def __init__(self, program: Program, pack: Pack, path: tuple):
        self.program, self.pack, self.path = program, pack, tuple(path)
        self.block = program.block_at(self.path)
        self.declared: dict[str, Declared] = {}
        self._declarers = _Declarers(pack)
        self._collect()

    def _add(self, declared: Declared) -> None:
        self.declared.setdefault(declared.name, declared)

    def _collect(self) -> None:
        names = self._declarers.names
        if any(kind.hoisted for kind in self.pack.kinds):  # hoisted names: visible everywhere
            for index, block in enumerate(self.program.blocks):
                for declared, param in names(block, (index,), body_scoped=False):
                    kind = self.pack.kind(declared.kind)
                    if kind is not None and kind.hoisted:
                        self._add(declared)
        blocks, prefix = self.program.blocks, ()
        steps = list(self.path)
        while steps:
            index = steps.pop(0)
            for earlier in range(index):
                if self._declarers.params(blocks[earlier].command):  # most lines declare nothing
                    for declared, _ in names(blocks[earlier], prefix + (earlier,), body_scoped=False):
                        self._add(declared)
            block, prefix = blocks[index], prefix + (index,)
            if not steps:
                return
            for declared, _ in names(block, prefix):  # an ancestor's own names
                self._add(declared)
            body = steps.pop(0)
            blocks, prefix = block.bodies[body], prefix + (body,)

    # What the drop-downs offer.
    def names_for(self, param: Param) -> list[Declared]:
        """Declared names a `use` or `assign` name param may take, in the order they are made."""
        found = []
        for declared in self.declared.values():
            if param.kinds and declared.kind not in param.kinds:
                continue
            kind = self.pack.kind(declared.kind)
            if param.role == "assign" and not (kind is not None and kind.assignable):
                continue
            found.append(declared)
        return sorted(found, key=lambda d: d.path)

    def readable(self) -> list[Declared]:
        """Declared names with a value an expression can read (not procedures or macros)."""
        found = [d for d in self.declared.values() if (k := self.pack.kind(d.kind)) is not None and k.read]
        return sorted(found, key=lambda d: d.path)

    def values(self) -> list[BuiltinValue]:
        """The pack's own values (sensor readings, colour names) not hidden by a declared name."""
        return [v for v in self.pack.values if v.name not in self.declared]

    def functions(self) -> list[Function]:
        return list(self.pack.functions)

    def kind_label(self, kind_id: str) -> str:
        kind = self.pack.kind(kind_id)
        return kind.label if kind else kind_id

    # What a declared name may not be.
    def taken(self, param: Param) -> dict[str, str]:
        """Names a `declare` param of this block may not take, each with the reason why.

        Besides what the checker would refuse here, a name is refused when it would make another
        line wrong: a later line (or a line inside this one) that declares the same name.
        """
        own_value = self.block.args.get(param.name)
        own = set(own_value if isinstance(own_value, tuple) else (own_value,))
        taken: dict[str, str] = {}
        for value in self.pack.values:
            taken[value.name] = f"'{value.name}' is already a name in {self.pack.id} (a value it reads)"
        for function in self.pack.functions:
            taken[function.name] = f"'{function.name}' is already a name in {self.pack.id} (a function)"
        nearby = [] if param.scope == "body" else list(self.declared.values())
        nearby += self._declared_in_reach(param)
        for declared, other in self._own_declarations(param):
            nearby.append(declared)
        for declared in nearby:
            if declared.name in taken:
                continue
            if declared.path == self.path and declared.name in own:
                continue  # the value being replaced
            where = f" on line {declared.line}" if declared.line else ""
            taken[declared.name] = (f"'{declared.name}' is already the name of a "
                                    f"{self.kind_label(declared.kind)}{where}; choose another name")
        return taken

    def _own_declarations(self, param: Param):
        """This block's other declared names (a procedure's name is not one of its inputs)."""
        for declared, other in self._declarers.names(self.block, self.path):
            if other.name != param.name:
                yield declared, other

    def _declared_in_reach(self, param: Param) -> list[Declared]:
        """Names declared where this param's name would be visible, so they would clash with it."""
        found: list[Declared] = []
        for name, body in self.block.bodies.items():
            found += self._declarers.all_in(body, self.path + (name,))
        if param.scope == "body":
            return found
        siblings, prefix = self._siblings()
        index = self.path[-1]
        for later in range(index + 1, len(siblings)):
            block_path = prefix + (later,)
            found += [d for d, _ in self._declarers.names(siblings[later], block_path, body_scoped=False)]
            for name, body in siblings[later].bodies.items():
                found += self._declarers.all_in(body, block_path + (name,))
        return found

    def _siblings(self) -> tuple[list[Block], tuple]:
        prefix = self.path[:-1]
        if not prefix:
            return self.program.blocks, ()
        return self.program.block_at(prefix[:-1]).bodies[prefix[-1]], prefix


def declared_anywhere(program: Program, pack: Pack) -> dict[str, Declared]:
    """Every name the program declares (the first of each), for "made later" hints."""
    found: dict[str, Declared] = {}
    declarers = _Declarers(pack)
    for path, block in program.walk():
        for declared, _ in declarers.names(block, path):
            found.setdefault(declared.name, declared)
    return found
