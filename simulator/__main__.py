"""`python -m simulator PROGRAM.py [--world W] [--until S] [--seed N] [--json] [--trace OUT.csv]`."""

import argparse
import sys

from simulator.robot import RobotError
from simulator.run import run_program
from simulator.world import shipped_worlds
from simulator.world_file import WorldError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m simulator",
                                     description="Run an ev3dev2 program on a simulated EV3 driving base.")
    parser.add_argument("program", metavar="PROGRAM.py")
    parser.add_argument("--world", default="empty_arena",
                        help=f"a world file or a shipped world: {', '.join(sorted(shipped_worlds()))}")
    parser.add_argument("--robot", help="a robot model file (default: the EV3 Education driving base)")
    parser.add_argument("--until", type=float, metavar="SECONDS", help="end the run at this simulated time")
    parser.add_argument("--seed", type=int, default=0, help="seed for sensor and motor noise")
    parser.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    parser.add_argument("--trace", metavar="OUT.csv", help="write pose and sensor values after every step")
    args = parser.parse_args(argv)
    try:
        summary = run_program(args.program, args.world, args.robot, args.until, args.seed, args.trace)
    except (WorldError, RobotError) as error:
        print("\n".join(error.problems), file=sys.stderr)
        return 2
    except OSError as error:
        print(f"{args.program}: {error.strerror or error}", file=sys.stderr)
        return 2
    sys.stdout.write(summary.report(args.json))
    if summary.error:
        print(summary.error, file=sys.stderr, end="")
    busy = any(event.get("kind") == "busy" for event in summary.events)  # stopped: it never waited
    return 0 if not busy and (summary.stopped or summary.returncode == 0) else 1


if __name__ == "__main__":
    sys.exit(main())
