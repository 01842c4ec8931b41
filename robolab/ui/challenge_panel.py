"""The challenge panel: a challenge's goals, ticked live as the simulated run meets them, and a
result card at the end (points, stars, each goal's outcome, the completion code).

It puts the challenge's layout into the simulator panel, with the goals to watch (a GoalWatch, the
marking core's) in the settings of each run the simulator starts: the run's process watches them
at every step and reports their states and, at the end, their verdict. The card is the marking
core's Mark of that verdict, so it shows what `robolab challenge try` and `robolab mark` give for
the same program and layout.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QPushButton, QSizePolicy, QVBoxLayout, QWidget)

from robolab.challenge.goals import MET, MISSED
from robolab.challenge.marking import GoalWatch, failed, read_submission, result_of
from robolab.challenge.variants import layout
from robolab.errors import RobolabError
from robolab.live import FINISHED
from robolab.ui.theme import ui_font
from simulator.robot import load_robot

TICKS = {MET: "✓", MISSED: "✗"}
OPEN_MARK = "○"
POLL_MS = 100


class ChallengePanel(QWidget):
    closed = Signal()

    def __init__(self, simulator, document, library, parent=None):
        """simulator: the SimulatorPanel; document: a callable giving the window's Document now."""
        super().__init__(parent)
        self.setObjectName("challenge_panel")
        self.simulator, self.document, self.library = simulator, document, library
        self.challenge = self.layout = self.run = self.mark = None
        self.variant = 1

        self.title = QLabel()
        self.title.setFont(ui_font(1.2, bold=True))
        self.title.setWordWrap(True)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.layout_label = QLabel()
        self.goals = QListWidget()
        self.goals.setAccessibleName("Goals")
        self.goals.setWordWrap(True)
        self.goals.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.card = QFrame()
        self.card.setObjectName("result_card")
        self.card.setFrameShape(QFrame.Shape.StyledPanel)
        self.card.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)   # the goals list gives way
        self.score = QLabel()
        self.score.setFont(ui_font(1.2, bold=True))
        self.stars = QLabel()
        self.stars.setFont(ui_font(1.6))
        self.stars.setStyleSheet("color: #d4a000")
        self.code = QLineEdit()
        self.code.setReadOnly(True)
        self.code.setAccessibleName("Completion code")
        card = QVBoxLayout(self.card)
        card.addWidget(self.score)
        card.addWidget(self.stars)
        card.addWidget(QLabel("Completion code (hand it in with your program):"))
        card.addWidget(self.code)
        self.another = QPushButton("Try another layout")
        self.another.clicked.connect(self.next_layout)
        self.close_button = QPushButton("Close the challenge")
        self.close_button.clicked.connect(self.close_challenge)
        buttons = QHBoxLayout()
        buttons.addWidget(self.another)
        buttons.addWidget(self.close_button)
        main = QVBoxLayout(self)
        for widget in (self.title, self.description, self.layout_label):
            main.addWidget(widget)
        main.addWidget(self.goals, 1)
        main.addWidget(self.card)
        main.addLayout(buttons)
        self.card.hide()
        self.timer = QTimer(self, interval=POLL_MS, timeout=self._poll)
        simulator.run_created.connect(self._watch)
        simulator.state_changed.connect(self._state)

    # --- choosing ----------------------------------------------------------------------------------
    def open(self, challenge, variant: int = 1) -> None:
        """Show a challenge and put its layout `variant` in the simulator."""
        self.challenge = challenge
        self.title.setText(challenge.title)
        self.description.setText(re.sub(r"(?<!\n)\n(?!\n)", " ", challenge.description.strip()))
        self.show_layout(variant)

    def show_layout(self, variant: int) -> None:
        challenge = self.challenge
        self.variant = variant
        self.layout = layout(challenge, variant)
        robot = load_robot(challenge.robot or getattr(self.layout.world, "robot", None))
        sim = self.simulator
        sim.run_settings = {"seed": variant, "until": challenge.time_limit,
                            "watch": GoalWatch(challenge, self.layout, variant)}
        sim.show_world(self.layout.world, robot, f"{challenge.id} (layout {variant})")
        sim.start_pose = self.layout.start
        sim.view.start = self.layout.start
        sim.view.show_state(self.layout.start)
        self.layout_label.setText(f"Layout {variant} · time limit {challenge.time_limit:g} s · "
                                  f"pass mark {challenge.pass_mark:g} of {challenge.total:g}")
        self.run = self.mark = None
        self.card.hide()
        self.description.show()
        self._show_goals({})

    def next_layout(self) -> None:
        if self.challenge is not None and not self._running():
            self.show_layout(self.variant + 1)

    def close_challenge(self) -> None:
        self.timer.stop()
        self.simulator.run_settings = {}
        self.challenge = self.run = None
        self.closed.emit()

    # --- following a run -----------------------------------------------------------------------------
    def _running(self) -> bool:
        return self.run is not None and self.run.state != FINISHED

    def _watch(self, run) -> None:
        """The simulator is about to start a run: follow it with the challenge's goals."""
        if self.challenge is None:
            return
        self.run, self.mark = run, None
        self.card.hide()
        self._show_goals({})
        self.timer.start()

    def _poll(self) -> None:
        if self.run is not None and self.run.state != FINISHED:
            self._show_goals(self.run.goals)

    def _state(self, state: str) -> None:
        if state == FINISHED and self.run is not None and self.challenge is not None and self.mark is None:
            self.timer.stop()
            self.mark = self.result(self.run)
            self._show_result(self.mark)

    def result(self, run):
        """The marking core's Mark of this run's verdict (the same numbers `robolab mark` gives)."""
        document = self.document()
        text = document.text()
        name = document.path.name if getattr(document, "path", None) else "program.rlab"
        try:
            read_submission(self.challenge, text, self.library, name)
        except RobolabError as error:
            return failed(self.challenge, text, [self.variant], str(error.problems[0]))
        if run.verdict is None:   # the run never ended by itself: it crashed, or its process was killed
            stopped = run.result is not None and run.result.stopped
            why = run.error[0] if run.error else "stopped" if stopped else "the run ended before its goals were judged"
            return failed(self.challenge, text, [self.variant], why)
        return result_of(self.challenge, text, [run.verdict])

    # --- drawing -----------------------------------------------------------------------------------
    def _show_goals(self, states: dict, outcomes: dict | None = None) -> None:
        """○ open, ✓ met, ✗ missed; at the end each goal's points and why."""
        self.goals.clear()
        for goal in self.challenge.goals if self.challenge else ():
            state = states.get(goal.id)
            outcome = (outcomes or {}).get(goal.id)
            if outcome is None:
                line = f"{TICKS.get(state, OPEN_MARK)}  {goal.text} ({goal.points:g} points)"
            else:
                line = f"{TICKS.get(state, OPEN_MARK)}  {goal.text}: {outcome.points:g}/{goal.points:g}"
                line += f" ({outcome.detail})" if outcome.detail else ""
            item = QListWidgetItem(line)
            item.setData(Qt.ItemDataRole.UserRole, state)
            self.goals.addItem(item)

    def _show_result(self, mark) -> None:
        challenge = self.challenge
        result = mark.variants[0]
        states = {o.goal: MET if o.met else MISSED for o in result.outcomes}
        self._show_goals(states, {o.goal: o for o in result.outcomes})
        verdict = "passed" if mark.passed else f"not passed yet (pass mark {challenge.pass_mark:g})"
        self.score.setText(f"{mark.score:g} of {challenge.total:g} points: {verdict}")
        self.stars.setText("★" * mark.stars + "☆" * (len(challenge.stars) - mark.stars))
        self.score.setToolTip(mark.error)
        self.code.setText(mark.code)
        self.description.hide()   # room for the card on a small screen; the goals say what was asked
        self.card.show()

    def set_zoom(self, zoom: float) -> None:
        font = ui_font(zoom)
        self.setFont(font)
        self.goals.setFont(font)
