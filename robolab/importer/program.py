"""A RobotLab statement tree -> a checked treescript program, with the notes for the import report.

Statements are mapped one for one (statements.py); a mapped line that cannot stand where it is
(a motor command outside main, which RobotLab never ran; a second background) is kept as a
comment. The result is then printed and read back exactly as a saved file would be, and any line
the checker still refuses (a name never declared, a value out of range) becomes a comment too,
with the checker's reason in the report. So what comes out always checks, compiles and runs.
"""

import re

from robolab.errors import Problem, RobolabError
from robolab.importer.statements import Mapping, StatementMapper, collect_names, kept_as_comment
from robolab.importer.tsc import Statement
from robolab.language import check_text, print_program
from robolab.language.syntax import parse_raw
from robolab.model.program import Block, Program
from robolab.palette import Pack, PackLibrary
from robolab.palette.model import COMMENT

PACK = "treescript"
MAX_REPAIRS = 500
# Declarations RobotLab allowed inside main or a macro: the name is declared at the top (as RoboLab
# needs), and where the line stood it sets its value (a timer or counter starts again from 0 there).
HOISTED = {"var": "set", "timer": "clear", "counter": "clear"}
STAYS_AT_TOP = {"output", "sensor", "sensor noise", "output noise", "background", "const", "var", "counter",
                "timer", "event"}
AFTER_MAIN = {"macro", "task", "watcher", "main"}


class _Builder:
    def __init__(self, pack: Pack, mapping: Mapping):
        self.pack, self.mapping = pack, mapping
        self.mapper = StatementMapper(mapping)
        self.origin: dict[int, Statement] = {}  # id(block) -> the RobotLab statement it came from
        self.unique_seen: set[str] = set()
        self.hoisted: list[Block] = []  # declarations found inside main or a macro, for the top

    def blocks(self, statements: list[Statement], ancestors: tuple = ()) -> list[Block]:
        out: list[Block] = []
        for statement in statements:
            def inside(children, _ancestors=ancestors, _statement=statement):
                command = self.mapper.map_command(_statement)
                return self.blocks(children, _ancestors + ((command,) if command else ()))

            for block in self.mapper.map(statement, inside):
                out += self.placed(block, statement, ancestors)
        return out

    def placed(self, block: Block, statement: Statement, ancestors: tuple) -> list[Block]:
        """The block where it is, or comments when it cannot be there (with a note why)."""
        if block.command == COMMENT:
            return [block]
        command = self.pack.command(block.command)
        problem = None
        if block.command in HOISTED and ancestors:
            return self.hoist(block, statement)
        if command.place == "top" and ancestors:
            problem = (f"a {block.command} line belongs at the top of a RoboLab program, not inside "
                       f"{ancestors[-1]}" + ("; RoboLab's arena is chosen before a run and cannot change "
                                             "during it" if block.command == "background" else ""))
        elif command.place == "inside" and not ancestors:
            problem = "it is outside main, so RobotLab never ran it"
        elif command.inside and not set(command.inside) & set(ancestors):
            problem = f"it must be inside {' or '.join(command.inside)}"
        elif command.unique and block.command in self.unique_seen:
            problem = f"a program has only one {block.command} line"
        if problem:
            self.mapping.note(f"not imported: {problem}; kept as a comment", statement)
            return kept_as_comment(statement)
        if command.unique:
            self.unique_seen.add(block.command)
        self.origin[id(block)] = statement
        return [block]


    def hoist(self, block: Block, statement: Statement) -> list[Block]:
        """`var x = 3` inside main: `var x = 0` at the top, `set x = 3` here (a timer: cleared here)."""
        name = block.args["name"]
        declaration = Block(block.command, dict(block.args))
        if block.command == "var":
            declaration.args["value"] = self.mapper.expression("0")
        self.hoisted.append(declaration)
        here = Block(HOISTED[block.command], {"name": name, **({"value": block.args["value"]}
                                                                 if block.command == "var" else {})})
        self.origin[id(here)] = statement
        return [here]

    def with_hoisted(self, blocks: list[Block]) -> list[Block]:
        """The hoisted declarations (each name once, unless the top declares it) before main."""
        declared = {b.args.get("name") for b in blocks if b.command in HOISTED}
        new = []
        for block in self.hoisted:
            if block.args["name"] not in declared:
                declared.add(block.args["name"])
                new.append(block)
        at = next((i for i, b in enumerate(blocks) if b.command in ("main", "macro", "task", "watcher")), len(blocks))
        return blocks[:at] + new + blocks[at:]


def program_after_empty_main(statements: list[Statement]) -> list[Statement]:
    """RobotLab's older layout: an empty `main` line with the program after it, beside it in the
    tree. RobotLab ran those lines as main (the course shipped such programs as working samples);
    a program whose main has lines keeps anything after it outside main (as `sequence_error`
    teaches). Declarations among them go before main; macros and tasks stay after it."""
    for index, statement in enumerate(statements):
        if statement.keyword.strip().lower() != "main":
            continue
        if statement.children:
            return statements
        rest = statements[index + 1:]
        body = []
        for item in rest:
            if item.keyword.strip().lower() in AFTER_MAIN:
                break
            body.append(item)
        if not any(item.keyword.strip().lower() not in STAYS_AT_TOP | {"comment"} for item in body):
            return statements
        declarations = [item for item in body if item.keyword.strip().lower() in STAYS_AT_TOP]
        statement.children = [item for item in body if item.keyword.strip().lower() not in STAYS_AT_TOP]
        return statements[:index] + declarations + [statement] + rest[len(body):]
    return statements


def _uses_name(statements: list[Statement], name: str) -> bool:
    """Whether any statement's values mention `name` (any case) as a word."""
    word = re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE)
    return any(any(word.search(v) for k, v in s.properties.items() if k not in ("note",))
               or _uses_name(s.children, name) for s in statements)


def build_program(statements: list[Statement], library: PackLibrary, file: str = "",
                  world: str = "") -> tuple[str, list[str]]:
    """Program text for the treescript pack and the notes; the text always checks clean."""
    pack = library.find(PACK)
    if pack is None:
        raise RobolabError([Problem(f"the '{PACK}' palette pack, which RobotLab programs become, is not "
                                    "installed", file)])
    mapping = Mapping()
    collect_names(statements, mapping)
    builder = _Builder(pack, mapping)
    if "timer" not in mapping.names and _uses_name(statements, "timer"):
        mapping.names["timer"] = "TIMER"   # RobotLab's own timer, counting from the start: declared here
        builder.hoisted.append(Block("timer", {"name": "TIMER"}))
    blocks = builder.blocks(program_after_empty_main(statements))
    program = Program(pack.id, pack.version, builder.with_hoisted(blocks), world=world)
    for _ in range(MAX_REPAIRS):
        text = print_program(program, pack)
        problems = check_text(text, library, file)
        if not problems:
            return text, mapping.report()
        try:
            _repair(program, text, problems, builder)
        except RobolabError as error:   # a value the mapping let through that no line can be blamed for
            raise RobolabError([Problem(f"cannot be imported: {p.message}", file) for p in error.problems]) from None
    raise RobolabError(problems)  # every repair turns a line into comments, so this is never reached


def _repair(program: Program, text: str, problems, builder: _Builder) -> None:
    """Turn the first refused line into comments, noting the checker's reason."""
    lines = _line_map(program, text)
    for problem in (p for p in problems if p.line):
        found = lines.get(problem.line)
        if found is None:
            continue
        siblings, index = found
        block = siblings[index]
        statement = builder.origin.get(id(block))
        if statement is None:
            continue
        builder.mapping.note(f"not imported: {problem.message}; kept as a comment", statement)
        siblings[index:index + 1] = kept_as_comment(statement)
        return
    raise RobolabError(problems)


def _line_map(program: Program, text: str) -> dict[int, tuple[list, int]]:
    """Printed line -> (the list holding that block, its index), by reading the text back raw."""
    found: dict[int, tuple[list, int]] = {}

    def visit(raws, blocks):
        for index, (raw, block) in enumerate(zip(raws, blocks)):
            found[raw.line] = (blocks, index)
            names = list(block.bodies)
            for position, body in enumerate(raw.bodies):
                name = body.name or (names[0] if names else None)
                if name in block.bodies:
                    visit(body.statements, block.bodies[name])

    visit(parse_raw(text).statements, program.blocks)
    return found
