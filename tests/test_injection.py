"""Injection (property tests): nothing a student types becomes code in the compiled Python.

A text value may only ever be a string constant, a comment only a comment, a name only a name.
Each property compiles a program twice, once with the student's string and once with a harmless
one, and compares the two modules' syntax trees: with the student's string (or identifier) put
back to the harmless one's place they must be the same tree, so no string can add a statement,
a call or an operator. Strings that fail validation get a clean RobolabError instead, both from
program text and from a program built in code (as the editor does).
"""

import ast
import builtins
import keyword
import textwrap

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from robolab.errors import RobolabError
from robolab.language import compile_program, parse_program
from robolab.language.printer import format_value
from robolab.model import Block, Program
from robolab.model import expr as e
from robolab.palette import PackLibrary, numbers
from robolab.palette.model import Pack
from robolab.palette.types import name_problem, text_problem
from strategies import comment_texts, names, shipped_pack, texts

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LIBRARY = PackLibrary()
PACK_IDS = ("ev3", "treescript")
PACKS = {pack_id: pack for pack_id in PACK_IDS if (pack := shipped_pack(pack_id)) is not None}
HARMLESS_TEXT = "harmless words"
HARMLESS_NAME = "harmless_name"
MARKER = "<student's string>"

# Strings a student might try: code in every kind of quote, escapes written out, braces a
# template might fill in, and the characters that end a line in Python or elsewhere.
HOSTILE = [
    '"); import os; os.system("x") #', "'); import os; os.system('x') #", "\\n", "\\", "\\\\", '\\"', "'''",
    '"""', "\\x00", "\\u2028", "{speed}", "{words}", "{name}", "}}{{", "{", "}", "%s", "%(x)s", "' + str(1) + '",
    "#", "# coding: latin-1", "\\N{BULLET}", "f'{x}'", "é ü 中文 🤖", "a\u0301",
]
# The same, as the characters themselves: invalid, so refused.
CONTROL = ["\n", "\r", "a\nimport os", "a\rimport os", "\x00", "\u2028", "\u2029", "\x0c", "\x0b", "\x85",
           "\ufeff", "\u202e", "\t", "\x1b[2J", "a\r\nb"]


def text_params():
    """(pack id, command id, param name) for every text param of the shipped packs."""
    return [(pack.id, command.id, param.name) for pack in PACKS.values() for command in pack.commands
            for param in command.params if param.type == "text" and not param.list]


def header(pack: Pack) -> str:
    return f"robolab 1 palette {pack.id} {pack.version}\n"


def placed(pack: Pack, command_id: str, lines: str) -> str:
    """Lines with the command, inside the command it must be in (like TreeScript's main) when it
    may not stand alone."""
    command = pack.command(command_id)
    if command.place != "inside" and not command.inside:
        return lines + "\n"
    outer = command.inside[0] if command.inside else next(
        c.id for c in pack.commands if c.bodies and c.place == "top" and not c.params)
    return f"{outer} {{\n{textwrap.indent(lines, '    ')}\n}}\n"


def text_program(pack: Pack, command_id: str, param_name: str, value: str) -> str:
    param = pack.command(command_id).param(param_name)
    return header(pack) + placed(pack, command_id, f"{command_id} {param_name}={format_value(param, value)}")


def compiled_text(text: str):
    program, pack = parse_program(text, LIBRARY, "student.rlab")
    return compile_program(program, pack, name="student")


def constants_replaced(source: str, strings) -> str:
    """The module's syntax tree (no positions) with every string constant in `strings` made one marker."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in strings:
            node.value = MARKER
    return ast.dump(tree)


def string_constants(source: str) -> list[str]:
    return [n.value for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


# --- Text values ------------------------------------------------------------------------------

def assert_text_is_only_a_constant(pack_id: str, command_id: str, param_name: str, value: str) -> None:
    pack = PACKS[pack_id]
    plain = HARMLESS_TEXT[: pack.command(command_id).param(param_name).max_length]
    student = compiled_text(text_program(pack, command_id, param_name, value)).source
    harmless = compiled_text(text_program(pack, command_id, param_name, plain)).source
    assert value in string_constants(student)
    assert constants_replaced(student, {value, plain}) == constants_replaced(harmless, {value, plain})


@pytest.mark.parametrize("pack_id, command_id, param_name", text_params())
@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_text_is_only_a_string_constant(pack_id, command_id, param_name, value):
    param = PACKS[pack_id].command(command_id).param(param_name)
    value = value[: param.max_length]
    assert text_problem(value, param.max_length) is None, "these are all valid text"
    assert_text_is_only_a_constant(pack_id, command_id, param_name, value)


@pytest.mark.parametrize("pack_id, command_id, param_name", text_params())
@SETTINGS
@given(data=st.data())
def test_any_valid_text_is_only_a_string_constant(pack_id, command_id, param_name, data):
    param = PACKS[pack_id].command(command_id).param(param_name)
    value = data.draw(texts(param.max_length), label="text")
    assert_text_is_only_a_constant(pack_id, command_id, param_name, value)


def invalid_texts(max_length: int):
    with_control = st.tuples(st.text(max_size=10), st.sampled_from(CONTROL + ["\x7f", "\x01", "\ud7ff\U000e0001"]),
                             st.text(max_size=10)).map("".join)
    too_long = st.text(st.characters(min_codepoint=32, max_codepoint=126), min_size=max_length + 1,
                       max_size=max_length + 5)
    return st.one_of(with_control, too_long, st.text()).filter(lambda t: text_problem(t, max_length) is not None)


@pytest.mark.parametrize("pack_id, command_id, param_name", text_params())
@SETTINGS
@given(data=st.data())
def test_invalid_text_is_refused_cleanly(pack_id, command_id, param_name, data):
    """From program text and from a program built in code: a RobolabError, never Python."""
    pack = PACKS[pack_id]
    param = pack.command(command_id).param(param_name)
    value = data.draw(invalid_texts(param.max_length), label="text")
    text = text_program(pack, command_id, param_name, value)
    with pytest.raises(RobolabError) as refused:
        compiled_text(text)
    assert all(p.line >= 1 and p.message for p in refused.value.problems)
    program = _program_in_code(pack, command_id, {param_name: value})
    with pytest.raises(RobolabError):
        compile_program(program, pack)


# What a command's default values need declared first.
NEEDS = {("treescript", "event"): "sensor name=bumper port=1 type=switch mode=boolean\n"}


def _program_in_code(pack: Pack, command_id: str, args: dict) -> Program:
    """A program built in code (as an editor builds it): the command with `args` and its other
    params' defaults, placed where it may stand. Without `args` it compiles."""
    text = header(pack) + NEEDS.get((pack.id, command_id), "") + placed(pack, command_id, command_id)
    program, _ = parse_program(text, LIBRARY)
    compile_program(program, pack)
    block = next(b for _, b in program.walk() if b.command == command_id)
    block.args.update(args)
    return program


# --- The program's name (its file name) -------------------------------------------------------

PROGRAM_NAMES = ["evil\nimport os\nos.system('x')\n#", "a\rimport os", "coding=utf-7", "x -*- coding: utf-7 -*-",
                 "vim: set fileencoding=utf-7 :", "coding: latin-1", "\udcff", "\x00", "\u2028import os", "é"]
UTF7_CODE = "+ACc-)+AAo-print(+ACc-INJECTED+ACc-)+AAo-x=(+ACc-"  # valid text; in UTF-7: ')\nprint('INJECTED')\nx=('


@pytest.mark.parametrize("pack_id", PACKS)
@SETTINGS
@given(name=st.one_of(st.sampled_from(PROGRAM_NAMES), st.text(max_size=30)))
def test_the_program_name_in_the_header_is_only_a_comment(pack_id, name):
    """The name (the CLI passes the file name) goes into the header comment: it adds no line and,
    read the way Python reads the file (bytes, honouring a coding declaration), changes nothing,
    even with text that UTF-7 would read as quotes and line breaks."""
    pack = PACKS[pack_id]
    _, command_id, param_name = next(t for t in text_params() if t[0] == pack_id)
    utf7_code = UTF7_CODE[: pack.command(command_id).param(param_name).max_length]
    program, _ = parse_program(text_program(pack, command_id, param_name, utf7_code), LIBRARY)
    student = compile_program(program, pack, name=name).source
    harmless = compile_program(program, pack, name="harmless").source
    assert len(student.splitlines()) == len(harmless.splitlines())
    as_python_reads_it = ast.parse(student.encode("utf-8"))
    assert ast.dump(as_python_reads_it) == ast.dump(ast.parse(harmless.encode("utf-8")))


# --- Comments ---------------------------------------------------------------------------------

def comment_program(pack: Pack, comment: str) -> str:
    """The comment above a command that takes no values."""
    command = next(c.id for c in pack.commands if not c.params and not c.bodies and not c.inside)
    return header(pack) + placed(pack, command, f"# {comment}\n{command}")


@pytest.mark.parametrize("pack_id", PACKS)
@SETTINGS
@given(comment=comment_texts())
@example(comment="x\\nimport os")
@example(comment="'''")
@example(comment="-*- coding: latin-1 -*-")
def test_a_comment_is_only_a_comment(pack_id, comment):
    pack = PACKS[pack_id]
    student = compiled_text(comment_program(pack, comment))
    harmless = compiled_text(comment_program(pack, HARMLESS_TEXT))
    assert ast.dump(ast.parse(student.source)) == ast.dump(ast.parse(harmless.source))
    lines = student.source.splitlines()
    assert f"# {comment}".rstrip() in [line.strip() for line in lines]
    assert len(lines) == len(harmless.source.splitlines())  # no line added, none taken away


@pytest.mark.parametrize("pack_id", PACKS)
@pytest.mark.parametrize("comment", CONTROL)
def test_a_comment_that_is_not_one_printable_line_is_refused_cleanly(pack_id, comment):
    pack = PACKS[pack_id]
    comment = "a " + comment + " b"
    if comment == "a \t b":  # a file's tab reads as spaces; only code can put a tab in a comment
        assert "# a      b\n" in compiled_text(comment_program(pack, comment)).source
    else:
        with pytest.raises(RobolabError) as refused:
            compiled_text(comment_program(pack, comment))
        assert all(p.line >= 1 and p.message for p in refused.value.problems)
    built = Program(pack.id, pack.version, [Block("comment", {"text": comment})])
    with pytest.raises(RobolabError):
        compile_program(built, pack)


# --- Names ------------------------------------------------------------------------------------

NAME_PROGRAMS = {
    "ev3": [
        "var name={s} value=0\nchange name={s} amount=1\nset name={s} value=({s} + 1)\nsay_number value={s}\n"
        "repeat times={s} {{\n    log label=\"{s}\" value=({s} * 2)\n}}\n"
        "define name=other inputs=[{s}, second] {{\n    say_number value=({s} - second)\n}}\n"
        "run name=other values=[{s}, 2]\n",
        "define name={s} inputs=[] {{\n    beep\n}}\nrun name={s} values=[]\n",
    ],
    "treescript": [
        "var name={s} value=0\nmacro name=other params=[{s}, second] {{\n    set name={s} value=({s} + second)\n}}\n"
        "main {{\n    set name={s} value=({s} * 2)\n    call macro=other values=[{s}, 1]\n"
        "    display value={s} places=0\n    log name={s}\n}}\n",
        "output name={s} port=B motor=large\nmacro name=m params=[] {{\n    on outputs=[{s}]\n}}\n"
        "main {{\n    call macro=m values=[]\n    off outputs=[{s}]\n}}\n",
        "macro name={s} params=[] {{\n    randomize\n}}\nmain {{\n    call macro={s} values=[]\n}}\n",
        "timer name={s}\nmain {{\n    clear name={s}\n    wait_until condition=({s} > 10)\n}}\n",
    ],
}


def identifiers_on_block_lines(compiled) -> dict[str, list[ast.AST]]:
    """Every identifier written on a line that came from a block (not the prelude or setup),
    with the nodes that hold it."""
    found: dict[str, list[ast.AST]] = {}
    for node in ast.walk(ast.parse(compiled.source)):
        line = getattr(node, "lineno", None)
        if line is None or compiled.block_at_line(line) is None:
            continue
        for identifier in _identifiers(node):
            found.setdefault(identifier, []).append(node)
    return found


def _identifiers(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.arg):
        return [node.arg]
    if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
        return [node.name]
    if isinstance(node, (ast.Global, ast.Nonlocal)):
        return list(node.names)
    if isinstance(node, ast.Attribute):
        return [node.attr]
    if isinstance(node, ast.keyword) and node.arg:
        return [node.arg]
    if isinstance(node, ast.alias):
        return [node.asname or node.name]
    return []


def renamed_tree(compiled, identifier: str, name: str) -> str:
    """The module with `identifier` (on block lines) made one marker, and the student's `name`
    where it is a string (a template may quote it; the program above logs it)."""
    tree = ast.parse(compiled.source)
    for node in ast.walk(tree):
        line = getattr(node, "lineno", None)
        if line is None or compiled.block_at_line(line) is None:
            continue
        if isinstance(node, ast.Name) and node.id == identifier:
            node.id = MARKER
        elif isinstance(node, ast.arg) and node.arg == identifier:
            node.arg = MARKER
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name == identifier:
            node.name = MARKER
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            node.names = [MARKER if n == identifier else n for n in node.names]
        elif isinstance(node, ast.Constant) and node.value in (identifier, name):
            node.value = MARKER
    return ast.dump(tree)


def student_names(pack: Pack):
    """Valid names that the program can declare: not a pack's own value or function, not a name
    the program templates above use for something else."""
    return names().filter(lambda n: pack.value(n) is None and pack.function(n) is None
                          and n not in ("other", "second", "m", HARMLESS_NAME))


def assert_name_is_only_a_name(pack: Pack, template: str, name: str) -> None:
    student = compiled_text(header(pack) + template.format(s=name))
    harmless = compiled_text(header(pack) + template.format(s=HARMLESS_NAME))
    theirs, ours = identifiers_on_block_lines(student), identifiers_on_block_lines(harmless)
    added, gone = set(theirs) - set(ours), set(ours) - set(theirs)
    assert gone == {HARMLESS_NAME}
    assert len(added) == 1, f"the name brought in {added}"
    (identifier,) = added
    assert identifier.rstrip("_") == name.rstrip("_") and identifier.startswith(name), identifier
    assert not any(isinstance(node, ast.Attribute) for node in theirs[identifier])
    assert renamed_tree(student, identifier, name) == renamed_tree(harmless, HARMLESS_NAME, HARMLESS_NAME)
    # Nor does it take over a name the rest of the module relies on (a module that assigns
    # __builtins__ loses its builtins in every function it defines).
    taken = set(dir(builtins)) | set(keyword.kwlist) | {"__builtins__"} | runtime_names(student)
    assert identifier not in taken, identifier


def runtime_names(compiled) -> set[str]:
    """Names bound at module level by lines that came from no block (prelude, setup, epilogue)."""
    bound = set()
    for statement in ast.parse(compiled.source).body:
        if compiled.block_at_line(statement.lineno) is not None:
            continue
        if isinstance(statement, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            bound.add(statement.name)
        elif isinstance(statement, (ast.Import, ast.ImportFrom)):
            bound |= {(alias.asname or alias.name).split(".")[0] for alias in statement.names}
        else:
            bound |= {n.id for n in ast.walk(statement) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return bound


@pytest.mark.parametrize("pack_id, template", [(p, t) for p in PACKS for t in NAME_PROGRAMS[p]])
@SETTINGS
@given(data=st.data())
def test_a_name_is_only_ever_a_name(pack_id, template, data):
    pack = PACKS[pack_id]
    assert_name_is_only_a_name(pack, template, data.draw(student_names(pack), label="name"))


@pytest.mark.parametrize("pack_id, template", [(p, t) for p in PACKS for t in NAME_PROGRAMS[p]])
@pytest.mark.parametrize("name", ["__builtins__", "__name__", "__file__", "print", "str", "int", "range", "sleep",
                                  "speaker", "say_aloud", "main", "check_stop", "Output", "_", "match", "self"])
def test_a_name_that_python_or_the_runtime_uses_is_renamed(pack_id, template, name):
    pack = PACKS[pack_id]
    if name_problem(name) is None and pack.value(name) is None and pack.function(name) is None:
        assert_name_is_only_a_name(pack, template, name)


INVALID_NAMES = ["x); import os #", "os.system('x')", "__import__('os')", "a b", "x\nimport os", "x\rimport os",
                 "1x", "x-y", "x.y", "x;y", "x=1", "None", "True", "import", "lambda", "not", "true", "and", "",
                 "é\u0301", "x\u2028y", "ｘ", "x\x00"]


def invalid_names():
    """Strings that are not names, even with the spaces around them that program text ignores."""
    return st.one_of(st.sampled_from(INVALID_NAMES), st.text(max_size=12)).filter(
        lambda n: name_problem(n) is not None and name_problem(n.strip(" \t")) is not None)


@pytest.mark.parametrize("pack_id, template", [(p, t) for p in PACKS for t in NAME_PROGRAMS[p]])
@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_an_invalid_name_is_refused_cleanly(pack_id, template, data):
    pack = PACKS[pack_id]
    name = data.draw(invalid_names(), label="name")
    with pytest.raises(RobolabError) as refused:
        compiled_text(header(pack) + template.format(s=name))
    assert all(p.line >= 1 and p.message for p in refused.value.problems)


@pytest.mark.parametrize("pack_id", PACKS)
@SETTINGS
@given(data=st.data())
def test_a_program_built_in_code_with_an_invalid_name_is_refused(pack_id, data):
    """The editor builds programs in code, without the file reader's checks: the compiler itself
    refuses a name that is not one, wherever it is (a declaration, a use, a list of names)."""
    pack = PACKS[pack_id]
    name = data.draw(invalid_names(), label="name")
    template = data.draw(st.sampled_from(NAME_PROGRAMS[pack_id]), label="program")
    program, _ = parse_program(header(pack) + template.format(s=HARMLESS_NAME), LIBRARY)
    _rename(program, HARMLESS_NAME, name)
    with pytest.raises(RobolabError):
        compile_program(program, pack)


def _rename(program: Program, old: str, new: str) -> None:
    """The name `old` becomes `new` everywhere: name values, lists of them, expressions."""
    for _, block in program.walk():
        block.args = {param: _renamed(value, old, new) for param, value in block.args.items()}


def _renamed(value, old: str, new: str):
    if isinstance(value, str):
        return new if value == old else value
    if isinstance(value, tuple):
        return tuple(_renamed(item, old, new) for item in value)
    if isinstance(value, e.Name):
        return e.Name(new) if value.id == old else value
    if isinstance(value, e.Unary):
        return e.Unary(value.op, _renamed(value.operand, old, new))
    if isinstance(value, e.Binary):
        return e.Binary(value.op, _renamed(value.left, old, new), _renamed(value.right, old, new))
    if isinstance(value, e.Call):
        return e.Call(value.function, _renamed(value.args, old, new))
    return value


# --- Every other kind of value, from a program built in code -----------------------------------

BAD_VALUES = ["A); import os #", "B\nimport os", "nope", "", 'x" + "y', "1; import os"]


def literal_params():
    """(pack id, command id, param) for every param whose value becomes a literal in the Python."""
    return [(pack.id, command.id, param.name) for pack in PACKS.values() for command in pack.commands
            for param in command.params
            if param.type in ("choice", "motor_port", "sensor_port", "colour", "boolean", "number")]


@pytest.mark.parametrize("pack_id, command_id, param_name", literal_params())
@pytest.mark.parametrize("bad", BAD_VALUES)
def test_a_program_built_in_code_with_an_invalid_value_is_refused(pack_id, command_id, param_name, bad):
    """A port, choice, colour, number or boolean that is not one: a RobolabError, not code."""
    pack = PACKS[pack_id]
    program = _program_in_code(pack, command_id, {param_name: bad})
    with pytest.raises(RobolabError):
        compile_program(program, pack)


def test_the_shape_check_can_fail():
    """Not vacuous: Python that a string did change (an added call) is told apart."""
    pack = PACKS.get("ev3") or pytest.skip("no ev3 pack")
    one = compiled_text(text_program(pack, "say", "words", HARMLESS_TEXT)).source
    two = one.replace(f"say_aloud({HARMLESS_TEXT!r})", f"say_aloud({HARMLESS_TEXT!r}); print(1)")
    assert one != two
    assert constants_replaced(one, {HARMLESS_TEXT}) != constants_replaced(two, {HARMLESS_TEXT})


# --- Expressions: whatever is typed into one, only numbers, names and operators come out --------

EXPRESSION_HOSTILE = [
    '__import__("os").system("x")', "os.system", '"x"', "'x'", "x.y", "x[0]", "lambda: 1", "1; import os",
    ")\nimport os\n(", "exec(1)", "eval(1)", "open(1)", "print(1)", "1 if 1 else 2", "{}", "[1]", "a := 1",
    "2 ** 999", "1e999", "9" * 5000, "not " * 60 + "true", "x" * 5000, "abs(-1))\nimport os\n(", "f'{x}'",
    "distance + 1", "abs(distance) * 2",
]
EXPRESSION_TOKENS = ["(", ")", ",", "+", "-", "*", "/", "%", "<", "==", "and", "or", "not", "true", "1", "2.5",
                     '"', "'", ".", "[", "]", ";", "\\", "#", "\n", "__import__", "os", "system", "x", " "]


def expression_params():
    return [(pack.id, command.id, param.name) for pack in PACKS.values() for command in pack.commands
            for param in command.params if param.type == "expression" and not param.list]


def pack_python(pack: Pack) -> tuple[set, set, set]:
    """Strings, names and attributes the pack's own Python (prelude, setup, values, functions) and
    the compiler's in_range have."""
    strings, identifiers, attributes = set(), set(), set()
    sources = [pack.prelude, numbers.SOURCE, *(s.python for s in pack.setup)]
    sources += [f"({item.python})" for item in (*pack.values, *pack.functions) if item.python]
    for source in sources:
        for node in ast.walk(ast.parse(textwrap.dedent(source))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                strings.add(node.value)
            elif isinstance(node, ast.Name):
                identifiers.add(node.id)
            elif isinstance(node, ast.Attribute):
                attributes.add(node.attr)
    for value in pack.values:
        identifiers.add(value.name)
    for function in pack.functions:
        identifiers.add(function.name)
    return strings, identifiers, attributes


def module_parts(source: str) -> tuple[set, set, set]:
    tree = ast.parse(source)
    return ({n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)},
            {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)},
            {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(where=st.sampled_from(expression_params()),
       text=st.one_of(st.sampled_from(EXPRESSION_HOSTILE),
                      st.lists(st.sampled_from(EXPRESSION_TOKENS), max_size=12).map("".join)))
def test_an_expression_is_only_numbers_names_and_operators(where, text):
    pack_id, command_id, param_name = where
    pack = PACKS[pack_id]

    def program(value: str) -> str:
        return header(pack) + NEEDS.get((pack_id, command_id), "") + placed(
            pack, command_id, f"{command_id} {param_name}=({value})")

    try:
        student = compiled_text(program(text)).source
    except RobolabError as error:
        assert error.problems and all(p.line >= 1 for p in error.problems)
        return
    low = pack.command(command_id).param(param_name).min   # a harmless number the checker accepts
    harmless = module_parts(compiled_text(program(str(max(0, low or 0)))).source)
    allowed = pack_python(pack)
    found = module_parts(student)
    assert found[0] <= harmless[0] | allowed[0], "a string came from the expression"
    assert found[1] <= harmless[1] | allowed[1] | {numbers.HELPER, "int"}, "a name came from the expression"
    assert found[2] <= harmless[2] | allowed[2], "an attribute came from the expression"
