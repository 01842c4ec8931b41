"""Mistakes in programs: every problem is reported as `file:line:col: message` a student can act on,
all of them at once; clean programs have none and compile to Python that runs.

Programs are checked against tests/packs/mini.toml, a small pack kept for these tests, so they do
not change when the shipped packs do. Its templates are plain Python (print), so compiled programs
run here under ordinary Python.
"""

import contextlib
import io
import subprocess
import sys

import pytest

from conftest import ROOT
from robolab.errors import RobolabError
from robolab.language import check_text, compile_program, parse_program, read_program
from robolab.palette import PackLibrary

MINI = ROOT / "tests" / "packs" / "mini.toml"
HEADER = "robolab 1 palette mini 1.0\n"
FILE = "prog.rlab"


@pytest.fixture(scope="module")
def mini():
    return PackLibrary([MINI])


def problems(library, body: str, header: str = HEADER) -> list[str]:
    return [str(p) for p in check_text(header + body, library, FILE)]


def run(library, body: str) -> tuple[str, str]:
    """Compile a program and run its Python with plain Python; (the Python, what it printed)."""
    program, pack = parse_program(HEADER + body, library, FILE)
    source = compile_program(program, pack, name="prog").source
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, "prog.py", "exec"), {"__name__": "__main__"})
    return source, out.getvalue()


# --- syntax -------------------------------------------------------------------------------------

SYNTAX = {
    "missing =": ("main {\n    drive speed 50\n}\n", "3:17: write each value as name=value, like speed=50"),
    "missing = at top level": ("var name x\n", "2:10: write each value as name=value, like speed=50"),
    "missing = two deep": ("main {\n    repeat times=2 {\n        drive speed 50\n    }\n}\n",
                           "4:21: write each value as name=value, like speed=50"),
    "unclosed {": ("main {\n    repeat times=2 {\n        lap\n}\n", "2:6: a '{' is never closed: add a line with '}'"),
    "unclosed { of a loop": ("main {\n    repeat times=2 {\n        lap\n",
                             "3:20: a '{' is never closed: add a line with '}'"),
    "stray }": ("main {\n    lap\n}\n}\n", "5:1: this '}' closes nothing"),
    "stray } inside": ("main {\n    repeat times=1 {\n        lap\n    }\n    }\n}\n", "7:1: this '}' closes nothing"),
    "unfinished expression": ("main {\n    show value=(1 +)\n}\n", "3:20: this expression is not finished"),
    "unfinished comparison": ("var name=x value=(1 <)\n", "2:22: this expression is not finished"),
    "missing )": ("main {\n    show value=(1 + 2\n}\n", "3:22: a ')' is missing"),
    "expression without ()": ("main {\n    show value=1 + 2\n}\n",
                              "3:18: put an expression in parentheses, like condition=(x < 10)"),
    "name - number without ()": ("main {\n    show value=x - 1\n}\n",
                                 "3:18: put an expression in parentheses, like condition=(x < 10)"),
    "comparison without ()": ("main {\n    show value=1 >= 2\n}\n",
                              "3:18: put an expression in parentheses, like condition=(x < 10)"),
    "two values in ()": ("main {\n    show value=(1 2)\n}\n", "3:19: a ')' is missing"),
    "stray character": ("main {\n    drive $\n}\n", "3:11: unexpected character '$'"),
    "stray = is not a stray }": ("main {\n    = 5\n}\n", "3:5: unexpected '='"),
    "value missing": ("main {\n    drive speed=\n}\n", "3:17: a value is missing after '='"),
    "chained comparison": ("main {\n    show value=(1 < 2 < 3)\n}\n",
                           "3:23: comparisons do not chain: write (a < b) and (b < c)"),
    "unterminated string": ('main {\n    say message="hi\n}\n', "3:17: this text has no closing quote"),
    "bad escape": ('main {\n    say message="a\\nb"\n}\n',
                   "3:17: '\\n' is not allowed in text; write \\\" for a quote and \\\\ for \\"),
    "number too large": ("main {\n    show value=12345678901234567890\n}\n",
                         "3:16: the number 12345678901234567890 is too large"),
    "{ and } on one line": ("main {\n    repeat times=2 { lap }\n}\n",
                            "3:26: start a new line after '{' and put '}' on a line of its own"),
}


@pytest.mark.parametrize("body, expected", SYNTAX.values(), ids=SYNTAX.keys())
def test_syntax_error(mini, body, expected):
    assert problems(mini, body) == [f"{FILE}:{expected}"]


@pytest.mark.parametrize("text", ["main {\n}\n", "robolab 1 pallete mini 1.0\n", "robolab 1 palette mini\n",
                                  "# comment\nrobolab 1 palette mini 1.0\n", ""])
def test_missing_or_wrong_header(mini, text):
    found = problems(mini, text, header="")
    assert len(found) == 1
    assert found[0].startswith(f"{FILE}:1:")
    assert found[0].endswith(": the first line must say which palette the program is for, "
                             "like: robolab 1 palette ev3 1.0")


def test_syntax_error_is_raised_not_returned_half_read(mini):
    with pytest.raises(RobolabError) as caught:
        read_program(HEADER + "main {\n    drive speed 50\n}\n", mini, FILE)
    assert [str(p) for p in caught.value.problems] == [f"{FILE}:3:17: write each value as name=value, like speed=50"]


# --- meaning --------------------------------------------------------------------------------------

MEANING = {
    "unknown command": ("main {\n    repat times=2 {\n    }\n}\n",
                        ["3:5: 'repat' is not a command of mini 1.0; did you mean 'repeat'?"]),
    "unknown command, nothing close": ("main {\n    fly\n}\n", ["3:5: 'fly' is not a command of mini 1.0"]),
    "unknown argument": ("main {\n    drive sped=5\n}\n", ["3:11: 'drive' has no value called 'sped'; did you mean 'speed'?"]),
    "unknown argument, nothing close": ("main {\n    drive colour=red\n}\n",
                                        ["3:11: 'drive' has no value called 'colour' (it has direction, speed)"]),
    "argument to a command without any": ("main {\n    repeat times=1 {\n        lap count=2\n    }\n}\n",
                                          ["4:13: 'lap' has no value called 'count' (it takes no values)"]),
    "argument given twice": ("main {\n    drive speed=1 speed=2\n}\n", ["3:19: 'speed' is given twice"]),
    "missing required argument": ("main {\n    say\n}\n", ["3:5: 'say' needs a value for 'message', like message=..."]),
    "number above max": ("main {\n    drive speed=500\n}\n", ["3:17: speed must be at most 100%, not 500"]),
    "number below min": ("main {\n    drive speed=-5\n}\n", ["3:17: speed must be at least 0%, not -5"]),
    "expression number below min": ("main {\n    repeat times=-1 {\n    }\n}\n", ["3:18: times must be at least 0, not -1"]),
    "text for a number": ('main {\n    drive speed="fast"\n}\n', ["3:17: speed must be a number"]),
    "number for a text": ("main {\n    say message=5\n}\n", ['3:17: message is text: put it in quotes, like "5"']),
    "list for a single value": ("main {\n    drive speed=[1, 2]\n}\n", ["3:17: speed is a single value, not a list"]),
    "single value for a list": ("macro name=m params=x {\n}\n", ["2:21: params is a list: write it in brackets, like [x]"]),
    "unknown choice": ("main {\n    drive direction=forwrd\n}\n",
                       ["3:21: direction must be one of forward or backward, not 'forwrd'; did you mean 'forward'?"]),
    "unknown body part": ("main {\n    if condition=true {\n    } esle {\n    }\n}\n",
                          ["4:7: 'if' has no part called 'esle'; did you mean 'else'?"]),
    "body part twice": ("main {\n    if condition=true {\n    } else {\n    } else {\n    }\n}\n",
                        ["5:7: 'else' part is given twice"]),
    "body on a command without one": ("main {\n    repeat times=1 {\n        lap {\n        }\n    }\n}\n",
                                      ["4:9: 'lap' has no lines inside it; remove the { }"]),
    "reserved word as a name": ("var name=if value=1\n", ["2:10: 'if' is a reserved word; choose another name"]),
    "unknown variable": ("var name=count value=0\nmain {\n    show value=(cuont + 1)\n}\n",
                         ["4:17: unknown name 'cuont'; did you mean 'count'?"]),
    "unknown variable, nothing close": ("main {\n    show value=zz\n}\n", ["3:16: unknown name 'zz'"]),
    "used before declared": ("main {\n    show value=late\n}\nvar name=late value=1\n",
                             ["3:16: 'late' is used before it is declared (on line 5)"]),
    "macro parameter outside its macro": ("macro name=m params=[a] {\n}\nmain {\n    show value=a\n}\n",
                                          ["5:16: unknown name 'a'"]),
    "assign to a constant": ("const name=k value=3\nmain {\n    set name=k value=4\n}\n",
                             ["4:14: 'k' is a constant; it cannot be changed"]),
    "assign to a macro": ("macro name=m {\n}\nmain {\n    set name=m value=4\n}\n",
                          ["5:14: 'm' is a macro; it cannot be changed"]),
    "assign to an unknown name": ("main {\n    set name=y value=4\n}\n", ["3:14: unknown name 'y'"]),
    "macro has no value": ("macro name=m {\n}\nmain {\n    show value=m\n}\n",
                           ["5:16: 'm' is a macro; it has no value to use here"]),
    "variable called as a macro": ("var name=v value=1\nmain {\n    call macro=v values=[]\n}\n",
                                   ["4:16: 'v' is a variable, not a macro"]),
    "duplicate declaration": ("var name=x value=1\nvar name=x value=2\n",
                              ["3:10: 'x' is already declared on line 2; choose another name"]),
    "declaring a pack value": ("var name=answer value=1\n",
                               ["2:10: 'answer' is already a name in mini (The answer.); choose another name"]),
    "macro called with too few values": (
        "macro name=m params=[a, b] {\n    show value=(a + b)\n}\nmain {\n    call macro=m values=[1]\n}\n",
        ["6:25: 'm' takes 2 values (a, b), not 1"]),
    "macro called with too many values": (
        "macro name=m params=[a] {\n}\nmain {\n    call macro=m values=[1, 2]\n}\n",
        ["5:25: 'm' takes 1 value (a), not 2"]),
    "macro without params called with a value": (
        "macro name=m {\n}\nmain {\n    call macro=m values=[1]\n}\n", ["5:25: 'm' takes 0 values (none), not 1"]),
    "place=top inside main": ("main {\n    var name=x value=1\n}\n",
                              ["3:5: 'var' must be at the top level of the program, not inside 'main'"]),
    "place=top two deep": ("main {\n    repeat times=1 {\n        const name=x value=1\n    }\n}\n",
                           ["4:9: 'const' must be at the top level of the program, not inside 'repeat'"]),
    "place=inside at top level": ('say message="hi"\n', ["2:1: 'say' must be inside another line, such as a loop"]),
    "inside=[repeat] elsewhere": ("main {\n    lap\n}\n", ["3:5: 'lap' must be inside 'repeat'"]),
    "inside=[repeat] at top level": ("lap\n", ["2:1: 'lap' must be inside 'repeat'"]),
    "unique command twice": ("main {\n}\nmain {\n}\n", ["4:1: a program has only one 'main' (the first is on line 2)"]),
    "function with too many values": ("main {\n    show value=(abs(1, 2))\n}\n", ["3:17: 'abs' takes 1 value, not 2"]),
    "function with too few values": ("main {\n    show value=(biggest(1))\n}\n", ["3:17: 'biggest' takes 2 values, not 1"]),
    "unknown function": ("main {\n    show value=(ab(1))\n}\n",
                         ["3:17: 'ab' is not a function of mini 1.0; did you mean 'abs'?"]),
}


@pytest.mark.parametrize("body, expected", MEANING.values(), ids=MEANING.keys())
def test_meaning_error(mini, body, expected):
    assert problems(mini, body) == [f"{FILE}:{e}" for e in expected]


def test_program_for_a_pack_that_is_not_installed(mini):
    found = problems(mini, "main {\n}\n", header="robolab 1 palette ev9 1.0\n")
    assert len(found) == 1
    prefix = f"{FILE}:1: this program is for the palette pack 'ev9', which is not installed (installed: "
    assert found[0].startswith(prefix)
    assert "mini" in found[0][len(prefix):].rstrip(")").split(", ")


def test_program_for_a_newer_file_format(mini):
    assert problems(mini, "main {\n}\n", header="robolab 2 palette mini 1.0\n") == [
        f"{FILE}:1: this file was written by a newer RoboLab (file format 2; this RoboLab reads up to 1): "
        "update RoboLab to open it"]


def test_program_for_a_newer_pack_version(mini):
    assert problems(mini, "main {\n}\n", header="robolab 1 palette mini 2.0\n") == [
        f"{FILE}:1: this program is for mini 2.0, newer than the installed mini 1.0: update the palette pack or RoboLab"]


def test_program_for_a_newer_minor_pack_version_opens(mini):
    assert problems(mini, "main {\n}\n", header="robolab 1 palette mini 1.3\n") == []


# --- all problems at once -------------------------------------------------------------------------

def test_every_binding_problem_is_reported_together(mini):
    body = ("main {\n"
            "    repat times=2 {\n"              # 3
            "    }\n"
            "    drive sped=5\n"                 # 5
            "    drive speed=500\n"              # 6
            "    say\n"                          # 7
            "    drive direction=sideways\n"     # 8
            "}\n")
    assert problems(mini, body) == [
        f"{FILE}:3:5: 'repat' is not a command of mini 1.0; did you mean 'repeat'?",
        f"{FILE}:5:11: 'drive' has no value called 'sped'; did you mean 'speed'?",
        f"{FILE}:6:17: speed must be at most 100%, not 500",
        f"{FILE}:7:5: 'say' needs a value for 'message', like message=...",
        f"{FILE}:8:21: direction must be one of forward or backward, not 'sideways'",
    ]


def test_every_meaning_problem_is_reported_together(mini):
    body = ("const name=k value=1\n"             # 2
            "main {\n"
            "    show value=zz\n"                # 4
            "    set name=k value=2\n"           # 5
            "    lap\n"                          # 6
            "    show value=(abs(1, 2))\n"       # 7
            "}\n"
            "main {\n"                           # 9
            "}\n"
            "var name=k value=3\n")              # 11
    assert problems(mini, body) == [
        f"{FILE}:4:16: unknown name 'zz'",
        f"{FILE}:5:14: 'k' is a constant; it cannot be changed",
        f"{FILE}:6:5: 'lap' must be inside 'repeat'",
        f"{FILE}:7:17: 'abs' takes 1 value, not 2",
        f"{FILE}:9:1: a program has only one 'main' (the first is on line 3)",
        f"{FILE}:11:10: 'k' is already declared on line 2; choose another name",
    ]


def test_binding_and_meaning_problems_are_reported_together(mini):
    body = "main {\n    repat times=2 {\n    }\n    show value=zz\n}\n"
    assert problems(mini, body) == [
        f"{FILE}:3:5: 'repat' is not a command of mini 1.0; did you mean 'repeat'?",
        f"{FILE}:5:16: unknown name 'zz'",
    ]


def test_a_name_on_a_line_that_cannot_be_read_is_not_reported_again_where_it_is_used(mini):
    body = "var nme=count value=0\nmain {\n    set name=count value=(count + 1)\n    show value=zz\n}\n"
    found = problems(mini, body)
    assert f"{FILE}:2:5: 'var' has no value called 'nme'; did you mean 'name'?" in found
    assert not any("'count'" in p for p in found)
    assert f"{FILE}:5:16: unknown name 'zz'" in found


def test_problems_inside_an_unknown_command_are_reported(mini):
    body = "main {\n    repat times=2 {\n        drive sped=5\n    }\n}\n"
    assert problems(mini, body) == [
        f"{FILE}:3:5: 'repat' is not a command of mini 1.0; did you mean 'repeat'?",
        f"{FILE}:4:15: 'drive' has no value called 'sped'; did you mean 'speed'?",
    ]


def test_cli_check_prints_every_problem_with_the_file_name(tmp_path):
    program = tmp_path / "bad.rlab"
    program.write_text(HEADER + "main {\n    drive sped=5\n    say\n}\n")
    result = subprocess.run([sys.executable, "-m", "robolab", "check", "--palette", str(MINI), str(program)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{program}:3:11: 'drive' has no value called 'sped'; did you mean 'speed'?",
        f"{program}:4:5: 'say' needs a value for 'message', like message=...",
    ]


# --- clean programs -------------------------------------------------------------------------------

CLEAN = """\
# Everything mini has, used correctly.
const name=sides value=4
var name=total value=0
macro name=add params=[amount] {
    set name=total value=(total + amount)
}
main {
    repeat times=sides {
        lap
        call macro=add values=[(abs(-2) + 1)]
    }
    if condition=(total > 10) {
        say message="big"
    } else {
        say message="small"
    }
    drive direction=backward speed=10
    show value=(biggest(total, answer))
    pause time=0
}
"""


def test_clean_program_has_no_problems(mini):
    assert problems(mini, CLEAN) == []


def test_clean_program_compiles_and_runs(mini):
    _, printed = run(mini, CLEAN)
    assert printed.splitlines() == ["lap"] * 4 + ["big", "drive -10", "42"]


def test_macro_assigning_a_global_declares_it_global(mini):
    body = ("var name=total value=0\n"
            "var name=calls value=0\n"
            "macro name=add params=[amount] {\n"
            "    set name=total value=(total + amount)\n"
            "    set name=amount value=0\n"               # its own parameter: not a global
            "    set name=calls value=(calls + 1)\n"
            "}\n"
            "main {\n"
            "    call macro=add values=[3]\n"
            "    call macro=add values=[4]\n"
            "    set name=total value=(total * 10)\n"
            "    show value=total\n"
            "    show value=calls\n"
            "}\n")
    source, printed = run(mini, body)
    assert printed.splitlines() == ["70", "2"]
    lines = source.splitlines()
    assert lines[lines.index("def add(amount):") + 1] == "    global calls, total"
    assert lines[lines.index("def main():") + 1] == "    global total"
    assert "amount" not in [name.strip(" ,") for line in lines if "global" in line for name in line.split()[1:]]


def test_names_clashing_with_python_or_the_pack_are_renamed(mini):
    body = ("var name=print value=5\n"      # a Python builtin the pack's templates call
            "var name=sleep value=2\n"      # defined by the pack's setup snippet
            "var name=max value=1\n"        # the Python behind the pack function biggest
            "var name=range value=3\n"      # used by repeat's template
            "var name=math value=7\n"       # imported by the prelude
            "macro name=main_ params=[len] {\n"
            "    show value=len\n"
            "}\n"
            "main {\n"
            "    set name=print value=(print + 1)\n"
            "    repeat times=range {\n"
            "        lap\n"
            "    }\n"
            "    show value=print\n"
            "    show value=(biggest(sleep, max))\n"
            "    show value=math\n"
            "    call macro=main_ values=[9]\n"
            "    pause time=0\n"
            "}\n")
    source, printed = run(mini, body)
    assert printed.splitlines() == ["lap", "lap", "lap", "6", "2", "7", "9"]
    for renamed in ("print_ = 5", "sleep_ = 2", "max_ = 1", "range_ = 3", "math_ = 7", "def main_(len_):"):
        assert renamed in source.splitlines(), renamed
    assert "    global print_" in source.splitlines()


def test_a_tab_in_a_comment_reads_as_spaces(mini):
    program, pack = parse_program(HEADER + "#\tindented\tnote\nmain {\n    say message=\"hi\"\n}\n", mini, FILE)
    assert program.blocks[0].args["text"] == "indented    note"
