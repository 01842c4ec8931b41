"""Benchmark: parse + check + compile time for programs of 10 to 10,000 statements.

Prints a table (median of several runs). Target on the 2-core machine: 10,000 statements under
1 s, growing linearly. Run: .venv/bin/python bench/compile.py
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from robolab.language import compile_program, read_program  # noqa: E402
from robolab.palette import PackLibrary  # noqa: E402

# A lesson-like chunk of 10 statements: loops, a decision, variables, sensors, sound.
CHUNK = """\
# lap {n}
set name=speed value=(speed + 1)
repeat times=4 {{
    drive speed=(speed) amount=1 unit=rotations
    tank_drive left=30 right=-30 amount=190 unit=degrees
}}
if condition=(distance < 20 and reflected_light > 40) {{
    beep
}} else {{
    wait seconds=0.5
}}
"""


CHUNK_BLOCKS = 8


def program_text(statements: int) -> str:
    """A program of exactly `statements` blocks: a variable, lesson chunks, then beeps to fill."""
    chunks = (statements - 1) // CHUNK_BLOCKS
    lines = ["robolab 1 palette ev3 1.0", "var name=speed value=10"]
    lines += [CHUNK.format(n=n) for n in range(chunks)]
    lines += ["beep"] * (statements - 1 - chunks * CHUNK_BLOCKS)
    return "\n".join(lines) + "\n"


def measure(text: str, library: PackLibrary, runs: int) -> tuple[float, int]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        loaded = read_program(text, library, "bench.rlab")
        assert not loaded.problems, loaded.problems[:3]
        compile_program(loaded.program, loaded.pack, analysis=loaded.analysis)
        times.append(time.perf_counter() - start)
    count = sum(1 for _ in loaded.program.walk())
    return statistics.median(times), count


def main() -> None:
    library = PackLibrary()
    library.find("ev3")  # load the pack once, outside the timing
    measure(program_text(10), library, 3)  # warm up: grammar, caches
    print(f"{'statements':>10}  {'median s':>9}  {'µs/statement':>12}")
    for size in (10, 100, 1_000, 10_000):
        runs = 9 if size <= 1_000 else 5
        seconds, count = measure(program_text(size), library, runs)
        print(f"{count:>10}  {seconds:>9.4f}  {seconds / count * 1e6:>12.1f}")


if __name__ == "__main__":
    main()
