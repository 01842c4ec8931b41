"""Program -> canonical text: the one file format. parse(print(p)) == p for every program."""

import re

from robolab.language.expressions import to_text
from robolab.model import expr as e
from robolab.model.program import Block, Program
from robolab.palette.model import COMMENT, Pack, Param
from robolab.palette.types import format_number, item_param

INDENT = "    "


def print_program(program: Program, pack: Pack) -> str:
    header = f"robolab {program.format} palette {program.pack} {program.pack_version}"
    if program.world:
        world = program.world
        header += f" world {world}" if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", world) else f" world {_quoted(world)}"
    lines = [header]
    _blocks(program.blocks, pack, 0, lines)
    return "\n".join(lines) + "\n"


def print_blocks(blocks: list[Block], pack: Pack) -> str:
    """Lines of blocks without a header (a clipboard snippet)."""
    lines: list[str] = []
    _blocks(blocks, pack, 0, lines)
    return "\n".join(lines) + "\n"


def _blocks(blocks: list[Block], pack: Pack, depth: int, lines: list[str]) -> None:
    for block in blocks:
        _block(block, pack, depth, lines)


def _block(block: Block, pack: Pack, depth: int, lines: list[str]) -> None:
    indent = INDENT * depth
    if block.command == COMMENT:
        lines.append(f"{indent}# {block.args['text']}".rstrip())
        return
    command = pack.command(block.command)
    words = [block.command] + [f"{p.name}={format_value(p, block.args[p.name])}"
                               for p in command.params if p.name in block.args]
    head = " ".join(words)
    bodies = [(name, block.bodies.get(name, [])) for name in command.bodies]
    shown = [(i, name, body) for i, (name, body) in enumerate(bodies) if i == 0 or body]
    if not shown:
        lines.append(indent + head)
        return
    for position, (index, name, body) in enumerate(shown):
        opener = head if index == 0 else f"}} {name}"
        lines.append(f"{indent}{opener} {{")
        _blocks(body, pack, depth + 1, lines)
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
