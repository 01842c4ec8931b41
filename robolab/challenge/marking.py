"""The marking core: one program against a challenge, over variants, in this process. Plain Python.

`robolab mark` runs this in a sandboxed child per submission (sandbox.py); the window's result
card reads the same Watcher over its live run, and `result_of` turns either into the same Mark.
"""

from __future__ import annotations

import base64
import hashlib
import time
from dataclasses import dataclass, field

from robolab.challenge.goals import Outcome, RunEnd
from robolab.challenge.model import Challenge
from robolab.challenge.variants import layout
from robolab.challenge.watch import Watcher
from robolab.errors import Problem, RobolabError
from robolab.tracebacks import error_message, innermost, origin_in
from robolab.language import compile_program, read_program
from robolab.palette import COMMENT, PackLibrary
from simulator.lockstep import LockstepRunner
from simulator.physics import Simulation
from simulator.robot import load_robot

BUSY_LIMIT = 2.0   # wall seconds a program may run without waiting before it is stopped
NEVER_WAITS = "this never waits"
FATAL = (NEVER_WAITS, "MemoryError")   # errors not worth trying the other layouts for


@dataclass
class VariantResult:
    """One run of the program on one variant's layout."""

    variant: int
    outcomes: list[Outcome]
    time: float                  # simulated seconds
    error: str = ""
    trail: list = field(default_factory=list)
    wall: float = 0.0            # real seconds the simulated run took (for bench/mark.py, not the marks)

    @property
    def score(self) -> float:
        return 0.0 if self.error else sum(o.points for o in self.outcomes)


@dataclass
class Mark:
    """A program's mark: per goal and in total (means over the variants), pass, stars, code."""

    challenge: str
    variants: list[VariantResult]
    goals: dict                  # goal id -> mean points
    score: float
    passed: bool
    stars: int
    time: float                  # simulated seconds, all variants together
    error: str
    code: str

    def row(self) -> dict:
        """The marks.csv columns after the student's id."""
        row = {"score": f"{self.score:.2f}", "pass": "yes" if self.passed else "no", "stars": str(self.stars)}
        row.update({goal: f"{points:.2f}" for goal, points in self.goals.items()})
        row.update({"time": f"{self.time:.2f}", "code": self.code, "error": self.error})
        return row


def program_commands(program) -> tuple:
    """The commands a program uses, one per block, comments left out (its size)."""
    return tuple(block.command for _, block in program.walk() if block.command != COMMENT)


def read_submission(challenge: Challenge, text: str, library: PackLibrary, name: str):
    """(program, pack), or RobolabError: it must read, be for the challenge's pack, and keep to its level."""
    loaded = read_program(text, library, name)
    if loaded.problems:
        raise RobolabError(loaded.problems)
    program, pack = loaded.program, loaded.pack
    if pack.id != challenge.pack:
        raise RobolabError([Problem(f"this challenge is for the palette pack '{challenge.pack}', "
                                    f"the program is for '{pack.id}'", name, 1)])
    if challenge.level:
        allowed = set(pack.level_commands(challenge.level))
        for _, block in program.walk():
            if block.command != COMMENT and block.command not in allowed:
                raise RobolabError([Problem(f"'{block.command}' is not in the level '{challenge.level}'",
                                            name, block.line, block.column)])
    return program, pack


def first_problem(error: RobolabError) -> str:
    return str(error.problems[0]) if error.problems else str(error)


def run_variant(challenge: Challenge, program, pack, variant: int, name: str = "program",
                busy_limit: float = BUSY_LIMIT) -> VariantResult:
    """Run the program on one variant and judge every goal."""
    compiled = compile_program(program, pack, name=name)
    where = layout(challenge, variant)
    world = where.world
    robot = load_robot(challenge.robot or getattr(world, "robot", None))
    sim = Simulation(world, robot, seed=variant)
    runner = LockstepRunner(sim, f"{name}.py", source=compiled.source, until=challenge.time_limit,
                            busy_limit=busy_limit, stop_when_busy=True)
    watcher = Watcher(challenge, where, sim, runner, program_commands(program))
    runner.on_step = watcher.on_step
    began = time.perf_counter()
    result = runner.run()
    wall = time.perf_counter() - began
    error = run_error(program, compiled, runner, result, name)
    end = RunEnd(round(sim.time, 3), finished=not (result.stopped or result.timed_out) and not error, error=error)
    outcomes = watcher.finish(end)
    return VariantResult(variant, outcomes, round(sim.time, 3), error, watcher.trail, wall)


@dataclass(frozen=True)
class GoalWatch:
    """A challenge layout's goals to watch on a live run (the window's). Plain data, so it travels
    with the run to the run's own process, where a Watcher sees every physics step and the end is
    judged as run_variant judges it: the window only shows the goals' states and the verdict."""

    challenge: Challenge
    layout: object               # variants.Layout
    variant: int

    def watcher(self, live, sim, runner) -> Watcher:
        """A Watcher of this run (`live`: the run's LiveProgram, or a Python file's, which has no blocks);
        call its on_step after every step."""
        commands = program_commands(live.program) if live.program is not None else ()
        return Watcher(self.challenge, self.layout, sim, runner, commands)

    def verdict(self, watcher: Watcher, live, runner, result, time: float) -> VariantResult:
        """The run has ended (LockstepRunner's result): each goal's outcome, as `robolab mark` gives."""
        name = getattr(live, "title", "") or f"{live.name}.rlab"   # a Python file's own name, or the program's
        error = run_error(live.program, live.compiled, runner, result, name)
        end = RunEnd(round(time, 3), finished=not (result.stopped or result.timed_out) and not error, error=error)
        return VariantResult(self.variant, watcher.finish(end), round(time, 3), error, watcher.trail)


def run_error(program, compiled, runner, result, name: str) -> str:
    """The program's run-time failure on its own line, or ""."""
    busy = next((e for e in runner.events if (e.get("kind") or e.get("type")) == "busy"), None)
    if busy is not None:   # named by its top-level block: where inside the loop it was caught depends on the clock
        return str(Problem(NEVER_WAITS + ", so simulated time stood still and the run was stopped",
                           name, *_where(program, innermost(busy.get("lines", []), compiled.block_at_line), top=True)))
    if result.returncode and not result.stopped and not result.timed_out:
        origin = origin_in(result.stderr, runner.filename, compiled.block_at_line, result.line)
        return str(Problem(f"while running: {error_message(result.stderr)}", name, *_where(program, origin)))
    return ""


def _where(program, origin, top: bool = False) -> tuple[int, int]:
    """Where a block (its path; top: its top-level block) is in the program, (0, 0) when nowhere."""
    if origin and top:
        origin = origin[:1]
    block = program.block_at(origin) if origin and program is not None else None
    return (block.line, block.column) if block else (0, 0)


def mark_program(challenge: Challenge, text: str, variants=(1,), library: PackLibrary | None = None,
                 name: str = "program", busy_limit: float = BUSY_LIMIT) -> Mark:
    """Mark program text over the given variants."""
    library = library or PackLibrary()
    try:
        program, pack = read_submission(challenge, text, library, name)
    except RobolabError as error:
        return failed(challenge, text, variants, first_problem(error))
    results = []
    for variant in variants:
        if results and any(fatal in results[-1].error for fatal in FATAL):   # it would do the same on every layout
            results.append(VariantResult(variant, [Outcome(g.id, False, 0.0, results[-1].error)
                                                   for g in challenge.goals], 0.0, results[-1].error))
            continue
        results.append(run_variant(challenge, program, pack, variant, name, busy_limit))
    return result_of(challenge, text, results)


def failed(challenge: Challenge, text: str, variants, error: str) -> Mark:
    """The mark of a program that could not be run at all: 0, with why."""
    results = [VariantResult(v, [Outcome(g.id, False, 0.0, error) for g in challenge.goals], 0.0, error)
               for v in variants]
    return result_of(challenge, text, results)


def result_of(challenge: Challenge, text: str, results: list[VariantResult]) -> Mark:
    """Means over the variants: each goal's points, the score; then pass, stars and the code."""
    count = max(1, len(results))
    goals = {}
    for goal in challenge.goals:
        earned = [0.0 if r.error else next((o.points for o in r.outcomes if o.goal == goal.id), 0.0) for r in results]
        goals[goal.id] = round(sum(earned) / count, 2)
    score = round(sum(goals.values()), 2)
    errors = [r for r in results if r.error]
    error = ""
    if errors:
        same = len({r.error for r in errors}) == 1 and len(errors) == len(results)
        error = errors[0].error if same else f"layout {errors[0].variant}: {errors[0].error}"
    variants = [r.variant for r in results]
    return Mark(challenge.label, results, goals, score, challenge.passed(score), challenge.stars_for(score),
                round(sum(r.time for r in results), 3), error,
                completion_code(challenge, text, variants, score))


def variants_label(variants) -> str:
    variants = list(variants)
    if len(variants) > 1 and variants == list(range(variants[0], variants[-1] + 1)):
        return f"{variants[0]}-{variants[-1]}"
    return ",".join(str(v) for v in variants)


def parse_variants(label: str) -> list[int]:
    """"1-3" -> [1, 2, 3]; "2,5" -> [2, 5]; ValueError if it is neither."""
    if "-" in label:
        first, last = (int(n) for n in label.split("-", 1))
        if not 0 <= first <= last <= 10_000:
            raise ValueError(label)
        return list(range(first, last + 1))
    return [int(n) for n in label.split(",")]


def completion_code(challenge: Challenge, text: str, variants, score: float) -> str:
    """A short hash of the challenge, the program's text, the variants and the score: "1-3:K7QXM-2PAWZ".
    Only a program that earns the score gives the code, so a tutor checks it by marking again."""
    label = variants_label(variants)
    data = "\0".join([challenge.id, str(challenge.version), label, f"{score:.2f}", text.replace("\r\n", "\n")])
    digest = base64.b32encode(hashlib.sha256(data.encode("utf-8")).digest()).decode()[:10]
    return f"{label}:{digest[:5]}-{digest[5:]}"


def verify_code(challenge: Challenge, text: str, code: str, library: PackLibrary | None = None) -> tuple[bool, Mark | None]:
    """Mark the program again on the variants the code names; (does the code match?, the mark)."""
    label, _, _ = code.strip().partition(":")
    try:
        variants = parse_variants(label)
    except ValueError:
        return False, None
    mark = mark_program(challenge, text, variants, library)
    return mark.code.upper() == code.strip().upper(), mark
