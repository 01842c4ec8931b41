"""The bundle's entry point: the `robolab` command (the window, or a subcommand)."""

import multiprocessing
import sys

from robolab.cli import main

if __name__ == "__main__":
    # A run in the window starts a child process (robolab/live/child.py, the "spawn" way); in the
    # bundle that child is this program again, and freeze_support makes it the child, not a window.
    multiprocessing.freeze_support()
    sys.exit(main())
