"""Lines a program prints that mean something to RoboLab, as events.

The protocol (docs/program-output.md) is the same on the brick and in the simulator: a
fixed first word, then values, one line each. `line_event` turns one such line into an
event dict (without its time); any other line is None: plain output.
"""

MAX_MESSAGE = 255


def line_event(line: str) -> dict | None:
    line = line.rstrip("\r\n")
    word, _, rest = line.partition(" ")
    if word == "message":
        return _message(rest)
    if word == "log":
        name, _, value = rest.rpartition(" ")
        if not name or not value:
            return None
        return {"kind": "log", "name": name, "value": _number(value)}
    if word == "display":
        return {"kind": "display", "what": "value", "text": rest}
    if line == "clear message":
        return {"kind": "message", "cleared": True}
    if word == "clear" and rest.startswith("data"):
        size = rest[4:].strip()
        return {"kind": "log", "cleared": True, "size": int(size) if size.isdigit() else None}
    return None


def _message(rest: str) -> dict | None:
    number, _, char = rest.partition(" ")
    if not number.isdigit() or int(number) > MAX_MESSAGE:
        return None
    event = {"kind": "message", "number": int(number)}
    if char:
        event["char"] = char
    return event


def _number(text: str):
    """A logged value as a number where it is one (ints stay ints), else the text."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text
