"""Make the EV3's bitmap fonts (ev3dev2.fonts) from the X11 100 dpi fonts, as PIL fonts.

    python packaging/ev3_fonts.py /usr/share/fonts/X11/100dpi simulator/fonts

The fonts folder is Debian's xfonts-100dpi (`apt-get download xfonts-100dpi; dpkg-deb -x ...`).
Each family the brick has (Charter, Courier, Helvetica, Lucida, Lucida Bright, Lucida Typewriter,
New Century Schoolbook, Times) becomes NAME.pil + NAME.pbm with Pillow's PCF reader, from the
ISO 8859-1 file where there is one. Their licences: simulator/fonts/LICENSE.txt.
"""

import gzip
import io
import re
import sys
from pathlib import Path

from PIL import PcfFontFile

FAMILIES = ("char", "cour", "helv", "lu", "lub", "lut", "ncen", "tim")


def fonts_in(folder: Path) -> dict:
    """name -> .pcf.gz file (the ISO 8859-1 one when both are there)."""
    found = {}
    for path in sorted(folder.glob("*.pcf.gz")):
        match = re.match(r"([a-z]+)([A-Z]*\d+)(-ISO8859-1)?\.pcf\.gz$", path.name)
        if match and match.group(1) in FAMILIES:
            name = match.group(1) + match.group(2)
            if match.group(3) or name not in found:
                found[name] = path
    return found


def main(source: str, target: str) -> None:
    for name, path in sorted(fonts_in(Path(source)).items()):
        font = PcfFontFile.PcfFontFile(io.BytesIO(gzip.open(path).read()), "iso8859-1")
        font.save(str(Path(target) / name))


if __name__ == "__main__":
    main(*sys.argv[1:3])
