"""What a fresh machine gets: the README's commands, and a wheel that carries packs, examples, grammar."""

import re
import subprocess
import sys
import zipfile

from conftest import EXAMPLES, PACKS, ROOT


def readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    return re.findall(r"```\n(python3 -m venv .+)\n```", readme)


def test_readme_has_exactly_two_install_commands_and_ci_runs_the_test_one_verbatim():
    commands = readme_commands()
    assert len(commands) == 2
    start, tests = commands
    assert start.endswith("robolab") and "pytest" in tests
    assert tests in (ROOT / ".ci" / "run").read_text()


def test_wheel_carries_palettes_examples_and_grammar(tmp_path):
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                             "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    (wheel,) = tmp_path.glob("robolab-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "robolab/language/grammar.lark" in names
    assert {f"robolab/palettes/{p.name}" for p in PACKS} <= names
    assert {f"robolab/examples/{p.name}" for p in EXAMPLES} <= names
    assert "simulator/__init__.py" in names
    assert "simulator/robots/ev3_educator.toml" in names
    worlds = {p.relative_to(ROOT).as_posix() for p in (ROOT / "simulator" / "worlds").rglob("*") if p.is_file()}
    assert worlds and worlds <= names
    # Every module of the source tree, so `pip install .` (not editable) gets the whole app.
    modules = {p.relative_to(ROOT).as_posix() for folder in ("robolab", "simulator")
               for p in (ROOT / folder).rglob("*.py") if "__pycache__" not in p.parts}
    assert modules <= names, f"not in the wheel (add their packages to pyproject.toml): {sorted(modules - names)}"
    assert {"robolab/help/welcome.rlab", "robolab/help/getting-started.md"} <= names
