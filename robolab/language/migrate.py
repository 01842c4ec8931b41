"""Old files open: a program written for an older file format or pack version is brought up to date.

File format changes register a function in FORMAT_MIGRATIONS (format N -> N + 1, on the syntax
tree). Pack changes are data in the pack's [[migrations]] (renamed commands and params).
"""

from robolab.errors import Problem, RobolabError
from robolab.language.syntax import RawProgram, RawStatement
from robolab.model.program import FORMAT
from robolab.palette.model import Pack

FORMAT_MIGRATIONS: dict = {}  # format N -> function(RawProgram) -> RawProgram in format N + 1


def version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def migrate(raw: RawProgram, pack: Pack, file: str = "") -> RawProgram:
    if raw.format > FORMAT:
        raise RobolabError([Problem(f"this file was written by a newer RoboLab (file format {raw.format}; this "
                                    f"RoboLab reads up to {FORMAT}): update RoboLab to open it", file, raw.line)])
    while raw.format < FORMAT:
        step = FORMAT_MIGRATIONS.get(raw.format)
        if step is None:
            raise RobolabError([Problem(f"file format {raw.format} is not known", file, raw.line)])
        raw = step(raw)
    written, current = version_tuple(raw.version), version_tuple(pack.version)
    if written[0] > current[0]:
        raise RobolabError([Problem(f"this program is for {pack.id} {raw.version}, newer than the installed "
                                    f"{pack.label}: update the palette pack or RoboLab", file, raw.line)])
    for migration in sorted(pack.migrations, key=lambda m: version_tuple(m.before)):
        if written < version_tuple(migration.before):
            _rename(raw.statements, migration.commands, migration.params)
    return raw


def _rename(statements: list[RawStatement], commands: dict, params: dict) -> None:
    for statement in statements:
        statement.command = commands.get(statement.command, statement.command)
        for arg in statement.args:
            arg.name = params.get(f"{statement.command}.{arg.name}", arg.name)
        for body in statement.bodies:
            _rename(body.statements, commands, params)
