"""Fuzzing challenge files: whatever a course team's file holds, `load_challenge` gives a challenge or
problems that each name the file and a line; never any other exception."""

import random
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from robolab.challenge.loader import check_challenge_file, shipped_challenges
from robolab.palette import PackLibrary

LIBRARY = PackLibrary()
TEXTS = {path.name: path.read_text(encoding="utf-8") for path in shipped_challenges().values()}
TOKEN = re.compile(r"[A-Za-z0-9_.]+|[ \t]+|\n|.", re.S)
WORDS = ["[[goal]]", "[[zone]]", "[[vary]]", "[start]", "kind", "=", '"', "[", "]", "{", "}", "true", "-1", "0",
         "1e999", "nan", "inf", '"reach"', '"visit"', '"push"', '"follow_line"', '"finish_within"', "zones",
         "zone", "object", "goal", "points", "whole", "relative", "dx", "[1, 2]", "[2, 1]", "\n", "#", "é", "\x00"]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(TEXTS)), st.integers(0, 2 ** 32), st.integers(1, 6))
def test_a_mutated_challenge_file_gives_problems_with_lines_never_a_traceback(tmp_path_factory, name, seed, edits):
    rng = random.Random(seed)
    tokens = TOKEN.findall(TEXTS[name])
    for _ in range(edits):
        at = rng.randrange(len(tokens) + 1)
        action = rng.randrange(4)
        if action == 0 and tokens:
            del tokens[min(at, len(tokens) - 1)]
        elif action == 1:
            tokens.insert(at, rng.choice(WORDS))
        elif action == 2 and tokens:
            tokens.insert(at, tokens[rng.randrange(len(tokens))])
        else:
            tokens = tokens[:max(1, at)]
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / name
    path.write_text("".join(tokens), encoding="utf-8")
    (folder / "worlds").symlink_to(shipped_challenges()["park"].parent / "worlds")
    challenge, problems = check_challenge_file(path, LIBRARY)
    assert (challenge is None) == bool(problems)
    for problem in problems:
        assert problem.file == str(path) and problem.line >= 1 and problem.message


def test_numbers_that_are_not_finite_are_refused(tmp_path):
    text = TEXTS["park.toml"].replace("time_limit = 30", "time_limit = inf").replace("points = 10", "points = nan")
    text = text.replace("dx = [-350, 300]", "dx = [-inf, 300]")
    path = tmp_path / "park.toml"
    path.write_text(text)
    (tmp_path / "worlds").symlink_to(shipped_challenges()["park"].parent / "worlds")
    challenge, problems = check_challenge_file(path, LIBRARY)
    messages = "\n".join(str(p) for p in problems)
    assert challenge is None
    assert "time_limit: expected a finite number" in messages
    assert "points: a number from 0" in messages and "finite numbers" in messages
