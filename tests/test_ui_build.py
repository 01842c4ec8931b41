"""Every shipped example can be built from nothing in the window: commands from the palette
(inserted after the selected line, or dropped into a body), values set as the value editor sets
them; the result is the example, line for line."""

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDropEvent

from conftest import EXAMPLES
from robolab.language import read_program
from robolab.palette import COMMENT
from tests.windows import open_window


@pytest.fixture
def window(qtbot, tmp_path, library):
    return open_window(qtbot, tmp_path, library, size=(1200, 900))


def drop_into_body(window, owner: tuple, body: str, command: str) -> None:
    canvas = window.canvas
    item = canvas.item_at(owner)
    if canvas.program_model.headed(item.row()):  # an if/else: drop on the body's header
        item = canvas.item_at(owner + (body,))
    canvas.scrollTo(item.index())
    rect = canvas.item_rect(item)
    mime = window.palette_view.tree.mimeData([window.palette_view._item(command)])
    pos = QPointF(rect.left() + 30, rect.bottom() - 3)
    event = QDropEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    canvas.dropEvent(event)
    assert event.isAccepted(), window.refusal.text()


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_can_be_built_in_the_window(window, library, example):
    target = read_program(example.read_text(), library, str(example)).program
    assert window.files.new_program(target.pack)
    palette = window.palette_view
    palette.set_level(palette.level.itemText(palette.level.count() - 1))  # the level with everything
    for path, block in target.walk():
        container, index = path[:-1], path[-1]
        if index > 0 or not container:
            window.canvas.select_paths([container + (index - 1,)] if index else [])
            window.insert_command(block.command)
        else:
            drop_into_body(window, container[:-1], container[-1], block.command)
        built = window.document.program.block_at(path)
        assert built.command == block.command, window.refusal.text()
        window.canvas.select_paths([path])
        for name, value in block.args.items():
            if built.args.get(name) != value:
                window.values.value_changed.emit(name, value)
        assert built.args == block.args, (path, window.refusal.text())
    assert window.document.text().split("\n", 1)[1] == example.read_text().split("\n", 1)[1]
    assert all(b.command == COMMENT or palette._item(b.command) for _, b in target.walk())
