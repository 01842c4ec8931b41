"""Benchmark: the simulator's speed headless, against a bare loop over the same world.

1. The line-follower example compiled and run for 120 simulated seconds on line_track
   (the real python-ev3dev2 on the virtual brick, in lockstep with the physics).
2. A bare loop: the same world and robot, the same physics steps and the colour-sensor read the
   program makes, but no program. Prints both real-time factors and their ratio.
Target: the line follower at 200x real time or more, and at least a quarter of the bare loop.
Each figure is the best of ROUNDS runs (other work on the machine only ever slows a run down).
Run: .venv/bin/python bench/sim.py
"""

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
ROUNDS = 3


def compiled_line_follower(folder: Path) -> Path:
    out = folder / "line_follower.py"
    subprocess.run([sys.executable, "-m", "robolab", "compile", str(ROOT / "examples" / "line_follower.rlab"),
                    "-o", str(out)], check=True, cwd=ROOT)
    return out


def program_run(program: Path) -> tuple[float, float]:
    simulation = Simulation(load_world("line_track"), load_robot(), seed=0)
    runner = LockstepRunner(simulation, str(program), until=SECONDS)
    start = time.perf_counter()
    runner.run()
    wall = time.perf_counter() - start
    return simulation.time / wall, simulation.distance_travelled


def bare_loop() -> float:
    simulation = Simulation(load_world("line_track"), load_robot(), seed=0)
    for port, speed in (("B", "300"), ("C", "280")):
        simulation.motors[port].set("speed_sp", speed)
        simulation.motors[port].set("command", "run-forever")
    colour = simulation.sensors["3"]
    colour.set("mode", "COL-REFLECT")
    steps = round(SECONDS / simulation.dt)
    start = time.perf_counter()
    for _ in range(steps):
        simulation.step()
        colour.get("value0")
    return simulation.time / (time.perf_counter() - start)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        program = compiled_line_follower(Path(folder))
        program_run(program)  # warm up: imports, caches
        program_factor, distance = max(program_run(program) for _ in range(ROUNDS))
    bare_factor = max(bare_loop() for _ in range(ROUNDS))
    print(f"line follower, {SECONDS:.0f} s simulated: {program_factor:7.1f}x real time ({distance / 1000:.1f} m driven)")
    print(f"bare loop (physics + sensor read):  {bare_factor:7.1f}x real time")
    print(f"ratio program / bare:               {program_factor / bare_factor:7.2f}")


if __name__ == "__main__":
    main()
