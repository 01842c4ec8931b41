"""RobotLab expressions (`N < 10`, `random 6`, `x <> 1 && y = 2`) -> RoboLab expression trees.

RobotLab wrote functions without brackets (`random 6`), `=` and `<>` for equal and not equal,
`&&` `||` for and/or and `&` `|` bitwise, and, like Pascal, read names whatever their case
(`n_divided_by_10` is `N_divided_by_10`). Operators bind as in C (the RCX's language):
`||` loosest, then `&&`, `|`, `&`, comparisons, `+ -`, `* /`, then signs and functions. The
result is a tree, so RoboLab's printer puts in whatever brackets its own rules need.
"""

import re

from robolab.model import expr as e

FUNCTIONS = ("abs", "sgn", "random")
_TOKEN = re.compile(r"\s*(?:(\d+\.\d*|\.\d+|\d+)|([A-Za-z_][A-Za-z0-9_]*)|(&&|\|\||<>|<=|>=|==|!=|[-+*/%()<>=&|!,]))")
_BINARY = [  # loosest first: (RobotLab spellings -> RoboLab operator)
    {"||": "or", "or": "or"},
    {"&&": "and", "and": "and"},
    {"|": "|"},
    {"&": "&"},
    {"=": "==", "==": "==", "<>": "!=", "!=": "!=", "<": "<", ">": ">", "<=": "<=", ">=": ">="},
    {"+": "+", "-": "-"},
    {"*": "*", "/": "/", "%": "%"},
]


MAX_TOKENS = 400   # the course's longest expression has about 15; a longer one is a damaged file
MAX_DEPTH = 40     # brackets, signs and `not`s inside each other
MAX_DIGITS = 15    # as a RoboLab program file holds numbers


class ExpressionError(ValueError):
    """A RobotLab expression that cannot be read; the message says where."""


def translate(text: str, names: dict[str, str] | None = None) -> e.Expr:
    """The RoboLab tree of a RobotLab expression; `names` maps lower-case names to their spelling."""
    return _Parser(text, names or {}).whole()


class _Parser:
    def __init__(self, text: str, names: dict[str, str]):
        self.text, self.names = text, names
        self.tokens = self._tokens(text)
        self.at = 0
        self.depth = 0
        if len(self.tokens) > MAX_TOKENS:
            raise ExpressionError(f"it is too long ({len(self.tokens)} parts; at most {MAX_TOKENS})")

    @staticmethod
    def _tokens(text: str) -> list[tuple[str, str]]:
        tokens, position = [], 0
        text = text.rstrip()
        while position < len(text):
            match = _TOKEN.match(text, position)
            if not match:
                raise ExpressionError(f"cannot read '{text[position:].strip()}' in '{text}'")
            number, word, operator = match.groups()
            tokens.append(("number", number) if number else ("word", word) if word else ("op", operator))
            position = match.end()
        return tokens

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def next(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise ExpressionError(f"'{self.text}' ends too soon")
        self.at += 1
        return token

    def whole(self) -> e.Expr:
        if not self.tokens:
            raise ExpressionError("the expression is empty")
        tree = self.binary(0)
        if self.peek() is not None:
            raise ExpressionError(f"unexpected '{self.peek()[1]}' in '{self.text}'")
        return tree

    def binary(self, level: int) -> e.Expr:
        if level == len(_BINARY):
            return self.unary()
        operators = _BINARY[level]
        left = self.binary(level + 1)
        while (token := self.peek()) is not None and token[0] in ("op", "word") and token[1].lower() in operators:
            self.at += 1
            right = self.binary(level + 1)
            op = operators[token[1].lower()]
            if op in e.COMPARISONS and isinstance(left, e.Binary) and left.op in e.COMPARISONS:
                raise ExpressionError(f"comparisons cannot follow each other in '{self.text}'")
            left = e.Binary(op, left, right)
        return left

    def unary(self) -> e.Expr:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise ExpressionError(f"it nests more than {MAX_DEPTH} deep")
            return self._unary()
        finally:
            self.depth -= 1

    def _unary(self) -> e.Expr:
        kind, value = token = self.next()
        if token in (("op", "-"), ("op", "+")):
            operand = self.unary()
            if value == "+":
                return operand
            return e.Num(-operand.value) if isinstance(operand, e.Num) else e.Unary("-", operand)
        if token == ("op", "!") or (kind == "word" and value.lower() == "not"):
            return e.Unary("not", self.unary())
        if kind == "word" and value.lower() in FUNCTIONS:
            if self.peek() == ("op", "("):  # random(6) or random (6)
                return e.Call(value.lower(), (self.primary(),))
            return e.Call(value.lower(), (self.unary(),))
        self.at -= 1
        return self.primary()

    def primary(self) -> e.Expr:
        kind, value = self.next()
        if kind == "number":
            if len(value.replace(".", "").lstrip("0")) > MAX_DIGITS:
                raise ExpressionError(f"the number {value[:20]}… has more than {MAX_DIGITS} digits")
            number = float(value)
            return e.Num(int(number) if number.is_integer() and "." not in value else number)
        if kind == "word":
            lowered = value.lower()
            if lowered in ("true", "false"):
                return e.Bool(lowered == "true")
            return e.Name(self.names.get(lowered, value))
        if value == "(":
            inside = self.binary(0)
            if self.next() != ("op", ")"):
                raise ExpressionError(f"a bracket is not closed in '{self.text}'")
            return inside
        raise ExpressionError(f"unexpected '{value}' in '{self.text}'")
