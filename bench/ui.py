"""Benchmark: the window's start-up, and edits on big programs (offscreen).

Prints: start to window shown (a fresh process, interpreter start included); then for a 2,000-
and a 20,000-line program (the examples' commands, nested up to 4 deep), each on its own line:
open, replace by another program (and of that, the canvas's part: its rows made anew, laid out and
painted), insert at the top, move, undo, change a value (each edit the median of several runs after
one untimed run, measured until Qt has processed what it caused, in wall time and in the window
thread's CPU time, the steadier figure on a loaded machine),
and the longest stall of the event loop in the 2 s after an edit (a 5 ms timer noting how late
its ticks come: the checking and compiling that follow an edit included). Open and replace are
timed until the program is shown (a big file is read off the window's thread), each once the
program before has its snapshot; the longest stall while replacing is printed too. Then programs
of 20,000 to 100,000 lines opened and replaced, with the time per 1,000 lines (linear when it
stays the same). Targets on the 2-core machine: window shown in under 1 s; each edit under 16 ms
at 2k lines and 50 ms at 20k; replace under 1 s and the stall under 50 ms at 20k. Then the
simulator panel's figures (bench/sim_view.py).
Run: .venv/bin/python bench/ui.py [--quick] [--big]
(quick: no start-up, no 100k, no simulator; big: the 100k lines even when quick)
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STARTUP = """
import time, sys
from robolab.ui import app
from PySide6.QtCore import QSettings, QTimer
from robolab.palette import PackLibrary
from robolab.ui.autosave import Autosave
from robolab.ui.main_window import MainWindow
qt = app.application()
window = MainWindow(PackLibrary(), settings=QSettings(sys.argv[1], QSettings.Format.IniFormat),
                    autosave=Autosave(sys.argv[2]))
from PySide6.QtCore import QEvent, QObject


class FirstPaint(QObject):
    shown = None
    heavy = "-"

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and FirstPaint.shown is None:
            FirstPaint.shown = time.time()
            FirstPaint.heavy = ",".join(m for m in ("lark", "pymunk") if m in sys.modules) or "-"
        return False


spy = FirstPaint()
window.installEventFilter(spy)
window.show()
qt.processEvents()
print(FirstPaint.shown, FirstPaint.heavy)
"""

# 40 lines of a lesson-like program (the examples' commands, nested up to 4 deep), repeated.
CHUNK = """\
# lap {n}: drive a square, then look around
set name=speed value=(speed + 1)
repeat times=4 {{
    drive speed=(speed) amount=1 unit=rotations
    # turn on the spot
    tank_drive left=30 right=-30 amount=190 unit=degrees
    if condition=(distance < 20 and reflected_light > 40) {{
        repeat times=2 {{
            beep
            if condition=(timer > 5) {{
                say_number value=(speed)
                tone frequency=440 seconds=0.1
            }}
        }}
    }} else {{
        wait seconds=0.2
    }}
}}
repeat_until condition=(distance < 10 or timer > 20) {{
    log label="distance" value=distance
    wait seconds=0.2
}}
forever {{
    start_driving speed=(speed)
    wait_until condition=(distance < 30)
    stop_driving how=brake
    steer steering=100 speed=30 amount=1 unit=rotations
    change name=speed amount=1
    leave_loop
}}
note note=C4 seconds=0.3
say words="lap {n} done"
reset_timer
"""


def big_program(lines: int, variant: str = "") -> str:
    """About `lines` lines of program text; another `variant` differs in every chunk's comment."""
    chunks = -(-lines // CHUNK.count("\n"))
    return ("robolab 1 palette ev3 1.0\nvar name=speed value=10\n" +
            "".join(CHUNK.format(n=f"{variant}{n}") for n in range(chunks)))


def startup(scratch: Path) -> tuple[float, str]:
    begin = time.time()
    out = subprocess.run([sys.executable, "-c", STARTUP, str(scratch / "s.ini"), str(scratch / "auto")],
                         capture_output=True, text=True, cwd=ROOT, check=True).stdout.split()
    return float(out[0]) - begin, out[1]


def main() -> None:
    quick, big = "--quick" in sys.argv, "--big" in sys.argv
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        if not quick:
            runs = [startup(scratch) for _ in range(5)]
            shown = statistics.median(r[0] for r in runs)
            print(f"start to window shown              {shown * 1000:8.0f} ms   "
                  f"(median of 5; loaded before the first frame: {runs[0][1]})")

        from PySide6.QtCore import QSettings

        from robolab.palette import PackLibrary
        from robolab.ui import app
        from robolab.ui.autosave import Autosave
        from robolab.ui.main_window import MainWindow

        qt = app.application()
        window = MainWindow(PackLibrary(), settings=QSettings(str(scratch / "b.ini"), QSettings.Format.IniFormat),
                            autosave=Autosave(scratch / "auto"))
        window.files.ask_unsaved = lambda: "discard"
        window.resize(1280, 800)
        window.show()
        qt.processEvents()
        for lines in (2000, 20000):
            edits_of(window, scratch, lines)
        if big or not quick:
            for lines in (20_000, 50_000, 100_000):
                first, second = scratch / "huge_a.rlab", scratch / "huge_b.rlab"
                first.write_text(big_program(lines))
                second.write_text(big_program(lines, "b"))
                window.files.new_program("ev3")
                settle(window)
                opened, opened_cpu = timed_cpu(lambda: open_program(window, first))
                settle(window)
                replaced, replaced_cpu = timed_cpu(lambda: open_program(window, second))
                settle(window)
                print(f"{lines // 1000}k lines: open {opened:6.0f} ms, replace {replaced:6.0f} ms; per 1,000 lines "
                      f"{opened / lines * 1000:.0f} and {replaced / lines * 1000:.0f} ms "
                      f"(CPU {opened_cpu / lines * 1000:.0f} and {replaced_cpu / lines * 1000:.0f} ms)")
        window.close()
    if not quick:
        simulator_panel()


def timed(action) -> float:
    return timed_cpu(action)[0]


def timed_cpu(action) -> tuple[float, float]:
    """Milliseconds from `action` until Qt has processed what it caused, and the CPU time that
    took in all of this process's threads (which a busy machine inflates less)."""
    from PySide6.QtWidgets import QApplication

    begin, cpu = time.perf_counter(), time.process_time()
    action()
    QApplication.processEvents()
    return (time.perf_counter() - begin) * 1000, (time.process_time() - cpu) * 1000


def open_program(window, path: Path) -> None:
    """Open a file and wait until the window shows it (a big file is read off the window's thread)."""
    window.files.open_file(path)
    wait_read(window)


def wait_read(window) -> None:
    """Until the file being read is shown."""
    wait_until(lambda: not window.files.reading.busy)


def settle(window) -> None:
    """Until the program shown has its snapshot (problems, Python), as after a moment's work: a
    replace then times itself, not the last program's snapshot still computing on its thread."""
    wait_until(lambda: not window.files.reading.busy and not window.snapshots.busy)


def wait_until(done) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    if not done():
        loop, timer = QEventLoop(), QTimer(interval=1)
        timer.timeout.connect(lambda: done() and loop.quit())
        timer.start()
        loop.exec()
        timer.stop()


def timed_both(action) -> tuple[float, float]:
    """Milliseconds of wall time and of the window thread's CPU time until Qt has processed what
    `action` caused (on a loaded machine the CPU time is the steadier figure: the wall time also
    holds waits for the other engineers' processes and for the checker's thread)."""
    from PySide6.QtWidgets import QApplication

    begin, cpu = time.perf_counter(), time.thread_time()
    action()
    QApplication.processEvents()
    return (time.perf_counter() - begin) * 1000, (time.thread_time() - cpu) * 1000


def longest_stall(action, seconds: float = 2.0) -> float:
    """The longest the event loop went without running a 5 ms timer, in the `seconds` after `action`."""
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer

    clock, ticks = QElapsedTimer(), []
    timer = QTimer(interval=5)
    timer.timeout.connect(lambda: ticks.append(clock.elapsed()))
    loop = QEventLoop()
    clock.start()
    timer.start()
    action()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    timer.stop()
    times = [0] + ticks
    return max(b - a for a, b in zip(times, times[1:]))


def edits_of(window, scratch: Path, lines: int) -> None:
    from PySide6.QtWidgets import QApplication

    from robolab.model import edits
    from robolab.model.expr import Num
    from robolab.ui.file_actions import READ_ASIDE_FROM

    label = f"{lines // 1000}k"
    first, second = scratch / f"a{lines}.rlab", scratch / f"b{lines}.rlab"
    first.write_text(big_program(lines))
    second.write_text(big_program(lines, "b"))
    open_program(window, scratch / "a2000.rlab" if lines != 2000 else second)  # something open already
    QApplication.processEvents()
    settle(window)
    opened, opened_cpu = timed_cpu(lambda: open_program(window, first))
    settle(window)
    replaced, replaced_cpu = timed_cpu(lambda: open_program(window, second))
    settle(window)
    commands = sum(1 for _ in window.document.program.walk())
    print(f"{label} open ({lines:,} lines, {commands:,} commands) {opened:8.1f} ms   (CPU {opened_cpu:.0f} ms)")
    print(f"{label} replace by another program   {replaced:8.1f} ms   (CPU {replaced_cpu:.0f} ms)")
    stall = longest_stall(lambda: window.files.open_file(first), seconds=4.0)
    settle(window)
    print(f"{label} longest stall while replacing  {stall:6.0f} ms   (reading off the window's thread "
          f"from {READ_ASIDE_FROM // 1000} kB; the canvas's new rows on it)")
    canvas = window.canvas
    longest_stall(lambda: None)  # the checker's thread done with the program just opened
    rows = [timed_both(lambda: (canvas.program_model.rebuild(), canvas._after_reset())) for _ in range(3)]
    print(f"{label}   of which the canvas's rows      {statistics.median(w for w, _ in rows):8.1f} ms   "
          f"(window thread CPU {statistics.median(c for _, c in rows):.1f} ms: rows made anew, laid out, painted)")
    middle = len(window.document.program.blocks) // 2
    values = iter(range(2, 10_000))

    def insert():
        canvas.request(lambda p, k: edits.insert(p, k, (0,), [window.document.new_block("beep")]), "Insert")

    def move():  # a block with its body, from the middle to the top
        canvas.request(lambda p, k: edits.move(p, k, [(middle + 1,)], (3,)), "Move")

    def value():  # as the value editor does it: a value for the selected line arrives
        window.set_value("amount", Num(next(values)))

    steps = (("insert at the top", insert), ("move", move), ("undo", window.undo_stack.undo),
             ("change a value", value))
    for name, action in steps:
        if action is value:  # choosing the line is the user's step before the edit, not part of it
            canvas.select_paths([next(p for p, b in window.document.program.walk()
                                      if b.command == "drive" and p[0] > middle)])
            QApplication.processEvents()
        timed(action)  # once untimed: Qt and Python build some things on first use
        both = [timed_both(action) for _ in range(5)]
        times = [wall for wall, _ in both]
        print(f"{label} {name:<30} {statistics.median(times):8.1f} ms   (max {max(times):.1f}; "
              f"window thread CPU {statistics.median(cpu for _, cpu in both):.1f} ms)")
    stall = longest_stall(insert)
    print(f"{label} longest stall in 2 s after an edit {stall:6.0f} ms   (checking and compiling included)")


def simulator_panel() -> None:
    """The simulator panel's figures (bench/sim_view.py): frames while the line follower runs at 1x
    and as fast as possible, in-window against headless speed, Stop during `forever`."""
    import sim_view

    print("simulator panel:")
    sim_view.main()


if __name__ == "__main__":
    main()
