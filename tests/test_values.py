"""The value editor's plain logic: names in scope at a line, values typed and checked live."""

import pytest

from conftest import EXAMPLES
from robolab.language import read_program
from robolab.language.scope import Scope
from robolab.language import values as v
from robolab.model import expr as e
from robolab.palette.model import Param

TREESCRIPT = """robolab 1 palette treescript 1.0
output name=left_motor port=B motor=large
output name=right_motor port=C motor=large
const name=quarter_turn value=60
var name=length value=50
main {
    local name=steps value=0
    call macro=side values=[100, quarter_turn, 7]
    set name=length value=(length + 25)
}
macro name=side params=[drive_time, turn_time, speed] {
    local name=inside value=1
    on_for outputs=[left_motor, right_motor] time=drive_time
}
var name=later value=1
"""

EV3 = """robolab 1 palette ev3 1.0
var name=speed value=30
define name=zigzag inputs=[size, turns] {
    drive speed=size amount=turns unit=rotations
}
forever {
    var name=inner value=1
    drive speed=(speed + inner) amount=1 unit=rotations
    run name=zigzag values=[1, 2]
}
var name=afterwards value=0
"""


@pytest.fixture
def treescript(library):
    loaded = read_program(TREESCRIPT, library)
    assert not loaded.problems
    return loaded.program, loaded.pack


@pytest.fixture
def ev3(library):
    loaded = read_program(EV3, library)
    assert not loaded.problems
    return loaded.program, loaded.pack


def names(declared) -> list[str]:
    return [d.name for d in declared]


def param(pack, command, name):
    return pack.command(command).param(name)


# Names in scope ---------------------------------------------------------------------------------

def test_a_line_sees_earlier_lines_its_ancestors_and_hoisted_macros_but_not_later_or_inner_names(treescript):
    program, pack = treescript
    scope = Scope(program, pack, (4, "do", 1))  # the call inside main
    assert names(scope.readable()) == ["left_motor", "right_motor", "quarter_turn", "length", "steps"]
    assert "side" in scope.declared  # a macro is hoisted: main may call one written below it
    assert "later" not in scope.declared and "inside" not in scope.declared
    assert "drive_time" not in scope.declared  # the macro's inputs belong to the macro


def test_inside_a_macro_its_inputs_are_in_scope_but_mains_locals_are_not(treescript):
    program, pack = treescript
    scope = Scope(program, pack, (5, "do", 1))
    readable = names(scope.readable())
    assert {"drive_time", "turn_time", "speed", "inside"} <= set(readable)
    assert "steps" not in readable


def test_name_drop_downs_offer_only_the_kinds_and_roles_the_param_takes(treescript):
    program, pack = treescript
    scope = Scope(program, pack, (4, "do", 2))  # set length = ...
    assert names(scope.names_for(param(pack, "set", "name"))) == ["length", "steps"]  # no constants, no outputs
    assert names(scope.names_for(param(pack, "call", "macro"))) == ["side"]
    assert names(scope.names_for(param(pack, "on", "outputs"))) == ["left_motor", "right_motor"]


def test_expressions_read_pack_values_unless_a_declared_name_hides_them(ev3):
    program, pack = ev3
    scope = Scope(program, pack, (2, "do", 1))
    assert "distance" in names(scope.values()) and "abs" in names(scope.functions())
    assert names(scope.readable()) == ["speed", "inner"]  # a procedure has no value to read


# Names a declaration may not take ---------------------------------------------------------------

def test_a_declared_name_refuses_names_taken_before_after_or_by_the_pack(ev3):
    program, pack = ev3
    var = param(pack, "var", "name")
    scope = Scope(program, pack, (0,))  # var speed
    assert v.read_declared_name(var, "speed", scope).ok  # its own name
    assert v.read_declared_name(var, "distance", scope).problem == "'distance' is already a name in ev3 (a value it reads)"
    assert "already a name in ev3 (a function)" in v.read_declared_name(var, "abs", scope).problem
    # Names made later, or inside a later line, would clash with it there.
    assert "already the name of a variable on line 11" in v.read_declared_name(var, "afterwards", scope).problem
    assert "already the name of a variable" in v.read_declared_name(var, "inner", scope).problem
    assert "already the name of a procedure" in v.read_declared_name(var, "zigzag", scope).problem
    assert v.read_declared_name(var, "fresh_name", scope) == v.Verdict("fresh_name")


@pytest.mark.parametrize("typed, reason", [
    ("", "type a name"),
    ("2fast", "is not a name"),
    ("my name", "is not a name"),
    ("while", "reserved word"),
    ("and", "reserved word"),
])
def test_a_declared_name_must_be_a_name(ev3, typed, reason):
    program, pack = ev3
    assert reason in v.read_declared_name(param(pack, "var", "name"), typed, Scope(program, pack, (0,))).problem


def test_inputs_may_reuse_an_outer_name_but_not_the_procedures_own_or_repeat(ev3):
    program, pack = ev3
    inputs = param(pack, "define", "inputs")
    scope = Scope(program, pack, (1,))
    assert v.check(inputs, ("speed", "turns"), scope).ok  # shadows the variable speed, as Python does
    assert "procedure" in v.check(inputs, ("zigzag",), scope).problem
    assert v.check(inputs, ("a", "a"), scope).problem == "'a' is in the list twice; each name must differ"


def test_a_local_inside_a_loop_clashes_with_a_later_name_it_would_hide(ev3):
    program, pack = ev3
    scope = Scope(program, pack, (2, "do", 0))  # var inner, inside forever
    assert v.read_declared_name(param(pack, "var", "name"), "speed", scope).problem.startswith("'speed' is already")


# Numbers ------------------------------------------------------------------------------------------

LENGTH = Param("length", "number", min=0.5, max=12, unit=" cm")


@pytest.mark.parametrize("typed, expected", [("7", 7), (" 12 ", 12), ("2.5", 2.5), ("3.0", 3), (".75", 0.75)])
def test_numbers_are_read_as_the_file_reader_would(typed, expected):
    verdict = v.read_number(LENGTH, typed)
    assert verdict == v.Verdict(expected) and type(verdict.value) is type(expected)


@pytest.mark.parametrize("typed, reason", [
    ("0.25", "length must be at least 0.5 cm, not 0.25"),
    ("13", "length must be at most 12 cm, not 13"),
    ("", "must be a number"), ("ten", "must be a number"), ("1,5", "must be a number"), ("--1", "must be a number"),
    ("nan", "must be a number"), ("1e400", "too large"),
])
def test_what_is_not_a_number_in_range_is_refused(typed, reason):
    verdict = v.read_number(LENGTH, typed)
    assert verdict.value is None and reason in verdict.problem


def test_a_whole_number_param_refuses_fractions(ev3):
    program, pack = ev3
    assert v.read_number(param(pack, "show_text", "line"), "2.5").problem == "line must be a whole number, not 2.5"


# Expressions -------------------------------------------------------------------------------------

@pytest.fixture
def speed_scope(ev3):
    program, pack = ev3
    return param(pack, "drive", "speed"), Scope(program, pack, (2, "do", 1))


def test_a_typed_expression_becomes_a_tree_without_positions(speed_scope):
    speed, scope = speed_scope
    verdict = v.read_expression(speed, "speed + inner * 2", scope)
    assert verdict.value == e.Binary("+", e.Name("speed"), e.Binary("*", e.Name("inner"), e.Num(2)))
    assert all(n.line == 0 for n in e.names_in(verdict.value))


@pytest.mark.parametrize("typed, reason", [
    ("150", "speed must be at most 100%, not 150"),
    ("-101", "speed must be at least -100%, not -101"),
    ("sped + 1", "unknown name 'sped'; did you mean 'speed'?"),
    ("zigzag", "'zigzag' is a procedure; it has no value to use here"),
    ("afterwards", "it is made later in the program"),
    ("size", "it is made later in the program, or inside another part"),
    ("abs(1, 2)", "'abs' takes 1 value, not 2"),
    ("sqrt(4)", "'sqrt' is not a function of ev3"),
    ("speed +", "not finished: add a value after '+'"),
    ("speed * (", "not finished: add a value after '('"),
    ("abs(speed", "not finished: close the bracket with )"),
    ("speed speed", "this is not a complete expression (at character 7)"),
    ("speed and", "not finished: add a value after 'and'"),
    ("1 + not", "'not' is a word of the language"),
    ("", "type a number, a name or a sum"),
])
def test_a_typed_expression_that_cannot_be_used_here_says_why(speed_scope, typed, reason):
    speed, scope = speed_scope
    verdict = v.read_expression(speed, typed, scope)
    assert verdict.value is None and reason in verdict.problem


def test_call_values_must_match_the_procedures_inputs(ev3):
    program, pack = ev3
    values = param(pack, "run", "values")
    scope = Scope(program, pack, (2, "do", 2))
    assert v.count_labels(values, scope) == ("size", "turns")
    assert v.check(values, (e.Num(1), e.Num(2)), scope).ok
    assert v.check(values, (e.Num(1),), scope).problem == "name takes 2 values, not 1"
    assert "unknown name 'nope'" in v.check(values, (e.Num(1), e.Name("nope")), scope).problem


# Every value of every example is accepted where it stands ----------------------------------------

@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_value_in_the_examples_is_accepted_by_the_editor(library, example):
    loaded = read_program(example.read_text(), library)
    checked = 0
    for path, block in loaded.program.walk():
        command = loaded.pack.command(block.command)
        for p in command.params if command else ():
            verdict = v.check(p, block.args[p.name], Scope(loaded.program, loaded.pack, path))
            assert verdict.ok, (path, p.name, verdict.problem)
            checked += 1
    assert checked > 0


def test_options_and_shown_text(ev3):
    program, pack = ev3
    assert v.options(param(pack, "drive", "unit")) == [("seconds", "seconds"), ("rotations", "rotations"),
                                                     ("degrees", "degrees")]
    assert [o[0] for o in v.options(param(pack, "motor_run", "port"))] == ["A", "B", "C", "D"]
    assert v.options(param(pack, "wait_colour", "colour"))[0] == ("none", "no colour")
    assert v.shown(param(pack, "drive", "speed"), e.Binary("+", e.Name("speed"), e.Num(1))) == "speed + 1"
    assert v.shown(param(pack, "show_text", "line"), 3) == "3"


@pytest.mark.parametrize("typed, reason", [
    ("50 + 60", "speed must be at most 100%, not 110 (that is what 50 + 60 makes)"),
    ("-(20 * 6)", "speed must be at least -100%, not -120"),
    ("speed / 0", "dividing by 0 has no answer"),
    ("speed % (2 - 2)", "dividing by 0 has no answer"),
])
def test_a_sum_of_numbers_only_is_held_to_the_range_and_nothing_divides_by_zero(speed_scope, typed, reason):
    speed, scope = speed_scope
    verdict = v.read_expression(speed, typed, scope)
    assert verdict.value is None and reason in verdict.problem


@pytest.mark.parametrize("typed", ["50 + 40", "speed * 200", "100 / 3", "abs(-200) - 150"])
def test_sums_with_names_or_in_range_are_taken(speed_scope, typed):
    speed, scope = speed_scope
    assert v.read_expression(speed, typed, scope).ok


def test_constant_follows_the_packs_division(speed_scope):
    node = v.read_expression(*speed_scope[:1], "7 / 2", speed_scope[1]).value
    assert v.constant(node) == 3.5 and v.constant(node, whole_division=True) == 3


@pytest.mark.parametrize("inputs", ["[a, a]", "[a, b, a]"])
def test_the_file_reader_refuses_a_name_twice_in_a_list_as_the_editor_does(library, inputs):
    text = f"robolab 1 palette ev3 1.0\ndefine name=hop inputs={inputs} {{\n    beep\n}}\n"
    problems = read_program(text, library).problems
    assert [p.message for p in problems] == ["'a' is in the list twice; each name must differ"]
    assert problems[0].line == 2
