"""`python -m simulator PROGRAM [--world W] [--until S] [--seed N] [--json] [--trace OUT.csv]
[--remote T:CH:BUTTONS ...] [-- ARGS...]`."""

import argparse
import sys

from simulator.infrared import parse_press
from simulator.nbev3devsim import PROFILES
from simulator.robot import RobotError
from simulator.run import run_program
from simulator.world import shipped_worlds
from simulator.world_file import WorldError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m simulator",
                                     description="Run an ev3dev2 program on a simulated EV3 driving base.")
    parser.add_argument("program", metavar="PROGRAM", help="an ev3dev2 program: a .py file or a script without .py")
    parser.add_argument("args", nargs="*", metavar="ARGS",
                        help="the program's command-line arguments (after --, as in: prog.py -- -v 3)")
    parser.add_argument("--world",
                        help="a world file or a shipped world (default: empty_arena): "
                             f"{', '.join(sorted(shipped_worlds()))}")
    parser.add_argument("--robot", help="a robot model file (default: the EV3 Education driving base)")
    parser.add_argument("--until", type=float, metavar="SECONDS", help="end the run at this simulated time")
    parser.add_argument("--seed", type=int, default=0, help="seed for sensor and motor noise")
    parser.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    parser.add_argument("--trace", metavar="OUT.csv", help="write pose and sensor values after every step")
    parser.add_argument("--remote", action="append", default=[], type=_press, metavar="TIME:CHANNEL:BUTTONS",
                        help="press IR remote buttons at a simulated time, e.g. 1.5:1:top_left+top_right "
                             "(buttons: top_left, bottom_left, top_right, bottom_right, beacon; none: release)")
    parser.add_argument("--profile", choices=PROFILES,
                        help="run a program written for another simulator unchanged: nbev3devsim (the OU's "
                             "notebook simulator: its ev3dev2_glue, colour sensors, robot and backgrounds)")
    args = parser.parse_args(argv)
    try:
        summary = run_program(args.program, args.world, args.robot, args.until, args.seed, args.trace,
                              args=args.args, remote=args.remote, profile=args.profile)
    except (WorldError, RobotError) as error:
        print("\n".join(error.problems), file=sys.stderr)
        return 2
    except ValueError as error:  # an nbev3devsim background not drawn here, a start outside the world
        print(f"{args.program}: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"{args.program}: {error.strerror or error}", file=sys.stderr)
        return 2
    sys.stdout.write(summary.report(args.json))
    if summary.error:
        print(summary.error, file=sys.stderr, end="")
    busy = any(event.get("kind") == "busy" for event in summary.events)  # stopped: it never waited
    return 0 if not busy and (summary.stopped or summary.returncode == 0) else 1


def _press(text):
    try:
        return parse_press(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


if __name__ == "__main__":
    sys.exit(main())
