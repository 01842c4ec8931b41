"""`python -m robolab` is the `robolab` command."""

import sys

from robolab.cli import main

if __name__ == "__main__":   # not again in a run's child process (multiprocessing's spawn imports it)
    sys.exit(main())
