"""RobotLab program files (.tsc) -> a tree of statements, each with its keyword and properties.

A .tsc is a TTreeView stream whose binary `Items.Data` holds every line's display text and how
many lines sit inside it (depth first), followed by one stream per line, in the same order, with
the statement's class (cIfStatement, cMotorStatement, ...), `Keyword` and `Properties` as
`name=value` strings. Both halves are read and must agree, so a damaged file is refused with a
message naming it, never half-imported.
"""

import struct
from dataclasses import dataclass, field
from pathlib import Path

from robolab.errors import Problem, RobolabError
from robolab.importer.tpf0 import Reader, StreamError, StreamObject, read_streams
from simulator.bounded import UnreadableFile, read_bytes

MAX_FILE_BYTES = 4 * 1024 * 1024  # the course's biggest .tsc is a few kB
MAX_DEPTH = 100  # far deeper than any program; a deeper tree is a damaged file
NODE_FIXED = 24  # ImageIndex, SelectedIndex, StateIndex, OverlayIndex, Data, Count: six Int32


@dataclass
class Statement:
    """One line of a RobotLab program."""

    text: str  # as RobotLab showed it, e.g. "on [left_motor right_motor] for 500"
    keyword: str  # e.g. "on for", "if then else", "comment"
    class_name: str  # e.g. "cOnForStatement"
    properties: dict = field(default_factory=dict)  # e.g. {"ports": "left_motor right_motor", "delay": "500"}
    children: list = field(default_factory=list)
    line: int = 0  # 1-based, counting every line of the tree from the top as RobotLab showed it


def read_tsc(path: str | Path) -> list[Statement]:
    """The top-level statements of a .tsc file; RobolabError naming the file if it cannot be read."""
    path = Path(path)
    try:
        data = read_bytes(path, MAX_FILE_BYTES)
    except UnreadableFile as error:
        raise RobolabError([Problem(f"cannot read: {error}", str(path))]) from None
    try:
        return parse_tsc(data)
    except StreamError as error:
        raise RobolabError([Problem(f"not a readable RobotLab program: {error}", str(path))]) from None


def parse_tsc(data: bytes) -> list[Statement]:
    streams = read_streams(data)
    tree, statements = streams[0], streams[1:]
    if tree.class_name != "TTreeView" or not isinstance(tree.properties.get("Items.Data"), bytes):
        raise StreamError(f"the program tree is missing (found {tree.class_name} first)", 4)
    nodes = _nodes(tree.properties["Items.Data"])
    flat = []

    def flatten(items):
        for item in items:
            flat.append(item)
            flatten(item.children)

    flatten(nodes)
    if len(flat) != len(statements):
        raise StreamError(f"the program tree has {len(flat)} lines but the file holds {len(statements)} "
                          "statements: it looks cut short or damaged", len(data))
    for line, (node, stream) in enumerate(zip(flat, statements), start=1):
        node.line = line
        _fill(node, stream)
    return nodes


def _fill(node: Statement, stream: StreamObject) -> None:
    keyword = stream.properties.get("Keyword", "")
    raw = stream.properties.get("Properties", [])
    if not isinstance(keyword, str) or not isinstance(raw, list):
        raise StreamError(f"statement '{node.text}' has no keyword or properties", 0)
    node.keyword, node.class_name = keyword, stream.class_name
    for item in raw:
        name, _, value = str(item).partition("=")
        node.properties[name.strip()] = value


def _nodes(data: bytes) -> list[Statement]:
    """The tree's lines from TTreeNodes' binary data: a count, then each node and its children."""
    reader = Reader(data)

    def node(depth: int) -> Statement:
        if depth > MAX_DEPTH:
            raise StreamError("the program tree is damaged (lines nested too deep)", reader.offset)
        size = reader.unpack("<i")
        if size < NODE_FIXED + 1:
            raise StreamError("a program line is damaged", reader.offset)
        record = Reader(reader.take(size))
        record.take(20)
        count = record.unpack("<i")
        text = record.short_string()
        if count < 0 or count > len(data):
            raise StreamError("a program line is damaged", reader.offset)
        statement = Statement(text, "", "")
        statement.children = [node(depth + 1) for _ in range(count)]
        return statement

    try:
        count = reader.unpack("<i")
    except struct.error:
        raise StreamError("the program tree is empty", 0) from None
    if count < 0 or count > len(data):
        raise StreamError("the program tree is damaged", 0)
    nodes = [node(0) for _ in range(count)]
    if not reader.at_end:
        raise StreamError("the program tree has data after its last line", reader.offset)
    return nodes
