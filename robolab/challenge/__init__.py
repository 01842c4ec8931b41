"""Challenges: goals as data, checked over a simulated run, and the marking core (no Qt).

load_challenge (a checked file), layout (variant k's world), Watcher (goals followed through a
run), mark_program (a program's mark over variants, with its completion code).
"""

from robolab.challenge.loader import check_challenge_file, find_challenge, load_challenge, shipped_challenges
from robolab.challenge.marking import Mark, mark_program, verify_code
from robolab.challenge.model import Challenge
from robolab.challenge.variants import layout

__all__ = ["Challenge", "Mark", "check_challenge_file", "find_challenge", "layout", "load_challenge",
           "mark_program", "shipped_challenges", "verify_code"]
