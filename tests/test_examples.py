"""Every shipped example checks, is written canonically, and compiles to Python 3.5-compatible code."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES
from robolab.language import compile_program, parse_program, print_program

NAMES = [path.name for path in EXAMPLES]


def test_there_are_at_least_ten_examples_across_both_packs():
    headers = {path.read_text().splitlines()[0].split()[3] for path in EXAMPLES}
    assert len(EXAMPLES) >= 10
    assert headers == {"ev3", "treescript"}


@pytest.mark.parametrize("path", EXAMPLES, ids=NAMES)
def test_example_checks_and_is_canonical(path, library):
    text = path.read_text(encoding="utf-8")
    program, pack = parse_program(text, library, str(path))
    assert print_program(program, pack) == text, "examples are stored as RoboLab writes them"
    assert program.blocks[0].command == "comment", "an example starts by saying what it does"


@pytest.mark.parametrize("path", EXAMPLES, ids=NAMES)
def test_example_compiles_for_python_3_5(path, library, tmp_path):
    program, pack = parse_program(path.read_text(encoding="utf-8"), library, str(path))
    compiled = compile_program(program, pack, name=path.stem)
    out = tmp_path / f"{path.stem}.py"
    out.write_text(compiled.source)
    vermin = shutil.which("vermin") or str(Path(sys.executable).parent / "vermin")
    result = subprocess.run([vermin, "-t=3.5-", "--no-tips", "--violations", "--eval-annotations", str(out)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    # Every block has Python lines, for highlighting the running block.
    for block_path, block in program.walk():
        assert compiled.lines_of_block(block_path), f"{block.command} at {block_path} has no lines"
