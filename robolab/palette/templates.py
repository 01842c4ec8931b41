"""Python templates of commands: `{param}` slots take literals, `{body}` lines take nested code.

A template is filled with code the compiler produced from validated values; the template itself
is the pack author's. Compound expressions get parentheses unless the slot stands where any
expression can (after `(`, `,`, `=`, `if`, ... and before `)`, `,`, `:` or the end of the line).
"""

import ast
import io
import re
import textwrap
import tokenize
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

SLOT = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*(?:\.text)?)\}|[{}]")
TEXT_SUFFIX = ".text"  # {param.text}: the value as the student wrote it, as a Python string
_OPEN_CONTEXT = re.compile(r"(^|[(\[,:]|(?<![=!<>])=|\b(?:if|elif|while|return|in|assert|yield|else))\s*$")
_CLOSE_CONTEXT = re.compile(r"^\s*($|[)\],:#]|\bif\b|\belse\b)")


@lru_cache(maxsize=4096)
def is_atomic(code: str) -> bool:
    """Can this Python stand next to any operator without parentheses (a name, call, attribute)?"""
    try:
        node = ast.parse(code, mode="eval").body
    except SyntaxError:
        return False
    if isinstance(node, ast.Constant):
        return not (isinstance(node.value, (int, float)) and node.value < 0)
    return isinstance(node, (ast.Name, ast.Attribute, ast.Call, ast.Subscript, ast.List, ast.Tuple))


class TemplateError(ValueError):
    """The template itself is wrong (a pack author's mistake)."""


@dataclass(frozen=True)
class Code:
    """A filled-in value: Python source, and whether it may need parentheses around it."""

    text: str
    compound: bool = False


@dataclass(frozen=True)
class Line:
    """A line of generated Python and the block it came from (None for prelude lines)."""

    text: str
    origin: Any = None

    def indented(self, prefix: str) -> "Line":
        return Line(prefix + self.text if self.text else self.text, self.origin)


def lines_of(template: str) -> list[str]:
    """The template's lines, with surrounding blank lines and common indentation removed."""
    return textwrap.dedent(template.strip("\n")).rstrip().splitlines()


def slots(template: str) -> list[str]:
    """Every slot name in order of appearance; raises TemplateError on a stray brace."""
    names = []
    for match in SLOT.finditer(template):
        token = match.group(0)
        if token in ("{", "}"):
            raise TemplateError(f"stray '{token}' (write '{token * 2}' for a brace in the Python)")
        if match.group(1):
            names.append(match.group(1))
    return names


def slots_in_strings(template: str) -> list[tuple[str, int]]:
    """Slots standing inside a string literal (quoted, triple-quoted or an f-string), with their
    line in the template. A value there is no literal of its own: text holding the closing quotes
    would end the string, and what follows would run. Tokenizing (not parsing) finds them even in broken Python."""
    names: dict[str, str] = {}

    def placeholder(match: re.Match) -> str:
        token = match.group(0)
        if match.group(1) is None:
            return token[0]
        stand_in = f"_slot{len(names)}_"
        names[stand_in] = match.group(1)
        return stand_in

    source = SLOT.sub(placeholder, "\n".join(lines_of(template))) + "\n"
    found, in_fstring = [], 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            kind = tokenize.tok_name[token.type]
            in_fstring += {"FSTRING_START": 1, "FSTRING_END": -1}.get(kind, 0)
            if kind == "STRING" or (in_fstring and kind in ("NAME", "FSTRING_MIDDLE")):
                for stand_in, name in names.items():
                    if stand_in in token.string:
                        found.append((name, token.start[0] + token.string[:token.string.index(stand_in)].count("\n")))
    except (tokenize.TokenError, SyntaxError):
        pass  # not Python at all: the template check reports that
    return sorted(set(found), key=lambda item: item[1])


def body_slot(line: str) -> str | None:
    """The body name when a template line is just `{body}`."""
    match = re.fullmatch(r"\s*\{([A-Za-z_][A-Za-z0-9_]*)\}\s*", line)
    return match.group(1) if match else None


def fill(template: str, values: dict[str, Code], bodies: dict[str, list[Line]], origin=None) -> list[Line]:
    """Fill a template: its own lines belong to `origin`, body lines keep theirs."""
    out: list[Line] = []
    for raw in lines_of(template):
        name = body_slot(raw)
        if name in bodies:
            indent = raw[: len(raw) - len(raw.lstrip())]
            body = bodies[name]
            if body:
                out.extend(line.indented(indent) for line in body)
                if all(line.text.lstrip().startswith("#") or not line.text.strip() for line in body):
                    out.append(Line(indent + "pass", origin))  # a body of comments is no body to Python
            elif out and out[-1].text.strip() == "else:" and _indent(out[-1].text) < indent:
                out.pop()  # an empty else is no else
            else:
                out.append(Line(indent + "pass", origin))
            continue
        out.append(Line(_fill_line(raw, values), origin))
    return out


def _fill_line(line: str, values: dict[str, Code]) -> str:
    def replace(match: re.Match) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        name = match.group(1)
        if name is None:
            raise TemplateError(f"stray '{token}' (write '{token * 2}' for a brace in the Python)")
        if name not in values:
            raise TemplateError(f"'{{{name}}}' is not a parameter or a body of this command")
        code = values[name]
        if code.compound and not (
            _OPEN_CONTEXT.search(line[: match.start()]) and _CLOSE_CONTEXT.match(line[match.end():])
        ):
            return f"({code.text})"
        return code.text

    return SLOT.sub(replace, line)


def _indent(text: str) -> str:
    return text[: len(text) - len(text.lstrip())]


@dataclass(frozen=True)
class Nesting:
    """How deep a template nests Python: blocks (loops, with, try: CPython allows 20 inside one
    another in a function or module) and indentation levels (it allows 99), for each body slot
    and at most anywhere in the template. `new_scope` bodies are inside a def: blocks start at 0."""

    blocks: int = 0
    indents: int = 0
    bodies: tuple = ()  # (body name, blocks around it, indents around it, new_scope)

    def body(self, name: str) -> tuple[int, int, bool]:
        return next(((b, i, s) for n, b, i, s in self.bodies if n == name), (0, 1, False))


_BODY_MARK = "_robolab_body_"


@lru_cache(maxsize=1024)
def nesting(template: str, body_names: tuple = ()) -> Nesting:
    """The nesting of a template (counted generously where Python versions differ, e.g. an
    `except` body counts two blocks), found from its syntax tree with every slot filled in."""
    def stand_in(match: re.Match) -> str:
        name = match.group(1)
        if name is None:
            return match.group(0)[0]
        return _BODY_MARK + name if name in body_names else "_"

    filled = "\n".join(SLOT.sub(stand_in, line) for line in lines_of(template))
    try:
        tree = ast.parse(filled)
    except SyntaxError:
        return Nesting()
    deepest_blocks = deepest_indents = 0
    bodies = []
    todo = [(statement, 0, 0, False) for statement in tree.body]
    while todo:
        node, blocks, indents, in_def = todo.pop()
        deepest_blocks, deepest_indents = max(deepest_blocks, blocks), max(deepest_indents, indents)
        value = getattr(node, "value", None)
        if isinstance(node, ast.Expr) and isinstance(value, ast.Name) and value.id.startswith(_BODY_MARK):
            bodies.append((value.id[len(_BODY_MARK):], blocks, indents, in_def))
        for suite, extra in _suites(node):
            todo += [(child, 0 if extra is None else blocks + extra, indents + 1, in_def or extra is None)
                     for child in suite]
    return Nesting(deepest_blocks, deepest_indents, tuple(sorted(bodies)))


def _suites(node: ast.AST):
    """The statement lists inside a statement, with the blocks each adds (None: a new function)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [(node.body, None)]
    if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
        return [(node.body, 1), (node.orelse, 1)]
    if isinstance(node, (ast.With, ast.AsyncWith)):
        return [(node.body, 1)]
    if isinstance(node, ast.If):
        return [(node.body, 0), (node.orelse, 0)]
    if isinstance(node, ast.Try):
        both = 1 if node.handlers and node.finalbody else 0
        return ([(node.body, 1 + both), (node.orelse, 1 + both), (node.finalbody, 2)]
                + [(handler.body, 2 + both) for handler in node.handlers])
    return []
