"""The bundle's entry point: the `robolab` command (the window, or a subcommand)."""

import sys

from robolab.cli import main

if __name__ == "__main__":
    sys.exit(main())
