"""Shared test setup: Qt draws offscreen; Hypothesis settings; paths to the shipped packs and examples."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

from robolab.cache import ENV as ENV_CACHE

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# RoboLab's cache (grammar tables, compiled programs) in a folder of the test session's own,
# for the commands the tests start too: never in the user's cache folder.
os.environ[ENV_CACHE] = tempfile.mkdtemp(prefix="robolab-test-cache-")
atexit.register(shutil.rmtree, os.environ[ENV_CACHE], True)

# No deadlines (a loaded 2-core machine is slow now and then); in CI the same examples every run,
# so a red CI always means a change broke something, never an unlucky draw.
settings.register_profile("dev", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

from robolab.shipped import examples_dir, palettes_dir  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(examples_dir().glob("*.rlab"))
PACKS = sorted(palettes_dir().glob("*.toml"))


@pytest.fixture(scope="session")
def library():
    from robolab.palette import PackLibrary

    return PackLibrary()


@pytest.fixture
def brick(tmp_path):
    """A stand-in EV3: the real brick service under rpyc 4.1.5 on 127.0.0.1, over a fake sysfs tree."""
    from tests.ev3.standin import StandInBrick

    standin = StandInBrick(tmp_path).start()
    yield standin
    standin.close()
