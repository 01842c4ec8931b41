"""The simulator panel (RobotLab's simulator window): watch, pause and step a program on the
simulated robot; its sensors, motors, variables and data log; drive by hand. Run, Pause, Step, Stop
and the run's output are the window's run controller's (robolab.ui.run_controller)."""

from robolab.ui.sim.panel import SimulatorPanel

__all__ = ["SimulatorPanel"]
