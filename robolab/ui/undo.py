"""Undo commands: each edit is one QUndoCommand over one model Change, value changes included."""

from PySide6.QtGui import QUndoCommand

from robolab.model.edits import Change
from robolab.ui.document import Document


class EditCommand(QUndoCommand):
    def __init__(self, document: Document, change: Change, text: str):
        super().__init__(text)
        self.document, self.change = document, change
        self._done = False

    def redo(self) -> None:
        self.document.apply(self.change, "redo" if self._done else "do")
        self._done = True

    def undo(self) -> None:
        self.document.apply(self.change.inverse(), "undo")
