"""Reading a world off the window's thread: a program can name any file as its world, and a slow
disk or a hostile name must never freeze the window. The reading itself is robolab.worlds (plain,
bounded); this only moves it onto Qt's thread pool and brings the answer back as a signal."""

from __future__ import annotations

from PySide6.QtCore import QObject, QThreadPool, Signal

from robolab.worlds import read_world
from simulator.robot import RobotError
from simulator.world import WorldError


class WorldReader(QObject):
    """`request(target)` reads on the pool; `done(ticket, target, (world, robot) or None, problems)`
    arrives on the window's thread. Only the newest ticket matters: an older answer is stale."""

    done = Signal(int, object, object, object)

    def __init__(self):
        super().__init__()   # no parent: the pool's job keeps it alive even if the panel goes first
        self.latest = 0

    def ticket(self) -> int:
        """A new ticket: any answer to an older one is stale from now on."""
        self.latest += 1
        return self.latest

    def request(self, target) -> int:
        """Read `target` on the pool; its answer comes as `done` with the ticket returned."""
        ticket = self.ticket()
        QThreadPool.globalInstance().start(lambda: self.done.emit(ticket, target, *self.read(target)))
        return ticket

    @staticmethod
    def read(target) -> tuple:
        """((world, robot), []) or (None, problems): never raises, it runs where nothing would catch it."""
        try:
            return read_world(target), []
        except (WorldError, RobotError) as error:
            return None, error.problems
        except (OSError, ValueError, MemoryError, RecursionError) as error:   # a last guard: worded, not lost
            return None, [f"{target}: cannot be read: {error}"]
