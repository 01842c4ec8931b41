"""The simulator panel (RobotLab's simulator window): watch, pause and step a program on the
simulated robot; its sensors, motors, variables, output, EV3 screen and data log; drive by hand."""

from robolab.ui.sim.panel import SimulatorPanel

__all__ = ["SimulatorPanel"]
