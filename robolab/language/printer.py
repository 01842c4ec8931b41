"""Program -> canonical text: the one file format. parse(print(p)) == p for every program."""

import re
from dataclasses import dataclass, field

from robolab.language.expressions import to_text
from robolab.model import expr as e
from robolab.model.program import Block, Program
from robolab.palette.model import COMMENT, Pack, Param
from robolab.palette.types import format_number, item_param

INDENT = "    "


@dataclass
class Layout:
    """Where the printer put each block (path -> (line, column)) and each value ((path, param) ->
    (line, column)), counting from 1 with the header as line 1: the map between blocks and text."""

    blocks: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    values: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    _paths: dict[int, tuple] | None = field(default=None, repr=False)

    def where(self, path: tuple, param: str = "") -> tuple[int, int]:
        return self.values.get((path, param)) or self.blocks.get(path, (0, 0))

    def path_at(self, line: int) -> tuple | None:
        """The block whose first line this is (None: a header, a `}` or an `} else {`)."""
        if self._paths is None:
            self._paths = {line: path for path, (line, _) in self.blocks.items()}
        return self._paths.get(line)


def print_program(program: Program, pack: Pack, layout: Layout | None = None) -> str:
    """The program's text; with `layout`, also where each block and value went in it."""
    header = f"robolab {program.format} palette {program.pack} {program.pack_version}"
    if program.world:
        world = program.world
        header += f" world {world}" if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", world) else f" world {_quoted(world)}"
    lines = [header]
    _blocks(program.blocks, pack, 0, lines, (), layout)
    return "\n".join(lines) + "\n"


def print_blocks(blocks: list[Block], pack: Pack) -> str:
    """Lines of blocks without a header (a clipboard snippet)."""
    lines: list[str] = []
    _blocks(blocks, pack, 0, lines, (), None)
    return "\n".join(lines) + "\n"


def _blocks(blocks: list[Block], pack: Pack, depth: int, lines: list[str], prefix: tuple, layout) -> None:
    for index, block in enumerate(blocks):
        _block(block, pack, depth, lines, prefix + (index,), layout)


def _block(block: Block, pack: Pack, depth: int, lines: list[str], path: tuple, layout) -> None:
    indent = INDENT * depth
    if layout is not None:
        layout.blocks[path] = (len(lines) + 1, len(indent) + 1)
    if block.command == COMMENT:
        lines.append(f"{indent}# {block.args['text']}".rstrip())
        return
    command = pack.command(block.command)
    words = [block.command] + [f"{p.name}={format_value(p, block.args[p.name])}"
                               for p in command.params if p.name in block.args]
    head = " ".join(words)
    if layout is not None:
        column, line = len(indent) + len(block.command) + 2, len(lines) + 1
        for word, param in zip(words[1:], (p for p in command.params if p.name in block.args)):
            layout.values[(path, param.name)] = (line, column + len(param.name) + 1)
            column += len(word) + 1
    bodies = [(name, block.bodies.get(name, [])) for name in command.bodies]
    shown = [(i, name, body) for i, (name, body) in enumerate(bodies) if i == 0 or body]
    if not shown:
        lines.append(indent + head)
        return
    for position, (index, name, body) in enumerate(shown):
        opener = head if index == 0 else f"}} {name}"
        lines.append(f"{indent}{opener} {{")
        _blocks(body, pack, depth + 1, lines, path + (name,), layout)
    lines.append(indent + "}")


def as_written(param: Param, value) -> str:
    """A value as a student reads it in a label: text without quotes, expressions without brackets."""
    if param.list:
        return ", ".join(as_written(item_param(param), item) for item in value)
    if param.type == "text":
        return value
    if param.type == "expression":
        return to_text(value)
    return format_value(param, value)


def format_value(param: Param, value) -> str:
    if param.list:
        return "[" + ", ".join(format_value(item_param(param), item) for item in value) + "]"
    kind = param.type
    if kind == "expression":
        text = to_text(value)
        return text if isinstance(value, (e.Num, e.Name, e.Bool)) else f"({text})"
    if kind == "number":
        return format_number(value)
    if kind == "text":
        return _quoted(value)
    if kind == "boolean":
        return "true" if value else "false"
    return str(value)


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
