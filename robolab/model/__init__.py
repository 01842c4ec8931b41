"""The program model: plain Python, no Qt, no parsing."""

from robolab.model.expr import Binary, Bool, Call, Expr, Name, Num, Unary
from robolab.model.program import FORMAT, Block, Program

__all__ = ["FORMAT", "Binary", "Block", "Bool", "Call", "Expr", "Name", "Num", "Program", "Unary"]
