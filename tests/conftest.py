"""Shared test setup: Qt draws offscreen; paths to the shipped packs and examples."""

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.rlab"))
PACKS = sorted((ROOT / "palettes").glob("*.toml"))


@pytest.fixture(scope="session")
def library():
    from robolab.palette import PackLibrary

    return PackLibrary()
