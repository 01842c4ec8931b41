"""When Qt cannot start its platform plugin, `robolab` says the one line that fixes it (issue 14):
tried in real processes, with QT_QPA_PLATFORM=xcb and no display, a plugin that does not exist,
and a copy of Qt's X11 plugin that needs a library the machine lacks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from robolab.ui.platform_check import FIX, package_for, plugins_dir

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Qt's X11 plugin is Linux's")


def robolab(env_changes: dict, *args):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(env_changes)
    return subprocess.run([sys.executable, "-m", "robolab", *args], env=env, capture_output=True, text=True,
                          timeout=60)


@linux
def test_no_display_is_one_line_not_a_qt_abort():
    result = robolab({"QT_QPA_PLATFORM": "xcb"})
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "DISPLAY is not set" in lines[0] and "offscreen" in lines[0]


@linux
def test_a_missing_platform_plugin_is_one_line():
    result = robolab({"QT_QPA_PLATFORM": "nosuch"})
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no platform plugin 'nosuch'" in lines[0] and "xcb" in lines[0]


@linux
def test_a_missing_x11_library_names_the_debian_packages(tmp_path):
    plugin = plugins_dir() / "libqxcb.so"
    data = plugin.read_bytes()
    assert b"libxcb-icccm.so.4" in data
    (tmp_path / "libqxcb.so").write_bytes(data.replace(b"libxcb-icccm.so.4", b"libxcb-icccx.so.4"))
    check = ("from pathlib import Path; from robolab.ui.platform_check import platform_problem; "
             f"print(platform_problem({{'DISPLAY': ':0', 'QT_QPA_PLATFORM': 'xcb'}}, folder=Path({str(tmp_path)!r})))")
    env = dict(os.environ, LD_LIBRARY_PATH=str(plugins_dir().parent.parent / "lib"))
    result = subprocess.run([sys.executable, "-c", check], env=env, capture_output=True, text=True, timeout=60)
    line = result.stdout.strip()
    assert "libxcb-icccx4" in line and line.endswith(FIX)


def test_debian_package_names_from_library_names():
    assert package_for("libxcb-icccm", "4") == "libxcb-icccm4"
    assert package_for("libxkbcommon-x11", "0") == "libxkbcommon-x11-0"
    assert "libxcb-cursor0" in FIX


def test_the_readme_gives_the_same_line():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert FIX in readme
