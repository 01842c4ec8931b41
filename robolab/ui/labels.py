"""How a line reads on the canvas: the command's display text with its values filled in.

Returned as segments (text, is_value) so the canvas can set the values apart; plain Python.
"""

import re

from robolab.model.program import Block
from robolab.palette import COMMENT, Command, Pack, Param

_SLOT = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def value_text(param: Param, value) -> str:
    from robolab.language.printer import as_written

    if param.list:
        return ", ".join(value_text(_item(param), v) for v in value) if value else "nothing"
    if param.type == "choice":
        choice = param.choice(value)
        return choice.label if choice else str(value)
    if param.type == "text":
        return f"“{value}”"
    if param.type == "boolean":
        return "yes" if value else "no"
    return as_written(param, value)


def _item(param: Param) -> Param:
    from robolab.palette.types import item_param

    return item_param(param)


def segments(block: Block, pack: Pack) -> list[tuple[str, bool]]:
    if block.command == COMMENT:
        return [("# " + str(block.args.get("text", "")), False)]
    command = pack.command(block.command)
    if command is None:
        return [(block.command, False)]
    return fill(command, block.args)


def fill(command: Command, args: dict | None) -> list[tuple[str, bool]]:
    """The display text; with args None, slots show the param labels (for the palette)."""
    parts: list[tuple[str, bool]] = []
    position = 0
    for match in _SLOT.finditer(command.text):
        if match.start() > position:
            parts.append((command.text[position:match.start()], False))
        param = command.param(match.group(1))
        if param is None:
            parts.append((match.group(0), False))
        elif args is None:
            parts.append((param.label or param.name, True))
        elif param.name in args:
            text = value_text(param, args[param.name])
            if param.type == "choice" and _after_one(parts) and text.endswith("s") and text[:-1].isalpha():
                text = text[:-1]  # "1 rotation", "1 second": a unit after the number 1 is singular
            parts.append((text, True))
        else:
            parts.append(("?", True))
        position = match.end()
    if position < len(command.text):
        parts.append((command.text[position:], False))
    return parts


def slot_params(command: Command) -> list[Param | None]:
    """The params of a command's values in the order its line shows them (as `fill` makes them)."""
    return [command.param(match.group(1)) for match in _SLOT.finditer(command.text)]


def _after_one(parts: list[tuple[str, bool]]) -> bool:
    """Whether the last value so far is the number 1 (with only spaces after it)."""
    for text, is_value in reversed(parts):
        if is_value:
            return text in ("1", "1.0", "-1")
        if text.strip():
            return False
    return False


def text_of(block: Block, pack: Pack) -> str:
    return "".join(text for text, _ in segments(block, pack))


def palette_text(command: Command) -> str:
    return "".join(text for text, _ in fill(command, None))


def command_name(command_id: str, pack: Pack) -> str:
    """A short readable name for messages: the display text up to its first value."""
    command = pack.command(command_id)
    if command is None:
        return command_id
    head = command.text.split("{")[0].strip(" :")
    return head or command.id
