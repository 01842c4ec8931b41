"""The document's undo history over a QUndoStack: each edit is one QUndoCommand over one model
Change, and a value typed digit by digit merges into one step (QUndoCommand.mergeWith)."""

from PySide6.QtGui import QUndoCommand, QUndoStack

from robolab.model.edits import Change

MERGING = 1  # the id of commands that may merge (Change.merge decides whether they do)


class EditCommand(QUndoCommand):
    def __init__(self, apply, change: Change, text: str):
        super().__init__(text)
        self.apply, self.change = apply, change

    def redo(self) -> None:
        self.apply(self.change)

    def undo(self) -> None:
        self.apply(self.change.inverse())

    def id(self) -> int:
        return MERGING if self.change.values and not (self.change.added or self.change.removed) else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        merged = self.change.merge(other.change) if other.text() == self.text() else None
        if merged is None:
            return False
        self.change = merged
        return True


class UndoHistory:
    """What robolab.document.history.History offers, kept by a QUndoStack (the Edit menu's)."""

    def __init__(self, stack: QUndoStack, apply):
        self.stack, self._apply = stack, apply

    def push(self, change: Change, text: str) -> None:
        self.stack.push(EditCommand(self._apply, change, text))

    def undo(self) -> bool:
        can = self.stack.canUndo()
        self.stack.undo()
        return can

    def redo(self) -> bool:
        can = self.stack.canRedo()
        self.stack.redo()
        return can

    def count(self) -> int:
        return self.stack.count()

    def is_clean(self) -> bool:
        return self.stack.isClean()

    def set_clean(self) -> None:
        self.stack.setClean()

    def forget_clean(self) -> None:
        self.stack.resetClean()

    def clear(self) -> None:
        self.stack.clear()
