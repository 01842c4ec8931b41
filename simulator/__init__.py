"""The RoboLab simulator: a pymunk EV3 robot in authored worlds (plain Python, no Qt, nothing of robolab)."""
