"""Benchmark: the simulator's speed and memory headless (issue 17), in one run, one interpreter.

1. whole process: `robolab run examples/line_follower.rlab --until 120` (start-up, the compile
   cache warm, the world, the run, the report), as a user starts it;
2. the runner alone: the same program already compiled, in this process (LockstepRunner, no
   write log, as a plain run);
3. a bare loop: the same world, robot and colour-sensor read at 100 Hz, no program, no brick;
4. both against the bare loop;
5. peak memory (max RSS) of the whole process at --until 60 and --until 600;
6. `robolab --version` as a whole process.

Targets: whole >= 400x real time, runner >= 600x, whole / bare >= 0.5, memory at 600 s within
10% of 60 s, --version < 60 ms. The machine is shared: each figure is the best of ROUNDS runs
(other work only ever slows a run down). The real-time factors are wall-clock ones; the CPU-time
ones beside them say what the run would reach with a core to itself.
Run: .venv/bin/python bench/sim.py [--rounds N]
"""

import argparse
import compileall
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from simulator.lockstep import LockstepRunner  # noqa: E402
from simulator.physics import Simulation  # noqa: E402
from simulator.robot import load_robot  # noqa: E402
from simulator.world import load_world  # noqa: E402

SECONDS = 120.0
PROGRAM = ROOT / "examples" / "line_follower.rlab"
TARGETS = {"whole": 400, "runner": 600, "ratio": 0.5, "memory": 0.10, "version": 0.060}


def robolab_command() -> list[str]:
    """`robolab` from this checkout (python -m robolab, run in ROOT), whatever is installed."""
    return [sys.executable, "-m", "robolab"]


def child(command: list[str], env=None) -> tuple[float, float, int]:
    """Run a command; (wall seconds, CPU seconds, peak RSS in kB) of that process alone."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0,):
        raise SystemExit(f"{' '.join(command)} failed:\n{process.stderr.read().decode()}")
    process.stderr.close()
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def compiled_line_follower(folder: Path) -> Path:
    out = folder / "line_follower.py"
    subprocess.run([*robolab_command(), "compile", str(PROGRAM), "-o", str(out)], check=True, cwd=ROOT)
    return out


def runner_alone(program: Path) -> tuple[float, float, float]:
    """(wall factor, CPU factor, metres driven) of the line follower in this process."""
    simulation = Simulation(load_world("line_track"), load_robot(), seed=0)
    runner = LockstepRunner(simulation, str(program), until=SECONDS, record_writes=False)
    wall, cpu = time.perf_counter(), time.process_time()
    runner.run()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return simulation.time / wall, simulation.time / cpu, simulation.distance_travelled / 1000


def bare_loop() -> tuple[float, float]:
    """Physics and the same colour-sensor read at 100 Hz, no program: (wall factor, CPU factor)."""
    simulation = Simulation(load_world("line_track"), load_robot(), seed=0)
    simulation.dt = 0.01
    for port, speed in (("B", "300"), ("C", "280")):
        simulation.motors[port].set("speed_sp", speed)
        simulation.motors[port].set("command", "run-forever")
    colour = simulation.sensors["3"]
    colour.set("mode", "COL-REFLECT")
    steps = round(SECONDS / simulation.dt)
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(steps):
        simulation.step()
        colour.get("value0")
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return SECONDS / wall, SECONDS / cpu


def best(runs):
    """The best (largest) of each figure over the runs."""
    return tuple(max(values) for values in zip(*runs))


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="runs per figure; the best counts (default 5)")
    rounds = parser.parse_args().rounds
    for package in ("robolab", "simulator"):  # bytecode, as an install has it (PYTHONDONTWRITEBYTECODE or not)
        compileall.compile_dir(str(ROOT / package), quiet=1)
    robolab = robolab_command()
    with tempfile.TemporaryDirectory(prefix="robolab-bench-") as folder:
        env = {**os.environ, "ROBOLAB_CACHE_DIR": str(Path(folder) / "cache")}
        run = [*robolab, "run", str(PROGRAM), "--until"]
        cold = child(run + [str(SECONDS)], env)           # compiles, and fills the caches
        whole = [child(run + [str(SECONDS)], env) for _ in range(rounds)]
        whole_wall = SECONDS / min(w for w, _, _ in whole)
        whole_cpu = SECONDS / min(c for _, c, _ in whole)
        memory = {until: min(child(run + [str(until)], env)[2] for _ in range(max(1, rounds // 2)))
                  for until in (60, 600)}
        version = min(child([*robolab, "--version"])[0] for _ in range(4 * rounds))
        interpreter = min(child([sys.executable, "-c", "pass"])[0] for _ in range(4 * rounds))
        program = compiled_line_follower(Path(folder))
        runner_alone(program)  # warm up: imports
        runner_wall, runner_cpu, metres = best(runner_alone(program) for _ in range(rounds))
    bare_wall, bare_cpu = best(bare_loop() for _ in range(rounds))
    growth = memory[600] / memory[60] - 1

    print(f"best of {rounds} runs each (a loaded machine only slows runs down); wall-clock factors, "
          f"CPU-time ones in brackets")
    print(f"whole process, robolab run --until {SECONDS:.0f}: {whole_wall:6.0f}x  ({whole_cpu:4.0f}x CPU)  "
          f"target {TARGETS['whole']}x: {verdict(whole_wall >= TARGETS['whole'])}"
          f"   [first run, compiling: {SECONDS / cold[0]:.0f}x]")
    print(f"runner alone ({metres:.1f} m driven):        {runner_wall:6.0f}x  ({runner_cpu:4.0f}x CPU)  "
          f"target {TARGETS['runner']}x: {verdict(runner_wall >= TARGETS['runner'])}")
    print(f"bare loop (physics + colour read, 100 Hz): {bare_wall:6.0f}x  ({bare_cpu:4.0f}x CPU)")
    print(f"whole / bare:                              {whole_wall / bare_wall:6.2f}   ({whole_cpu / bare_cpu:4.2f} CPU)  "
          f"target {TARGETS['ratio']}: {verdict(whole_wall / bare_wall >= TARGETS['ratio'])}")
    print(f"runner / bare:                             {runner_wall / bare_wall:6.2f}   ({runner_cpu / bare_cpu:4.2f} CPU)")
    print(f"peak memory, --until 60: {memory[60] / 1024:.1f} MB, --until 600: {memory[600] / 1024:.1f} MB "
          f"({growth:+.1%})  target within 10%: {verdict(abs(growth) <= TARGETS['memory'])}")
    print(f"robolab --version: {version * 1000:.0f} ms  target < {TARGETS['version'] * 1000:.0f} ms: "
          f"{verdict(version < TARGETS['version'])}   [python -c pass: {interpreter * 1000:.0f} ms]")


if __name__ == "__main__":
    main()
