"""Benchmark: the window's start-up, and edits on a 2,000-line program (offscreen).

Prints: start to window shown (a fresh process, interpreter start included); then for a
2,000-line program: load (read + canvas built), insert, move, value change, undo, each as the
median of several runs, measured to when Qt has processed the resulting events. Targets on the
2-core machine: window shown in under 1 s, each edit under one 60 Hz frame (16 ms). Each
edit is timed after one untimed run of it. Then the simulator panel's figures (bench/sim_view.py).
Run: .venv/bin/python bench/ui.py
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

# 20 lines (17 commands) of a lesson-like program, repeated to 2,000 lines.
CHUNK = """\
# lap {n}
set name=speed value=(speed + 1)
repeat times=4 {{
    drive speed=(speed) amount=1 unit=rotations
    tank_drive left=30 right=-30 amount=190 unit=degrees
    say_number value=(speed)
}}
if condition=(distance < 20 and reflected_light > 40) {{
    beep
    wait seconds=0.2
}} else {{
    wait seconds=0.5
    beep
}}
forever {{
    start_driving speed=(speed)
    wait_until condition=(distance < 30)
    stop_driving how=brake
    tone frequency=440 seconds=0.1
    leave_loop
}}
"""


def big_program(lines: int) -> str:
    chunks = -(-lines // CHUNK.count("\n"))
    return "robolab 1 palette ev3 1.0\nvar name=speed value=10\n" + "".join(CHUNK.format(n=n) for n in range(chunks))


def startup(scratch: Path) -> tuple[float, str]:
    begin = time.time()
    out = subprocess.run([sys.executable, "-c", STARTUP, str(scratch / "s.ini"), str(scratch / "auto")],
                         capture_output=True, text=True, cwd=ROOT, check=True).stdout.split()
    return float(out[0]) - begin, out[1]


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        runs = [startup(scratch) for _ in range(5)]
        shown = statistics.median(r[0] for r in runs)
        print(f"start to window shown        {shown * 1000:7.0f} ms   (median of 5; loaded before the first frame: {runs[0][1]})")

        from PySide6.QtCore import QSettings
        from PySide6.QtWidgets import QApplication

        from robolab.model import edits
        from robolab.model.expr import Num
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
        path = scratch / "big.rlab"
        path.write_text(big_program(2000))

        def timed(action) -> float:
            begin = time.perf_counter()
            action()
            QApplication.processEvents()
            return (time.perf_counter() - begin) * 1000

        loads = [timed(lambda: window.files.open_file(path)) for _ in range(3)]
        lines = sum(1 for _ in window.document.program.walk())
        text_lines = path.read_text().count("\n")
        print(f"load {text_lines:,} lines ({lines:,} commands) {statistics.median(loads):6.1f} ms   (read + canvas built)")
        canvas = window.canvas
        middle = len(window.document.program.blocks) // 2

        def insert():  # after the selected line, as the palette's Enter does; the new line is selected
            window.insert_command("beep")

        def move():
            canvas.request(lambda p, k: edits.move(p, k, [(middle + 1,)], (3,)), "Move")

        def value():  # as the value editor does it: a value for the selected line arrives
            window.set_value("amount", Num(2 + len(results.get("value change", []))))

        results = {}
        steps = (("insert", insert, [(middle,)]), ("move", move, None),
                 ("value change", value, "drive"), ("undo", window.undo_stack.undo, None))
        for name, action, selection in steps:
            if selection == "drive":  # a drive line past the middle
                selection = [next(p for p, b in window.document.program.walk()
                                  if b.command == "drive" and p[0] > middle)]
            if selection:  # choosing the line is the user's step before the edit, not part of it
                canvas.select_paths(selection)
                QApplication.processEvents()
            timed(action)  # once untimed: Qt and Python build some things on first use
            results[name] = []
            for _ in range(7):
                results[name].append(timed(action))
        for name, times in results.items():
            print(f"{name:<28} {statistics.median(times):7.1f} ms   (max {max(times):.1f})")
        refresh = [timed(window.refresh_analysis) for _ in range(3)]
        print(f"problems + Python refresh    {statistics.median(refresh):7.1f} ms   "
              f"(after edits, debounced {250} ms; not part of an edit)")
        window.close()
    simulator_panel()


def simulator_panel() -> None:
    """The simulator panel's figures (bench/sim_view.py): frames while the line follower runs at 1x
    and as fast as possible, in-window against headless speed, Stop during `forever`."""
    import sim_view

    print("simulator panel:")
    sim_view.main()


if __name__ == "__main__":
    main()
