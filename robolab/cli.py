"""The `robolab` command: check and compile programs, check palette packs.

Each command imports what it needs when it runs: `robolab --version` and `--help` load nothing
of the language, the simulator or Qt (a whole `robolab --version` takes a few hundredths of a second).
"""

import argparse
import os
import sys

from robolab import __version__
from robolab.challenge.commands import add_commands as add_challenge_commands


def _library(args):
    from robolab.palette import PackLibrary

    return PackLibrary(args.palette or [])


def _report(problems, ok_line: str, quiet: bool) -> bool:
    """Print a file's problems to stderr (or its ok line); True when it has problems."""
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems and not quiet:
        print(ok_line)
    return bool(problems)


def _program_problems(file: str, library):
    from robolab.errors import RobolabError
    from robolab.files import read_text
    from robolab.language import read_program

    try:
        return read_program(read_text(file), library, file).problems
    except RobolabError as error:
        return error.problems


def _check(args) -> int:
    library = _library(args)
    failed = [_report(_program_problems(file, library), f"{file}: ok", args.quiet) for file in args.files]
    return 1 if any(failed) else 0


def _compile(args) -> int:
    from pathlib import Path

    from robolab.errors import RobolabError
    from robolab.files import check_writable, read_text, write_atomic
    from robolab.language import compile_program, parse_program

    try:
        program, pack = parse_program(read_text(args.file), _library(args), args.file)
        compiled = compile_program(program, pack, name=Path(args.file).stem)
    except RobolabError as error:
        print(error, file=sys.stderr)
        return 1
    if args.output in (None, "-"):
        sys.stdout.write(compiled.source)
        return 0
    try:
        check_writable(args.output, Path(args.file).stem + ".py")
        write_atomic(args.output, compiled.source, executable=True)
    except RobolabError as error:
        print(error, file=sys.stderr)
        return 1
    except OSError as error:
        print(f"{args.output}: cannot write: {error.strerror or error}", file=sys.stderr)
        return 1
    return 0


def _run(args) -> int:
    import gc

    gc.disable()   # what loads now lives as long as the process: no garbage collections meanwhile
    from robolab import cache
    from robolab.errors import RobolabError
    from robolab.run import run_file  # the simulator loads only when a program runs
    from simulator import floors
    from simulator.robot import RobotError
    from simulator.world_file import WorldError

    floors.keep_in(cache.cache_dir())   # a world drawn before is read back: no drawing, no Pillow
    gc.freeze()    # and the run's collections never scan it (together 3% of a 120 s run's instructions)
    gc.enable()
    try:
        if args.profile or args.file.endswith(".py"):  # a Python program: straight onto the simulated EV3
            from simulator.run import run_program
            summary = run_program(args.file, args.world, None, args.until, args.seed, args.trace,
                                  args=args.args, profile=args.profile)
            problems = [summary.error.rstrip()] if summary.error else []  # its traceback
        else:
            # the pack places, not a library: a program compiled before needs no pack loaded
            summary, problems = run_file(args.file, args.palette or [], args.world, args.until, args.seed, args.trace)
    except (OSError, ValueError) as error:  # a Python file that cannot be read, a profile's bad world
        print(f"{args.file}: {getattr(error, 'strerror', None) or error}", file=sys.stderr)
        return 1
    except RobolabError as error:
        print(error, file=sys.stderr)
        return 1
    except (WorldError, RobotError) as error:
        print("\n".join(error.problems), file=sys.stderr)
        return 1
    finally:
        if not args.whole_process:
            gc.unfreeze()   # as it was, for a caller that goes on (a process ending now need not:
                            # its last collection would scan what the freeze spared, 40 M instructions)
    sys.stdout.write(summary.report(args.json))
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


def _import(args) -> int:
    from robolab.errors import RobolabError
    from robolab.importer import import_plan, import_program, write_import  # only when importing

    try:
        plan = import_plan(args.files, args.output)
    except RobolabError as error:
        print(error, file=sys.stderr)
        return 1
    failed = False
    for file, folder in plan:
        try:
            result = import_program(file, _library(args))
            written = write_import(result, folder, overwrite=args.force)
        except RobolabError as error:
            print(error, file=sys.stderr)
            failed = True
            continue
        print(f"{file} -> {written[0]} (world {written[1].name}, robot {written[2].name})")
        for line in result.report_lines:
            print(f"  {line}")
    return 1 if failed else 0


def _palette_check(args) -> int:
    from robolab.palette import check_pack_file

    failed = []
    for file in args.packs:
        pack, problems = check_pack_file(file)
        summary = f"{file}: ok ({pack.label}, {len(pack.commands)} commands, {len(pack.levels)} levels)" if pack else ""
        failed.append(_report(problems, summary, args.quiet))
    return 1 if any(failed) else 0


def _palette_list(args) -> int:
    from robolab.errors import RobolabError

    library = _library(args)
    for path in library.files():
        try:
            pack = library.load(path)
            print(f"{pack.id} {pack.version}\t{pack.title}\t{path}")
        except RobolabError as error:
            print(f"{path}: {len(error.problems)} problem(s); run robolab palette check {path}")
    return 0


def _push(args) -> int:
    from robolab.push import push_file  # the EV3 link loads only when a brick is used

    return push_file(args.file, args.brick, args.and_run, _library(args))


def _stop(args) -> int:
    from robolab.push import stop_brick

    return stop_brick(args.brick)


def _brick_list(args) -> int:
    from robolab.push import list_bricks

    return list_bricks(status=args.status)


def _brick_forget(args) -> int:
    from robolab.push import forget_brick

    return forget_brick(args.name)


def _brick_setup(args) -> int:
    from robolab.ev3.setup import setup_command

    return setup_command(args)


def _add_ev3_commands(commands, palette_option) -> None:
    """robolab push / stop / brick setup|list: the EV3 link (robolab/ev3, docs/ev3.md)."""
    push = commands.add_parser("push", help="download a program to an EV3 brick, and with --run run it there")
    push.add_argument("file", metavar="FILE")
    push.add_argument("--brick", metavar="NAME|HOST|HOST:PORT", help="a paired brick (default: the only one)")
    push.add_argument("--run", dest="and_run", action="store_true", help="run it, showing its output; Ctrl+C stops it")
    palette_option(push)
    push.set_defaults(run=_push)
    stop = commands.add_parser("stop", help="stop the program running on a brick and brake its motors")
    stop.add_argument("--brick", metavar="NAME|HOST|HOST:PORT", help="a paired brick (default: the only one)")
    stop.set_defaults(run=_stop)
    brick = commands.add_parser("brick", help="set up EV3 bricks and list the paired ones")
    brick_commands = brick.add_subparsers(dest="brick_command", metavar="COMMAND", required=True)
    setup = brick_commands.add_parser("setup", help="prepare a brick over SSH once, and pair it with this computer")
    setup.add_argument("host", metavar="HOST")
    setup.add_argument("--user", default="robot", help="SSH user (default robot)")
    setup.add_argument("--password", help="SSH password (default: ev3dev's 'maker', then ask)")
    setup.add_argument("--name", help="the brick's name, e.g. group-3 (default: its host name)")
    setup.add_argument("--port", type=int, help="the brick service's port (default 18817)")
    setup.add_argument("--wheels", metavar="DIR", help="rpyc 4.1.5 and plumbum files to install (default: download)")
    setup.set_defaults(run=_brick_setup)
    blist = brick_commands.add_parser("list", help="the bricks paired with this computer")
    blist.add_argument("--status", action="store_true", help="also connect to each: battery, versions, program")
    blist.set_defaults(run=_brick_list)
    forget = brick_commands.add_parser("forget", help="unpair a brick from this computer")
    forget.add_argument("name", metavar="NAME")
    forget.set_defaults(run=_brick_forget)


# Every command, by the group that adds it (build_parser): `robolab X ...` builds only X's group.
GROUPS = {"check": ("check",), "compile": ("compile",), "run": ("run",), "import": ("import",),
          "palette": ("palette",), "ev3": ("push", "stop", "brick"), "challenge": ("challenge", "mark")}
COMMANDS = tuple(name for names in GROUPS.values() for name in names)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser: every command's, or (`command`) only the group of that one, as
    `robolab run` needs (building them all was a twentieth of a short run's start-up)."""
    def wanted(group):
        return command is None or command in GROUPS[group]

    parser = argparse.ArgumentParser(prog="robolab", description="Program LEGO EV3 robots by dragging text commands.")
    parser.add_argument("--version", action="version", version=f"RoboLab {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def palette_option(sub):
        sub.add_argument("--palette", action="append", metavar="PATH",
                         help="a palette pack file or folder to use besides the shipped ones")

    if wanted("check"):
        check = commands.add_parser("check", help="check programs; print file:line:col: problem")
        check.add_argument("files", nargs="+", metavar="FILE")
        check.add_argument("-q", "--quiet", action="store_true", help="print nothing for clean files")
        palette_option(check)
        check.set_defaults(run=_check)

    if wanted("compile"):
        compile_ = commands.add_parser("compile", help="compile a program to ev3dev2 Python")
        compile_.add_argument("file", metavar="FILE")
        compile_.add_argument("-o", "--output", metavar="OUT", help="write here (default: print it)")
        palette_option(compile_)
        compile_.set_defaults(run=_compile)

    if wanted("run"):
        run = commands.add_parser("run", help="run a program on the simulated robot, without a window")
        run.add_argument("file", metavar="FILE")
        run.add_argument("--world", metavar="W", help="a shipped world's name or a world file")
        run.add_argument("--until", type=float, metavar="SECONDS", help="end the run at this simulated time")
        run.add_argument("--seed", type=int, default=0, help="seed for sensor and motor noise (default 0)")
        run.add_argument("--json", action="store_true", help="print the summary as one JSON object")
        run.add_argument("--trace", metavar="OUT.csv", help="write pose and sensor values after every step")
        run.add_argument("--profile", choices=["nbev3devsim"],
                         help="FILE is a Python program written for another simulator (nbev3devsim: the OU's notebook one)")
        run.add_argument("args", nargs="*", metavar="ARGS", help="a Python program's arguments (after --)")
        palette_option(run)
        run.set_defaults(run=_run)

    if wanted("import"):
        import_ = commands.add_parser("import", help="import RobotLab programs (.tsc) with their settings and arenas")
        import_.add_argument("files", nargs="+", metavar="FILE.tsc|FOLDER", help="programs, or folders of them")
        import_.add_argument("-o", "--output", metavar="DIR", help="write here (default: beside each .tsc)")
        import_.add_argument("--force", action="store_true", help="replace files an earlier import wrote")
        palette_option(import_)
        import_.set_defaults(run=_import)

    if wanted("palette"):
        palette = commands.add_parser("palette", help="palette packs")
        palette_commands = palette.add_subparsers(dest="palette_command", metavar="COMMAND", required=True)
        pcheck = palette_commands.add_parser("check", help="check palette pack files")
        pcheck.add_argument("packs", nargs="+", metavar="PACK")
        pcheck.add_argument("-q", "--quiet", action="store_true")
        pcheck.set_defaults(run=_palette_check)
        plist = palette_commands.add_parser("list", help="list the installed palette packs")
        palette_option(plist)
        plist.set_defaults(run=_palette_list)

    if wanted("ev3"):
        _add_ev3_commands(commands, palette_option)
    if wanted("challenge"):
        add_challenge_commands(commands, palette_option)
    return parser


WINDOW_HELP = ("Without a command it opens the window: robolab [FILE] [--palette PACK]; "
               "robolab --screenshot OUT.png [--size WxH] [--present] [FILE]. "
               "--palette PACK (a .toml file or a folder of them, repeatable) uses course packs besides the shipped ones.")


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(n) for n in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size like 1280x800") from None
    if not (200 <= width <= 8000 and 200 <= height <= 8000):
        raise argparse.ArgumentTypeError(f"{text!r}: width and height must be 200 to 8000 pixels")
    return width, height


def _window(argv: list[str]) -> int:
    """robolab [FILE] opens the window; --screenshot renders it to a PNG and exits."""
    parser = argparse.ArgumentParser(prog="robolab", description="Open the RoboLab window.")
    parser.add_argument("file", nargs="?", metavar="FILE", help="a program to open")
    parser.add_argument("--screenshot", metavar="OUT.png", help="write a picture of the window and exit")
    parser.add_argument("--size", type=_size, default=(1280, 800), metavar="WxH", help="window size (1280x800)")
    parser.add_argument("--present", action="store_true", help="the screenshot in presentation mode")
    parser.add_argument("--palette", action="append", metavar="PATH",
                        help="a palette pack file or folder to use besides the shipped ones")
    args = parser.parse_args(argv)
    from robolab.ui.platform_check import platform_problem
    problem = platform_problem()
    if problem:  # Qt would abort with a wall of text; this is the line that fixes it
        print(f"robolab: {problem}", file=sys.stderr)
        return 1
    from robolab.ui import app  # Qt loads only for the window, never for the plain commands

    if args.screenshot:
        return app.screenshot(args.screenshot, args.size, args.file, args.palette or [], present=args.present)
    return app.run(args.file, args.palette or [])


def _opens_window(argv: list[str]) -> bool:
    return not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version"))


def main(argv: list[str] | None = None) -> int:
    """The command line: argv None is this process's own, which ends with the command."""
    whole_process = argv is None
    argv = sys.argv[1:] if argv is None else list(argv)
    if _opens_window(argv):
        return _window(argv)
    parser = build_parser(argv[0] if argv[0] in COMMANDS else None)
    parser.epilog = WINDOW_HELP
    args = parser.parse_args(argv)
    args.whole_process = whole_process
    if not getattr(args, "run", None):
        parser.print_help()
        return 0
    try:
        return args.run(args)
    except BrokenPipeError:  # e.g. `robolab check ... | head`: the reader has gone, so stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
