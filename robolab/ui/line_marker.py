"""The running line marked in a read-only code view (the window's Python tab): a full-width tint
on that line, scrolled into view; no change to the text, so the view needs no help from the run."""

from PySide6.QtGui import QColor, QTextCursor, QTextFormat
from PySide6.QtWidgets import QTextEdit

RUNNING = QColor(46, 170, 120, 70)


def mark_line(view: QTextEdit, line: int) -> bool:
    """Mark `line` (1-based; 0 clears the mark). False when the view has no such line."""
    block = view.document().findBlockByNumber(line - 1) if line > 0 else None
    if block is None or not block.isValid():
        view.setExtraSelections([])
        return False
    selection = QTextEdit.ExtraSelection()
    selection.format.setBackground(RUNNING)
    selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
    selection.cursor = QTextCursor(block)
    view.setExtraSelections([selection])
    view.setTextCursor(QTextCursor(block))
    view.ensureCursorVisible()
    return True


def marked_line(view: QTextEdit) -> int:
    """The line marked now (0: none)."""
    selections = view.extraSelections()
    return selections[0].cursor.blockNumber() + 1 if selections else 0
