"""Bringing RobotLab material over: .tsc programs and their .cfg simulator settings and arenas."""
