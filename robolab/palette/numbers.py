"""Numbers in a student's program stay within a bound, so a loop such as `set x to (x * x)` stops
with a clear error at its line instead of growing a number until the robot runs out of memory.

The compiler wraps each arithmetic expression in the helper below (`x = in_range(x * x)`) and
emits the helper once, in Python 3.5 syntax, when a program uses it; a pack's template may call
it too (the ev3 pack's `change`), so the pack check counts it as defined: it lives here, with
the packs, for that. Only arithmetic can grow a number past the bound: sensors,
literals and comparisons cannot.
"""

LIMIT = 10 ** 18
HELPER = "in_range"
ARITHMETIC = ("+", "-", "*", "/", "%")

SOURCE = '''
def in_range(number):
    """Stop the program when arithmetic takes a number past what RoboLab allows."""
    if isinstance(number, (int, float)) and not -{limit} <= number <= {limit}:
        raise OverflowError("a number went past {shown}, the largest RoboLab allows "
                            "(does a loop keep multiplying it?)")
    return number
'''.format(limit=LIMIT, shown=f"{LIMIT:,}")


def uses_helper(python: str) -> bool:
    """Does a template call the helper itself?"""
    return HELPER + "(" in python
