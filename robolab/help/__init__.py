"""What RoboLab shows a newcomer, shipped inside the app (no network): the welcome program the
window opens on the first time, and the Getting started guide (Help menu)."""

from pathlib import Path

HERE = Path(__file__).resolve().parent


def welcome_program() -> str:
    """The text of the program the window opens on at its first start."""
    return (HERE / "welcome.rlab").read_text(encoding="utf-8")


def getting_started() -> str:
    """The Getting started guide, as Markdown (Qt's text browser shows it as it is)."""
    return (HERE / "getting-started.md").read_text(encoding="utf-8")
