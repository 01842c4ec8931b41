"""A program: a tree of blocks, each a palette command with argument values and named bodies."""

from dataclasses import dataclass, field

FORMAT = 1  # the .rlab file format this RoboLab writes


@dataclass(eq=False)
class Block:
    """One line of the program. `args` holds validated values by param name; `bodies` nested blocks."""

    command: str
    args: dict = field(default_factory=dict)
    bodies: dict[str, list["Block"]] = field(default_factory=dict)
    # Where it was read from, for messages; not part of the program's meaning.
    line: int = 0
    column: int = 0
    positions: dict[str, tuple[int, int]] = field(default_factory=dict, repr=False)  # param -> (line, col)

    def where(self, param: str = "") -> tuple[int, int]:
        return self.positions.get(param, (self.line, self.column))

    def __eq__(self, other):
        if not isinstance(other, Block):
            return NotImplemented
        mine = {k: v for k, v in self.bodies.items() if v}
        theirs = {k: v for k, v in other.bodies.items() if v}
        return self.command == other.command and self.args == other.args and mine == theirs

    def __repr__(self):
        bodies = {k: v for k, v in self.bodies.items() if v}
        return f"Block({self.command!r}, {self.args!r}" + (f", {bodies!r})" if bodies else ")")


@dataclass
class Program:
    """What a .rlab file holds: the palette pack it is written for, and its blocks."""

    pack: str
    pack_version: str
    blocks: list[Block] = field(default_factory=list)
    format: int = FORMAT
    world: str = ""  # the simulator world it is meant for: a shipped world's name or a path

    def walk(self):
        """Every block with its path, depth first in reading order.

        A path is a tuple such as (2, "do", 0): block 2 of the program, first block of its `do` body.
        """
        def visit(blocks, prefix):
            for index, block in enumerate(blocks):
                path = prefix + (index,)
                yield path, block
                for name, body in block.bodies.items():
                    yield from visit(body, path + (name,))

        yield from visit(self.blocks, ())

    def block_at(self, path: tuple) -> Block:
        blocks, block = self.blocks, None
        for step in path:
            if isinstance(step, int):
                block = blocks[step]
            else:
                blocks = block.bodies[step]
        return block
