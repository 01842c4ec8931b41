"""Benchmark: the EV3 link against the stand-in brick (the real service under rpyc 4.1.5 on 127.0.0.1,
python-ev3dev2 on a fake sysfs tree).

Prints, as medians of several runs:
- cold start: a program started in a fresh interpreter (what every run would cost without the zygote),
- the ev3dev2 import the zygote saves each run (the zygote's modules, in a fresh interpreter),
- second run: from Run to the program's first output line, forked from the zygote that has ev3dev2
  imported (download included),
- stop latency: from Stop to the program ended and every motor braked, for a `forever` program,
- the cost of tracing the running block: a busy loop of 200,000 steps, plain and traced,
- connecting: TCP alone, TCP and TLS (the handshake with the pinned certificate), and the whole connect
  (TLS, the challenge-response, rpyc, the status call). EV3Mode keeps its connection open between
  runs (the window's link does), so only the first run pays it.
Target (issue 6): a run after the first starts in under 2 s on the brick; Stop within 1 s.
On the brick the cold start is about 20 s (importing ev3dev2 on a 300 MHz ARM9); here it is far less,
so read the second-run figure as "what the link itself costs". Run: .venv/bin/python bench/ev3.py
"""

import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # not bench/, where this file would shadow the tests' ev3 folder

from tests.ev3.standin import PROGRAMS, StandInBrick  # noqa: E402
from robolab.ev3.mode import EV3Mode  # noqa: E402
from robolab.ev3.pairing import Pairings  # noqa: E402
from robolab.ev3.program import BrickProgram  # noqa: E402
from robolab.palette import PackLibrary  # noqa: E402

RUNS = 7
BUSY = "#!/usr/bin/env python3\nn = 0\nfor i in range(200000):\n    n += 1\nprint(n)\n"


def main() -> None:
    library = PackLibrary()
    count = BrickProgram.from_file(str(PROGRAMS / "count.rlab"), library)
    forever = BrickProgram.from_file(str(PROGRAMS / "forever.rlab"), library)
    with tempfile.TemporaryDirectory() as folder:
        brick = StandInBrick(Path(folder)).start()
        try:
            pairings = Pairings(Path(folder) / "bricks.json")
            pairings.save(brick.pairing)
            first_line = threading.Event()
            mode = EV3Mode(pairings, on_output=lambda stream, line: first_line.set())
            mode.connect(brick.name)
            mode.run(count).wait(30)  # the first run
            cold, warm, stops = [], [], []
            imports = [import_seconds() for _ in range(RUNS)]
            for _ in range(RUNS):
                cold.append(cold_start(brick, count))
                wait_until_warm(mode)
                first_line.clear()
                began = time.perf_counter()
                handle = mode.run(count)
                first_line.wait(10)
                warm.append(time.perf_counter() - began)
                handle.wait(10)
                wait_until_warm(mode)
                first_line.clear()
                handle = mode.run(forever)
                first_line.wait(10)
                began = time.perf_counter()
                mode.stop()
                handle.wait(5)
                stops.append(time.perf_counter() - began)
            mode.connection.upload("busy", BUSY)
            plain = [busy_seconds(mode, False) for _ in range(3)]
            traced = [busy_seconds(mode, True) for _ in range(3)]
            mode.disconnect()
            tcp, tls, whole = connect_seconds(brick)
        finally:
            brick.close()
    print(f"EV3 link, stand-in brick on 127.0.0.1 (median of {RUNS})")
    print(f"  cold start (fresh interpreter, to first line)   {statistics.median(cold) * 1000:7.0f} ms")
    print(f"  ev3dev2 import saved by the zygote each run      {statistics.median(imports) * 1000:7.0f} ms")
    print(f"  second run (forked, Run to first line)           {statistics.median(warm) * 1000:7.0f} ms")
    print(f"  stop latency (Stop to ended, motors braked)      {statistics.median(stops) * 1000:7.0f} ms")
    print(f"  busy loop, plain / traced (running block shown)  {statistics.median(plain) * 1000:7.0f} ms /"
          f" {statistics.median(traced) * 1000:.0f} ms")
    print(f"  connect: TCP / TCP+TLS / whole (proof, rpyc)     {statistics.median(tcp) * 1000:7.1f} ms /"
          f" {statistics.median(tls) * 1000:.1f} ms / {statistics.median(whole) * 1000:.1f} ms")


def connect_seconds(brick: StandInBrick) -> tuple[list[float], list[float], list[float]]:
    import socket

    from robolab.ev3.connection import connect
    from robolab.ev3.tls import pinned_socket

    tcp, tls, whole = [], [], []
    for _ in range(RUNS * 3):
        began = time.perf_counter()
        sock = socket.create_connection(("127.0.0.1", brick.port))
        tcp.append(time.perf_counter() - began)
        pinned_socket(sock, brick.fingerprint).close()
        tls.append(time.perf_counter() - began)
        began = time.perf_counter()
        connection = connect(brick.pairing)
        connection.status()
        whole.append(time.perf_counter() - began)
        connection.close()
    return tcp, tls, whole


def busy_seconds(mode: EV3Mode, trace: bool) -> float:
    ended = threading.Event()
    began = time.perf_counter()
    mode.connection.run("busy", lambda kind, *args: kind == "exit" and ended.set(), trace)
    ended.wait(60)
    return time.perf_counter() - began


def import_seconds() -> float:
    """A fresh interpreter importing the zygote's modules, less one importing nothing."""
    from robolab.ev3.brick.zygote import WARM_MODULES

    def timed(code):
        began = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, stderr=subprocess.DEVNULL)
        return time.perf_counter() - began
    return timed("import " + ", ".join(WARM_MODULES)) - timed("pass")


def cold_start(brick: StandInBrick, program: BrickProgram) -> float:
    path = brick.programs / f"{program.name}.py"
    began = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(path)], stdout=subprocess.PIPE, env=brick.env(), text=True)
    proc.stdout.readline()
    seconds = time.perf_counter() - began
    proc.communicate()
    return seconds


def wait_until_warm(mode: EV3Mode) -> None:
    deadline = time.monotonic() + 30
    while not mode.status()["warm"] and time.monotonic() < deadline:
        time.sleep(0.05)


if __name__ == "__main__":
    main()
