"""How often the window crashes at start: launch `robolab FILE` N times in a real X session and count.

    python bench/launch.py [-n 50] [--load 2] [--seconds 4] [--fresh] [--maximize-every K] [--cores DIR]

Each launch runs in an X server (Xvfb 1600x1000, with the openbox window manager when installed)
for a few seconds and is then ended with SIGTERM, as a user closing a session would; every third
is first closed with Alt+F4 (xdotool), so the settings hold a saved layout as a user's do. Every launch
shares one settings folder (XDG_CONFIG_HOME), as one user's launches do; --fresh gives each its own.
Launches alternate between examples/square.rlab and programs imported from the week-2 and week-3
RobotLab samples (when /work/shared/robotlab-samples or --samples is there), so the saved layout
and world change from one launch to the next. --load starts that many busy loops for the run (a
loaded machine is where the crash showed). A launch that dies on a signal other than SIGTERM
counts as a crash; its fault-handler trace is printed. --maximize-every K maximises every K-th of the
launches closed with Alt+F4 first (wmctrl), so the next launch restores a maximised window with a saved
layout, as a tutor's at a projector does. --cores DIR keeps each crash's core file there (for gdb).

Without Xvfb the script says so and exits 0 (apt-get install xvfb openbox xdotool wmctrl). The recipe
that crashed the start-up before issue 14 was fixed: --load 2 --maximize-every 1.
"""

import argparse
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = Path("/work/shared/robotlab-samples")


def start_display(scratch: Path) -> tuple[str, list[subprocess.Popen]]:
    """An Xvfb display (and openbox on it); the display name and the processes to end."""
    read, write = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
                            pass_fds=(write,), stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as pipe:
        display = ":" + pipe.readline().strip()
    started = [xvfb]
    if shutil.which("openbox"):
        env = dict(os.environ, DISPLAY=display, XDG_CONFIG_HOME=str(scratch / "openbox"))
        started.append(subprocess.Popen(["openbox"], env=env, stderr=subprocess.DEVNULL))
        time.sleep(0.5)
    return display, started


def programs(scratch: Path, samples: Path) -> list[Path]:
    """square.rlab, and programs imported from the samples' week 2 and week 3 (when there)."""
    chosen = [ROOT / "examples" / "square.rlab"]
    weeks = [samples / week for week in ("week-2", "week-3") if (samples / week).is_dir()]
    if weeks:
        out = scratch / "imported"
        subprocess.run([sys.executable, "-m", "robolab", "import", *map(str, weeks), "-o", str(out)],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        chosen += sorted(out.rglob("*.rlab"))[:6]
    else:
        chosen += sorted((ROOT / "examples").glob("*.rlab"))[:6]
    return chosen


def close_politely(process: subprocess.Popen, env: dict, maximize: bool = False) -> None:
    """Alt+F4 through the window manager, as a user closes the window (it saves its layout);
    maximised first when asked, so the saved geometry is a maximised window's."""
    found, deadline = [], time.monotonic() + 15  # a loaded machine may not have shown it yet
    while not found and process.poll() is None and time.monotonic() < deadline:
        found = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(process.pid), "--name", "RoboLab"],
                               env=env, capture_output=True, text=True).stdout.split()
        time.sleep(0.2)
    for window in found[-1:]:
        if maximize and shutil.which("wmctrl"):
            subprocess.run(["wmctrl", "-i", "-r", window, "-b", "add,maximized_vert,maximized_horz"], env=env,
                           capture_output=True, timeout=10)
            time.sleep(0.5)
        try:
            subprocess.run(["xdotool", "windowactivate", "--sync", window, "key", "--clearmodifiers", "alt+F4"],
                           env=env, capture_output=True, timeout=10)
        except subprocess.TimeoutExpired:
            pass  # the window went away meanwhile: SIGTERM ends it


def allow_core() -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))


def launch(program: Path, env: dict, seconds: float, close: bool, maximize: bool = False,
           cores: Path | None = None) -> tuple[int, str]:
    process = subprocess.Popen([sys.executable, "-X", "faulthandler", "-m", "robolab", str(program)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               cwd=cores, preexec_fn=allow_core if cores else None)
    try:
        process.wait(seconds)
    except subprocess.TimeoutExpired:
        if close:
            close_politely(process, env, maximize)
            try:
                process.wait(3)
            except subprocess.TimeoutExpired:
                pass
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    try:
        _, errors = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        _, errors = process.communicate()
    return process.returncode, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=50, help="launches (default 50)")
    parser.add_argument("--seconds", type=float, default=4.0, help="each launch's life before SIGTERM (4)")
    parser.add_argument("--load", type=int, default=0, help="busy loops to run meanwhile (0)")
    parser.add_argument("--close-every", type=int, default=3, metavar="K",
                        help="close every K-th launch with Alt+F4 first, so the window saves its layout (3; 0: never)")
    parser.add_argument("--maximize-every", type=int, default=0, metavar="K",
                        help="maximise every K-th of the launches closed with Alt+F4 before closing it (0: never)")
    parser.add_argument("--cores", type=Path, help="keep crashes' core files in this folder (core_pattern 'core')")
    parser.add_argument("--fresh", action="store_true", help="a fresh settings folder for every launch")
    parser.add_argument("--samples", type=Path, default=SAMPLES, help="RobotLab samples to import programs from")
    args = parser.parse_args()
    if args.cores:
        args.cores = args.cores.resolve()
        args.cores.mkdir(parents=True, exist_ok=True)
    if not shutil.which("Xvfb"):
        print("bench/launch.py: skipped, Xvfb is not installed (apt-get install xvfb openbox xdotool wmctrl)")
        return 0
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        display, started = start_display(scratch)
        busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.load)]
        crashes = []
        try:
            files = programs(scratch, args.samples)
            for n in range(args.n):
                config = scratch / ("config" if not args.fresh else f"config-{n}")
                env = dict(os.environ, DISPLAY=display, XDG_CONFIG_HOME=str(config),
                           XDG_STATE_HOME=str(scratch / "state"), QT_QPA_PLATFORM="xcb")
                program = files[0] if n % 2 == 0 else files[1 + (n // 2) % (len(files) - 1 or 1)] \
                    if len(files) > 1 else files[0]
                close = bool(args.close_every) and n % args.close_every == args.close_every - 1 \
                    and shutil.which("xdotool") is not None
                closes = n // args.close_every if close else 0
                maximize = close and bool(args.maximize_every) and closes % args.maximize_every == 0
                code, errors = launch(program, env, args.seconds, close, maximize, args.cores)
                crashed = code not in (0, -signal.SIGTERM, 128 + signal.SIGTERM)
                how = "maximised, Alt+F4" if maximize else "Alt+F4" if close else "SIGTERM"
                print(f"launch {n + 1:3d}: {program.name:32s} {how:17s} exit {code}{'  CRASH' if crashed else ''}",
                      flush=True)
                if crashed:
                    crashes.append(n)
                    if args.cores and (args.cores / "core").exists():
                        (args.cores / "core").rename(args.cores / f"core.{n + 1}")
                    print("    " + "\n    ".join(errors.strip().splitlines()[-25:]))
        finally:
            for process in busy + started[::-1]:
                process.terminate()
                process.wait()
    print(f"{len(crashes)} of {args.n} launches crashed "
          f"({'fresh' if args.fresh else 'shared'} settings, {args.load} busy loops, SIGTERM after {args.seconds:g} s)")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
