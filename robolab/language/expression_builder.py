"""Building an expression by clicking pieces (digits, operators, names, functions), calculator style.

A piece is offered only when the expression stays the start of a valid one: the grammar's own
LALR parser is fed the pieces as tokens and asked what may come next, so the builder can never
disagree with the file reader. Only a complete expression whose names and functions exist at the
line being edited can be applied.
"""

import re
from dataclasses import dataclass

from lark import Token as LarkToken
from lark.exceptions import LarkError

from robolab.language.expressions import to_text
from robolab.language.scope import Scope
from robolab.language.syntax import ValueProblem, parser
from robolab.language.values import Verdict, check_expression, refused
from robolab.model import expr as e
from robolab.palette.model import Param

_SYMBOLS = {"(": "LPAR", ")": "RPAR", ",": "COMMA", "+": "PLUS", "-": "MINUS", "*": "STAR", "/": "SLASH",
            "%": "PERCENT", "|": "BAR", "&": "AMP", "and": "AND", "or": "OR", "not": "NOT", "true": "TRUE",
            "false": "FALSE"}
COMPARISONS = ("<", ">", "<=", ">=", "==", "!=")
_OPERAND_END = {"NUMBER", "NAME", "RPAR", "TRUE", "FALSE"}
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_TEXT_TOKEN = re.compile(r"\s*(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|[A-Za-z_][A-Za-z0-9_]*\(?|<=|>=|==|!=|[-+*/%|&(),<>])")
MAX_DIGITS = 15  # the file reader refuses longer whole numbers


@dataclass(frozen=True)
class Piece:
    kind: str  # a grammar terminal (NUMBER, NAME, PLUS, ...) or CALL: a function name and its "("
    text: str

    def lark_tokens(self) -> list[LarkToken]:
        if self.kind == "CALL":
            return [LarkToken("NAME", self.text[:-1]), LarkToken("LPAR", "(")]
        text = self.text + "0" if self.kind == "NUMBER" and self.text.endswith(".") else self.text
        return [LarkToken(self.kind, text)]


def piece(text: str) -> Piece:
    """The piece a button or key stands for: "7", "+", "<=", "and", "distance", "abs(", ..."""
    if text in _SYMBOLS:
        return Piece(_SYMBOLS[text], text)
    if text in COMPARISONS:
        return Piece("COMPARE", text)
    if text.isdigit() or text == ".":
        return Piece("NUMBER", text)
    if text.endswith("(") and _IDENTIFIER.match(text[:-1]):
        return Piece("CALL", text)
    if _IDENTIFIER.match(text):
        return Piece("NAME", text)
    raise ValueError(f"not a piece of an expression: {text!r}")


def pieces_of(node: e.Expr) -> list[Piece]:
    """The pieces that build an existing expression, to go on editing it in the builder."""
    text, found = to_text(node), []
    position = 0
    while position < len(text):
        match = _TEXT_TOKEN.match(text, position)
        if match is None:
            break
        found.append(piece(match.group(1)) if not match.group(1)[0].isdigit() else Piece("NUMBER", match.group(1)))
        position = match.end()
        while position < len(text) and text[position] == " ":
            position += 1
    return found


class ExpressionBuilder:
    """The expression being assembled, for the param of the line at `scope`."""

    def __init__(self, param: Param, scope: Scope, start: e.Expr | None = None):
        self.param, self.scope = param, scope
        self.pieces: list[Piece] = pieces_of(start) if start is not None else []
        if not self._valid_start(self.pieces):
            self.pieces = []

    # Editing.
    def can_add(self, text: str) -> bool:
        pieces = self._with(piece(text))
        return pieces is not None and self._valid_start(pieces)

    def add(self, text: str) -> bool:
        """Add a piece when the expression stays valid; False (and no change) when it would not."""
        pieces = self._with(piece(text))
        if pieces is None or not self._valid_start(pieces):
            return False
        self.pieces = pieces
        return True

    def backspace(self) -> None:
        if not self.pieces:
            return
        last = self.pieces.pop()
        if last.kind == "NUMBER" and len(last.text) > 1:
            # 1e-05 loses its whole exponent at once: 1e- is no number
            rest = last.text[:-1] if "e" not in last.text.lower() else re.split("[eE]", last.text)[0]
            self.pieces.append(Piece("NUMBER", rest))

    def clear(self) -> None:
        self.pieces = []

    # Reading.
    def text(self) -> str:
        out = ""
        previous: Piece | None = None
        previous_was_unary = False
        for p in self.pieces:
            unary = p.kind == "MINUS" and (previous is None or previous.kind not in _OPERAND_END)
            if previous is None or previous.kind in ("LPAR", "CALL") or p.kind in ("RPAR", "COMMA") \
                    or (previous.kind == "MINUS" and previous_was_unary):
                out += p.text
            else:
                out += " " + p.text
            previous, previous_was_unary = p, unary
        return out

    def result(self) -> Verdict:
        """The finished expression, checked for the line; or what is missing."""
        if not self.pieces:
            return refused("click numbers, names and operators to build a value")
        tokens = [t for p in self.pieces for t in p.lark_tokens()]
        try:
            interactive = parser().parse_interactive(start="expr")
            for token in tokens:
                interactive.feed_token(token)
            if self.pieces[-1].kind == "NUMBER" and self.pieces[-1].text.endswith("."):
                raise LarkError
            node = interactive.feed_eof()
        except (ValueProblem, ValueError) as problem:
            return refused(str(problem))
        except LarkError:
            return refused(self._missing())
        return check_expression(self.param, node, self.scope)

    def _missing(self) -> str:
        last = self.pieces[-1]
        depth = sum(p.kind in ("LPAR", "CALL") for p in self.pieces) - sum(p.kind == "RPAR" for p in self.pieces)
        if last.kind == "NUMBER" and last.text.endswith("."):
            return "add a digit after the decimal point"
        if last.kind not in _OPERAND_END:
            return f"add a value after '{last.text}'"
        if depth > 0:
            return "close the bracket with )"
        return "the expression is not finished"

    def _with(self, new: Piece) -> list[Piece] | None:
        """The pieces with `new` added (digits join the number before them); None when refused."""
        pieces = list(self.pieces)
        last = pieces[-1] if pieces else None
        if new.kind == "LPAR" and last is not None and last.kind == "NAME":
            return None  # it would call a name that is not a function
        if new.kind == "NUMBER" and last is not None and last.kind == "NUMBER":
            if new.text == "." and ("." in last.text or "e" in last.text.lower()):
                return None
            digits = last.text + new.text if last.text != "0" or new.text == "." else new.text
            if sum(c.isdigit() for c in digits) > MAX_DIGITS:
                return None
            pieces[-1] = Piece("NUMBER", digits)
            return pieces
        if new.kind == "NUMBER" and new.text == ".":
            new = Piece("NUMBER", "0.")
        return pieces + [new]

    @staticmethod
    def _valid_start(pieces: list[Piece]) -> bool:
        """Whether these pieces begin some valid expression."""
        try:
            interactive = parser().parse_interactive(start="expr")
            for p in pieces:
                for token in p.lark_tokens():
                    interactive.feed_token(token)
        except (LarkError, ValueError):  # ValueProblem is a ValueError
            return False
        return True
