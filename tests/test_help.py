"""What a newcomer gets: the welcome program checks and runs; the guide is there, offline."""

from robolab.help import getting_started, welcome_program
from robolab.language import compile_program, parse_program
from robolab.palette import PackLibrary
from simulator.lockstep import LockstepRunner
from simulator.physics import Simulation
from simulator.robot import load_robot
from simulator.world import load_world


def test_welcome_program_checks_compiles_and_drives_out_and_back():
    program, pack = parse_program(welcome_program(), PackLibrary([]), "welcome.rlab")
    compiled = compile_program(program, pack, name="welcome")
    simulation = Simulation(load_world(program.world), load_robot(), seed=0)
    start = simulation.pose
    result = LockstepRunner(simulation, compiled.source).run(until=60)
    assert result.returncode == 0, result.stderr
    assert simulation.distance_travelled > 300
    assert abs(simulation.pose.x - start.x) < 40 and abs(simulation.pose.y - start.y) < 40
    assert [e["what"] for e in result.events if e.get("kind") == "sound"] == ["speak", "beep"]


def test_getting_started_guide_is_shipped_markdown():
    guide = getting_started()
    assert guide.startswith("# Getting started")
    assert "Run" in guide and "Examples" in guide and "Ctrl+Z" in guide
