"""`robolab push`, `robolab stop` and `robolab brick list`: the EV3 mode on a terminal."""

import sys
from typing import TextIO

from robolab.errors import Problem, RobolabError
from robolab.ev3.connection import BrickError, printable
from robolab.ev3.mode import EV3Mode
from robolab.ev3.pairing import Pairings
from robolab.ev3.program import BrickProgram
from robolab.palette import PackLibrary
from robolab.targets import RUNNING, Finished, Output, StateChanged
from robolab.targets.ev3 import EV3Target

STOPPED_EXIT = 130  # as a shell reports a program ended by Ctrl+C
POLL = 0.05         # seconds between looks at the run's events
STOP_WAIT = 5.0     # seconds Ctrl+C waits for the brick to say the program has stopped


def push_file(file: str, brick: str | None, run: bool, library: PackLibrary, pairings: Pairings | None = None,
              out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Download FILE to the brick, and with `run` run it there, streaming its output; its exit code."""
    try:
        program = BrickProgram.from_file(file, library)
    except RobolabError as error:
        print(error, file=err)
        return 1

    mode = EV3Mode(pairings)
    try:
        mode.connect(brick or only_brick(mode.pairings))
        if not run:
            path = mode.download(program)
            print(f"{file}: saved on brick {mode.connection.name} as {path}", file=err)
            return 0
        return run_on_brick(EV3Target(mode).start(program), program, mode.connection.name, out, err)
    except BrickError as error:
        print(error, file=err)
        return 1
    except KeyboardInterrupt:  # while connecting: nothing runs yet
        return STOPPED_EXIT
    finally:
        mode.disconnect()


def run_on_brick(session, program: BrickProgram, brick: str, out: TextIO, err: TextIO) -> int:
    """Follow a run on the brick (robolab.targets.ev3) on a terminal: its output as it comes, its end
    (a crash on the student's line); Ctrl+C stops it and its motors. Its exit code, as a shell's."""
    try:
        while True:
            session.wait(POLL)
            for event in session.events():
                if isinstance(event, Output):
                    print(event.text, file=err if event.stream == "err" else out, flush=True)
                elif isinstance(event, StateChanged) and event.state == RUNNING:
                    print(f"{program.file}: running on brick {brick} (Ctrl+C stops it and its motors)", file=err,
                          flush=True)
                elif isinstance(event, Finished):
                    return said_end(event, program, err)   # always the last event
    except KeyboardInterrupt:  # however early: the program may already be driving
        session.stop()
        session.wait(STOP_WAIT)
        print(f"stopped {program.name}; motors braked", file=err)
        return STOPPED_EXIT


def said_end(end: Finished, program: BrickProgram, err: TextIO) -> int:
    """How the run ended, said on `err`; the exit code (a signal's as a shell says it)."""
    if end.stopped:
        print(f"{program.file}: stopped on the brick", file=err)
        return STOPPED_EXIT
    error = end.error
    if error is not None and error.block is not None:
        print(Problem(f"while running on the brick: {error.message}", program.file, *program.place_of(error.block)),
              file=err)
    elif error is not None:
        print(f"{program.file}: {error.message}", file=err)
    code = end.exit_code
    if code is None:
        return 1
    return code if code >= 0 else 128 - code


def stop_brick(brick: str | None, pairings: Pairings | None = None, err: TextIO = sys.stderr) -> int:
    mode = EV3Mode(pairings)
    try:
        brick = brick or only_brick(mode.pairings)
        mode.connect(brick)
        result = mode.stop()
    except BrickError as error:
        print(error, file=err)
        return 1
    finally:
        mode.disconnect()
    what = f"stopped {result['stopped']}" if result.get("stopped") else "no program was running"
    print(f"brick {brick}: {what}; motors braked", file=err)
    return 0


def only_brick(pairings: Pairings) -> str:
    """The brick meant when --brick is left out: the one paired brick, else BrickError naming them."""
    try:
        names = [p.name for p in pairings.all()]
    except ValueError as error:
        raise BrickError(str(error)) from None
    if len(names) == 1:
        return names[0]
    if not names:
        raise BrickError("no bricks are paired with this computer; set one up with: robolab brick setup HOST")
    raise BrickError(f"say which brick with --brick: this computer is paired with {', '.join(names)}")


def forget_brick(name: str, pairings: Pairings | None = None, err: TextIO = sys.stderr) -> int:
    try:
        forgotten = (pairings or Pairings()).remove(name)
    except ValueError as error:
        print(error, file=err)
        return 1
    print(f"forgot brick {name}" if forgotten else f"no brick called {name} is paired with this computer", file=err)
    return 0 if forgotten else 1


def list_bricks(pairings: Pairings | None = None, out: TextIO = sys.stdout, status: bool = False,
                timeout: float = 2.0) -> int:
    """The paired bricks, one a line; with `status`, each one's battery, versions and running program."""
    pairings = pairings or Pairings()
    try:
        bricks = pairings.all()
    except ValueError as error:
        print(error, file=sys.stderr)
        return 1
    if not bricks:
        print("no bricks are paired with this computer; set one up with: robolab brick setup HOST", file=out)
        return 0
    for pairing in bricks:
        line = f"{pairing.name}\t{pairing.address}"
        if status:
            line += "\t" + describe(pairing.name, pairings, timeout)
        print(line, file=out)
    return 0


def brick_status(spec: str, pairings: Pairings, timeout: float = 2.0) -> dict:
    """Connect, ask the brick's status and hang up; BrickError saying why it cannot be reached."""
    mode = EV3Mode(pairings, connect_timeout=timeout)
    try:
        return mode.connect(spec)
    finally:
        mode.disconnect()


def describe(spec: str, pairings: Pairings, timeout: float) -> str:
    """One line about a brick's state: battery, versions, running program; or why it cannot be reached."""
    try:
        info = brick_status(spec, pairings, timeout)
    except BrickError as error:
        return f"not reachable: {error}"
    return status_line(info)


def status_line(info: dict) -> str:
    """One line from the brick's status, whatever the brick put in it (it is cleaned of control characters)."""
    versions = info.get("versions")
    versions = versions if isinstance(versions, dict) else {}
    volts = info.get("battery_volts")
    battery = f"battery {volts:.1f} V" if isinstance(volts, (int, float)) and volts else "battery unknown"
    running = f"running {info['running']}" if info.get("running") else "idle"
    return printable(f"{battery}, {running}, Python {versions.get('python')}, rpyc {versions.get('rpyc')}, "
                     f"ev3dev2 {versions.get('ev3dev2')}, service {versions.get('service')}")
