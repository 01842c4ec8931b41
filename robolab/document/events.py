"""Typed events with listeners that can leave: a document tells its views what changed.

A bound method is held by a weak reference (as napari's EventEmitter does), so a closed panel
drops out by itself instead of being kept alive and called; a plain function is held as given.
`unsubscribe` takes either kind out at once.
"""

import inspect
import weakref
from dataclasses import dataclass
from typing import Callable

from robolab.model.edits import Change


@dataclass(frozen=True)
class Changed:
    """An edit, undo or redo was carried out."""

    change: Change
    revision: int
    kind = "changed"


@dataclass(frozen=True)
class Reset:
    """Another program is shown (Open, New, Recover)."""

    revision: int
    kind = "reset"


@dataclass(frozen=True)
class Saved:
    """The program was written to its file."""

    path: object
    kind = "saved"


Event = Changed | Reset | Saved


class EventEmitter:
    def __init__(self):
        self._listeners: list = []  # weakref.WeakMethod, or a plain callable

    def subscribe(self, listener: Callable) -> Callable:
        """Call `listener(event)` for each event from now on; returns it (usable as a decorator)."""
        self._listeners.append(weakref.WeakMethod(listener) if inspect.ismethod(listener) else listener)
        return listener

    def unsubscribe(self, listener: Callable) -> None:
        self._listeners = [held for held in self._listeners if self._resolve(held) not in (None, listener)]

    def emit(self, event) -> None:
        for held in list(self._listeners):
            listener = self._resolve(held)
            if listener is None:
                self._listeners = [h for h in self._listeners if h is not held]
            else:
                listener(event)

    def __len__(self) -> int:
        return sum(1 for held in self._listeners if self._resolve(held) is not None)

    @staticmethod
    def _resolve(held):
        return held() if isinstance(held, weakref.WeakMethod) else held
