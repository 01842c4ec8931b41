"""Dragging and dropping on the program canvas: where a drop lands, whether it may, and the line
that shows it. A mixin of ProgramCanvas, kept apart because it is its own small job.

A drop the palette pack would refuse is not offered: the indicator turns red, dashed, and the
canvas's `refused` signal carries the reason for the status bar.
"""

from PySide6.QtCore import QMimeData, QModelIndex, QPoint, QRect, Qt
from PySide6.QtGui import QColor, QDrag, QPainter, QPen

from robolab.model import edits
from robolab.model.edits import EditError
from robolab.ui import theme as th

COMMAND_MIME = "application/x-robolab-command"  # a palette command id
LINES_MIME = "application/x-robolab-lines"  # lines dragged within this canvas


class DragAndDrop:
    def lines_mime(self) -> QMimeData | None:
        """What dragging the selected lines carries: a mark saying they come from this canvas
        (so a drop here moves them) and their program text (so a drop elsewhere copies them)."""
        paths = self.selected_paths()
        if not paths:
            return None
        mime = QMimeData()
        mime.setData(LINES_MIME, str(id(self)).encode())
        mime.setText(self.document.snippet(paths))
        return mime

    def startDrag(self, actions) -> None:
        mime = self.lines_mime()
        if mime is None:
            return
        drag = QDrag(self)
        drag.setMimeData(mime)
        drag.exec(Qt.DropAction.MoveAction | Qt.DropAction.CopyAction, Qt.DropAction.MoveAction)

    def _paint_hint(self) -> None:
        """An empty program says how to start."""
        painter = QPainter(self.viewport())
        painter.setPen(QColor(self.delegate.theme.muted))
        font = th.ui_font(self.zoom * 1.15)
        painter.setFont(font)
        painter.drawText(self.viewport().rect().adjusted(24, 24, -24, -24),
                         Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                         "Drag a command here from the list on the left,\n"
                         "or double-click it, or type its name in the search box and press Enter.")
        painter.end()

    def drop_target(self, pos: QPoint) -> tuple[tuple, QRect]:
        """Where a drop at `pos` (viewport coordinates) puts lines, and the indicator line to draw."""
        item = self.item_below(pos)
        step = self.indentation()
        if item is None:
            last = self._last_visible()
            y = self.item_rect(last).bottom() + 1 if last else 4
            return (len(self.document.program.blocks),), QRect(4, y, self.viewport().width() - 8, 3)
        rect, model, row = self.item_rect(item), self.program_model, item.row()
        if self._is_body(item):
            return self.path_of(item) + (0,), QRect(rect.left() + step, rect.bottom(), rect.width() - step, 3)
        path = self.path_of(item)
        if pos.y() < rect.center().y():
            return path, QRect(rect.left(), rect.top() - 1, rect.width(), 3)
        body = self._single_body(item)
        opened = self.isExpanded(item.index())
        if body is not None and (opened or not model.has_inner(row)):
            return path + (body, 0), QRect(rect.left() + step, rect.bottom(), rect.width() - step, 3)
        if model.headed(row) and opened:
            first = model.lines[row + 1].body
            return path + (first, 0), QRect(rect.left() + 2 * step, rect.bottom(), rect.width() - 2 * step, 3)
        # After the line; on the last line of a body, further left means after the body's owner.
        target, left = path[:-1] + (path[-1] + 1,), rect.left()
        while len(target) > 1 and target[-1] == len(edits.blocks_in(self.document.program, target[:-1])) \
                and pos.x() < left - step // 2 and target[-2] == self._last_body_name(target[:-2]):
            owner = target[:-2]
            target, left = owner[:-1] + (owner[-1] + 1,), self.item_rect(self.item_at(owner)).left()
        return target, QRect(left, rect.bottom(), rect.right() - left, 3)

    def _last_body_name(self, owner: tuple) -> str:
        block = self.document.program.block_at(owner)
        return self.document.pack.command(block.command).bodies[-1]

    def _last_visible(self):
        row = self.program_model.rowCount() - 1
        while row >= 0 and self.isRowHidden(row, QModelIndex()):
            row -= 1
        return self.program_model.item(row) if row >= 0 else None

    def plan_drop(self, mime: QMimeData, target: tuple, copy: bool = False):
        """The change a drop would make, as plan(program, pack) -> Change, and its name. Lines of
        this canvas move, or with `copy` (Ctrl held) are copied."""
        doc = self.document
        if bytes(mime.data(LINES_MIME)) == str(id(self)).encode() and not copy:
            paths = self.selected_paths()
            return (lambda program, pack: edits.move(program, pack, paths, target)), "Move"
        if mime.hasFormat(COMMAND_MIME):
            command_id = bytes(mime.data(COMMAND_MIME)).decode()
            return (lambda program, pack: edits.insert(program, pack, target, [doc.new_block(command_id)])), "Insert"
        if mime.hasText() and not _program_files(mime):
            text = "Copy" if mime.hasFormat(LINES_MIME) else "Drop"
            return (lambda program, pack: edits.insert(
                program, pack, target, doc.blocks_from_text(mime.text(), "the dropped text"))), text
        return None, ""

    def _judge(self, event) -> tuple | None:
        target, line = self.drop_target(event.position().toPoint())
        copy = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        plan, text = self.plan_drop(event.mimeData(), target, copy)
        if plan is None:
            return None
        try:
            change = plan(self.document.program, self.document.pack)
        except EditError as error:
            self._indicator = (line, False)
            self.refused.emit(str(error))
            return None
        self._indicator = (line, True)
        return change, text

    def dragEnterEvent(self, event) -> None:
        mime = event.mimeData()
        if mime.hasFormat(COMMAND_MIME) or mime.hasFormat(LINES_MIME) or mime.hasText() or _program_files(mime):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        super().dragMoveEvent(event)  # scrolls a long program while dragging near its edge
        if _program_files(event.mimeData()):
            event.acceptProposedAction()
            return
        judged = self._judge(event)
        self.viewport().update()
        if judged is None:
            event.ignore()
        else:
            self.refused.emit("")
            event.acceptProposedAction()

    def dragLeaveEvent(self, event) -> None:
        self._indicator = None
        self.viewport().update()

    def dropEvent(self, event) -> None:
        if files := _program_files(event.mimeData()):  # a .rlab file from the file manager: open it
            event.acceptProposedAction()
            self._indicator = None
            self.viewport().update()
            self.file_dropped.emit(files[0])
            return
        judged = self._judge(event)
        self._indicator = None
        self.viewport().update()
        if judged is None:
            event.ignore()
            return
        change, text = judged
        event.setDropAction(Qt.DropAction.MoveAction if text == "Move" else Qt.DropAction.CopyAction)
        event.accept()
        if not change.is_empty:
            self.edit_requested.emit(change, text)

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self.program_model.rowCount() == 0 and self._indicator is None:
            self._paint_hint()
        if self._indicator is None:
            return
        line, allowed = self._indicator
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour = QColor(self.delegate.theme.accent if allowed else self.delegate.theme.error)
        painter.setPen(QPen(colour, 3, Qt.PenStyle.SolidLine if allowed else Qt.PenStyle.DashLine))
        y = line.top() + 1
        painter.drawLine(line.left() + 8, y, line.right(), y)
        painter.setBrush(colour)
        painter.drawEllipse(QPoint(line.left() + 5, y), 4, 4)
        painter.end()


def _program_files(mime: QMimeData) -> list[str]:
    """Program files dragged in from a file manager."""
    if not mime.hasUrls():
        return []
    return [url.toLocalFile() for url in mime.urls() if url.isLocalFile() and url.toLocalFile().endswith(".rlab")]
