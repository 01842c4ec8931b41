"""The open program as the editor holds it (plain Python, no Qt): the document, its events, its
undo history and one snapshot per revision."""

from robolab.document.document import DEFAULT_PACK, Document
from robolab.document.events import Changed, EventEmitter, Reset, Saved

__all__ = ["DEFAULT_PACK", "Changed", "Document", "EventEmitter", "Reset", "Saved"]
