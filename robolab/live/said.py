"""What a simulator run's events say in the output pane: one rule, read by the simulator target
(robolab.targets.simulator) and the panel alike. Plain Python."""

from __future__ import annotations

import os

NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def describe(event: dict) -> tuple[str, str] | None:
    """(style, text) for one run event, or None when it is not for the output pane."""
    kind = event.get("kind")
    if kind == "message":
        if event.get("cleared"):
            return "message", "messages cleared"
        number = event.get("number", 0)
        extra = f" “{event['char']}”" if event.get("char") else (f" ({NUMBER_WORDS[number]})" if number <= 10 else "")
        return "message", f"message {number}{extra}"
    if kind == "sound":
        what = event.get("what")
        if what == "speak":
            return "speech", f"says “{event.get('text', '')}”"
        if what == "beep":
            tones = event.get("tones") or []
            if not event.get("args") or not tones:
                return "sound", "beep"
            shown = ", ".join(f"{f:g} Hz for {ms / 1000:g} s" for f, ms in tones[:3])
            return "sound", f"tone {shown}" + (" …" if len(tones) > 3 else "")
        return "sound", f"plays {os.path.basename(str(event.get('file', what)))}"
    if kind == "collision":
        return "collision", f"bumped into {event.get('with', 'something')}"
    if kind == "busy":
        return "note", event.get("text", "the program is busy")
    if kind == "display" and event.get("what") == "unsupported":
        return "error", event.get("text", "")
    return None


def spoken(event: dict) -> str:
    """The words a view may say aloud for this event (speech, or a message numbered up to ten), else ""."""
    kind = event.get("kind")
    if kind == "sound" and event.get("what") == "speak":
        return str(event.get("text", ""))
    if kind == "message" and not event.get("cleared") and 0 <= event.get("number", 99) <= 10:
        return event.get("text") or NUMBER_WORDS[event["number"]]
    return ""
