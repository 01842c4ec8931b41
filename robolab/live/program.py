"""A program made ready for a live run: its Python, which block each line came from, where each
block starts, and which Python names hold the student's variables.

The simulator panel runs the compiled Python and reads back lines and frames; this module turns
those into what a student sees: a block path to highlight and named values.
"""

from dataclasses import dataclass, field

from robolab.language import compile_program
from robolab.language.checker import Analysis, check_program
from robolab.language.compiler import Compiled
from robolab.model.program import Program
from robolab.palette import Pack

SHOWN_TYPES = (bool, int, float, str)


@dataclass
class LiveProgram:
    """Compiled program plus the maps a live run needs."""

    program: Program
    compiled: Compiled
    name: str = "program"
    variables: dict = field(default_factory=dict)  # student's name -> Python name
    starts: dict = field(default_factory=dict)      # Python line -> block path starting there

    @classmethod
    def build(cls, program: Program, pack: Pack, name: str = "program") -> "LiveProgram":
        """Compile `program` (RobolabError when it has problems)."""
        analysis: Analysis = check_program(program, pack, name)
        return cls.from_compiled(program, pack, compile_program(program, pack, name=name, analysis=analysis),
                                 analysis, name)

    @classmethod
    def from_snapshot(cls, program: Program, pack: Pack, snapshot) -> "LiveProgram":
        """The program of an editor's snapshot (robolab.document.snapshot), compiled already;
        RobolabError when it has problems."""
        return cls.from_compiled(program, pack, snapshot.compiled_or_raise(), snapshot.analysis, snapshot.name)

    @classmethod
    def from_compiled(cls, program: Program, pack: Pack, compiled: Compiled, analysis: Analysis,
                      name: str) -> "LiveProgram":
        names = compiled.identifiers  # the compiler's own naming (a student's `sleep` becomes `sleep_`)
        variables = {n: names[n] for n, d in analysis.declared.items() if n in names and _holds_value(pack, d.kind)}
        starts, seen, lines = {}, set(), compiled.source.splitlines()
        for number, origin in enumerate(compiled.origins, start=1):
            if origin is not None and origin not in seen and lines[number - 1].strip():
                starts[number] = origin
                seen.add(origin)
        return cls(program, compiled, name, variables, starts)

    @property
    def source(self) -> str:
        return self.compiled.source

    def block_at_line(self, line: int | None) -> tuple | None:
        return self.compiled.block_at_line(line) if line else None

    def block_in_frames(self, frame, filename: str) -> tuple[tuple | None, int | None]:
        """The innermost line of the program's file in the stack from `frame` that belongs to a
        block (a line inside a pack's runtime helper belongs to none: its caller's block is meant)."""
        first_line = None
        while frame is not None:
            if frame.f_code.co_filename == filename:
                line = frame.f_lineno
                first_line = first_line or line
                block = self.compiled.block_at_line(line)
                if block is not None:
                    return block, line
            frame = frame.f_back
        return None, first_line

    def values_in_frames(self, frame, filename: str) -> dict:
        """The student's variables as the program holds them now: module globals, and the locals
        of the innermost of its functions (a macro's parameters and `local`s) over them."""
        scopes, seen_globals = [], None
        while frame is not None:
            if frame.f_code.co_filename == filename:
                # the student's own function (its line is a block's), not a runtime helper it called
                if not scopes and frame.f_code.co_name != "<module>" and self.compiled.block_at_line(frame.f_lineno):
                    scopes.append(dict(frame.f_locals))
                seen_globals = frame.f_globals
            frame = frame.f_back
        if seen_globals is not None:
            scopes.append(seen_globals.copy())
        return self.values_in_scopes(scopes)

    def values_in_scopes(self, scopes) -> dict:
        """The student's variables found in these namespaces (the first that has a name wins)."""
        values = {}
        for name, python_name in self.variables.items():
            for scope in scopes:
                if python_name in scope:
                    value = scope[python_name]
                    if isinstance(value, SHOWN_TYPES):
                        values[name] = value
                    break
        return values


DEVICE_KINDS = ("output", "sensor", "event", "task", "watcher", "macro", "procedure")


def _holds_value(pack: Pack, kind_id: str) -> bool:
    """Declarations that can be read as a value (not a procedure); objects are left out later."""
    kind = pack.kind(kind_id)
    return kind_id not in DEVICE_KINDS and (kind is None or bool(kind.read))
