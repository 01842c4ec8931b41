"""Benchmark: marking a cohort on Dask, as `robolab mark` does it.

Generates COUNT submissions from the shipped challenges' reference solutions (good ones with
their numbers nudged a little, partial ones nudged a lot, broken ones that do not read or run),
marks each on VARIANTS layouts, and prints:
  1. submissions per second with a local cluster (one worker process per core);
  2. the same with a Dask scheduler and two workers started here on 127.0.0.1 (`dask scheduler`,
     `dask worker`), as a tutor's cluster would be;
  3. the share of the workers' time that is simulation (target: at least 80 %).
Cluster start-up is left out of the rates (it is paid once per marking, not per submission).
Run: .venv/bin/python bench/mark.py [--count 200] [--variants 3]
"""

import argparse
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from robolab.challenge.batch import challenge_bundle, mark_on_worker  # noqa: E402
from robolab.challenge.loader import load_challenge, shipped_challenges  # noqa: E402

SOLUTIONS = ROOT / "tests" / "challenges"
NUMBER = re.compile(r"(amount|speed|seconds|value|left|right)=(\d+(?:\.\d+)?)")


def nudged(text: str, rng: random.Random, low: float, high: float) -> str:
    def change(match):
        value = float(match.group(2)) * rng.uniform(low, high)
        return f"{match.group(1)}={min(value, 100) if match.group(1) in ('speed', 'left', 'right') else value:.2f}"
    return NUMBER.sub(change, text)


def broken(text: str, rng: random.Random) -> str:
    kind = rng.randrange(3)
    if kind == 0:
        return text.replace("}", "", 1) if "}" in text else text + "repeat times=2 {\n"   # does not read
    if kind == 1:
        return re.sub(r"speed=\d+", "speed=400", text, count=1) if "speed=" in text else text + "beep volume=5\n"
    return text + "var name=zero value=0\nwait seconds=(1 / zero)\n"                         # fails running


def submissions(count: int) -> list[tuple[str, str, str]]:
    """(challenge id, student id, program text): a mix of good (50 %), partial (30 %) and broken (20 %)."""
    rng = random.Random(2026)
    ids = ["square", "stay_inside", "line_lap", "maze", "sumo", "park"]
    made = []
    for index in range(count):
        challenge = ids[index % len(ids)]
        good = (SOLUTIONS / f"{challenge}.good.rlab").read_text()
        roll = rng.random()
        if roll < 0.5:
            text = good + f"# {index}: my own work\n"
        elif roll < 0.8:
            text = nudged(good, rng, 0.8, 1.1) if rng.random() < 0.7 else (SOLUTIONS / f"{challenge}.wrong.rlab").read_text()
        else:
            text = broken(good, rng)
        made.append((challenge, f"student{index:03d}", text))
    return made


def mark_all(client, work, variants) -> tuple[float, float, list]:
    """(wall seconds, seconds of simulation in the workers, results) for marking `work`."""
    bundles = {c: client.scatter([challenge_bundle(load_challenge(shipped_challenges()[c]), [])], broadcast=True)[0]
               for c in sorted({c for c, _, _ in work})}
    client.run(lambda: None)   # every worker up
    began = time.perf_counter()
    futures = [client.submit(mark_on_worker, {"program": text, "name": f"{sid}.rlab", "variants": variants,
                                              "wall": 120, "memory": 1024}, bundles[c], pure=False)
               for c, sid, text in work]
    results = client.gather(futures)
    return time.perf_counter() - began, sum(r["run_wall"] for r in results), results


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--variants", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    args = parser.parse_args()
    import logging

    from distributed import Client, LocalCluster

    work = submissions(args.count)
    variants = list(range(1, args.variants + 1))
    print(f"{len(work)} submissions x {len(variants)} layouts; {os.cpu_count()} cores")

    cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, dashboard_address=None,
                           silence_logs=logging.ERROR)
    with Client(cluster) as client:
        mark_all(client, work[:args.workers], variants)   # warm: each worker's sandbox started
        wall, simulated, results = mark_all(client, work, variants)
    cluster.close()
    local_rows = [r["row"] for r in results]
    passed = sum(1 for r in local_rows if r["pass"] == "yes")
    errors = sum(1 for r in local_rows if r["error"])
    print(f"local cluster ({args.workers} workers): {len(work) / wall:.2f} submissions/s "
          f"({wall:.1f} s); {passed} passed, {errors} with an error")
    print(f"  share of the workers' time in simulation: {simulated / (wall * args.workers):.0%}")

    dask = str(Path(sys.executable).parent / "dask")
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    folder = tempfile.mkdtemp(prefix="robolab-bench-")
    log = open(Path(folder) / "dask.log", "w")
    processes = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                   "--no-dashboard"], stdout=log, stderr=log)]
    try:
        processes += [subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--host", "127.0.0.1",
                                        "--no-dashboard"], stdout=log, stderr=log, cwd=folder) for _ in range(2)]
        with Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)
            mark_all(client, work[:2], variants)
            wall, simulated, results = mark_all(client, work, variants)
        same = [r["row"] for r in results] == local_rows
        print(f"dask scheduler + 2 workers on 127.0.0.1: {len(work) / wall:.2f} submissions/s ({wall:.1f} s); "
              f"rows {'identical to' if same else 'DIFFERENT from'} the local cluster's")
        print(f"  share of the workers' time in simulation: {simulated / (wall * 2):.0%}")
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            process.wait(30)
        log.close()


if __name__ == "__main__":
    main()
