"""Smoke test of a built bundle: it starts, prints its version, runs an example headless and
renders a screenshot offscreen. Run by `packaging/build --check`; prints what it measured."""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(bundle: Path, *args: str, timeout: float = 120) -> tuple[subprocess.CompletedProcess, float]:
    exe = bundle / ("robolab.exe" if os.name == "nt" else "robolab")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    started = time.perf_counter()
    result = subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=timeout, env=env)
    return result, time.perf_counter() - started


def main(bundle: Path) -> int:
    failures = []
    version, seconds = run(bundle, "--version")
    print(f"--version: {version.stdout.strip()!r} in {seconds:.2f} s")
    if version.returncode or not version.stdout.startswith("RoboLab "):
        failures.append(f"--version failed: {version.stderr}")

    examples = next((bundle / "_internal").glob("**/examples/square.rlab"), None)
    if examples is None:
        failures.append("the bundle has no examples/square.rlab")
    else:
        ran, seconds = run(bundle, "run", str(examples))
        print(f"run square.rlab: exit {ran.returncode} in {seconds:.2f} s; {ran.stdout.strip().splitlines()[-3:]}")
        if ran.returncode or "final pose" not in ran.stdout:
            failures.append(f"run failed: {ran.stderr}")

    with tempfile.TemporaryDirectory() as folder:
        picture = Path(folder) / "window.png"
        shot, seconds = run(bundle, "--screenshot", str(picture), "--size", "1280x800")
        print(f"--screenshot: exit {shot.returncode} in {seconds:.2f} s, {picture.stat().st_size if picture.exists() else 0} bytes")
        if shot.returncode or not picture.exists() or picture.stat().st_size < 10_000:
            failures.append(f"screenshot failed: {shot.stderr}")

    for failure in failures:
        print("FAILED:", failure, file=sys.stderr)
    print("bundle smoke test:", "failed" if failures else "passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]).resolve()))
