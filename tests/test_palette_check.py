"""`robolab palette check`: every mistake a course team can make in a pack is reported as
`file:line: message`, on the line where it is written, and nothing else is reported with it.

Each test writes a small pack (a valid one with one mistake put in) into tmp_path. Expected line
numbers are found by searching the pack text, never hard-coded, so a test fails if the checker
points at the wrong line.
"""

import subprocess
import sys

import pytest

from conftest import PACKS, ROOT
from robolab.palette import check_pack_file

VALID = """\
format = 1
id = "t"
version = "1.0"
title = "Test pack"
prelude = '''
from time import sleep
'''

[[categories]]
id = "motion"
name = "Motion"
colour = "#3b7dd8"

[[categories]]
id = "control"
name = "Control"
colour = "#d9822b"

[kinds.variable]
label = "variable"
assignable = true

[[setup]]
id = "tank"
python = '''
def drive_tank(left, right):
    print(left, right)
'''

[[commands]]
id = "drive"
category = "motion"
text = "drive {direction} at {speed}"
requires = ["tank"]
python = "drive_tank({direction} * {speed}, {direction} * {speed})"

[[commands.params]]
name = "direction"
type = "choice"
default = "forward"
choices = [
  { id = "forward", python = "1" },
  { id = "backward", python = "-1" },
]

[[commands.params]]
name = "speed"
type = "number"
min = 0
max = 100
default = 50

[[commands]]
id = "repeat"
category = "control"
text = "repeat {times}"
bodies = ["do"]
python = '''
for _ in range({times}):
    {do}
'''

[[commands.params]]
name = "times"
type = "expression"
min = 0
default = "4"

[[commands]]
id = "var"
category = "control"
text = "var {name} = {value}"
place = "top"
python = "{name} = {value}"

[[commands.params]]
name = "name"
type = "name"
kind = "variable"
role = "declare"

[[commands.params]]
name = "value"
type = "expression"
default = "0"

[[levels]]
name = "Week 1"
commands = ["drive"]

[[levels]]
name = "Week 2"
extends = "Week 1"
commands = ["repeat", "var"]
"""

EXTRA_COMMAND = """
[[commands]]
id = "beep"
category = "motion"
text = "beep"
python = "print('beep')"
"""


def edit(text: str, old: str, new: str) -> str:
    """`text` with the one occurrence of `old` replaced (fails loudly if the test pack changed)."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in the test pack"
    return text.replace(old, new)


def line_no(text: str, snippet: str, occurrence: int = 0) -> int:
    """The 1-based line on which `snippet` occurs (the first, or the given occurrence)."""
    found = [n for n, line in enumerate(text.splitlines(), start=1) if snippet in line]
    assert found, f"{snippet!r} is not in the test pack"
    return found[occurrence]


def check(tmp_path, text: str, name: str = "pack.toml") -> tuple[str, list[str]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    _, problems = check_pack_file(path)
    return str(path), [str(p) for p in problems]


def robolab(*args):
    return subprocess.run([sys.executable, "-m", "robolab", *args], capture_output=True, text=True, cwd=ROOT)


# --- clean packs -----------------------------------------------------------------------------

def test_valid_pack_has_no_problems(tmp_path):
    path, problems = check(tmp_path, VALID)
    assert problems == []
    pack, _ = check_pack_file(path)
    assert [c.id for c in pack.commands] == ["drive", "repeat", "var"]
    assert pack.level_commands("Week 2") == ["drive", "repeat", "var"]


@pytest.mark.parametrize("pack", PACKS, ids=[p.name for p in PACKS])
def test_shipped_packs_check_clean(pack):
    _, problems = check_pack_file(pack)
    assert problems == [], "\n".join(map(str, problems))


def test_mini_test_pack_checks_clean():
    _, problems = check_pack_file(ROOT / "tests" / "packs" / "mini.toml")
    assert problems == [], "\n".join(map(str, problems))


# --- ids ----------------------------------------------------------------------------------------

def test_duplicate_command_id_points_at_the_second(tmp_path):
    text = VALID + EXTRA_COMMAND.replace('id = "beep"', 'id = "drive"').replace("text = \"beep\"", 'text = "go"')
    path, problems = check(tmp_path, text)
    assert problems == [f'{path}:{line_no(text, "[[commands]]", -1)}: command "drive" is defined 2 times']


def test_duplicate_category_id(tmp_path):
    text = VALID + '\n[[categories]]\nid = "motion"\nname = "More motion"\ncolour = "#000000"\n'
    path, problems = check(tmp_path, text)
    assert problems == [f'{path}:{line_no(text, "[[categories]]", -1)}: category "motion" is defined 2 times']


def test_duplicate_level_name(tmp_path):
    text = VALID + '\n[[levels]]\nname = "Week 1"\ncommands = ["repeat"]\n'
    path, problems = check(tmp_path, text)
    assert problems == [f'{path}:{line_no(text, "[[levels]]", -1)}: level "Week 1" is defined 2 times']


# --- references ---------------------------------------------------------------------------------

def test_unknown_category(tmp_path):
    text = edit(VALID, 'category = "control"\ntext = "repeat', 'category = "contrl"\ntext = "repeat')
    path, problems = check(tmp_path, text)
    assert problems == [f'{path}:{line_no(text, "contrl")}: command "repeat": unknown category "contrl"']


def test_level_naming_an_unknown_command(tmp_path):
    text = edit(VALID, 'commands = ["repeat", "var"]', 'commands = ["repeat", "jump", "var"]')
    path, problems = check(tmp_path, text)
    assert problems == [f'{path}:{line_no(text, "jump")}: level "Week 2": commands names unknown command "jump"']


def test_level_extending_an_unknown_level(tmp_path):
    text = edit(VALID, 'extends = "Week 1"', 'extends = "Week 0"')
    path, problems = check(tmp_path, text)
    assert problems == [f'{path}:{line_no(text, "Week 0")}: level "Week 2": extends unknown level "Week 0"']


def test_requires_an_unknown_setup(tmp_path):
    text = edit(VALID, 'requires = ["tank"]', 'requires = ["tnak"]')
    path, problems = check(tmp_path, text)
    line = line_no(text, '"tnak"')
    # Without its setup the template's drive_tank is undefined too: both are reported, on their lines.
    assert problems == [
        f'{path}:{line}: command "drive": requires unknown setup "tnak"',
        f"{path}:{line + 1}: command \"drive\": python uses 'drive_tank', which neither the prelude nor "
        "the setup snippets it requires define",
    ]


def test_unknown_kind(tmp_path):
    text = edit(VALID, 'kind = "variable"', 'kind = "varible"')
    path, problems = check(tmp_path, text)
    assert problems == [f'{path}:{line_no(text, "varible")}: command "var" param "name": unknown kind "varible"']


def test_unknown_kind_in_a_list_of_kinds(tmp_path):
    text = edit(VALID, 'kind = "variable"', 'kind = ["variable", "countr"]')
    path, problems = check(tmp_path, text)
    assert problems == [f'{path}:{line_no(text, "countr")}: command "var" param "name": unknown kind "countr"']


# --- text slots and params ---------------------------------------------------------------------

def test_text_slot_without_a_param(tmp_path):
    text = edit(VALID, 'text = "repeat {times}"', 'text = "repeat {times} {count}"')
    path, problems = check(tmp_path, text)
    assert problems == [
        f'{path}:{line_no(text, "{count}")}: command "repeat": text has {{count}} but no param is called "count"']


def test_param_without_a_text_slot(tmp_path):
    text = edit(VALID, 'text = "drive {direction} at {speed}"', 'text = "drive {direction}"')
    path, problems = check(tmp_path, text)
    # Reported at the param's own [[commands.params]] line: the 2nd param of drive.
    assert problems == [
        f'{path}:{line_no(text, "[[commands.params]]", 1)}: command "drive" param "speed": no {{speed}} slot in the text']


def test_min_above_max(tmp_path):
    text = edit(VALID, "min = 0\nmax = 100\ndefault = 50", "min = 10\nmax = 5\ndefault = 5")
    path, problems = check(tmp_path, text)
    assert problems == [
        f'{path}:{line_no(text, "min = 10")}: command "drive" param "speed": min 10 is above max 5',
        f'{path}:{line_no(text, "default = 5")}: command "drive" param "speed": default 5 is not allowed: '
        "speed must be at least 10, not 5",
    ]


def test_default_above_max(tmp_path):
    text = edit(VALID, "default = 50", "default = 150")
    path, problems = check(tmp_path, text)
    assert problems == [f'{path}:{line_no(text, "default = 150")}: command "drive" param "speed": '
                        "default 150 is not allowed: speed must be at most 100, not 150"]


def test_default_below_min_of_an_expression(tmp_path):
    text = edit(VALID, 'default = "4"', "default = -1")
    path, problems = check(tmp_path, text)
    assert problems == [f'{path}:{line_no(text, "default = -1")}: command "repeat" param "times": '
                        "default -1 is not allowed: times must be at least 0, not -1"]


def test_default_that_is_not_one_of_the_choices(tmp_path):
    text = edit(VALID, 'default = "forward"', 'default = "sideways"')
    path, problems = check(tmp_path, text)
    assert problems == [f'{path}:{line_no(text, "sideways")}: command "drive" param "direction": default '
                        "'sideways' is not allowed: direction must be one of forward or backward, not 'sideways'"]


def test_unknown_param_type(tmp_path):
    text = edit(VALID, 'type = "number"', 'type = "numbr"')
    path, problems = check(tmp_path, text)
    assert problems == [f'{path}:{line_no(text, "numbr")}: command "drive" param "speed": unknown type '
                        "'numbr' (one of number, choice, motor_port, sensor_port, colour, text, boolean, "
                        "name, expression)"]


# --- Python templates ---------------------------------------------------------------------------

def test_template_that_is_not_valid_python(tmp_path):
    broken = "drive_tank({direction} * {speed}, {direction} * {speed}"
    text = edit(VALID, f'python = "{broken})"', f'python = "{broken}"')
    path, problems = check(tmp_path, text)
    line = line_no(text, "python = \"drive_tank")
    assert problems == [f'{path}:{line}: command "drive": python is not valid Python once filled in '
                        f"('(' was never closed, line 1): {broken!r}"]


def test_one_choice_whose_python_breaks_the_template_is_named(tmp_path):
    text = edit(VALID, '{ id = "backward", python = "-1" }', '{ id = "backward", python = "-" }')
    path, problems = check(tmp_path, text)
    assert problems == [f'{path}:{line_no(text, "choices = [")}: command "drive" param "direction" choice '
                        "\"backward\": python is not valid Python once filled in (invalid syntax, line 1): "
                        "'drive_tank((-) * 50, (-) * 50)'"]


def test_one_choice_whose_python_uses_an_undefined_name_is_named(tmp_path):
    text = edit(VALID, '{ id = "backward", python = "-1" }', '{ id = "backward", python = "BACKWARD" }')
    path, problems = check(tmp_path, text)
    assert problems == [f'{path}:{line_no(text, "choices = [")}: command "drive" param "direction" choice '
                        "\"backward\": python uses 'BACKWARD', which neither the prelude nor the setup snippets "
                        "it requires define"]


def test_template_using_an_undefined_name(tmp_path):
    text = edit(VALID, 'python = "{name} = {value}"', 'python = "{name} = round({value}, precision)"')
    path, problems = check(tmp_path, text)
    assert problems == [f"{path}:{line_no(text, 'precision')}: command \"var\": python uses 'precision', which "
                        "neither the prelude nor the setup snippets it requires define"]


def test_names_from_prelude_setup_template_and_builtins_are_defined(tmp_path):
    template = "python = '''\nfor _ in range({times}):\n    sleep(abs(0))\n    {do}\n'''"
    text = edit(VALID, "python = '''\nfor _ in range({times}):\n    {do}\n'''", template)
    _, problems = check(tmp_path, text)
    assert problems == []


def test_epilogue_may_use_what_the_template_defines(tmp_path):
    main = ('\n[[commands]]\nid = "main"\ncategory = "control"\ntext = "main"\nbodies = ["do"]\n'
            "python = '''\ndef main():\n    {do}\n'''\nepilogue = \"main()\"\n")
    path, problems = check(tmp_path, VALID + main)
    assert problems == []
    text = VALID + main.replace('epilogue = "main()"', 'epilogue = "mian()"')
    path, problems = check(tmp_path, text)
    assert problems == [f"{path}:{line_no(text, 'mian')}: command \"main\" epilogue: python uses 'mian', which "
                        "neither the prelude nor the setup snippets it requires define"]


def test_body_slot_missing(tmp_path):
    text = edit(VALID, "for _ in range({times}):\n    {do}\n", "for _ in range({times}):\n    pass\n")
    path, problems = check(tmp_path, text)
    line = line_no(text, 'bodies = ["do"]') + 1  # the repeat command's python
    assert problems == [f'{path}:{line}: command "repeat": python must have {{do}} once, on a line of its own']


def test_body_slot_twice(tmp_path):
    text = edit(VALID, "for _ in range({times}):\n    {do}\n", "for _ in range({times}):\n    {do}\n    {do}\n")
    path, problems = check(tmp_path, text)
    line = line_no(text, 'bodies = ["do"]') + 1  # the repeat command's python
    assert problems == [f'{path}:{line}: command "repeat": python must have {{do}} once, on a line of its own']


# --- the TOML itself ----------------------------------------------------------------------------

def test_invalid_toml_gives_line_and_column(tmp_path):
    text = edit(VALID, "max = 100", "max = = 100")
    path, problems = check(tmp_path, text)
    assert problems == [f"{path}:{line_no(text, 'max = = 100')}:7: not valid TOML: Invalid value"]


def test_invalid_toml_unclosed_string(tmp_path):
    text = edit(VALID, 'title = "Test pack"', 'title = "Test pack')
    path, problems = check(tmp_path, text)
    assert len(problems) == 1 and problems[0].startswith(f"{path}:{line_no(text, 'title')}:")
    assert "not valid TOML" in problems[0]


def test_wrong_value_type_for_a_key(tmp_path):
    text = edit(VALID, "min = 0\nmax = 100", 'min = "ten"\nmax = 100')
    path, problems = check(tmp_path, text)
    assert problems == [f"{path}:{line_no(text, 'ten')}: command \"drive\" param \"speed\": 'min' must be a number"]


def test_wrong_value_type_for_bodies(tmp_path):
    text = edit(VALID, 'bodies = ["do"]', 'bodies = "do"')
    path, problems = check(tmp_path, text)
    assert f"{path}:{line_no(text, 'bodies')}: command \"repeat\": 'bodies' must be a list" in problems


def test_unknown_key_is_a_typo(tmp_path):
    text = edit(VALID, 'python = "{name} = {value}"', 'python = "{name} = {value}"\ntempalte = "x"')
    path, problems = check(tmp_path, text)
    assert problems == [f"{path}:{line_no(text, 'tempalte')}: command \"var\": unknown key 'tempalte'"]


def test_missing_required_key(tmp_path):
    text = edit(VALID, 'title = "Test pack"\n', "")
    path, problems = check(tmp_path, text)
    assert problems == [f"{path}: pack: 'title' is missing"]


def test_every_problem_is_reported_in_file_order(tmp_path):
    text = edit(VALID, 'category = "motion"\ntext', 'category = "moton"\ntext')
    text = edit(text, 'kind = "variable"', 'kind = "varible"')
    text = edit(text, 'extends = "Week 1"', 'extends = "Week 0"')
    path, problems = check(tmp_path, text)
    assert [p.split(": ", 1)[0] for p in problems] == [
        f"{path}:{line_no(text, 'moton')}", f"{path}:{line_no(text, 'varible')}", f"{path}:{line_no(text, 'Week 0')}"]


# --- line numbers deep in arrays of tables ----------------------------------------------------

def test_line_of_the_third_param_of_the_fifth_command(tmp_path):
    """Multi-line strings, inline tables and arrays spread over lines must not throw the count off."""
    commands = []
    for n in range(1, 6):
        bad = n == 5
        commands.append(f'''
[[commands]]
id = "c{n}"
category = "motion"
text = "c{n} {{a}} {{b}} {{c}}"
help = """Looks like a table:
[[commands]]
id = "fake"
"""
python = \'\'\'
print({{a}}, {{b}},
      {{c}})
\'\'\'

[[commands.params]]
name = "a"
type = "choice"
default = "x"
choices = [
  {{ id = "x", python = "1" }},
  {{ id = "y", python = "2" }},
]

[[commands.params]]
name = "b"
type = "number"
default = 1

[[commands.params]]
name = "c"
type = "number"
{"min = 9  # the bad one" if bad else "min = 0"}
max = 5
default = 5
''')
    text = VALID + "".join(commands)
    path, problems = check(tmp_path, text)
    assert problems[0] == f'{path}:{line_no(text, "the bad one")}: command "c5" param "c": min 9 is above max 5'
    assert len(problems) == 2  # and its default, below the new min
    assert problems[1].startswith(f'{path}:{line_no(text, "default = 5", -1)}: command "c5" param "c": default 5')


def test_line_of_a_key_in_a_kinds_table(tmp_path):
    text = edit(VALID, 'label = "variable"\nassignable = true', 'label = "variable"\nassignable = "yes"')
    path, problems = check(tmp_path, text)
    assert problems == [f"{path}:{line_no(text, 'assignable')}: kind \"variable\": 'assignable' must be true or false"]


# --- the command line ---------------------------------------------------------------------------

def test_cli_clean_pack(tmp_path):
    path = tmp_path / "good.toml"
    path.write_text(VALID)
    result = robolab("palette", "check", str(path))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == f"{path}: ok (t 1.0, 3 commands, 2 levels)\n"


def test_cli_reports_every_problem_and_exits_1(tmp_path):
    text = edit(VALID, "min = 0\nmax = 100\ndefault = 50", "min = 10\nmax = 5\ndefault = 5")
    text = edit(text, "python = \"{name} = {value}\"", "python = \"{name} = {value}\"\ntempalte = \"x\"")
    path = tmp_path / "bad.toml"
    path.write_text(text)
    result = robolab("palette", "check", str(path))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f'{path}:{line_no(text, "min = 10")}: command "drive" param "speed": min 10 is above max 5',
        f'{path}:{line_no(text, "default = 5")}: command "drive" param "speed": default 5 is not allowed: '
        "speed must be at least 10, not 5",
        f"{path}:{line_no(text, 'tempalte')}: command \"var\": unknown key 'tempalte'",
    ]


def test_cli_invalid_toml_is_not_a_traceback(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text(edit(VALID, "max = 100", "max = = 100"))
    result = robolab("palette", "check", str(path))
    assert result.returncode == 1
    assert result.stderr == f"{path}:{line_no(VALID, 'max = 100')}:7: not valid TOML: Invalid value\n"


def test_cli_checks_several_packs_and_fails_if_any_fails(tmp_path):
    good, bad = tmp_path / "good.toml", tmp_path / "bad.toml"
    good.write_text(VALID)
    bad.write_text(edit(VALID, 'extends = "Week 1"', 'extends = "Week 0"'))
    result = robolab("palette", "check", str(good), str(bad))
    assert result.returncode == 1
    assert result.stdout == f"{good}: ok (t 1.0, 3 commands, 2 levels)\n"
    assert result.stderr == f'{bad}:{line_no(VALID, "extends")}: level "Week 2": extends unknown level "Week 0"\n'


# --- values inside string literals --------------------------------------------------------------

SAY = '''
[[commands]]
id = "say"
category = "motion"
text = "say {words}"
python = PYTHON

[[commands.params]]
name = "words"
type = "text"
default = "hello"
'''


@pytest.mark.parametrize("python", [
    "'print(\"\"\"{words}\"\"\")'",
    "'print(\"{words}\")'",
    "\"print('say: {words}')\"",
    "'print(f\"{{{words}}}\")'",
    "'print(\"\"\"{words.text}\"\"\")'",
    "'print(r\"{words}\")'",
])
def test_a_slot_inside_a_string_literal_is_refused(tmp_path, python):
    text = VALID + SAY.replace("PYTHON", python)
    path, problems = check(tmp_path, text)
    name = "words.text" if ".text" in python else "words"
    assert problems == [f'{path}:{line_no(text, f"python = {python}")}: command "say": python puts {{{name}}} inside a '
                        "string literal (line 1 of its python); a value there could end the string and run as "
                        f"code: pass it as a value of its own, for example print({{{name}}}) or "
                        f"'text ' + str({{{name}}})"]


def test_a_slot_inside_a_multi_line_template_string_is_found_on_its_line(tmp_path):
    python = "'''\nif True:\n    print(\"\"\"\n    said: {words}\n    \"\"\")\n'''"
    text = VALID + SAY.replace("PYTHON", python)
    path, problems = check(tmp_path, text)
    assert len(problems) == 1
    assert problems[0].startswith(f'{path}:{line_no(text, "said: {words}")}: command "say": python puts '
                                  "{words} inside a string literal (line 3 of its python)")


def test_a_slot_beside_a_string_literal_is_fine(tmp_path):
    text = VALID + SAY.replace("PYTHON", "'print(\"said:\", {words}, \"{{braces}}\")'")
    assert check(tmp_path, text)[1] == []


def test_student_text_cannot_break_out_of_a_template_that_passes(tmp_path):
    """With the template refused, the injection the audit found has nowhere to go."""
    text = VALID + SAY.replace("PYTHON", "'print(\"\"\"{words}\"\"\")'")
    assert check(tmp_path, text)[1]
    text = VALID + SAY.replace("PYTHON", "'print({words})'")
    assert check(tmp_path, text)[1] == []


def test_a_program_for_a_pack_with_a_slot_in_a_string_is_refused_and_runs_nothing(tmp_path):
    from robolab.errors import RobolabError
    from robolab.language import parse_program
    from robolab.palette import PackLibrary

    ev3 = next(p for p in PACKS if p.stem == "ev3").read_text()
    evil = ev3.replace('id = "ev3"', 'id = "evil"', 1).replace(
        'python = "say_aloud({words})"', "python = 'print(\"\"\"{words}\"\"\")'", 1)
    assert evil.count("evil") == 1 and 'print("""{words}""")' in evil
    (tmp_path / "evil.toml").write_text(evil)
    words = '"""+str(__import__("os").system("touch ' + str(tmp_path / "pwned") + '"))+"""'
    text = 'robolab 1 palette evil 1.0\nsay words="' + words.replace('"', '\\"') + '"\n'
    with pytest.raises(RobolabError, match="inside a string literal"):
        parse_program(text, PackLibrary([str(tmp_path)]), "evil.rlab")
    assert not (tmp_path / "pwned").exists()
