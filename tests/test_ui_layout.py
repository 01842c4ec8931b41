"""The window on a classroom's screens (issue 14): at 1024x768, 1280x720 and 1280x800, normal and in
presentation mode, every line of every example reads in full (a long line wraps, it is never cut
short with "…"), and the program and the world are both on screen, large enough to use.
The pictures go to $ROBOLAB_SHOTS (default /tmp/robolab-shots), layout-WxH[-present].png."""

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from tests.conftest import EXAMPLES
from tests.windows import open_window

SHOTS = Path(os.environ.get("ROBOLAB_SHOTS", "/tmp/robolab-shots"))
SIZES = [(1024, 768), (1280, 720), (1280, 800)]


def rows(view, parent=None):
    """Every row's index, depth first (through the model, as any item view has one)."""
    model = view.model()
    from PySide6.QtCore import QModelIndex

    parent = parent or QModelIndex()
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        yield index
        yield from rows(view, index)


def settle(qtbot):
    for _ in range(4):
        QApplication.processEvents()
    qtbot.wait(20)


@pytest.mark.parametrize("present", [False, True], ids=["normal", "present"])
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_example_reads_in_full_beside_the_world(qtbot, tmp_path, library, size, present):
    window = open_window(qtbot, tmp_path, library, size=size)
    window.dock_simulator()
    window.resize(*size)
    settle(qtbot)
    if present:
        window.set_presentation(True)
        settle(qtbot)
    canvas, world = window.canvas, window.simulator.view
    for example in EXAMPLES:
        assert window.files.open_file(example)
        canvas.expandAll()
        settle(qtbot)
        assert canvas.isVisible() and world.isVisible()
        assert canvas.viewport().width() >= (0.4 if present else 0.38) * size[0], "the program has priority"
        assert world.width() >= 0.28 * size[0] and world.height() >= 0.3 * size[1], "the world is usable"
        cut = [index.data() for index in rows(canvas)
               if canvas.delegate.elided(index, canvas.visualRect(index).width())]
        assert not cut, f"{example.name}: lines cut short at {size}: {cut}"
        if example.name == "wall_avoider.rlab":
            SHOTS.mkdir(parents=True, exist_ok=True)
            name = f"layout-{size[0]}x{size[1]}{'-present' if present else ''}.png"
            assert window.grab().save(str(SHOTS / name))
    bar = window.simulator.bar
    assert bar.buttons["run"].text() == "Run" and bar.trace.text() == "Trace"
    for widget in (bar.speed, bar.world, bar.trace, bar.trail):  # the lists and boxes read in full
        assert widget.width() >= widget.minimumSizeHint().width(), widget


def test_leaving_presentation_mode_puts_every_pane_back(qtbot, tmp_path, library):
    window = open_window(qtbot, tmp_path, library, size=(1280, 800))
    window.dock_simulator()
    window.set_zoom(1.3)
    settle(qtbot)
    docks = window.panels
    def seen(dock):  # shown, and not a tab behind another
        return dock.isVisible() and not dock.visibleRegion().isEmpty()

    before = {name: (seen(dock), dock.width(), dock.height()) for name, dock in docks.items()}
    world_font = window.simulator.view.font().pointSizeF()
    window.set_presentation(True)
    settle(qtbot)
    assert docks["Commands"].isHidden() and docks["Values"].isHidden() and docks["Problems"].isHidden()
    assert docks["Simulator"].isVisible() and not docks["Simulator"].isFloating()
    assert docks["Simulator"].width() >= 0.4 * window.width()  # side by side, both large
    assert window.simulator.view.font().pointSizeF() > world_font
    assert window.simulator.bar.buttons["run"].iconSize().width() > 18 * 1.3
    window.simulator.bar.present.setChecked(False)  # the panel's Present button leaves it too
    settle(qtbot)
    assert not window.presentation and window.zoom == 1.3
    after = {name: (seen(dock), dock.width(), dock.height()) for name, dock in docks.items()}
    for name, (visible, width, height) in before.items():
        assert after[name][0] == visible, name
        assert not visible or abs(after[name][1] - width) <= 8 and abs(after[name][2] - height) <= 8, name
    assert window.simulator.view.font().pointSizeF() == pytest.approx(world_font)


def test_zoom_scales_the_run_controls(qtbot, tmp_path, library):
    window = open_window(qtbot, tmp_path, library, size=(1280, 800))
    window.dock_simulator()
    bar = window.simulator.bar
    icon, font = bar.buttons["stop"].iconSize().width(), bar.trace.font().pointSizeF()
    window.set_zoom(2.0)
    assert bar.buttons["stop"].iconSize().width() >= 2 * icon
    assert bar.trace.font().pointSizeF() > font and bar.speed.font().pointSizeF() > font
    window.set_zoom(1.0)
    assert bar.buttons["stop"].iconSize().width() == icon


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from robolab.ui.line_painter import wrap  # noqa: E402

WORD = st.text(alphabet="abc+*", min_size=1, max_size=8)
SEGMENT = st.tuples(st.lists(WORD, min_size=1, max_size=4).map(" ".join), st.booleans())


@settings(max_examples=60)
@given(st.lists(SEGMENT, min_size=1, max_size=8), st.integers(min_value=60, max_value=400))
def test_wrapping_keeps_every_piece_inside_the_width_and_cuts_only_a_word_too_wide(segments, width):
    def measure(text, is_value):
        return 7.0 * len(text)

    def elide(text, is_value, space):
        return text[:int(space // 7)]

    wrapped = wrap(segments, width, measure, indent=20, chip_pad=10, elide=elide)
    for text, is_value, line, x, segment in wrapped.pieces:
        assert 0 <= line < wrapped.lines and 0 <= segment < len(segments)
        assert x + measure(text.rstrip() if not is_value else text, is_value) + (10 if is_value else 0) <= width + 0.5
    widest = max(7.0 * len(word) + 10 for text, _ in segments for word in text.split(" "))
    if widest <= width - 20:  # every word fits on a line: everything is shown, nothing cut
        assert not wrapped.elided
        shown = "".join(text for text, *_ in wrapped.pieces).replace(" ", "")
        assert shown == "".join(text for text, _ in segments).replace(" ", "")


def test_the_first_start_fits_the_screen(qtbot, tmp_path, library):
    window = open_window(qtbot, tmp_path, library)  # no saved geometry, no size asked: a first start
    free = window.screen().availableGeometry()
    assert window.width() <= free.width() and window.height() <= free.height()
    assert free.contains(window.geometry().topLeft())


def test_closing_in_presentation_mode_keeps_the_layout_to_come_back_to(qtbot, tmp_path, library):
    first = open_window(qtbot, tmp_path, library, size=(1280, 800))
    first.dock_simulator()
    first.set_presentation(True)
    settle(qtbot)
    first.close()
    later = open_window(qtbot, tmp_path, library, size=(1280, 800))
    settle(qtbot)
    assert later.presentation and later.panels["Commands"].isHidden()
    later.set_presentation(False)
    settle(qtbot)
    assert not later.panels["Commands"].isHidden() and not later.panels["Values"].isHidden()
