"""Writes RobotLab .tsc files as RobotLab did (a TTreeView stream, then one stream per line), so tests
can import statements the shared samples never use. A line is (text, keyword, class, props, children)."""

import struct


def short(text: str) -> bytes:
    data = text.encode("cp1252")
    return bytes([len(data)]) + data


def string_value(text: str) -> bytes:
    """A string value: short (up to 255 bytes) or long, as Delphi wrote them."""
    data = text.encode("cp1252")
    return b"\x06" + short(text) if len(data) < 256 else b"\x0c" + struct.pack("<I", len(data)) + data


def stream(class_name: str, properties: list[tuple[str, bytes]]) -> bytes:
    body = b"".join(short(name) + value for name, value in properties)
    return b"TPF0" + short(class_name) + short("") + body + b"\x00\x00"


def _node(line) -> bytes:
    text, _keyword, _cls, _props, children = line
    record = struct.pack("<6i", 0, 0, -1, -1, 0x00B7EA24, len(children)) + short(text)
    return struct.pack("<i", len(record)) + record + b"".join(_node(child) for child in children)


def _flat(lines):
    for line in lines:
        yield line
        yield from _flat(line[4])


def tsc(lines) -> bytes:
    """The bytes of a .tsc holding `lines` (a list of (text, keyword, class, props, children))."""
    items = struct.pack("<i", len(lines)) + b"".join(_node(line) for line in lines)
    tree = stream("TTreeView", [
        ("Left", b"\x03" + struct.pack("<h", 200)), ("Top", b"\x02\x08"),
        ("Anchors", b"\x0b" + short("akLeft") + short("akTop") + b"\x00"),
        ("HideSelection", b"\x08"), ("Hint", string_value("Program tree")),
        ("Items.Data", b"\x0a" + struct.pack("<I", len(items)) + items),
    ])
    statements = b""
    for _text, keyword, cls, props, _children in _flat(lines):
        listed = b"\x01" + b"".join(string_value(f"{k}={v}") for k, v in props.items()) + b"\x00"
        statements += stream(cls, [("Keyword", string_value(keyword)), ("Properties", listed)])
    return tree + statements


def line(text: str, keyword: str, props: dict | None = None, children=(), cls: str = "cStatement"):
    return (text, keyword, cls, props or {}, list(children))
