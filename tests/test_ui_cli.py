"""The command line and the window: --screenshot renders a real PNG; plain commands load no Qt."""

import os
import subprocess
import sys

from PySide6.QtGui import QImage

from conftest import ROOT


def robolab(*args, **env):
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen", **env)
    return subprocess.run([sys.executable, "-m", "robolab", *args], capture_output=True, text=True, cwd=ROOT,
                          env=environment, timeout=120)


def test_screenshot_writes_the_window_with_the_file_loaded(tmp_path):
    out = tmp_path / "window.png"
    result = robolab("--screenshot", str(out), "--size", "1500x900", str(ROOT / "examples" / "square.rlab"))
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1500, 900)
    # the canvas shows the program in its category colours: the repeat's orange bar is somewhere
    colours = {image.pixelColor(x, y).name() for x in range(0, 1500, 3) for y in range(0, 900, 3)}
    assert "#d9822b" in colours and "#3b7dd8" in colours


def test_screenshot_of_a_broken_file_says_where_and_fails(tmp_path):
    bad = tmp_path / "bad.rlab"
    bad.write_text("robolab 1 palette ev3 1.0\nrepeat times=4 {\n    drive speed=50 amount=2 unit=miles\n}\n")
    result = robolab("--screenshot", str(tmp_path / "x.png"), str(bad))
    assert result.returncode == 1
    assert f"{bad}:3" in result.stderr
    assert not (tmp_path / "x.png").exists()


def test_bad_size_is_refused():
    result = robolab("--screenshot", "x.png", "--size", "huge")
    assert result.returncode == 2 and "not a size" in result.stderr


def test_plain_commands_load_no_qt():
    code = ("import sys; from robolab.cli import main; "
            f"main(['check', '-q', {str(ROOT / 'examples' / 'square.rlab')!r}]); "
            "main(['palette', 'list']); "
            "assert not [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))], 'Qt was imported'")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
