"""RoboLab: program LEGO EV3 robots by dragging text commands."""

__version__ = "0.1.0"
