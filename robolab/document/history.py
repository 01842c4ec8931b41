"""The undo history a document keeps, and the one place its unsaved state comes from.

Unsaved means "not at the history's clean point" (as orange-canvas-core's isModified asks its
undo stack). The window gives the document a history over a QUndoStack (robolab.ui.undo); this
plain one serves scripts and tests with no display. Both merge an edit into the one before when
`Change.merge` says they are one gesture (a value typed digit by digit).
"""

from robolab.model.edits import Change


class History:
    def __init__(self, apply):
        self._apply = apply  # apply(change): carries a change out on the document
        self._steps: list[tuple[Change, str]] = []
        self._index = 0  # steps done
        self._clean: int | None = 0  # _index at the clean point; None once it cannot come back

    def push(self, change: Change, text: str) -> None:
        self._apply(change)
        del self._steps[self._index:]
        if self._clean is not None and self._clean > self._index:
            self._clean = None  # the saved state was undone and is now overwritten
        previous = self._steps[-1] if self._steps and self._clean != self._index else None
        merged = previous[0].merge(change) if previous and previous[1] == text else None
        if merged is not None:
            self._steps[-1] = (merged, text)
            return
        self._steps.append((change, text))
        self._index += 1

    def undo(self) -> bool:
        if not self._index:
            return False
        self._index -= 1
        self._apply(self._steps[self._index][0].inverse())
        return True

    def redo(self) -> bool:
        if self._index == len(self._steps):
            return False
        self._apply(self._steps[self._index][0])
        self._index += 1
        return True

    def count(self) -> int:
        return len(self._steps)

    def is_clean(self) -> bool:
        return self._clean == self._index

    def set_clean(self) -> None:
        self._clean = self._index

    def forget_clean(self) -> None:
        """No state of this history is the saved one (recovered work that was never saved)."""
        self._clean = None

    def clear(self) -> None:
        self._steps, self._index, self._clean = [], 0, 0
