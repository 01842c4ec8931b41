"""Draining a run session's events in tests: until what the run reports says so, never by a clock."""

import time

from robolab.targets import Finished


def events_until(session, condition, seen=None, timeout=60.0) -> list:
    """The session's events, drained until `condition(seen)` holds (a hang fails after `timeout`)."""
    seen = [] if seen is None else seen
    deadline = time.monotonic() + timeout
    while not condition(seen):
        assert time.monotonic() < deadline, seen[-20:]
        seen += session.events()
        time.sleep(0.01)
    return seen


def finished(seen) -> bool:
    return bool(seen) and isinstance(seen[-1], Finished)
