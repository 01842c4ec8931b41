"""The challenge panel in the window (pytest-qt, offscreen): goals tick during the run, the result
card gives the marking core's numbers, another layout moves the world, the Challenges menu."""

import os
from pathlib import Path

from PySide6.QtWidgets import QMenu

from robolab.challenge.loader import load_challenge, shipped_challenges
from robolab.challenge.marking import mark_program
from robolab.live import FAST, FINISHED
from robolab.live.child import ChildRun
from windows import open_window

SOLUTIONS = Path(__file__).parent / "challenges"
SHOTS = Path(os.environ.get("ROBOLAB_SHOTS", "/tmp/robolab-shots"))


def run_to_the_end(qtbot, panel):
    panel.bar.speed.setCurrentIndex(panel.bar.speed.findData(FAST))
    with qtbot.waitSignal(panel.state_changed, timeout=60000, check_params_cb=lambda s: s == FINISHED):
        panel.run_program()


def test_the_result_card_gives_the_marks_of_robolab_mark(qtbot, tmp_path, library):
    window = open_window(qtbot, tmp_path, library, size=(1280, 800))
    try:
        assert window.files.open_file(SOLUTIONS / "park.wrong.rlab")
        assert window.challenges.open(shipped_challenges()["park"])
        card = window.challenges.panel
        assert window.panels["Challenge"].isVisible() and card.goals.count() == 3
        assert window.simulator.world_name == "park (layout 1)"
        assert all(card.goals.item(i).text().startswith("○") for i in range(3))
        results = {}
        for variant in (1, 2):
            run_to_the_end(qtbot, window.simulator)
            qtbot.waitUntil(lambda: card.card.isVisible(), timeout=10000)
            results[variant] = card.mark
            SHOTS.mkdir(parents=True, exist_ok=True)
            window.grab().save(str(SHOTS / f"challenge_park_layout{variant}.png"))
            if variant == 1:
                card.another.click()
                assert card.variant == 2 and not card.card.isVisible()
                assert window.simulator.world_name == "park (layout 2)"
        challenge = load_challenge(shipped_challenges()["park"])
        text = window.document.text()
        for variant, shown in results.items():
            expected = mark_program(challenge, text, [variant], library)
            assert shown.row() == expected.row()
            assert card.goals.count() == 3
        # The wrong program parks on layout 1 only: the card says so, goal by goal.
        assert results[1].goals["parked"] == 70 and results[2].goals["parked"] == 0
        assert card.goals.item(0).text().startswith("✗") and "0/70 (not in 'box'" in card.goals.item(0).text()
        assert card.code.text() == results[2].code and "☆" in card.stars.text()
    finally:
        window.simulator.shutdown()


def test_goals_tick_while_the_run_goes_on(qtbot, tmp_path, library):
    window = open_window(qtbot, tmp_path, library, size=(1024, 768))
    try:
        assert window.files.open_file(SOLUTIONS / "square.good.rlab")
        assert window.challenges.open(shipped_challenges()["square"])
        card = window.challenges.panel
        sim = window.simulator
        sim.bar.speed.setCurrentIndex(sim.bar.speed.findData(2.0))
        sim.run_program()
        assert isinstance(sim.run, ChildRun) and sim.run.watch is not None   # watched in the run's process
        # The size goal is met before the robot moves; the corners are ticked during the run.
        qtbot.waitUntil(lambda: card.goals.item(3).text().startswith("✓"), timeout=10000)
        assert sim.run.state != FINISHED and sim.run.goals   # ticked from the states the run reports as it goes
        qtbot.waitUntil(lambda: card.goals.item(0).text().startswith("✓"), timeout=60000)
        qtbot.waitUntil(lambda: card.card.isVisible(), timeout=60000)
        assert card.mark.score == 100 and card.stars.text() == "★★★"
        assert "100 of 100 points: passed" in card.score.text()
        window.grab().save(str(SHOTS / "challenge_square_1024.png"))
        card.close_challenge()
        assert not window.panels["Challenge"].isVisible() and sim.run_settings == {}
    finally:
        window.simulator.shutdown()


def test_the_challenges_menu_lists_the_shipped_challenges(qtbot, tmp_path, library):
    window = open_window(qtbot, tmp_path, library)
    menu = window.challenges.menu
    menu.aboutToShow.emit()
    titles = [a.text() for a in menu.actions()]
    assert "Park in the box" in titles and "Leave the maze" in titles and "Open a challenge file…" in titles
    assert isinstance(menu, QMenu) and [a.text() for a in window.menuBar().actions()][-1] == "&Help"
