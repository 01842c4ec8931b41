"""How deeply a program may nest, checked before anything walks it.

Two kinds of limit. Hard ones, in the program file: lines nested more than MAX_NESTING deep and
expressions nested more than MAX_EXPRESSION_DEPTH deep cannot be read at all (no Python could run
them, and every tree walk would run out of stack). Then the limits of the Python a program
compiles to, from its pack's templates: CPython allows 20 loops (and `with`, `try`) inside one
another in a function, and 99 levels of indentation. The checker reports those at the line that
goes over, so a program that checks also runs. Every walk here uses its own stack, never recursion.
"""

from robolab.errors import Problem
from robolab.model import expr as e
from robolab.palette.model import COMMENT, Pack
from robolab.palette.templates import nesting

MAX_NESTING = 100  # no Python indents deeper, so no pack can run more
# The brick's Python 3.5 parser overflows at about 90 nested brackets; 50 is far beyond what anyone
# writes, and keeps every expression walk well inside Python's stack.
MAX_EXPRESSION_DEPTH = 50
PYTHON_BLOCKS = 20  # CPython's "too many statically nested blocks"
PYTHON_INDENTS = 99  # CPython's "too many levels of indentation"


def expression_depth(node: e.Expr, limit: int = MAX_EXPRESSION_DEPTH) -> int:
    """The depth of an expression tree (an atom is 1), counted up to just past `limit`."""
    deepest, todo = 0, [(node, 1)]
    while todo and deepest <= limit:
        node, depth = todo.pop()
        deepest = max(deepest, depth)
        if isinstance(node, e.Unary):
            todo.append((node.operand, depth + 1))
        elif isinstance(node, e.Binary):
            todo += [(node.left, depth + 1), (node.right, depth + 1)]
        elif isinstance(node, e.Call):
            todo += [(arg, depth + 1) for arg in node.args]
    return deepest


def expression_problem(node: e.Expr) -> str | None:
    if expression_depth(node) > MAX_EXPRESSION_DEPTH:
        return (f"this expression is nested more than {MAX_EXPRESSION_DEPTH} deep; "
                "split it over a few variables")
    return None


def nesting_message() -> str:
    return f"lines are nested more than {MAX_NESTING} deep here; no robot can run that"


def raw_problems(statements: list, file: str) -> list[Problem]:
    """Hard limits on a program as read from its file (statements from the syntax tree)."""
    problems = []
    todo = [(statement, 1) for statement in statements]
    while todo:
        statement, depth = todo.pop()
        if depth > MAX_NESTING:
            problems.append(Problem(nesting_message(), file, statement.line, statement.column))
            continue
        for arg in statement.args:
            values = [arg.value]
            while values:
                value = values.pop()
                if value.kind == "list":
                    values += value.value
                elif value.kind == "expr" and (message := expression_problem(value.value)):
                    problems.append(Problem(message, file, value.line or arg.line, value.column or arg.column))
        todo += [(inner, depth + 1) for body in statement.bodies for inner in body.statements]
    return problems


def program_problems(blocks: list, pack: Pack, file: str) -> tuple[list[Problem], bool]:
    """Limits on a program (blocks as edited or read), and whether it may be walked recursively:
    False when it breaks a hard limit, so the other checks must not look at it."""
    problems, walkable = [], True
    helper = " (a procedure starts afresh: move the inside lines into one)" if any(
        c.scope == "function" for c in pack.commands) else ""
    todo = [(block, 1, 0, 0, False) for block in reversed(blocks)]
    while todo:
        block, depth, blocks_here, indents_here, reported = todo.pop()
        where = (block.line, block.column)
        if depth > MAX_NESTING:
            problems.append(Problem(nesting_message(), file, *where))
            walkable = False
            continue
        command = pack.command(block.command) if block.command != COMMENT else None
        if command is None:
            continue
        for param in command.params:
            value = block.args.get(param.name)
            if param.type == "expression" and value is not None:
                for item in (value if param.list else (value,)):
                    if message := expression_problem(item):
                        problems.append(Problem(message, file, *block.where(param.name)))
                        walkable = False
        shape = nesting(command.python, tuple(command.bodies))
        if not reported and blocks_here + shape.blocks > PYTHON_BLOCKS:
            problems.append(Problem(f"too many loops inside one another here: the robot's Python runs at most "
                                    f"{PYTHON_BLOCKS}{helper}", file, *where))
            reported = True  # once on each branch: the lines inside are too deep as well
        elif not reported and indents_here + shape.indents > PYTHON_INDENTS:
            problems.append(Problem(f"lines are nested too deeply here: the robot's Python indents at most "
                                    f"{PYTHON_INDENTS} levels", file, *where))
            reported = True
        for name in reversed(command.bodies):
            around, indents, new_scope = shape.body(name)
            inner_blocks = around if new_scope else blocks_here + around
            todo += [(inner, depth + 1, inner_blocks, indents_here + indents, reported)
                     for inner in reversed(block.bodies.get(name, []))]
    return problems, walkable
