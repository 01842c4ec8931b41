"""RobotLab statements the later course samples use (issue 16 item 9), in .tsc files written here:
each imports with nothing lost, checks, compiles and runs in the simulator doing what RobotLab did."""

import pytest

from robolab.importer import import_program, write_import
from robolab.run import run_file
from tscwriter import line, tsc

MOTORS = [line("output left on A", "output", {"name": "left", "port": "A"}),
          line("output right on C", "output", {"name": "right", "port": "C"})]


def send(value):
    return line(f"send {value}", "send", {"message": str(value)})


def imported_run(tmp_path, library, lines, name="program") -> tuple[dict, list[str]]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    source = tmp_path / f"{name}.tsc"
    source.write_bytes(tsc(lines))
    result = import_program(source, library)
    lost = [report for report in result.report_lines if "no simulator settings" not in report]
    rlab = write_import(result, tmp_path / "out")[0]
    summary, problems = run_file(str(rlab), library, until=30)
    assert problems == [], problems
    data = summary.as_dict()
    assert not data["error"], data["error"]
    return data, lost, result.program_text


def messages(summary) -> list[int]:
    return [event["number"] for event in summary["events"] if event["kind"] == "message" and "number" in event]


@pytest.mark.parametrize("level", ["7", "8"])
def test_power_8_is_imported_and_runs_at_full_power(tmp_path, library, level):
    summary, lost, text = imported_run(tmp_path, library, MOTORS + [line("main", "main", children=[
        line(f"power [left right] {level}", "power", {"ports": "left right", "power": level}),
        line("on [left right] for 200", "on for", {"ports": "left right", "delay": "200"})])])
    assert lost == [] and f"level={level}" in text
    assert summary["distance"] == pytest.approx(
        imported_run(tmp_path / "full", library, MOTORS + [line("main", "main", children=[
            line("on [left right] for 200", "on for", {"ports": "left right", "delay": "200"})])])[0]["distance"])


def test_message_is_the_last_message_received_and_clear_message_clears_it(tmp_path, library):
    summary, lost, text = imported_run(tmp_path, library, [line("main", "main", children=[
        send(3),
        line("if message = 0", "if then else", {"condition": "message = 0"}, [
            line("then", "then", children=[send(9)]), line("else", "else", children=[send(8)])]),
        line("send message + 5", "send", {"message": "message + 5"}),
        line("clear message", "clear", {"name": "message"}),      # written as a clear of the name
        line("clear message", "clear message", {}),
    ])])
    assert lost == []
    assert "condition=(message == 0)" in text and text.count("clear_message") == 2
    assert messages(summary) == [3, 9, 5]   # nothing sends the robot a message: it reads 0


def test_var_and_timer_inside_main_or_a_macro(tmp_path, library):
    summary, lost, text = imported_run(tmp_path, library, [
        line("macro count_up", "macro", {"name": "count_up", "params": ""}, [
            line("var y = 2", "var", {"name": "y", "value": "2"}),
            line("set y = y + 1", "set", {"name": "y", "value": "y + 1"}),
            send("y")]),
        line("main", "main", children=[
            line("var x = 3", "var", {"name": "x", "value": "3"}),
            line("timer t", "timer", {"name": "t"}),
            line("wait 50", "wait", {"delay": "50"}),
            line("set x = x + t", "set", {"name": "x", "value": "x + t"}),
            send("x"),
            line("call count_up()", "call", {"name": "count_up", "params": ""}),
            line("call count_up()", "call", {"name": "count_up", "params": ""}),   # y starts again from 2
            line("clear TIMER", "clear", {"name": "TIMER"}),
            line("wait 30", "wait", {"delay": "30"}),
            line("send TIMER", "send", {"message": "TIMER"}),
        ])])
    assert lost == []
    assert text.index("var name=x value=0") < text.index("main {") and "set name=x value=3" in text
    assert messages(summary) == [8, 3, 3, 3]   # 3 + 5 tenths; the macro's var set each call; TIMER cleared


def test_a_program_after_an_empty_main_is_main(tmp_path, library):
    summary, lost, text = imported_run(tmp_path, library, [
        line("main", "main"),
        *MOTORS,
        line("forward [left right]", "forward", {"ports": "left right"}),
        line("on [left right] for 100", "on for", {"ports": "left right", "delay": "100"}),
        send(4)])
    assert lost == []
    assert text.index("output name=left") < text.index("main {") < text.index("send message=4")
    assert messages(summary) == [4] and summary["distance"] > 50


def test_statements_after_a_main_with_lines_are_still_outside_it(tmp_path, library):
    summary, lost, _ = imported_run(tmp_path, library, [line("main", "main", children=[send(1)]), send(2)])
    assert messages(summary) == [1]
    assert lost == ["line 3 ('send 2'): not imported: it is outside main, so RobotLab never ran it; kept as a comment"]


def test_stop_main_ends_the_program(tmp_path, library):
    summary, lost, text = imported_run(tmp_path, library, [line("main", "main", children=[
        send(1), line("stop main", "stop", {"task": "main"}), send(2)])])
    assert lost == [] and "stop_main" in text
    assert messages(summary) == [1] and summary["returncode"] == 0
