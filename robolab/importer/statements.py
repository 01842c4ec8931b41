"""RobotLab statements -> blocks of the `treescript` palette pack, one for one.

Each RobotLab keyword has a small rule saying which treescript command it becomes and where its
values come from (the statement's `name=value` properties). A statement no rule covers, or one
whose values cannot be read, becomes a comment holding its RobotLab text, and a note for the
import report says why: nothing is silently dropped.
"""

import keyword
import math
import re
from dataclasses import dataclass, field

from robolab.importer.expressions import ExpressionError, translate
from robolab.importer.tsc import Statement
from robolab.model import expr as e
from robolab.model.program import Block
from robolab.palette.model import COMMENT

SOUNDS = ("click", "beep", "sweep_down", "sweep_up", "error", "fast_sweep_up")
DECLARING = {  # RobotLab keyword -> the property holding the name it declares
    "output": "name", "sensor": "name", "const": "name", "var": "name", "local": "name",
    "counter": "name", "timer": "name", "macro": "name", "task": "name", "watcher": "name", "event": "name",
}
RESERVED = set(keyword.kwlist) | {"true", "false", "and", "or", "not", "message"}  # message: the pack's value


class Unmappable(ValueError):
    """This statement has no treescript equivalent (the message says why)."""


@dataclass
class Mapping:
    """Blocks made so far, and report lines (each naming the RobotLab line)."""

    names: dict = field(default_factory=dict)  # lower-case RobotLab name -> RoboLab spelling
    notes: list = field(default_factory=list)  # (RobotLab line, report line)
    statement: Statement | None = None  # the RobotLab line being mapped

    def note(self, message: str, statement: Statement | None = None) -> None:
        statement = statement or self.statement
        where = f"line {statement.line} ({one_line(statement.text)[:80]!r})" if statement is not None else "program"
        if len(message) > 300:   # a damaged file's values can be thousands of characters long
            message = message[:240] + " … " + message[-40:]
        self.notes.append((statement.line if statement is not None else 0, f"{where}: {message}"))

    def report(self) -> list[str]:
        """The report lines in the program's order, each once."""
        return list(dict.fromkeys(text for _, text in sorted(self.notes, key=lambda note: note[0])))


def safe_name(name: str) -> str:
    """A RobotLab name as a RoboLab one: letters, digits and _, starting with a letter or _."""
    cleaned = re.sub(r"\W", "_", name.strip(), flags=re.ASCII) or "unnamed"
    if cleaned[0].isdigit():
        cleaned = "_" + cleaned
    return cleaned + "_" if cleaned.lower() in RESERVED else cleaned


def collect_names(statements: list[Statement], mapping: Mapping) -> None:
    """Every declared name, so uses in any case find the declaration's spelling."""
    def visit(items):
        for statement in items:
            prop = DECLARING.get(statement.keyword)
            names = [statement.properties.get(prop, "")] if prop else []
            if statement.keyword == "macro":
                names += _words(statement.properties.get("params", ""))
            for name in filter(None, (n.strip() for n in names)):
                spelling = safe_name(name)
                if spelling != name:
                    mapping.note(f"the name '{name}' is written '{spelling}' (RoboLab names are letters, "
                                 "digits and _, and not words such as 'if')", statement)
                mapping.names.setdefault(name.lower(), spelling)
            visit(statement.children)

    visit(statements)


def _words(text: str) -> list[str]:
    return [word for word in re.split(r"[\s,\[\]()]+", text) if word]


def one_line(text: str) -> str:
    """Text as one printable line, runs of spaces and line breaks as one space."""
    return re.sub(r"\s+", " ", "".join(ch if ch.isprintable() else " " for ch in text)).strip()[:900]


def comment_text(text: str) -> str:
    """A RobotLab note as one comment line: its leading ':' (RobotLab's 'comment : ...') dropped."""
    return re.sub(r"^:\s*", "", one_line(text))


def kept_as_comment(statement: Statement, depth: int = 0) -> list[Block]:
    """A statement (and the lines inside it, indented) kept as comment lines with RobotLab's own text."""
    blocks = [Block(COMMENT, {"text": "RobotLab: " + "  " * depth + one_line(statement.text)})]
    for child in statement.children:
        blocks += kept_as_comment(child, depth + 1)
    return blocks


class StatementMapper:
    """Maps one RobotLab statement (with the lines inside it) to treescript blocks."""

    def __init__(self, mapping: Mapping):
        self.mapping = mapping

    # -------------------------------------------------------------- values
    def prop(self, statement: Statement, *names: str) -> str:
        for name in names:
            if name in statement.properties:
                return statement.properties[name]
        raise Unmappable(f"it has no {names[0]} value")

    def name(self, text: str) -> str:
        text = text.strip()
        if not text:
            raise Unmappable("a name is missing")
        return self.mapping.names.get(text.lower(), safe_name(text))

    def names(self, text: str) -> tuple:
        return tuple(self.name(word) for word in _words(text))

    def expression(self, text: str) -> e.Expr:
        try:
            tree = translate(text, self.mapping.names)
        except ExpressionError as error:
            raise Unmappable(f"its expression cannot be read: {error}") from None
        for written in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text):
            spelling = self.mapping.names.get(written.lower())
            if spelling and spelling != written:
                self.mapping.note(f"'{written}' is read as '{spelling}' (RobotLab ignored the case of names)")
        return tree

    def port_text(self, text: str) -> str:
        return self.word(text.strip().upper(), "port")

    @staticmethod
    def word(text: str, what: str) -> str:
        """A choice or port as written (`light`, `B`): letters, digits and _, or Unmappable."""
        if not re.fullmatch(r"[A-Za-z0-9_]{1,40}", text):
            raise Unmappable(f"its {what} {one_line(text)!r} is not one RoboLab knows")
        return text

    def number(self, text: str) -> int | float:
        try:
            value = float(text)
        except ValueError:
            raise Unmappable(f"'{one_line(text)[:40]}' is not a number") from None
        if not math.isfinite(value):
            raise Unmappable(f"'{one_line(text)[:40]}' is not a finite number")
        return int(value) if value.is_integer() else value

    # -------------------------------------------------------------- statements
    def map_command(self, statement: Statement) -> str:
        """The treescript command a statement with lines inside it becomes (main, if, while, ...)."""
        return CONTAINERS.get(statement.keyword.strip().lower(), "")

    def map(self, statement: Statement, children) -> list[Block]:
        """Blocks for `statement`; `children(statement)` maps the lines inside it."""
        self.mapping.statement = statement
        rule = RULES.get(statement.keyword.strip().lower())
        if rule is None:
            self.mapping.note(f"RobotLab's '{statement.keyword}' statement has no RoboLab equivalent; "
                              "kept as a comment", statement)
            return kept_as_comment(statement)
        try:
            return rule(self, statement, children)
        except Unmappable as why:
            self.mapping.note(f"not imported: {why}; kept as a comment", statement)
            return kept_as_comment(statement)


def _simple(command: str, **params):
    """A rule: `command` with each param read from the first property present (and a reader)."""
    def rule(mapper: StatementMapper, statement: Statement, children) -> list[Block]:
        args = {param: getattr(mapper, reader)(mapper.prop(statement, *props))
                for param, (reader, *props) in params.items()}
        return [Block(command, args)]
    return rule


def _body(command: str, **params):
    """A rule for a command whose RobotLab children are its one body (main, forever, while, ...)."""
    simple = _simple(command, **params)

    def rule(mapper, statement, children):
        block = simple(mapper, statement, children)[0]
        block.bodies = {"do": children(statement.children)}
        return [block]
    return rule


def _comment(mapper, statement, children):
    return [Block(COMMENT, {"text": comment_text(statement.properties.get("note", statement.text[7:]))})]


def _if(mapper, statement, children):
    condition = mapper.expression(mapper.prop(statement, "condition"))
    bodies = {"then": [], "else": []}
    for child in statement.children:
        part = child.keyword.strip().lower()
        if part not in bodies:
            raise Unmappable(f"'{child.text}' is neither its then nor its else part")
        bodies[part] += children(child.children)
    return [Block("if", {"condition": condition}, bodies)]


def _output(mapper, statement, children):
    port = mapper.port_text(mapper.prop(statement, "port"))
    return [Block("output", {"name": mapper.name(mapper.prop(statement, "name")), "port": port, "motor": "large"})]


def _sensor(mapper, statement, children):
    kind = mapper.word(mapper.prop(statement, "type").strip().lower(), "type")
    mode = mapper.word(statement.properties.get("mode", "percent" if kind == "light" else "boolean").strip().lower(),
                       "mode")
    return [Block("sensor", {"name": mapper.name(mapper.prop(statement, "name")),
                             "port": mapper.port_text(mapper.prop(statement, "port")), "type": kind, "mode": mode})]


def _sound(mapper, statement, children):
    number = mapper.number(mapper.prop(statement, "sound", "number", "value"))
    if number not in range(len(SOUNDS)):
        raise Unmappable(f"RobotLab had sounds 0 to 5, not {number}")
    return [Block("sound", {"sound": SOUNDS[int(number)]})]


def _direction(mapper, statement, children):
    props = statement.properties
    if "forward" in props or "backward" in props:
        forwards, backwards = props.get("forward", ""), props.get("backward", "")
    else:
        found = re.match(r"\s*direction\s*\[([^\]]*)\]\s*\[([^\]]*)\]", statement.text)
        if not found:
            raise Unmappable("its two lists of outputs cannot be read")
        forwards, backwards = found.groups()
    return [Block("direction", {"forwards": mapper.names(forwards), "backwards": mapper.names(backwards)})]


def _display(mapper, statement, children):
    value = statement.properties.get("var", statement.properties.get("value"))
    places = statement.properties.get("places", statement.properties.get("decimals", "0"))
    if value is None:
        found = re.match(r"\s*display\s+(.+?)(?::(\d))?\s*$", statement.text)
        if not found:
            raise Unmappable("what it displays cannot be read")
        value, places = found.group(1), found.group(2) or "0"
    return [Block("display", {"value": mapper.expression(value), "places": mapper.number(places)})]


def _background(mapper, statement, children):
    # Only at the top: RoboLab's arena is chosen before a run and does not change during it.
    return [Block("background", {"file": one_line(mapper.prop(statement, "path", "file"))})]


def _macro(mapper, statement, children):
    block = Block("macro", {"name": mapper.name(mapper.prop(statement, "name")),
                            "params": mapper.names(statement.properties.get("params", ""))})
    block.bodies = {"do": children(statement.children)}
    return [block]


def _call(mapper, statement, children):
    values = statement.properties.get("params", statement.properties.get("values", ""))
    expressions = tuple(mapper.expression(v) for v in re.split(r",", values) if v.strip())
    return [Block("call", {"macro": mapper.name(mapper.prop(statement, "name", "macro")), "values": expressions})]


def _event(mapper, statement, children):
    props = statement.properties
    sensor, state = props.get("sensor"), props.get("state")
    if sensor is None or state is None:
        found = re.match(r"\s*event\s+\w+\s+when\s+(\w+)\.(\w+)", statement.text)
        if not found:
            raise Unmappable("its sensor and state cannot be read")
        sensor, state = found.groups()
    return [Block("event", {"name": mapper.name(mapper.prop(statement, "name")), "sensor": mapper.name(sensor),
                            "state": mapper.word(state.strip().lower(), "state")})]


def _watcher(mapper, statement, children):
    block = Block("watcher", {"name": mapper.name(mapper.prop(statement, "name")),
                              "events": mapper.names(mapper.prop(statement, "events", "monitor"))})
    block.bodies = {"do": children(statement.children)}
    return [block]


def _clear(mapper, statement, children):
    """`clear x`; `clear message` written as a clear of the name message (the message register);
    `clear TIMER`, RobotLab's own timer, which programs use without declaring it."""
    written = mapper.prop(statement, "var", "name").strip()
    if written.lower() == "message" and "message" not in mapper.mapping.names:
        return [Block("clear_message", {})]
    return [Block("clear", {"name": mapper.name(written)})]


def _stop(mapper, statement, children):
    """`stop task`; `stop main` stops main, and so the program."""
    task = mapper.prop(statement, "task", "name").strip()
    if task.lower() == "main" and "main" not in mapper.mapping.names:
        return [Block("stop_main", {})]
    return [Block("stop", {"task": mapper.name(task)})]


def _noise(command: str):
    return _simple(command, port=("port_text", "port"), bias=("number", "bias"), noise=("number", "noise"))


CONTAINERS = {"main": "main", "macro": "macro", "forever": "forever", "repeat": "repeat", "while": "while",
              "repeat until": "repeat_until", "if": "if", "if then": "if", "if then else": "if", "task": "task",
              "watcher": "watcher"}
OUTPUTS = ("names", "ports", "outputs")
RULES = {
    "comment": _comment,
    "output": _output,
    "sensor": _sensor,
    "sensor noise": _noise("sensor_noise"),
    "output noise": _noise("output_noise"),
    "background": _background,
    "const": _simple("const", name=("name", "name"), value=("expression", "value")),
    "var": _simple("var", name=("name", "name"), value=("expression", "value")),
    "local": _simple("local", name=("name", "name"), value=("expression", "value")),
    "counter": _simple("counter", name=("name", "name")),
    "timer": _simple("timer", name=("name", "name")),
    "set": _simple("set", name=("name", "var", "name"), value=("expression", "value")),
    "clear": lambda mapper, statement, children: _clear(mapper, statement, children),
    "clear data": _simple("clear_data", capacity=("expression", "space", "size", "count")),
    "clear message": _simple("clear_message"),
    "randomize": _simple("randomize"),
    "main": _body("main"),
    "macro": _macro,
    "call": _call,
    "forever": _body("forever"),
    "repeat": _body("repeat", times=("expression", "count", "times")),
    "while": _body("while", condition=("expression", "condition")),
    "repeat until": _body("repeat_until", condition=("expression", "condition", "events")),
    "wait until": _simple("wait_until", condition=("expression", "condition", "events")),
    "if": _if, "if then": _if, "if then else": _if,
    "wait": _simple("wait", time=("expression", "delay", "time")),
    "on": _simple("on", outputs=OUTPUTS),
    "off": _simple("off", outputs=OUTPUTS),
    "float": _simple("float", outputs=OUTPUTS),
    "forward": _simple("forward", outputs=OUTPUTS),
    "backward": _simple("backward", outputs=OUTPUTS),
    "reverse": _simple("reverse", outputs=OUTPUTS),
    "on for": _simple("on_for", outputs=OUTPUTS, time=("expression", "delay", "time")),
    "power": _simple("power", outputs=OUTPUTS, level=("expression", "power", "level", "value")),
    "direction": _direction,
    "sound": _sound,
    "tone": _simple("tone", frequency=("expression", "frequency", "freq", "pitch"),
                    time=("expression", "delay", "duration", "time")),
    "send": _simple("send", message=("expression", "message", "value")),
    "log": _simple("log", name=("name", "var", "name")),
    "display": _display,
    "task": _body("task", name=("name", "name")),
    "start": _simple("start", task=("name", "task", "name")),
    "stop": lambda mapper, statement, children: _stop(mapper, statement, children),
    "priority": _simple("priority", level=("expression", "priority", "level", "value")),
    "event": _event,
    "watcher": _watcher,
    "fire": _simple("fire", event=("name", "event", "name")),
    "trigger": _simple("trigger", watcher=("name", "watcher", "name")),
}
