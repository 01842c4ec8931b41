"""`say` on the brick: the student's words reach espeak as the text to say, never as an option (issue 15:
`say words="-f/home/robot/.robolab/brick.json"` made real espeak read that file aloud)."""
import getopt
import textwrap

import pytest

from robolab.cli import main as robolab

try:
    from tests.fakebrick import FakeBrick
except ImportError:
    from fakebrick import FakeBrick

ESPEAK_OPTIONS = "a:b:d:f:g:hk:l:mp:qs:v:w:xXz"  # espeak's getopt string (espeak 1.48, ev3dev stretch)
ESPEAK_LONG = ["stdout", "compound=", "punct=", "path=", "ipa", "pho", "split=", "voices=", "version"]


@pytest.mark.parametrize("words", ["-f/home/robot/.robolab/brick.json", "--stdout", "-w /tmp/x.wav", "--", "-"])
def test_words_that_look_like_options_are_said(tmp_path, words):
    source = tmp_path / "speak.rlab"
    source.write_text("robolab 1 palette ev3 1.0\n" + textwrap.dedent(f"""\
        say words="{words}"
        """))
    out = tmp_path / "speak.py"
    assert robolab(["compile", str(source), "-o", str(out)]) == 0
    result = FakeBrick(tmp_path).run(out, timeout=30)
    assert result.returncode == 0, result.stderr
    [espeak] = [argv for argv in result.sounds if argv[0] == "espeak"]
    options, text = getopt.gnu_getopt(espeak[1:], ESPEAK_OPTIONS, ESPEAK_LONG)  # as espeak reads its argv
    assert text == [words]
    assert ("-f", "/home/robot/.robolab/brick.json") not in options and ("-w", " /tmp/x.wav") not in options
    assert options == [("--stdout", ""), ("-a", "200"), ("-s", "130")]
