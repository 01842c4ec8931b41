"""A Python program file run as it is on the simulated robot in the window (not an .rlab program).

Students and tutors have ev3dev2 programs, old ev3dev (1.x) programs and programs written for the
OU's notebook simulator, nbev3devsim (simulator/nbev3devsim.py). `read_python_program` reads one
with a profile and hands back what a LiveRun needs: a PythonProgram (it stands where a LiveProgram
does: its lines belong to no block, it names no variables) and, for nbev3devsim, the world, robot
and start its magic line asks for. The window shows its own world for an ev3dev2 program.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from simulator.nbev3devsim import Magic, Profile, magic_robot, magic_world, read_magic, start_pose
from simulator.robot import RobotError, load_robot
from simulator.world import WorldError, load_world

EV3DEV2, NBEV3DEVSIM = "ev3dev2", "nbev3devsim"
PROFILES = (EV3DEV2, NBEV3DEVSIM)   # ev3dev2 also runs old ev3dev (1.x) programs
MAX_BYTES = 1_000_000               # a larger file is not a program a student wrote


def guessed_profile(source: str) -> str:
    """nbev3devsim when the program starts with one of its %%sim_magic lines, else ev3dev2."""
    first = next((line.strip() for line in source.splitlines() if line.strip()), "")
    return NBEV3DEVSIM if first.startswith("%%sim_magic") else EV3DEV2


@dataclass
class PythonProgram:
    """A Python file for a LiveRun: its source as run, and the profile each run gets."""

    path: Path
    source: str
    profile: str = EV3DEV2
    magic: Magic | None = None
    starts: dict = field(default_factory=dict)      # line -> None: Step stops at every statement's line
    variables: dict = field(default_factory=dict)   # no student's variables to show
    program = None                                  # no canvas program
    is_python = True

    def __post_init__(self):
        self.compiled = self   # a LiveRun asks the compiled program where an error is: nowhere in a block
        self.starts = {number: None for number, line in enumerate(self.source.splitlines(), start=1)
                       if line.strip() and not line.lstrip().startswith("#")}

    @property
    def name(self) -> str:
        """The run's file name without .py (a LiveRun adds it): the program's own place, so its
        directory is on sys.path and a traceback names its file."""
        return str(self.path.with_suffix("")) if self.path.suffix == ".py" else str(self.path)

    @property
    def title(self) -> str:
        return self.path.name

    def new_profile(self):
        """The dialect for one run (a fresh pyState each run), or None for plain ev3dev2."""
        return Profile(self.magic) if self.profile == NBEV3DEVSIM else None

    def block_at_line(self, line):
        return None

    def block_in_traceback(self, stderr, filename):
        return None

    def block_in_frames(self, frame, filename):
        return None, None   # its lines are not the canvas program's: nothing to mark there

    def values_in_frames(self, frame, filename) -> dict:
        return {}

    def values_in_scopes(self, scopes) -> dict:
        return {}


@dataclass
class PythonRunSetup:
    """What the window needs to run a Python file: the program, and the world, robot and world
    file to run it in (None: the window's own world and robot)."""

    program: PythonProgram
    world: object = None
    robot: object = None
    world_file: str = ""


def read_python_program(path: str | Path, profile: str | None = None) -> PythonRunSetup:
    """Read a Python program for a run in the window; profile None: guessed from its first line.
    ValueError, naming the file, when it cannot be run (unreadable, not text, too large, a world
    its magic names that cannot be used)."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ValueError(f"{path.name} is larger than {MAX_BYTES // 1_000_000} MB: not a program")
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise ValueError(f"{path.name} cannot be read: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise ValueError(f"{path.name} is not a text file in UTF-8 (byte {error.start})") from error
    profile = profile or guessed_profile(text)
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r} (there are: {', '.join(PROFILES)})")
    if profile == EV3DEV2:
        return PythonRunSetup(PythonProgram(path, text, EV3DEV2))
    source, magic = read_magic(text)
    program = PythonProgram(path, source, NBEV3DEVSIM, magic)
    try:
        world_file = magic_world(magic)
        world = load_world(world_file)
        if magic.start:
            world.start = start_pose(magic.start, world)
        robot = load_robot(magic_robot(magic))
    except (ValueError, WorldError, RobotError) as error:
        raise ValueError(f"{path.name}, its magic line: {error}") from error
    return PythonRunSetup(program, world, robot, str(world_file))
