"""Marking each submission isolated: a child process with a wall-time limit and a memory cap.

A Sandbox starts one server process (`python -m robolab.challenge.sandbox`) that has the
simulator, the language and the packs loaded. For each submission the server forks a child,
which caps its address space (resource.setrlimit), marks the program and writes the result down
a pipe; the server kills a child that runs past the wall-time limit. Forking from a warm server
costs milliseconds where a fresh interpreter costs most of a second, and the server is single
threaded, so forking it is safe (a Dask worker, with its threads, never forks itself).

A submission that hangs, crashes or eats memory gets 0 with its reason; the next one is marked
by a fresh child all the same. Linux and macOS (fork, rlimits).
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import threading
import time

MB = 1024 * 1024


class Sandbox:
    """A marking server in a child process; mark() may be called from any one thread at a time."""

    def __init__(self):
        self.process = subprocess.Popen([sys.executable, "-m", "robolab.challenge.sandbox"],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        self.lock = threading.Lock()

    def mark(self, request: dict) -> dict:
        """request: challenge (a file), palettes, program (text), name, variants, wall (s), memory (MB)."""
        with self.lock:
            if self.process.poll() is not None:
                self.__init__()
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
            line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the marking server stopped")
        return json.loads(line)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(5)


# --- the server (in its own process) -----------------------------------------------------------------

def serve() -> None:
    from robolab.challenge import marking  # noqa: F401  (loaded once, before any fork)
    from robolab.challenge.loader import load_challenge
    from robolab.challenge.variants import layout
    from robolab.errors import RobolabError
    from robolab.palette import PackLibrary
    import simulator.lockstep  # noqa: F401

    challenges, libraries = {}, {}
    for line in sys.stdin:
        request = json.loads(line)
        palettes = tuple(request.get("palettes", ()))
        if palettes not in libraries:
            libraries[palettes] = PackLibrary(list(palettes))
            for ident in libraries[palettes].ids():   # read once here, not once per child
                try:
                    libraries[palettes].find(ident)
                except RobolabError:
                    pass   # a broken pack is reported to the submissions that use it
        library = libraries[palettes]
        key = (request["challenge"], palettes)
        if key not in challenges:
            challenges[key] = load_challenge(request["challenge"], library)
        for variant in request["variants"]:   # made here once, not in every child
            layout(challenges[key], variant)
        result = mark_isolated(challenges[key], library, request)
        sys.stdout.write(json.dumps(result) + "\n")
        sys.stdout.flush()


def mark_isolated(challenge, library, request: dict) -> dict:
    """Fork a child to mark one program; its result, or a 0 with why it gave none."""
    from robolab.challenge.marking import failed

    wall, memory = float(request.get("wall", 60)), int(request.get("memory", 1024))
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        _child(challenge, library, request, write, memory)
    os.close(write)
    reason, data = _collect(pid, read, wall, memory)
    if not reason:
        try:
            result = json.loads(data)
        except ValueError:
            result = {"crash": "it gave no result"}
        if "row" in result:
            return result
        reason = (f"stopped: it used more than {memory} MB of memory" if result.get("oom")
                  else f"crashed: {result.get('crash')}")
    mark = failed(challenge, request["program"], request["variants"], reason)
    return as_result(mark)


def _collect(pid: int, read: int, wall: float, memory_mb: int) -> tuple[str, bytes]:
    chunks, deadline, reason = [], time.monotonic() + wall, ""
    while True:
        left = deadline - time.monotonic()
        ready = select.select([read], [], [], max(0.0, left))[0] if left > 0 else []
        if not ready:
            # Out of memory, a program can fail anywhere, even where it then waits forever: a child
            # that reached its cap before it ran out of time is named for the memory.
            full = _peak_mb(pid) >= 0.95 * memory_mb
            os.kill(pid, signal.SIGKILL)
            reason = (f"stopped: it used more than {memory_mb} MB of memory" if full
                      else f"stopped: it took more than {wall:g} s of real time to mark")
            break
        chunk = os.read(read, 1 << 16)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read)
    _, status = os.waitpid(pid, 0)
    if not reason and os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        name = signal.Signals(number).name if number in signal.Signals._value2member_map_ else str(number)
        reason = f"crashed: the marking process was killed by {name}"
    elif not reason and not chunks:
        reason = f"crashed: the marking process ended with exit code {os.WEXITSTATUS(status)}"
    return reason, b"".join(chunks)


def _peak_mb(pid: int) -> float:
    """The most memory (address space) a process has had, in MB; 0 where /proc cannot say."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmPeak:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


def _child(challenge, library, request: dict, write: int, memory_mb: int) -> None:
    """In the forked child: cap memory, mark, write the result, and leave without cleanup."""
    code = 0
    out_of_memory = json.dumps({"oom": True}).encode()
    try:
        import resource

        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        limit = memory_mb * MB
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        from robolab.challenge.marking import mark_program

        mark = mark_program(challenge, request["program"], request["variants"], library,
                            name=request.get("name", "program"), busy_limit=request.get("busy", 2.0))
        if "MemoryError" in mark.error:
            from robolab.challenge.marking import failed

            mark = failed(challenge, request["program"], request["variants"],
                          f"stopped: it used more than {memory_mb} MB of memory")
        data = json.dumps(as_result(mark)).encode()
    except MemoryError:
        data, code = out_of_memory, 3
    except BaseException as error:  # noqa: BLE001 - reported as the submission's reason
        data, code = json.dumps({"crash": f"{type(error).__name__}: {error}"}).encode(), 4
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(write, view):]
    finally:
        os._exit(code)


def as_result(mark) -> dict:
    """What crosses back from a child (and from a Dask worker): the row, and layout 1's trail."""
    trail = mark.variants[0].trail if mark.variants else []
    return {"row": mark.row(), "trail": [list(p) for p in trail], "run_wall": sum(r.wall for r in mark.variants)}


if __name__ == "__main__":
    serve()
