"""Line numbers for keys of a TOML file, which tomllib does not keep.

Maps key paths such as ("commands", 3, "params", 1, "min") to the line they are written on, so a
pack problem can be reported as `file:line: message`. Handles the TOML course teams write: tables,
arrays of tables, dotted keys, multi-line strings and arrays.
"""

import re

_HEADER = re.compile(r"\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"\s*((?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'))*)\s*=(.*)$")


def _split_key(key: str) -> tuple:
    parts = re.findall(r"\"([^\"]*)\"|'([^']*)'|([A-Za-z0-9_-]+)", key)
    return tuple(a or b or c for a, b, c in parts)


def key_lines(text: str) -> dict[tuple, int]:
    """Each table and key path in the file, with its 1-based line number."""
    lines: dict[tuple, int] = {}
    counters: dict[tuple, int] = {}
    table: tuple = ()
    in_string = ""
    depth = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if in_string:
            if in_string in line:
                in_string = ""
            continue
        if depth > 0:
            depth += _bracket_balance(line)
            continue
        header = _HEADER.match(line)
        if header and not _KEY.match(line):
            path = _resolve(_split_key(header.group(2)), table_array=header.group(1) == "[[", counters=counters)
            table = path
            lines.setdefault(path, number)
            continue
        key = _KEY.match(line)
        if not key:
            continue
        path = table + _split_key(key.group(1))
        lines.setdefault(path, number)
        value = key.group(2)
        for quote in ('"""', "'''"):
            if value.count(quote) == 1:
                in_string = quote
        if not in_string:
            depth = max(0, _bracket_balance(value))
    return lines


def _resolve(names: tuple, table_array: bool, counters: dict) -> tuple:
    """Turn header names into a path, indexing arrays of tables by their current element."""
    path: tuple = ()
    for position, name in enumerate(names):
        path += (name,)
        last = position == len(names) - 1
        if last and table_array:
            index = counters.get(path, -1) + 1
            counters[path] = index
            # A new element starts fresh sub-arrays.
            for other in [k for k in counters if k[: len(path)] == path and len(k) > len(path)]:
                del counters[other]
            path += (index,)
        elif path in counters:
            path += (counters[path],)
    return path


def _bracket_balance(text: str) -> int:
    text = re.sub(r"\"(?:\\.|[^\"\\])*\"|'[^']*'", "", text).split("#")[0]
    return text.count("[") + text.count("{") - text.count("]") - text.count("}")


def line_of(lines: dict[tuple, int], path: tuple) -> int:
    """The line of `path`, or of its nearest enclosing key or table that has one."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return 0
