"""RobotLab statements and expressions -> treescript: every statement maps or is kept as a comment
with a report line, and the program that comes out always checks, compiles and runs."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from robolab.importer import import_program
from robolab.importer.expressions import ExpressionError, translate
from robolab.language import check_text, compile_program, parse_program
from robolab.language.expressions import parse_expression, to_text
from tscwriter import line, tsc


@pytest.mark.parametrize("robotlab, robolab", [
    ("N < 10", "N < 10"),
    ("light_sensor< 70", "light_sensor < 70"),
    ("x <> 1 && y = 2", "x != 1 and y == 2"),
    ("a = 1 || b = 2 && c = 3", "a == 1 or b == 2 and c == 3"),
    ("random 6", "random(6)"),
    ("random 6 + 1", "random(6) + 1"),
    ("abs(x - 3) * sgn y", "abs(x - 3) * sgn(y)"),
    ("a < 3 & b > 2", "(a < 3) & (b > 2)"),  # & binds looser than < in RobotLab, tighter in RoboLab
    ("a | b & c", "a | b & c"),
    ("(Nrandom + 21)", "Nrandom + 21"),
    ("total_time/number_of_trials", "total_time / number_of_trials"),
    ("-x * 2 - -3", "-x * 2 - -3"),
    ("n_divided_by_10 * 10", "N_divided_by_10 * 10"),
    ("TRUE", "true"),
    ("2.5 * 4", "2.5 * 4"),
])
def test_robotlab_expressions_become_robolab_expressions(robotlab, robolab):
    assert to_text(translate(robotlab, {"n_divided_by_10": "N_divided_by_10"})) == robolab


@pytest.mark.parametrize("text, message", [
    ("", "empty"), ("N <", "ends too soon"), ("(1 + 2", "ends too soon"), ("(1 + 2 3", "not closed"), ("N ? 2", "cannot read '? 2'"),
    ("1 2", "unexpected '2'"), ("a < b < c", "comparisons cannot follow each other"),
])
def test_unreadable_expressions_say_why(text, message):
    with pytest.raises(ExpressionError) as raised:
        translate(text)
    assert message in str(raised.value)


def imported(tmp_path, lines, library):
    path = tmp_path / "prog.tsc"
    path.write_bytes(tsc(lines))
    result = import_program(path, library)
    assert check_text(result.program_text, library, "prog.rlab") == []
    program, pack = parse_program(result.program_text, library)
    compile_program(program, pack)
    return result


OUTPUTS = [line("output left on A", "output", {"name": "left", "port": "A"}),
           line("output right on C", "output", {"name": "right", "port": "C"})]


def test_statements_the_samples_never_use_map_to_their_commands(tmp_path, library):
    result = imported(tmp_path, OUTPUTS + [
        line("sensor bumper on 1 is switch as boolean", "sensor",
             {"name": "bumper", "port": "1", "type": "switch", "mode": "boolean"}),
        line("sensor noise on 1 bias 5 noise 10", "sensor noise", {"port": "1", "bias": "5", "noise": "10"}),
        line("output noise on A bias 90 noise 5", "output noise", {"port": "A", "bias": "90", "noise": "5"}),
        line("counter hits", "counter", {"name": "hits"}),
        line("event bumped when bumper.pressed", "event", {"name": "bumped", "sensor": "bumper", "state": "pressed"}),
        line("macro turn(t)", "macro", {"name": "turn", "params": "t"}, [
            line("local half = t / 2", "local", {"name": "half", "value": "t / 2"}),
            line("power [left right] 3", "power", {"ports": "left right", "power": "3"}),
            line("on [left right] for half", "on for", {"ports": "left right", "delay": "half"}),
        ]),
        line("task beeper", "task", {"name": "beeper"}, [
            line("priority 2", "priority", {"priority": "2"}),
            line("sound 3", "sound", {"sound": "3"}),
            line("tone 440 for 50", "tone", {"frequency": "440", "delay": "50"}),
        ]),
        line("watcher when_bumped monitor bumped", "watcher", {"name": "when_bumped", "events": "bumped"}, [
            line("float [left right]", "float", {"ports": "left right"}),
        ]),
        line("main", "main", children=[
            line("start beeper", "start", {"task": "beeper"}),
            line("call turn(50)", "call", {"name": "turn", "params": "50"}),
            line("display hits:2", "display", {}),
            line("wait until bumper = 1", "wait until", {"condition": "bumper = 1"}),
            line("repeat until hits > 3", "repeat until", {"condition": "hits > 3"}, [
                line("set hits = hits + 1", "set", {"var": "hits", "value": "hits + 1"}),
            ]),
            line("fire bumped", "fire", {"event": "bumped"}),
            line("trigger when_bumped", "trigger", {"watcher": "when_bumped"}),
            line("clear hits", "clear", {"var": "hits"}),
            line("clear message", "clear message"),
            line("stop beeper", "stop", {"task": "beeper"}),
        ]),
    ], library)
    text = result.program_text
    for expected in [
        "sensor_noise port=1 bias=5 noise=10", "output_noise port=A bias=90 noise=5", "counter name=hits",
        "event name=bumped sensor=bumper state=pressed", "macro name=turn params=[t] {", "local name=half value=(t / 2)",
        "power outputs=[left, right] level=3", "on_for outputs=[left, right] time=half", "task name=beeper {",
        "priority level=2", "sound sound=sweep_up", "tone frequency=440 time=50",
        "watcher name=when_bumped events=[bumped] {", "float outputs=[left, right]", "start task=beeper",
        "call macro=turn values=[50]", "display value=hits places=2", "wait_until condition=(bumper == 1)",
        "repeat_until condition=(hits > 3) {", "fire event=bumped", "trigger watcher=when_bumped",
        "clear name=hits", "clear_message", "stop task=beeper",
    ]:
        assert expected in text, expected
    assert [line for line in result.report_lines if not line.startswith("prog.cfg")] == []


def test_what_cannot_be_mapped_is_kept_as_a_comment_with_a_report_line(tmp_path, library):
    result = imported(tmp_path, OUTPUTS + [
        line("var in = 3", "var", {"name": "in", "value": "3"}),
        line("main", "main", children=[
            line("beep twice", "beep twice", {}),
            line("wait N ?", "wait", {"delay": "N ?"}),
            line("sound 9", "sound", {"sound": "9"}),
            line("send 300", "send", {"message": "300"}),
            line("send nobody", "send", {"message": "nobody"}),
            line("while ghost < 3", "while", {"condition": "ghost < 3"}, [line("send 1", "send", {"message": "1"})]),
            line("set IN = in + 1", "set", {"var": "IN", "value": "in + 1"}),
        ]),
    ], library)
    text = result.program_text
    assert "var name=in_ value=3" in text and "set name=in_ value=(in_ + 1)" in text
    for kept in ["# RobotLab: beep twice", "# RobotLab: wait N ?", "# RobotLab: sound 9", "# RobotLab: send 300",
                 "# RobotLab: send nobody", "# RobotLab: while ghost < 3", "# RobotLab:   send 1"]:
        assert kept in text, kept
    report = "\n".join(result.report_lines)
    assert "line 3 ('var in = 3'): the name 'in' is written 'in_'" in report
    assert "line 5 ('beep twice'): RobotLab's 'beep twice' statement has no RoboLab equivalent" in report
    assert "line 6 ('wait N ?'): not imported: its expression cannot be read: cannot read '?'" in report
    assert "line 7 ('sound 9'): not imported: RobotLab had sounds 0 to 5, not 9" in report
    assert "line 8 ('send 300'): not imported: number must be at most 255" in report
    assert "line 9 ('send nobody'): not imported: " in report and "nobody" in report
    assert "line 10 ('while ghost < 3'): not imported: " in report


def test_lines_that_cannot_stand_where_they_are_are_kept_and_reported_in_program_order(tmp_path, library):
    result = imported(tmp_path, [
        line("sensor r on 3 is rotation as raw", "sensor", {"name": "r", "port": "3", "type": "rotation", "mode": "raw"}),
        line("main", "main", children=[line("send r", "send", {"message": "r"})]),
        line("main", "main", children=[line("send 2", "send", {"message": "2"})]),
        line("then", "then"),
    ], library)
    assert result.program_text.splitlines()[1:] == [
        "# RobotLab: sensor r on 3 is rotation as raw", "main {", "    # RobotLab: send r", "}",
        "# RobotLab: main", "# RobotLab:   send 2", "# RobotLab: then"]
    program_lines = [line for line in result.report_lines if line.startswith("line ")]
    assert [int(line.split()[1]) for line in program_lines] == [1, 3, 4, 6]
    assert "type must be one of switch, light, ultrasonic or gyro, not 'rotation'" in program_lines[0]
    assert "a program has only one main line" in program_lines[2]


TOKENS = ["N", "x", "light_sensor", "3", "10", "2.5", "+", "-", "*", "/", "=", "<>", "<", ">", "<=", ">=", "&&",
          "||", "&", "|", "(", ")", "random", "abs", "sgn", "not", "!", "?", ",", " "]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(TOKENS), max_size=12))
def test_any_robotlab_expression_translates_to_one_robolab_reads_back_or_is_refused(tokens):
    text = " ".join(tokens)
    try:
        tree = translate(text)
    except ExpressionError:
        return
    assert parse_expression(to_text(tree)) == tree
