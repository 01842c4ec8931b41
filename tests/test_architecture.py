"""The import rules of DESIGN.md, checked by import-linter: ui -> document -> language -> model ->
palette; Qt nowhere in robolab but robolab.ui; the simulator imports nothing of robolab and no Qt."""

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def test_import_contracts_hold():
    lint = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    result = subprocess.run([lint, "--config", str(ROOT / "pyproject.toml")], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
