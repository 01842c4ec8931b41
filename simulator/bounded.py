"""Reading files a course team or a program names, safely: world and robot TOML and floor images.

A name can point anywhere: /dev/zero never ends, a FIFO or /dev/urandom blocks or never ends, a
tiny PNG can claim a billion pixels, and `[[[[...]]]]` nested thousands deep overflows tomllib's
recursion. Every read here is bounded (a regular file, at most so many bytes, pixels and levels),
and every failure is an UnreadableFile whose text says why in words, for a `file:line:` message.
"""

from __future__ import annotations

import io
import os
import re
import stat
import tomllib
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

MAX_TEXT_BYTES = 1024 * 1024          # a world or robot file: the biggest real one is a few kB
MAX_IMAGE_BYTES = 20 * 1024 * 1024    # a floor image
MAX_PIXELS = 16_000_000               # a floor image or rendered floor: 4000 x 4000 (48 MB as RGB)
MAX_NESTING = 16                      # [ and { levels in TOML: worlds need 3 ([[x, y], ...] in a table)
IMAGE_FORMATS = ("PNG", "BMP", "GIF", "JPEG")


class UnreadableFile(Exception):
    """A file that cannot be read safely; str() says why, `line` is where (1 when not known)."""

    def __init__(self, reason: str, line: int = 1):
        self.line = line
        super().__init__(reason)


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:.1f} MB" if count >= 1024 * 1024 else f"{count} bytes"


def read_bytes(path: str | Path, limit: int) -> bytes:
    """A regular file's bytes, at most `limit` of them. Opened without blocking, so a FIFO cannot
    hang the caller, and checked to be a regular file before anything is read."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except ValueError:
        raise UnreadableFile("the file name holds a NUL character") from None
    except OSError as error:
        raise UnreadableFile(error.strerror or str(error)) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UnreadableFile("it is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile("not a regular file (a device or a pipe); name a file")
        if info.st_size > limit:
            raise UnreadableFile(f"too large ({_size(info.st_size)}; at most {_size(limit)})")
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, min(1024 * 1024, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise UnreadableFile(f"too large (more than {_size(limit)})")
        return b"".join(chunks)
    except OSError as error:
        raise UnreadableFile(error.strerror or str(error)) from None
    finally:
        os.close(fd)


def read_text(path: str | Path, limit: int = MAX_TEXT_BYTES) -> str:
    """A bounded regular file as UTF-8 text; a binary file is refused with the line of its first bad byte."""
    data = read_bytes(path, limit)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise UnreadableFile(f"not a text file (byte {error.start} is not UTF-8 text)", line) from None


_TOKENS = re.compile(r'"""|\'\'\'|"(?:\\.|[^"\\\n])*"?|\'[^\'\n]*\'?|#[^\n]*|[\[\]{}\n]')


def too_deep(text: str, limit: int = MAX_NESTING) -> int | None:
    """The line where TOML brackets ([ and {, outside strings and comments) first nest deeper than
    `limit`, or None. Checked before parsing: tomllib recurses once per level."""
    depth, line, position = 0, 1, 0
    while True:
        token = _TOKENS.search(text, position)
        if token is None:
            return None
        position = token.end()
        kind = token.group()
        if kind == "\n":
            line += 1
        elif kind in ('"""', "'''"):
            end = _end_of_multiline(text, position, kind)
            line += text.count("\n", position, end)
            position = end
        elif kind in "[{":
            depth += 1
            if depth > limit:
                return line
        elif kind in "]}":
            depth = max(0, depth - 1)


def _end_of_multiline(text: str, start: int, quote: str) -> int:
    index = start
    while True:
        found = text.find(quote, index)
        if found < 0:
            return len(text)
        if quote == '"""' and _escaped(text, found):
            index = found + 1
            continue
        return found + 3


def _escaped(text: str, index: int) -> bool:
    slashes = 0
    while index - slashes - 1 >= 0 and text[index - slashes - 1] == "\\":
        slashes += 1
    return slashes % 2 == 1


def parse_toml(text: str) -> dict:
    """TOML with its nesting bounded; UnreadableFile (with the line) for any problem."""
    deep = too_deep(text)
    if deep is not None:
        raise UnreadableFile(f"brackets nested more than {MAX_NESTING} deep", deep)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
        if found:
            raise UnreadableFile(f"{message[:found.start()]} (column {found.group(2)})", int(found.group(1))) from None
        raise UnreadableFile(message) from None
    except RecursionError:  # the nesting check above should make this unreachable
        raise UnreadableFile("nested too deeply to read") from None
    except ValueError as error:  # e.g. an integer of more digits than Python converts
        raise UnreadableFile(str(error).split("\n")[0]) from None


def open_image(path: str | Path, max_pixels: int = MAX_PIXELS) -> Image.Image:
    """A floor image decoded to RGB: a bounded regular file, a known format, at most `max_pixels`
    pixels (checked from the header, before any decoding), or UnreadableFile saying which."""
    from PIL import Image, UnidentifiedImageError   # only a world with a floor image needs Pillow

    data = read_bytes(path, MAX_IMAGE_BYTES)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # the pixel cap is checked below
            with Image.open(io.BytesIO(data), formats=IMAGE_FORMATS) as opened:
                width, height = opened.size
                if width * height > max_pixels:
                    raise UnreadableFile(f"too many pixels ({width} x {height}; at most {max_pixels:,} in all)")
                return opened.convert("RGB")
    except UnreadableFile:
        raise
    except UnidentifiedImageError:
        raise UnreadableFile(f"not a {', '.join(IMAGE_FORMATS[:-1])} or {IMAGE_FORMATS[-1]} image") from None
    except Image.DecompressionBombError as error:
        found = re.search(r"\((\d+) pixels\)", str(error))
        count = f" ({int(found.group(1)):,})" if found else ""
        raise UnreadableFile(f"too many pixels{count}; at most {max_pixels:,}") from None
    except Exception as error:  # noqa: BLE001 - Pillow's decoders raise many kinds on damaged files
        reason = str(error).split("\n")[0] or type(error).__name__
        raise UnreadableFile(f"not a readable image ({', '.join(IMAGE_FORMATS)}): {reason}") from None
