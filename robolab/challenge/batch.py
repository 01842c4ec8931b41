"""`robolab mark`: a cohort's submissions against a challenge, on a Dask cluster (local or remote).

Each submission is one Dask task. The task runs in a worker process, which hands it to its
sandbox (sandbox.py: a child per submission, with a wall-time limit and a memory cap). The
challenge travels with the tasks as a bundle of its files (the challenge, its world and floor
image, its robot, extra packs), so a worker on another machine needs only RoboLab installed.

marks.csv gets a row as each submission is done (so an interrupted run resumes where it
stopped) and is rewritten in id order at the end: the same submissions give the same file,
on one machine or many.
"""

from __future__ import annotations

import atexit
import csv
import hashlib
import io
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from robolab.errors import RobolabError

INSTALL_HINT = ("robolab mark runs on Dask distributed, which is not installed. Install it with:\n"
                "    {python} -m pip install 'robolab[marking]'\n"
                "(or, for this Python only: {python} -m pip install 'distributed>=2024.1')")


@dataclass
class Submission:
    id: str
    path: Path
    text: str = ""
    problem: str = ""      # why it cannot be marked at all (no program, unreadable, ...)


def find_submissions(paths: list[str]) -> list[Submission]:
    """One per student: NAME.rlab, or a folder NAME/ holding one .rlab (or main.rlab)."""
    found: dict[str, Submission] = {}
    for name in paths:
        path = Path(name)
        ident = path.stem if path.suffix == ".rlab" else path.name
        if path.is_dir():
            programs = sorted(path.glob("*.rlab"))
            main = [p for p in programs if p.name == "main.rlab"]
            if main or len(programs) == 1:
                sub = _read(ident, (main or programs)[0])
            elif not programs:
                sub = Submission(ident, path, problem=f"{path}: no .rlab program in this folder")
            else:
                names = ", ".join(p.name for p in programs)
                sub = Submission(ident, path, problem=f"{path}: {len(programs)} programs ({names}); "
                                                      f"keep one, or name the one to mark main.rlab")
        elif path.is_file():
            sub = _read(ident, path)
        else:
            raise RobolabError([_problem(f"{path}: no such file or folder")])
        if ident in found:
            raise RobolabError([_problem(f"two submissions have the id '{ident}': {found[ident].path} and {path}")])
        found[ident] = sub
    return sorted(found.values(), key=lambda s: s.id)


def _problem(message: str):
    from robolab.errors import Problem

    return Problem(message)


def _read(ident: str, path: Path) -> Submission:
    try:
        return Submission(ident, path, path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        return Submission(ident, path, problem=f"{path}: not a text file")
    except OSError as error:
        return Submission(ident, path, problem=f"{path}: cannot read it: {error.strerror}")


# --- the challenge's files, carried to the workers -----------------------------------------------------

def challenge_bundle(challenge, palettes: list[str]) -> dict:
    """{"files": {relative path: bytes}, "challenge": relative path, "palettes": [relative paths], "digest"}."""
    from robolab.challenge.variants import world_path
    from simulator.world_file import read_world_file

    files = [challenge.path.resolve()]
    world = world_path(challenge).resolve()
    files.append(world)
    spec = read_world_file(world)
    files += [p.resolve() for p in (spec.floor_image, spec.robot) if p is not None]
    if challenge.robot:
        files.append(Path(challenge.robot).resolve())
    packs = []
    for place in palettes:
        place = Path(place).resolve()
        packs += sorted(place.glob("*.toml")) if place.is_dir() else [place]
    files += packs
    root = Path(os.path.commonpath([str(p.parent) for p in files]))
    content = {p.relative_to(root).as_posix(): p.read_bytes() for p in dict.fromkeys(files)}
    digest = hashlib.sha256(repr(sorted(content.items())).encode()).hexdigest()[:16]
    return {"files": content, "challenge": challenge.path.resolve().relative_to(root).as_posix(),
            "palettes": [p.relative_to(root).as_posix() for p in packs], "digest": digest}


def _unpack(bundle: dict) -> tuple[str, list[str]]:
    """The bundle's files in this machine's temporary folder (once per bundle); the challenge's path."""
    root = Path(tempfile.gettempdir()) / f"robolab-mark-{bundle['digest']}"
    for relative, data in bundle["files"].items():
        target = root / relative
        if not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.{os.getpid()}")
            temporary.write_bytes(data)
            os.replace(temporary, target)
    return str(root / bundle["challenge"]), [str(root / p) for p in bundle["palettes"]]


_sandbox = None


def mark_on_worker(request: dict, bundle: dict) -> dict:
    """A Dask task: one submission, marked in this worker's sandbox."""
    global _sandbox
    from robolab.challenge.sandbox import Sandbox

    challenge, palettes = _unpack(bundle)
    if _sandbox is None:
        _sandbox = Sandbox()
        atexit.register(_sandbox.close)
    try:
        return _sandbox.mark({**request, "challenge": challenge, "palettes": palettes})
    except (OSError, RuntimeError, ValueError) as error:   # the server itself failed: a fresh one next time
        _sandbox = None
        return _failure(challenge, palettes, request, f"the marker failed: {error}")


def _failure(challenge_path: str, palettes: list[str], request: dict, reason: str) -> dict:
    from robolab.challenge.loader import load_challenge
    from robolab.challenge.marking import failed
    from robolab.challenge.sandbox import as_result
    from robolab.palette import PackLibrary

    challenge = load_challenge(challenge_path, PackLibrary(palettes))
    return as_result(failed(challenge, request["program"], request["variants"], reason))


# --- marks.csv ---------------------------------------------------------------------------------------

def header_for(challenge) -> list[str]:
    return ["id", "score", "pass", "stars"] + [goal.id for goal in challenge.goals] + ["time", "code", "error"]


class MarksFile:
    """marks.csv, appended row by row; on a second run its finished rows are kept, not redone."""

    def __init__(self, path: Path, header: list[str]):
        self.path, self.header = Path(path), header
        self.rows: dict[str, dict] = {}

    def resume(self) -> dict[str, dict]:
        """Read the rows a run before finished (a half-written last line is dropped); start appending."""
        if self.path.is_file() and self.path.stat().st_size:
            text = self.path.read_text(encoding="utf-8")
            lines = text.splitlines(keepends=True)
            if lines and not lines[-1].endswith("\n"):
                lines = lines[:-1]
            reader = list(csv.reader(io.StringIO("".join(lines))))
            if reader and reader[0] != self.header:
                raise RobolabError([_problem(f"{self.path} holds marks of another challenge or goals "
                                             f"(columns {', '.join(reader[0])}); give another -o, or remove it")])
            for values in reader[1:]:
                if len(values) == len(self.header):
                    self.rows[values[0]] = dict(zip(self.header, values))
        self._write_all(self.rows.values())
        self.file = open(self.path, "a", encoding="utf-8", newline="")
        self.writer = csv.DictWriter(self.file, self.header, lineterminator="\n")
        return dict(self.rows)

    def add(self, row: dict) -> None:
        self.rows[row["id"]] = row
        self.writer.writerow(row)
        self.file.flush()

    def finish(self) -> None:
        """Every row in id order: the same file however the work was shared out."""
        self.file.close()
        self._write_all(sorted(self.rows.values(), key=lambda row: row["id"]))

    def _write_all(self, rows) -> None:
        from robolab.files import write_atomic

        out = io.StringIO()
        writer = csv.DictWriter(out, self.header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        write_atomic(self.path, out.getvalue())


# --- the command -----------------------------------------------------------------------------------

def mark_command(args) -> int:
    try:
        import distributed  # noqa: F401
    except ImportError:
        print(INSTALL_HINT.format(python=sys.executable), file=sys.stderr)
        return 2
    from robolab.challenge.loader import load_challenge
    from robolab.palette import PackLibrary

    palettes = list(args.palette or [])
    try:
        challenge = load_challenge(args.challenge, PackLibrary(palettes))
        submissions = find_submissions(args.submissions)
        marks = MarksFile(Path(args.output), header_for(challenge))
        done = marks.resume()
    except RobolabError as error:
        print(error, file=sys.stderr)
        return 1
    variants = list(range(1, max(1, args.variants) + 1))
    pictures = _pictures_folder(args.report)
    todo = [s for s in submissions if s.id not in done]
    if done:
        print(f"{args.output}: {len(submissions) - len(todo)} of {len(submissions)} already marked; marking the rest")
    try:
        marked = run_batch(challenge, palettes, todo, variants, marks, args, pictures)
    except KeyboardInterrupt:
        print(f"\nstopped: {args.output} keeps the rows done; run the same command again to go on", file=sys.stderr)
        return 130
    marks.finish()
    if args.report:
        from robolab.challenge.report import write_report

        write_report(Path(args.report), challenge, marks.header, list(marks.rows.values()), pictures)
    rows = marks.rows.values()
    print(f"marked {marked} submissions; {len(marks.rows)} in {args.output}, "
          f"{sum(1 for r in rows if r['pass'] == 'yes')} passed")
    return 0


def _pictures_folder(report: str | None) -> Path | None:
    if not report:
        return None
    path = Path(report)
    return path.with_name(path.stem + "_trails")


def run_batch(challenge, palettes, todo, variants, marks: MarksFile, args, pictures: Path | None) -> int:
    """Mark `todo` on the cluster, writing each row (and its trail picture) as it comes back."""
    from robolab.challenge.marking import failed
    from robolab.challenge.sandbox import as_result

    first = None
    if pictures is not None:
        from robolab.challenge.variants import layout

        first = layout(challenge, variants[0])
    count = 0

    def record(sub_id: str, result: dict) -> None:
        nonlocal count
        marks.add({"id": sub_id, **result["row"]})
        if first is not None and result["trail"]:
            from robolab.challenge.report import thumbnail

            thumbnail(first, result["trail"], pictures / f"{sub_id}.png")
        count += 1

    runnable = []
    for sub in todo:
        if sub.problem:
            record(sub.id, as_result(failed(challenge, sub.text, variants, sub.problem)))
        else:
            runnable.append(sub)
    if not runnable:
        return count
    client, cluster = _connect(args)
    try:
        from distributed import as_completed

        [bundle] = client.scatter([challenge_bundle(challenge, palettes)], broadcast=True)   # a list: not keys
        requests = [{"program": s.text, "name": s.path.name, "variants": variants,
                     "wall": args.time_limit, "memory": args.memory} for s in runnable]
        futures = client.map(mark_on_worker, requests, bundle=bundle, pure=False)
        ids = {future.key: sub for future, sub in zip(futures, runnable)}
        for future in as_completed(futures):
            sub = ids[future.key]
            try:
                result = future.result()
            except Exception as error:  # noqa: BLE001 - a worker lost (e.g. its machine went away): that row says so
                result = as_result(failed(challenge, sub.text, variants, f"the marker failed: {error}"))
            record(sub.id, result)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return count


def _connect(args):
    """A client of the cluster at --scheduler, or of a new local one with a worker process per core."""
    import logging

    from distributed import Client, LocalCluster

    logging.getLogger("distributed").setLevel(logging.ERROR)
    if args.scheduler:
        return Client(args.scheduler, timeout="30s"), None
    workers = args.workers or os.cpu_count() or 1
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                           silence_logs=logging.ERROR)
    return Client(cluster), cluster
