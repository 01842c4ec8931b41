"""Reading Delphi component streams (`TPF0`), the binary format RobotLab saved programs in.

A stream holds one object: its class name, its (often empty) name, its properties as
name + typed value, then its child objects, each list ended by a zero byte. RobotLab's .tsc files
are several such streams one after another. Only reading is needed, so this is a small
hand-written reader of the format's value types; it never runs or trusts anything in the file.
A file that ends too soon or holds something unexpected raises StreamError with the byte offset.
"""

import math
import struct
from dataclasses import dataclass, field

SIGNATURE = b"TPF0"
MAX_NESTING = 32  # lists in lists, objects in objects: RobotLab's files nest 2 deep; deeper is damage

# Delphi's TValueType codes.
NULL, LIST, INT8, INT16, INT32, EXTENDED, STRING, IDENT, FALSE, TRUE, BINARY, SET, LSTRING, NIL, \
    COLLECTION, SINGLE, CURRENCY, DATE, WSTRING, INT64, UTF8STRING, DOUBLE = range(22)


class StreamError(ValueError):
    """The stream cannot be read; `offset` is the byte where reading stopped."""

    def __init__(self, message: str, offset: int):
        self.offset = offset
        super().__init__(f"{message} (at byte {offset})")


@dataclass
class StreamObject:
    """One component: class name, name, properties (name -> value) and child components."""

    class_name: str
    name: str = ""
    properties: dict = field(default_factory=dict)
    children: list = field(default_factory=list)


class Reader:
    """Reads values from a byte string, failing with StreamError rather than running off its end."""

    def __init__(self, data: bytes, offset: int = 0):
        self.data, self.offset = data, offset

    @property
    def at_end(self) -> bool:
        return self.offset >= len(self.data)

    def take(self, count: int) -> bytes:
        if count < 0 or self.offset + count > len(self.data):
            raise StreamError("the file ends too soon: it looks cut short", self.offset)
        chunk = self.data[self.offset:self.offset + count]
        self.offset += count
        return chunk

    def byte(self) -> int:
        return self.take(1)[0]

    def peek(self) -> int:
        if self.at_end:
            raise StreamError("the file ends too soon: it looks cut short", self.offset)
        return self.data[self.offset]

    def unpack(self, fmt: str):
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))[0]

    def short_string(self) -> str:
        return self.take(self.byte()).decode("cp1252", errors="replace")

    def value(self, depth: int = 0):
        start = self.offset
        kind = self.byte()
        if kind == LIST:
            if depth >= MAX_NESTING:
                raise StreamError(f"lists nested more than {MAX_NESTING} deep: the file is damaged", start)
            items = []
            while self.peek() != NULL:
                items.append(self.value(depth + 1))
            self.offset += 1
            return items
        readers = {
            NULL: lambda: None, NIL: lambda: None, FALSE: lambda: False, TRUE: lambda: True,
            INT8: lambda: self.unpack("<b"), INT16: lambda: self.unpack("<h"), INT32: lambda: self.unpack("<i"),
            INT64: lambda: self.unpack("<q"), SINGLE: lambda: self.unpack("<f"), DOUBLE: lambda: self.unpack("<d"),
            DATE: lambda: self.unpack("<d"), CURRENCY: lambda: self.unpack("<q") / 10000,
            EXTENDED: lambda: _extended(self.take(10), start),
            STRING: self.short_string, IDENT: self.short_string,
            LSTRING: lambda: self.take(self.unpack("<I")).decode("cp1252", errors="replace"),
            UTF8STRING: lambda: self.take(self.unpack("<I")).decode("utf-8", errors="replace"),
            WSTRING: lambda: self.take(2 * self.unpack("<I")).decode("utf-16-le", errors="replace"),
            BINARY: lambda: self.take(self.unpack("<I")),
            SET: self._set,
            COLLECTION: lambda: self._collection(depth, start),
        }
        if kind not in readers:
            raise StreamError(f"unknown value type {kind}", start)
        return readers[kind]()

    def _set(self) -> frozenset:
        members = []
        while (name := self.short_string()):
            members.append(name)
        return frozenset(members)

    def _collection(self, depth: int, start: int) -> list:
        if depth >= MAX_NESTING:
            raise StreamError(f"collections nested more than {MAX_NESTING} deep: the file is damaged", start)
        items = []
        while self.peek() != NULL:
            if self.peek() in (INT8, INT16, INT32):
                self.value()  # an item's index
            item = {}
            while self.peek() != NULL:
                name = self.short_string()
                item[name] = self.value(depth + 1)
            self.offset += 1
            items.append(item)
        self.offset += 1
        return items

    def component(self, depth: int = 0) -> StreamObject:
        """One object, after its TPF0 signature or as a child inside another."""
        if depth >= MAX_NESTING:
            raise StreamError(f"objects nested more than {MAX_NESTING} deep: the file is damaged", self.offset)
        if self.peek() & 0xF0 == 0xF0:  # filer flags: inherited / child position / inline
            flags = self.byte() & 0x0F
            if flags & 0x02:
                self.value()
        obj = StreamObject(self.short_string(), self.short_string())
        if not obj.class_name:
            raise StreamError("an object without a class name", self.offset - 2)
        while self.peek() != NULL:
            name = self.short_string()
            obj.properties[name] = self.value()
        self.offset += 1
        while self.peek() != NULL:
            obj.children.append(self.component(depth + 1))
        self.offset += 1
        return obj


def _extended(raw: bytes, offset: int) -> float:
    """An 80-bit x87 extended float as a Python float; StreamError for one no double can hold
    (its range reaches 10^4932) and for infinities and NaNs, which RobotLab never wrote."""
    mantissa = int.from_bytes(raw[:8], "little")
    exponent = int.from_bytes(raw[8:], "little")
    sign = -1.0 if exponent & 0x8000 else 1.0
    exponent &= 0x7FFF
    if exponent == 0 and mantissa == 0:
        return 0.0 * sign
    if exponent == 0x7FFF:
        raise StreamError("a number that is infinite or not a number: the file is damaged", offset)
    try:
        return sign * math.ldexp(mantissa, exponent - 16383 - 63)
    except OverflowError:
        raise StreamError("a number too large to read: the file is damaged", offset) from None


def read_streams(data: bytes) -> list[StreamObject]:
    """Every TPF0 object in `data`, one after another; StreamError if any is damaged."""
    reader = Reader(data)
    objects = []
    while not reader.at_end:
        start = reader.offset
        if reader.take(min(4, len(data) - start)) != SIGNATURE:
            what = "this is not a RobotLab program (it does not start with TPF0)" if start == 0 else \
                "the file is damaged: an object does not start with TPF0"
            raise StreamError(what, start)
        objects.append(reader.component())
    if not objects:
        raise StreamError("the file is empty", 0)
    return objects
