"""Parameter values: what each type accepts and the Python literal it becomes.

Every value a student chooses goes through `check_value` before the compiler turns it into a
literal with `literal`, so a program file can never smuggle code into the generated Python.
"""

import keyword
import math
import re
from dataclasses import replace

from robolab.palette.model import Param

MOTOR_PORTS = ("A", "B", "C", "D")
SENSOR_PORTS = ("1", "2", "3", "4")
# RoboLab colour ids and the names python-ev3dev2's ColorSensor.color_name reports.
COLOURS = {
    "none": "NoColor", "black": "Black", "blue": "Blue", "green": "Green",
    "yellow": "Yellow", "red": "Red", "white": "White", "brown": "Brown",
}
EXPRESSION_WORDS = {"and", "or", "not", "true", "false"}
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def name_problem(name: str) -> str | None:
    """Why `name` cannot name a variable (or None when it can)."""
    if not isinstance(name, str) or not _IDENTIFIER.match(name):
        return f"{name!r} is not a name: use letters, digits and _, starting with a letter"
    if keyword.iskeyword(name) or name in EXPRESSION_WORDS:
        return f"'{name}' is a reserved word; choose another name"
    return None


def text_problem(text: str, max_length: int = 200) -> str | None:
    """Why `text` cannot be a text value: it must be one printable line."""
    if not text.isprintable():
        return "text may not contain line breaks or control characters"
    if len(text) > max_length:
        return f"text is longer than {max_length} characters"
    return None


def ports_of(param: Param) -> tuple[str, ...]:
    if param.ports:
        return param.ports
    return MOTOR_PORTS if param.type == "motor_port" else SENSOR_PORTS


def format_number(value: float) -> str:
    return repr(int(value)) if isinstance(value, int) else repr(float(value))


def check_number(param: Param, value) -> str | None:
    """Range and whole-number checks shared by number and expression params. The value is named by
    its label, as the student sees it beside the field ("left wheel speed", not "left")."""
    name = param.label or param.name
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return f"{name} must be a number"
    if param.integer and value != int(value):
        return f"{name} must be a whole number, not {format_number(value)}"
    unit = param.unit if param.unit else ""
    if param.min is not None and value < param.min:
        return f"{name} must be at least {format_number(param.min)}{unit}, not {format_number(value)}"
    if param.max is not None and value > param.max:
        return f"{name} must be at most {format_number(param.max)}{unit}, not {format_number(value)}"
    return None


def check_value(param: Param, value) -> str | None:
    """Why `value` is not valid for `param` (None when it is). Expressions are checked elsewhere."""
    kind = param.type
    if param.list:
        if not isinstance(value, tuple):
            return f"{param.name} must be a list, like [a, b]"
        problems = (check_value(item_param(param), item) for item in value)
        return next((p for p in problems if p), None)
    if kind == "number":
        return check_number(param, value)
    if kind == "choice":
        if param.choice(value) is None:
            return f"{param.name} must be one of {_options([c.id for c in param.choices])}, not {value!r}"
    elif kind in ("motor_port", "sensor_port"):
        if str(value) not in ports_of(param):
            return f"{param.name} must be a port {_options(ports_of(param))}, not {value!r}"
    elif kind == "colour":
        if value not in COLOURS:
            return f"{param.name} must be a colour {_options(COLOURS)}, not {value!r}"
    elif kind == "text":
        if not isinstance(value, str):
            return f"{param.name} must be text in quotes, like \"Hello\""
        return text_problem(value, param.max_length)
    elif kind == "boolean":
        if not isinstance(value, bool):
            return f"{param.name} must be true or false"
    elif kind == "name":
        return name_problem(value)
    return None


def literal(param: Param, value) -> str:
    """The Python source for a valid value of a literal-typed param (not name or expression)."""
    kind = param.type
    if kind == "number":
        return format_number(value)
    if kind == "choice":
        return param.choice(value).python
    if kind == "motor_port":
        return f"OUTPUT_{value}"
    if kind == "sensor_port":
        return f"INPUT_{value}"
    if kind == "colour":
        return repr(COLOURS[value])
    if kind == "text":
        return repr(value)
    if kind == "boolean":
        return repr(bool(value))
    raise ValueError(f"no literal for a {kind} value")


def sample_value(param: Param):
    """A valid value of the param, for checking templates and filling new blocks."""
    if param.default is not None:
        return param.default
    samples = {
        "number": param.min if param.min is not None else 0,
        "choice": param.choices[0].id if param.choices else "",
        "motor_port": ports_of(param)[0],
        "sensor_port": ports_of(param)[0],
        "colour": "black",
        "text": "",
        "boolean": False,
        "name": "x",
    }
    value = samples.get(param.type)
    return (value,) if param.list else value


def item_param(param: Param) -> Param:
    """The param describing one item of a list param."""
    return replace(param, list=False)


def _options(items) -> str:
    items = [str(i) for i in items]
    return ", ".join(items[:-1]) + " or " + items[-1] if len(items) > 1 else "".join(items)
