"""Bringing RobotLab material over: .tsc programs and their .cfg simulator settings and arenas.

`import_program(path)` reads `x.tsc` and the `x.cfg` beside it and returns the RoboLab program
text, the world and robot file texts and the import report, without writing anything (the IDE
shows the result); `write_import(result, folder)` saves them side by side so the program opens,
checks and runs in its world: `x.rlab`, `x.world.toml`, `x.robot.toml` and the arena image.
"""

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from robolab.errors import Problem, RobolabError
from robolab.files import write_atomic
from robolab.importer.arena import arena_from_cfg
from robolab.importer.program import build_program
from robolab.importer.robot_model import Needs
from robolab.importer.tsc import Statement, read_tsc
from robolab.palette import PackLibrary
from simulator.bounded import MAX_IMAGE_BYTES, UnreadableFile, read_bytes


LOST = "kept as a comment"  # how every report line for a statement that was not carried over ends


@dataclass
class ImportResult:
    """One imported program: what to write, and the report of everything not carried over as is."""

    source: Path
    name: str  # the file stem the results are saved under
    program_text: str
    world_text: str
    robot_text: str
    image: Path | None = None  # the arena image to copy beside the world
    report_lines: list = field(default_factory=list)

    @property
    def program_file(self) -> str:
        return f"{self.name}.rlab"

    @property
    def world_file(self) -> str:
        return f"{self.name}.world.toml"

    @property
    def robot_file(self) -> str:
        return f"{self.name}.robot.toml"

    @property
    def lost(self) -> list[str]:
        """The report lines for RobotLab statements kept as comments: what the program lost."""
        return [line for line in self.report_lines if line.endswith(LOST)]

    def files(self) -> list[str]:
        return [self.program_file, self.world_file, self.robot_file] + ([self.image.name] if self.image else [])


def import_program(path: str | Path, library: PackLibrary | None = None) -> ImportResult:
    """Read a RobotLab program and its settings; RobolabError naming the file if it cannot be read."""
    path = Path(path)
    library = library or PackLibrary()
    statements = read_tsc(path)
    name = re.sub(r"[^\w.-]", "_", path.stem) or "imported"
    world_file = f"{name}.world.toml"
    text, notes = build_program(statements, library, str(path), world=world_file)
    cfg = _beside(path, ".cfg")
    arena = arena_from_cfg(cfg, name, _needs(statements), f"{name}.robot.toml")
    return ImportResult(path, name, text, arena.world, arena.robot, arena.image, notes + arena.notes)


def write_import(result: ImportResult, folder: str | Path, overwrite: bool = False) -> list[Path]:
    """Save an import in `folder`; refuses to replace files unless `overwrite` (work is never lost)."""
    folder = Path(folder)
    targets = [folder / result.program_file, folder / result.world_file, folder / result.robot_file]
    problems = [Problem("already exists; not replaced (use --force to replace it)", str(t))
                for t in targets if os.path.lexists(t)]
    copy = folder / result.image.name if result.image is not None else None
    picture = _bytes(result.image) if result.image is not None else b""
    same_picture = copy is not None and os.path.lexists(copy) and _bytes(copy) == picture
    if copy is not None and os.path.lexists(copy) and not same_picture:   # another arena of that name
        problems.append(Problem("already exists and is a different picture; not replaced (use --force to "
                                "replace it)", str(copy)))
    if problems and not overwrite:
        raise RobolabError(problems)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for target, text in zip(targets, (result.program_text, result.world_text, result.robot_text)):
            write_atomic(target, text)
        if copy is not None:
            if not same_picture:   # shared by several programs: copied once
                copy.write_bytes(picture)
            targets.append(copy)
    except OSError as error:
        raise RobolabError([Problem(f"cannot write the import: {error.strerror or error}",
                                    str(error.filename or folder))]) from None
    return targets


def _bytes(path: Path) -> bytes:
    try:
        return read_bytes(path, MAX_IMAGE_BYTES)
    except UnreadableFile as error:
        raise RobolabError([Problem(f"cannot read: {error}", str(path))]) from None


def import_plan(paths, output: str | Path | None = None) -> list[tuple[Path, Path]]:
    """(program, folder to write it in) for each .tsc named, and each .tsc in a folder named (its
    subfolders too, mirrored under `output`), so a whole course imports in one go."""
    plan, empty = [], []
    for given in map(Path, paths):
        if given.is_dir():
            found = sorted(p for p in given.rglob("*") if p.suffix.lower() == ".tsc" and p.is_file())
            if not found:
                empty.append(Problem("a folder with no RobotLab programs (.tsc) in it", str(given)))
            base = Path(output) if output else given
            plan += [(p, base / p.parent.relative_to(given)) for p in found]
        else:
            plan.append((given, Path(output) if output else given.parent))
    if empty:
        raise RobolabError(empty)
    return plan


def _beside(path: Path, suffix: str) -> Path | None:
    """x.cfg beside x.tsc, whatever the case of its name (course files came from Windows)."""
    exact = path.with_suffix(suffix)
    if exact.is_file():
        return exact
    for candidate in path.parent.glob("*"):
        if candidate.name.lower() == exact.name.lower() and candidate.is_file():
            return candidate
    return exact


def _needs(statements: list[Statement]) -> Needs:
    """The ports the program's output and sensor lines name (so the robot has those devices), and the
    arena its top-level background line names."""
    needs = Needs()

    def visit(items):
        for statement in items:
            props = statement.properties
            if statement.keyword == "output" and props.get("port", "").strip().upper() in ("A", "B", "C", "D"):
                needs.outputs[props["port"].strip().upper()] = props.get("name", "")
            if statement.keyword == "sensor" and props.get("port", "").strip() in ("1", "2", "3", "4"):
                needs.sensors[props["port"].strip()] = (props.get("name", ""), props.get("type", "").strip().lower())
            visit(statement.children)

    visit(statements)
    top = [s for s in statements if s.keyword == "background"]
    if top:
        needs.background = top[0].properties.get("path", top[0].properties.get("file", "")).strip()
    return needs


__all__ = ["ImportResult", "import_plan", "import_program", "write_import"]
