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
