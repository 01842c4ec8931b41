"""The EV3's text on the virtual brick: ev3dev2.fonts and ev3dev2.console.Console.

- `ev3dev2.fonts.available()/load(name)` read simulator/fonts/: the X11 100 dpi bitmap fonts the
  brick has, as PIL fonts (the PyPI wheel of python-ev3dev2 ships its fonts folder empty;
  packaging/ev3_fonts.py makes them, LICENSE.txt there gives their licences).
- `Console` runs no `setfont` or `stty size` (there is no terminal): its rows and columns are the
  EV3 screen's in the console font's cell size, and `text_at` draws on the simulated screen (a
  courier font about the cell's height) and is a screen event, as the brick's console shows it.
"""

from __future__ import annotations

import re
from pathlib import Path

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
SCREEN_SIZE = (178, 128)
CONSOLE_FONTS = ("courB08", "courB10", "courB12", "courB14", "courB18", "courB24")  # small to large


def patch_fonts(fonts) -> None:
    """ev3dev2.fonts from simulator/fonts."""
    if isinstance(fonts, ImportError):
        return

    def available():
        return sorted(path.stem for path in FONTS_DIR.glob("*.pil"))

    def load(name):
        path = FONTS_DIR / f"{name}.pil"
        if not path.is_file():
            raise Exception(f'Failed to load font "{name}". '  # noqa: TRY002 - what ev3dev2 raises
                            "Check ev3dev.fonts.available() for the list of available fonts")
        return fonts.ImageFont.load(str(path))

    fonts.available, fonts.load = available, load


def console_size(font) -> tuple[int, int]:
    """(rows, columns) of the EV3's 178 x 128 screen in a console font such as
    "Lat15-TerminusBold24x12" (24 high, 12 wide: 5 rows of 14), what `stty size` says there."""
    rows, columns, _, _ = _cells(font)
    return rows, columns


def _cells(font) -> tuple[int, int, int, int]:
    """(rows, columns, cell height, cell width) for a console font name."""
    sizes = re.search(r"(\d+)(?:x(\d+))?$", str(font or ""))
    height = max(1, int(sizes.group(1))) if sizes else 16
    width = max(1, int(sizes.group(2)) if sizes and sizes.group(2) else height // 2)
    return max(1, SCREEN_SIZE[1] // height), max(1, SCREEN_SIZE[0] // width), height, width


def patch_console(console, brick, display) -> None:
    """ev3dev2.console.Console on the simulated screen (see the module docstring)."""
    if isinstance(console, ImportError):
        return
    Real = console.Console
    has_screen = not isinstance(display, ImportError) and hasattr(display, "Display")

    class Console(Real):
        _screen = None

        def set_font(self, font="Lat15-TerminusBold24x12", reset_console=True):
            if font is not None and font != self._font:
                self._font = font
                self._rows, self._columns, self._cell_h, self._cell_w = _cells(font)
                self._pil_font = _font_for(self._cell_h)
            if reset_console:
                self.reset_console()

        @Real.echo.setter
        def echo(self, value):
            self._echo = value

        @Real.cursor.setter
        def cursor(self, value):
            self._cursor = value

        def text_at(self, text, column=1, row=1, reset_console=False, inverse=False, alignment="L"):
            text = str(text)
            if reset_console:
                self.reset_console()
            if alignment == "R":
                column = column - len(text) + 1
            elif alignment == "C":
                column -= len(text) // 2
            brick.event("display", what="text", text=text, column=column, row=row, clear=bool(reset_console))
            screen = self._lcd()
            if screen is not None:
                x, y = (column - 1) * self._cell_w, (row - 1) * self._cell_h
                screen.draw.rectangle((x, y, x + len(text) * self._cell_w - 1, y + self._cell_h - 1),
                                      fill="black" if inverse else "white")
                screen.draw.text((x, y), text, fill="white" if inverse else "black", font=self._pil_font)

        def clear_to_eol(self, column=None, row=None):
            screen = self._lcd()
            if screen is not None and column is not None and row is not None:
                x, y = (column - 1) * self._cell_w, (row - 1) * self._cell_h
                screen.draw.rectangle((x, y, SCREEN_SIZE[0], y + self._cell_h - 1), fill="white")

        def reset_console(self):
            screen = self._lcd()
            if screen is not None:
                screen.clear()

        def _lcd(self):
            """The simulated screen (made on first use, as the console is there from the start)."""
            if self._screen is None and has_screen:
                self._screen = display.Display()
            return self._screen

    console.Console = Console


def _font_for(height: int):
    """The largest courier bitmap font no taller than a console cell (the smallest otherwise)."""
    from PIL import ImageFont

    chosen = None
    for name in CONSOLE_FONTS:
        font = ImageFont.load(str(FONTS_DIR / f"{name}.pil"))
        top, bottom = font.getbbox("Mg")[1], font.getbbox("Mg")[3]
        if chosen is None or bottom - top <= height:
            chosen = font
    return chosen
