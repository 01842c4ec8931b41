"""The window's one run controller (pytest-qt, offscreen).

Its own rules against a small scripted session (actions by state and capabilities, events into the
one output pane, the error's block, a refusal); then in the window with real targets: F5, F6, F10 and
Shift+F5 on the simulator's child process, an error selecting its block, and one output pane showing
a simulator run and a run on the stand-in EV3 brick (a real RPyC service on 127.0.0.1), each named."""

import pytest
from PySide6.QtCore import Qt
from windows import open_window

from robolab.ev3 import pairing
from robolab.ev3.pairing import Pairings
from robolab.targets import (FINISHED, PAUSE, PAUSED, RUNNING, STARTING, STEP, TRACE, Finished, Output, RunError,
                             RunningBlock, RunOptions, StateChanged)
from robolab.ui.canvas import RUNNING as OUTLINED
from robolab.ui.run_controller import READY, Refused, RunController
from robolab.ui.run_output import COLOURS, RunOutput

try:
    from tests.ev3.standin import PROGRAMS
except ImportError:
    from ev3.standin import PROGRAMS


# --- the controller's own rules, against a scripted session ------------------------------------------
class ScriptedSession:
    """A session whose events the test puts in; it records what it was asked."""

    def __init__(self, capabilities, target="Test bench"):
        self.target, self.capabilities, self.state = target, frozenset(capabilities), STARTING
        self.queued, self.asked = [StateChanged(STARTING)], []

    def say(self, *events):
        for event in events:
            if isinstance(event, StateChanged):
                self.state = event.state
            self.queued.append(event)

    def events(self):
        events, self.queued = self.queued, []
        return events

    def __getattr__(self, name):
        if name in ("pause", "resume", "step", "set_speed", "set_trace", "stop"):
            return lambda *args: self.asked.append(name)
        raise AttributeError(name)

    def wait(self, timeout=None):
        return self.state == FINISHED


class ScriptedTarget:
    name = "Test bench"

    def __init__(self, capabilities):
        self.capabilities, self.sessions, self.options = capabilities, [], []

    def start(self, program, options):
        self.options.append(options)
        self.sessions.append(ScriptedSession(self.capabilities))
        return self.sessions[-1]


@pytest.fixture
def controller(qtbot):
    output = RunOutput()
    qtbot.addWidget(output)
    return RunController(lambda: "the snapshot", output)


def place(controller, key, capabilities, refuse=None):
    target = ScriptedTarget(capabilities)

    def options(paused):
        if refuse:
            raise Refused(refuse)
        return RunOptions(paused=paused)

    controller.add_target(key, target.name, lambda: target, options, capabilities=capabilities)
    return target


def test_actions_follow_the_sessions_state_and_capabilities(controller):
    brick = place(controller, "brick", {TRACE})
    sim = place(controller, "sim", {PAUSE, STEP, TRACE})
    actions = controller.actions
    controller.choose("brick")
    assert actions["run"].isEnabled() and not actions["step"].isEnabled() and not actions["stop"].isEnabled()
    actions["run"].trigger()
    session = brick.sessions[0]
    session.say(StateChanged(RUNNING))
    controller.poll()
    assert controller.state == RUNNING and controller.state_words() == "running on the Test bench"
    assert not actions["run"].isEnabled() and not actions["pause"].isEnabled() and actions["stop"].isEnabled()
    assert not controller.target_actions["sim"].isEnabled()   # no other target while one runs
    actions["stop"].trigger()
    assert session.asked == ["stop"]
    session.say(StateChanged(FINISHED), Finished(None, stopped=True))
    controller.poll()
    assert controller.state == FINISHED and actions["run"].isEnabled() and not actions["stop"].isEnabled()

    controller.choose("sim")
    actions["step"].trigger()   # from no run: a run paused before its first block
    assert sim.options[0].paused
    session = sim.sessions[0]
    session.say(StateChanged(PAUSED))
    controller.poll()
    assert actions["run"].text() == "Continue" and actions["step"].isEnabled() and not actions["pause"].isEnabled()
    actions["step"].trigger()
    actions["run"].trigger()
    assert session.asked == ["step", "resume"]
    session.say(StateChanged(RUNNING))
    controller.poll()
    assert actions["run"].text() == "Run" and actions["pause"].isEnabled()


def test_events_become_lines_the_highlight_and_the_errors_block(controller, qtbot):
    target = place(controller, "sim", {PAUSE, STEP})
    blocks, errors = [], []
    controller.running_block.connect(blocks.append)
    controller.error_block.connect(lambda block, message: errors.append((block, message)))
    controller.run()
    session = target.sessions[0]
    session.say(StateChanged(RUNNING), Output("hello"), Output("oops", "err"), RunningBlock((1,), 7),
                Output("message 1 (one)", time=1.5, kind="message", spoken="one"), RunningBlock((2,), 9),
                StateChanged(FINISHED), Finished(1, error=RunError("ZeroDivisionError: division by zero", (2,), 4)))
    spoken = []
    controller.output.list.spoken.connect(spoken.append)
    controller.poll()
    texts = controller.output.texts()
    assert texts == ["Run 1 on the Test bench", "hello", "oops", "   1.50 s   message 1 (one)",
                     "line 4: ZeroDivisionError: division by zero"]
    listed = controller.output.list
    colours = [listed.item(i).foreground().color().name() for i in range(listed.count())]
    assert colours == [COLOURS["header"], COLOURS["out"], COLOURS["err"], COLOURS["message"], COLOURS["error"]]
    assert spoken == ["one"]
    assert blocks == [(1,), (2,), None]   # the outline goes when the run ends
    assert errors == [((2,), "ZeroDivisionError: division by zero")]
    listed.itemClicked.emit(listed.item(4))   # the error line keeps its block
    assert errors[-1][0] == (2,)
    listed.itemClicked.emit(listed.item(1))   # a plain line selects nothing
    assert len(errors) == 2
    assert controller.output.title == "Output · Test bench"


def test_a_refused_run_says_why_and_starts_nothing(controller):
    target = place(controller, "brick", {TRACE}, refuse="No brick chosen: connect first.")
    said = []
    controller.said.connect(said.append)
    controller.run()
    assert target.sessions == [] and controller.session is None and controller.state == READY
    assert controller.output.texts() == ["No brick chosen: connect first."] and said == ["No brick chosen: connect first."]


def test_another_program_opened_stops_the_run_and_selects_no_stale_block(controller):
    target = place(controller, "sim", {PAUSE, STEP})
    errors = []
    controller.error_block.connect(lambda block, message: errors.append(block))
    controller.run()
    session = target.sessions[0]
    session.say(StateChanged(RUNNING))
    controller.poll()
    controller.program_opened()
    assert session.asked == ["stop"]
    session.say(StateChanged(FINISHED), Finished(1, error=RunError("NameError: x", (5,), 9)))
    controller.poll()
    assert errors == [None]   # (5,) was a block of the program closed
    controller.program_opened()
    assert controller.output.texts() == []   # not running: the pane starts afresh


# --- in the window, with real targets ---------------------------------------------------------------
@pytest.fixture
def window(qtbot, tmp_path, library, monkeypatch):
    monkeypatch.setattr(pairing, "default_file", lambda: tmp_path / "bricks.json")  # not the user's bricks
    window = open_window(qtbot, tmp_path, library)
    window.dock_simulator()
    yield window
    window.runs.shutdown()
    window.ev3.shutdown()


def opened(window, tmp_path, body, name="program.rlab"):
    path = tmp_path / name
    path.write_text("robolab 1 palette ev3 1.0\n" + body)
    assert window.files.open_file(path)


def test_the_run_keys_run_pause_step_and_stop_the_simulator(window, qtbot, tmp_path):
    opened(window, tmp_path, "var name=n value=0\nforever {\n    set name=n value=(n + 1)\n    wait seconds=0.05\n}\n")
    runs, canvas = window.runs, window.canvas
    window.simulator.bar.speed.setCurrentIndex(window.simulator.bar.speed.findData(1.0))
    qtbot.keyClick(canvas, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: runs.state == RUNNING, timeout=10000)
    assert window.run_state.text() == "running on the Simulator"
    assert window.simulator.bar.buttons["stop"].isEnabled()   # the panel's buttons are views of the same actions
    qtbot.keyClick(canvas, Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: runs.state == PAUSED, timeout=10000)
    assert window.run_state.text() == "paused on the Simulator" and runs.actions["run"].text() == "Continue"
    run = window.simulator.run

    def outlined():
        block = run.latest.block
        return block if block is not None and window.canvas.item_at(block).data(OUTLINED) else None

    qtbot.waitUntil(lambda: outlined() is not None, timeout=5000)   # paused: the block it holds at is outlined
    held = outlined()
    qtbot.keyClick(canvas, Qt.Key.Key_F10)   # one block on, then paused again
    qtbot.waitUntil(lambda: runs.state == PAUSED and outlined() not in (None, held), timeout=10000)
    assert not window.canvas.item_at(held).data(OUTLINED)
    qtbot.keyClick(canvas, Qt.Key.Key_F5, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: runs.state == FINISHED, timeout=10000)
    assert window.run_output.texts()[-1].startswith("the program was stopped")
    assert window.run_state.text() == "finished on the Simulator"
    assert not any(window.canvas.item_at(path).data(OUTLINED) for path in ((0,), (1,), (1, "do", 0), (1, "do", 1)))


def test_an_error_on_the_simulator_selects_its_block_in_the_window(window, qtbot, tmp_path):
    opened(window, tmp_path, "var name=zero value=0\nvar name=x value=1\nset name=x value=(10 / zero)\n")
    window.canvas.select_paths([(0,)])
    window.runs.choose("simulator")
    qtbot.keyClick(window.canvas, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: window.canvas.selected_paths() == [(2,)], timeout=15000)
    texts = window.run_output.texts()
    assert texts[0] == "Run 1 on the Simulator" and texts[-1] == "line 4: ZeroDivisionError: division by zero"
    assert "ZeroDivisionError" in window.statusBar().currentMessage()
    assert window.panels["Output"].windowTitle() == "Output · Simulator"
    window.canvas.select_paths([(0,)])
    window.run_output.list.itemClicked.emit(window.run_output.list.item(len(texts) - 1))
    assert window.canvas.selected_paths() == [(2,)]


def test_one_output_pane_shows_both_targets_output_each_run_named(window, qtbot, tmp_path, brick):
    opened(window, tmp_path, 'say words="Hello"\nbeep\n')
    runs, texts = window.runs, window.run_output.texts
    runs.choose("simulator")
    runs.actions["run"].trigger()
    qtbot.waitUntil(lambda: runs.state == FINISHED, timeout=15000)
    assert texts()[0] == "Run 1 on the Simulator" and any("says “Hello”" in t for t in texts())

    Pairings().save(brick.pairing)
    window.ev3.connect_to(brick.name)
    qtbot.waitUntil(lambda: window.ev3.brick_label.text() == f"EV3: {brick.name} (connected)", timeout=15000)
    assert window.files.open_file(PROGRAMS / "count.rlab")   # another program: the pane starts afresh
    assert texts() == []
    runs.choose("ev3")
    assert window.panels["Output"].windowTitle() == "Output · EV3 brick"
    runs.actions["run"].trigger()
    qtbot.waitUntil(lambda: runs.state == FINISHED, timeout=15000)
    assert f"Run 2 on the EV3 brick {brick.name}" in texts(), texts()
    brick_run = texts()[texts().index(f"Run 2 on the EV3 brick {brick.name}"):]
    assert [t for t in brick_run if t.startswith("log")] == ["log n 1", "log n 2", "log n 3"]
    assert brick_run[-1] == "the program ended"
    assert window.panels["Output"].windowTitle() == f"Output · EV3 brick {brick.name}"
    assert window.run_state.text() == f"finished on the EV3 brick {brick.name}"

    runs.choose("simulator")   # and back: the same pane, the next run named
    runs.actions["run"].trigger()
    qtbot.waitUntil(lambda: runs.state == FINISHED, timeout=15000)
    assert texts().index(f"Run 2 on the EV3 brick {brick.name}") < texts().index("Run 3 on the Simulator")
    assert texts()[-1].startswith("the program ended") and window.panels["Output"].windowTitle() == "Output · Simulator"
