"""The desktop bundle's recipe (packaging/): the lock pins everything the app needs, at versions
pyproject.toml accepts, and the Linux desktop files name the app, its icon and the .rlab type.
(Building the bundle takes minutes: `packaging/build --check` does it and smoke-tests the result.)"""

import configparser
import tomllib
import xml.etree.ElementTree as ET

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import ROOT

PACKAGING = ROOT / "packaging"


def _locked() -> dict:
    pins = {}
    for line in (PACKAGING / "requirements.lock").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"requirements.lock: {line!r} is not pinned with =="
            pins[canonicalize_name(name)] = version
    return pins


def test_the_lock_pins_every_dependency_at_an_accepted_version():
    pins = _locked()
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    for text in dependencies:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"requirements.lock does not pin {requirement.name}: run packaging/build --relock"
        assert requirement.specifier.contains(pins[name], prereleases=True), \
            f"requirements.lock pins {name}=={pins[name]}, but pyproject.toml asks for {text}"
    assert "pyinstaller" in pins


def test_linux_desktop_entry_opens_rlab_files_with_robolab():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(PACKAGING / "linux" / "robolab.desktop")
    desktop = entry["Desktop Entry"]
    assert desktop["Exec"].split()[0] == "robolab" and "%f" in desktop["Exec"]
    assert desktop["Icon"] == "robolab" and (PACKAGING / "linux" / "robolab.png").is_file()
    mime = ET.parse(PACKAGING / "linux" / "robolab-mime.xml").getroot()
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    (kind,) = mime.findall("m:mime-type", ns)
    assert kind.get("type") in desktop["MimeType"].split(";")
    assert kind.find("m:glob", ns).get("pattern") == "*.rlab"


def test_the_recipe_collects_the_data_robolab_ships():
    spec = (PACKAGING / "robolab.spec").read_text()
    for package in ("robolab", "simulator", "lark", "ev3dev2"):
        assert f'"{package}"' in spec


def test_the_bundle_carries_the_xcb_libraries_the_build_machine_has():
    import importlib.util
    import shutil
    import sys

    import pytest

    if not sys.platform.startswith("linux") or not shutil.which("ldconfig"):
        pytest.skip("the xcb libraries are Linux's")
    spec = importlib.util.spec_from_file_location("system_libs", PACKAGING / "system_libs.py")
    system_libs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(system_libs)
    found = system_libs.installed()
    if "libxcb-cursor.so.0" not in found:
        pytest.skip("this machine has no libxcb-cursor0 to carry")
    binaries = dict(system_libs.bundle_binaries())
    assert found["libxcb-cursor.so.0"] in binaries and all(dest == "." for dest in binaries.values())
    assert "bundle_binaries()" in (PACKAGING / "robolab.spec").read_text()
