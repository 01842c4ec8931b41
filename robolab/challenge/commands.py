"""`robolab challenge check|list|try|verify` and `robolab mark`: the command line of challenges.

Only argparse here at import time: the simulator and Dask load when a command runs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def add_commands(commands, palette_option) -> None:
    challenge = commands.add_parser("challenge", help="check, list and try challenges; verify a completion code")
    sub = challenge.add_subparsers(dest="challenge_command", metavar="COMMAND", required=True)
    check = sub.add_parser("check", help="check challenge files; print file:line: problem")
    check.add_argument("files", nargs="+", metavar="FILE")
    check.add_argument("-q", "--quiet", action="store_true", help="print nothing for clean files")
    palette_option(check)
    check.set_defaults(run=_check)
    listing = sub.add_parser("list", help="the challenges that come with RoboLab")
    listing.set_defaults(run=_list)
    attempt = sub.add_parser("try", help="mark one program against a challenge and show each goal")
    attempt.add_argument("challenge", metavar="CHALLENGE", help="a challenge file or a shipped challenge's id")
    attempt.add_argument("program", metavar="PROGRAM")
    attempt.add_argument("--variants", type=int, default=1, metavar="K", help="layouts 1..K (default 1)")
    attempt.add_argument("--json", action="store_true", help="print the mark as one JSON object")
    palette_option(attempt)
    attempt.set_defaults(run=_try)
    verify = sub.add_parser("verify", help="mark a program again and say whether its completion code is right")
    verify.add_argument("challenge", metavar="CHALLENGE")
    verify.add_argument("program", metavar="PROGRAM")
    verify.add_argument("code", metavar="CODE")
    palette_option(verify)
    verify.set_defaults(run=_verify)

    mark = commands.add_parser("mark", help="mark students' programs against a challenge (on Dask)")
    mark.add_argument("submissions", nargs="+", metavar="SUBMISSION",
                      help=".rlab files or folders, one per student (the id is the file or folder name)")
    mark.add_argument("--challenge", required=True, metavar="FILE", help="a challenge file or a shipped challenge's id")
    mark.add_argument("--variants", type=int, default=3, metavar="K", help="layouts 1..K per submission (default 3)")
    mark.add_argument("-o", "--output", default="marks.csv", metavar="CSV", help="marks file (default marks.csv)")
    mark.add_argument("--report", metavar="HTML", help="also write an HTML report with each trail")
    mark.add_argument("--scheduler", metavar="tcp://HOST:8786", help="an existing Dask cluster (default: one on this machine)")
    mark.add_argument("--workers", type=int, metavar="N", help="local cluster: worker processes (default: one per core)")
    mark.add_argument("--time-limit", type=float, default=60.0, metavar="SECONDS",
                      help="wall seconds a submission may take before it is stopped (default 60)")
    mark.add_argument("--memory", type=int, default=1024, metavar="MB",
                      help="memory a submission may use (default 1024 MB)")
    palette_option(mark)
    mark.set_defaults(run=_mark)


def _library(args):
    from robolab.palette import PackLibrary

    return PackLibrary(getattr(args, "palette", None) or [])


def _load(name, args):
    from robolab.challenge.loader import load_challenge

    return load_challenge(name, _library(args))


def _check(args) -> int:
    from robolab.challenge.loader import check_challenge_file

    failed = False
    for file in args.files:
        challenge, problems = check_challenge_file(file, _library(args))
        for problem in problems:
            print(problem, file=sys.stderr)
        failed |= bool(problems)
        if challenge and not args.quiet:
            print(f"{file}: ok ({challenge.label}: {len(challenge.goals)} goals, {challenge.total:g} points, "
                  f"pass mark {challenge.pass_mark:g})")
    return 1 if failed else 0


def _list(args) -> int:
    from robolab.challenge.loader import load_challenge, shipped_challenges
    from robolab.errors import RobolabError

    for ident, path in shipped_challenges().items():
        try:
            print(f"{ident}\t{load_challenge(path).title}")
        except RobolabError as error:
            print(f"{ident}\t{len(error.problems)} problem(s): robolab challenge check {path}")
    return 0


def _challenge_and_program(args):
    """(challenge, program text), or None when either cannot be read (the problem is printed)."""
    from robolab.errors import RobolabError
    from robolab.files import read_text

    try:
        return _load(args.challenge, args), read_text(args.program)
    except RobolabError as error:
        print(error, file=sys.stderr)
        return None


def _try(args) -> int:
    from robolab.challenge.marking import mark_program

    loaded = _challenge_and_program(args)
    if loaded is None:
        return 1
    challenge, text = loaded
    variants = list(range(1, max(1, args.variants) + 1))
    mark = mark_program(challenge, text, variants, _library(args), name=args.program)
    if args.json:
        print(json.dumps({"challenge": mark.challenge, **mark.row(),
                          "variants": [{"variant": r.variant, "time": r.time, "error": r.error,
                                        "goals": [o.as_dict() for o in r.outcomes]} for r in mark.variants]}))
        return 0 if mark.passed else 1
    print(f"{challenge.title} ({challenge.label}), layouts {variants[0]}-{variants[-1]}")
    for result in mark.variants:
        print(f"layout {result.variant}: {result.score:g} points, {result.time:.1f} s simulated")
        for goal, outcome in zip(challenge.goals, result.outcomes):
            print(f"  {'✓' if outcome.met else '✗'} {goal.text}: {outcome.points:g}/{goal.points:g}"
                  + (f" ({outcome.detail})" if outcome.detail else ""))
    print(f"score {mark.score:g}/{challenge.total:g}, {'passed' if mark.passed else 'not passed'}, "
          f"{'★' * mark.stars}{'☆' * (len(challenge.stars) - mark.stars)}")
    print(f"completion code: {mark.code}")
    if mark.error:
        print(mark.error, file=sys.stderr)
    return 0 if mark.passed else 1


def _verify(args) -> int:
    from robolab.challenge.marking import verify_code

    loaded = _challenge_and_program(args)
    if loaded is None:
        return 1
    challenge, text = loaded
    ok, mark = verify_code(challenge, text, args.code, _library(args))
    if mark is None:
        print(f"{args.code}: not a completion code (it looks like 1-3:ABCDE-FGHIJ)", file=sys.stderr)
        return 1
    if ok:
        print(f"{args.code}: right: {Path(args.program).name} scores {mark.score:g} on {challenge.label}")
        return 0
    print(f"{args.code}: wrong: marked again, {Path(args.program).name} scores {mark.score:g} "
          f"and its code is {mark.code}", file=sys.stderr)
    return 1


def _mark(args) -> int:
    from robolab.challenge.batch import mark_command

    return mark_command(args)
