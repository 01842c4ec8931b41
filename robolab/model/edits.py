"""Edit operations that keep a program valid against its palette pack.

Each operation checks the edit and returns a `Change` describing it, without touching the
program; `apply` carries a change out and `Change.inverse()` undoes it. So an editor never holds
a half-done edit, and undo is the same code as redo. A refused edit raises `EditError` with a
reason a student can read.

Positions are block paths (see Program.walk): inserting at (2, "do", 0) puts the new block first
in the `do` body of block 2; the container of a path is the path without its last step.
"""

from dataclasses import dataclass

from robolab.model.program import Block, Program
from robolab.model.rules import comment_problem, line_problems, place_problem, unique_problem, value_problem
from robolab.palette.model import COMMENT, Pack


class EditError(ValueError):
    """An edit that would break the program; the message says why, for the status bar."""


@dataclass(frozen=True)
class Change:
    """One edit: blocks taken out (paths before it), put in (paths after it), values set."""

    removed: tuple = ()  # ((path, block), ...) in reading order
    added: tuple = ()  # ((path, block), ...) in reading order
    values: tuple = ()  # ((path, param, old, new), ...)

    def inverse(self) -> "Change":
        return Change(self.added, self.removed, tuple((p, n, new, old) for p, n, old, new in self.values))

    @property
    def is_empty(self) -> bool:
        same_place = [(p, id(b)) for p, b in self.removed] == [(p, id(b)) for p, b in self.added]
        return same_place and all(old == new for _, _, old, new in self.values)

    def merge(self, later: "Change") -> "Change | None":
        """This change and a later one as one undo step, when they are one gesture: the same
        value of the same line set twice in a row (a number typed digit by digit). Else None."""
        if self.removed or self.added or later.removed or later.added or len(self.values) != 1 \
                or len(later.values) != 1:
            return None
        (path, name, old, _), (later_path, later_name, _, new) = self.values[0], later.values[0]
        if (path, name) != (later_path, later_name):
            return None
        return Change(values=((path, name, old, new),))

    def touched(self) -> list[tuple]:
        """Paths to select after the change: what was put in or set."""
        return [p for p, _ in self.added] or list(dict.fromkeys(p for p, *_ in self.values))


def apply(program: Program, change: Change) -> None:
    for path, _ in reversed(change.removed):
        blocks_in(program, path[:-1]).pop(path[-1])
    for path, block in change.added:
        blocks_in(program, path[:-1]).insert(path[-1], block)
    for path, name, _, new in change.values:
        program.block_at(path).args[name] = new


def blocks_in(program: Program, container: tuple) -> list[Block]:
    """The list a container path names: () is the top level, (2, "do") the do body of block 2."""
    if not container:
        return program.blocks
    return program.block_at(container[:-1]).bodies.setdefault(container[-1], [])


# --- the operations ------------------------------------------------------------------------------

def insert(program: Program, pack: Pack, path: tuple, blocks: list[Block]) -> Change:
    """Put new blocks (with their bodies) at `path`, one after another."""
    if not blocks:
        raise EditError("nothing to insert")
    container, index = path[:-1], path[-1]
    _check_container(program, pack, container, index)
    for block in blocks:
        for _, inner in _subtree(block):
            if problem := values_problem(inner, pack):
                raise EditError(problem)
    _check_places(program, pack, container, blocks, moving=())
    return Change(added=tuple((container + (index + i,), b) for i, b in enumerate(blocks)))


def delete(program: Program, pack: Pack, paths: list[tuple]) -> Change:
    """Take blocks out, with everything inside them."""
    paths = outermost(program, pack, paths)
    if not paths:
        raise EditError("select a line to delete")
    return Change(removed=tuple((p, program.block_at(p)) for p in paths))


def move(program: Program, pack: Pack, paths: list[tuple], target: tuple) -> Change:
    """Move blocks (with their bodies) so they stand together at `target`, a path in the program
    as it is before the move (the position of the block they go before, or one past the end)."""
    paths = outermost(program, pack, paths)
    if not paths:
        raise EditError("select a line to move")
    container, index = target[:-1], target[-1]
    _check_container(program, pack, container, index)
    for path in paths:
        if target[:len(path)] == path and len(target) > len(path):
            raise EditError("a line cannot go inside itself")
    blocks = [program.block_at(p) for p in paths]
    _check_places(program, pack, container, blocks, moving=blocks)
    for path in reversed(paths):  # where target ends up once the moved blocks are out
        target = _after_removal(target, path)
    container, index = target[:-1], target[-1]
    return Change(removed=tuple(zip(paths, blocks)),
                  added=tuple((container + (index + i,), b) for i, b in enumerate(blocks)))


def set_value(program: Program, pack: Pack, path: tuple, name: str, value) -> Change:
    block = program.block_at(path)
    if block.command == COMMENT:
        if problem := comment_problem(value) if name == "text" else "comment: a comment has only its text":
            raise EditError(problem)
    else:
        command = pack.command(block.command)
        param = command.param(name) if command else None
        if param is None:
            raise EditError(f"'{block.command}' has no value called '{name}'")
        if problem := value_problem(param, value):
            raise EditError(problem)
    return Change(values=((path, name, block.args.get(name), value),))


def indent(program: Program, pack: Pack, paths: list[tuple]) -> Change:
    """Tab: the lines go inside the line above them, at the end of its (last used) body."""
    paths = _siblings(program, pack, paths)
    first = paths[0]
    if first[-1] == 0:
        raise EditError("the first line of a body has no line above it to go inside")
    above_path = first[:-1] + (first[-1] - 1,)
    above = program.block_at(above_path)
    names = _body_names(above, pack)
    if not names:
        raise EditError(f"'{above.command}' has no lines inside it")
    used = [n for n in names if above.bodies.get(n)]
    body = used[-1] if used else names[0]
    return move(program, pack, paths, above_path + (body, len(above.bodies.get(body, []))))


def outdent(program: Program, pack: Pack, paths: list[tuple]) -> Change:
    """Shift+Tab: the lines come out of the body they are in, to just after its line."""
    paths = _siblings(program, pack, paths)
    container = paths[0][:-1]
    if not container:
        raise EditError("the line is already at the top level")
    owner = container[:-1]
    return move(program, pack, paths, owner[:-1] + (owner[-1] + 1,))


def move_up(program: Program, pack: Pack, paths: list[tuple]) -> Change:
    """Alt+Up: swap with the line above; the first line of a body moves out above its owner
    (or to the end of the owner's previous body, such as from `else` to `then`)."""
    paths = _siblings(program, pack, paths)
    first = paths[0]
    container, index = first[:-1], first[-1]
    if index > 0:
        return move(program, pack, paths, container + (index - 1,))
    if not container:
        raise EditError("the line is already at the top")
    owner, body = container[:-1], container[-1]
    names = _body_names(program.block_at(owner), pack)
    position = names.index(body) if body in names else 0
    if position > 0:
        previous = names[position - 1]
        return move(program, pack, paths, owner + (previous, len(program.block_at(owner).bodies.get(previous, []))))
    return move(program, pack, paths, owner)


def move_down(program: Program, pack: Pack, paths: list[tuple]) -> Change:
    """Alt+Down: swap with the line below; the last line of a body moves out below its owner
    (or to the start of the owner's next body)."""
    paths = _siblings(program, pack, paths)
    last = paths[-1]
    container, index = last[:-1], last[-1]
    if index + 1 < len(blocks_in(program, container)):
        return move(program, pack, paths, container + (index + 2,))
    if not container:
        raise EditError("the line is already at the bottom")
    owner, body = container[:-1], container[-1]
    names = _body_names(program.block_at(owner), pack)
    position = names.index(body) if body in names else len(names)
    if position + 1 < len(names):
        return move(program, pack, paths, owner + (names[position + 1], 0))
    return move(program, pack, paths, owner[:-1] + (owner[-1] + 1,))


# --- checks -------------------------------------------------------------------------------------

def values_problem(block: Block, pack: Pack) -> str | None:
    """Why a block is not a complete, valid line of this pack (the first reason), or None."""
    problems = line_problems(block, pack)
    return problems[0][1] if problems else None


def _check_container(program: Program, pack: Pack, container: tuple, index: int) -> None:
    if container:
        try:
            owner = program.block_at(container[:-1])
        except (IndexError, KeyError, AttributeError):
            raise EditError("there is no such place in the program") from None
        if container[-1] not in _body_names(owner, pack):
            raise EditError(f"'{owner.command}' has no lines inside it")
    try:
        size = len(blocks_in(program, container))
    except (IndexError, KeyError, AttributeError):
        raise EditError("there is no such place in the program") from None
    if not 0 <= index <= size:
        raise EditError("there is no such place in the program")


def _check_places(program: Program, pack: Pack, container: tuple, blocks: list[Block], moving) -> None:
    ancestors = tuple(program.block_at(container[:i]).command for i in range(1, len(container), 2))
    for block in blocks:
        for inner_ancestors, inner in _subtree(block, ancestors):
            command = pack.command(inner.command)
            if command is not None and (problem := place_problem(command, inner_ancestors)):
                raise EditError(problem)
    unique = {b.command for block in blocks for _, b in _subtree(block) if _is_unique(pack, b.command)}
    if unique and not moving:
        for _, existing in program.walk():
            if existing.command in unique:
                raise EditError(unique_problem(existing.command))
    if not moving:
        counts: dict[str, int] = {}
        for block in blocks:
            for _, b in _subtree(block):
                counts[b.command] = counts.get(b.command, 0) + 1
        for command_id in unique:
            if counts[command_id] > 1:
                raise EditError(unique_problem(command_id))


def _is_unique(pack: Pack, command_id: str) -> bool:
    command = pack.command(command_id)
    return bool(command and command.unique)


def _subtree(block: Block, ancestors: tuple = ()):
    """(ancestors, block) for the block and everything inside it."""
    yield ancestors, block
    for body in block.bodies.values():
        for inner in body:
            yield from _subtree(inner, ancestors + (block.command,))


def _body_names(block: Block, pack: Pack) -> tuple[str, ...]:
    command = pack.command(block.command)
    return command.bodies if command else ()


def _after_removal(path: tuple, removed: tuple) -> tuple:
    """`path` once the block at `removed` (not an ancestor of it) has been taken out."""
    depth = len(removed) - 1
    if len(path) > depth and path[:depth] == removed[:depth] and removed[depth] < path[depth]:
        return path[:depth] + (path[depth] - 1,) + path[depth + 1:]
    return path


def reading_key(program: Program, pack: Pack, path: tuple) -> tuple:
    """Sort key putting paths in reading order (bodies in the order their command names them)."""
    key, blocks, block = [], program.blocks, None
    for step in path:
        if isinstance(step, int):
            key.append(step)
            block = blocks[step]
        else:
            names = _body_names(block, pack)
            key.append(names.index(step) if step in names else len(names))
            blocks = block.bodies.get(step, [])
    return tuple(key)


def outermost(program: Program, pack: Pack, paths: list[tuple]) -> list[tuple]:
    """The paths in reading order, without duplicates or any inside another one (moved with it)."""
    unique = sorted(set(map(tuple, paths)), key=lambda p: reading_key(program, pack, p))
    kept: list[tuple] = []
    for path in unique:
        if not any(path[:len(k)] == k for k in kept):
            kept.append(path)
    return kept


def _siblings(program: Program, pack: Pack, paths: list[tuple]) -> list[tuple]:
    paths = outermost(program, pack, paths)
    if not paths:
        raise EditError("select a line first")
    if len({p[:-1] for p in paths}) > 1:
        raise EditError("select lines in the same body to move them together")
    return paths
