"""Programs as ev3dev runs them: scripts without .py (run by their #! line), command-line
arguments, and ev3dev2.console.Console (which asks `stty size` on the brick)."""

import subprocess
import sys
import textwrap
from pathlib import Path

from simulator.console import console_size
from simulator.run import run_program

ROOT = Path(__file__).resolve().parents[1]


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    path.chmod(0o755)
    return path


def test_a_script_without_py_runs_as_a_file_with_its_arguments(tmp_path):
    script = write(tmp_path, "TRACK3RWithClaw", """
        #!/usr/bin/env python3
        import sys
        print("args", sys.argv[1:], sys.argv[0].endswith("TRACK3RWithClaw"))
        """)
    done = subprocess.run([sys.executable, "-m", "simulator", str(script), "--", "-v", "fast", "3"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "args ['-v', 'fast', '3'] True"


def test_a_missing_program_is_named_not_run_as_source(tmp_path):
    done = subprocess.run([sys.executable, "-m", "simulator", str(tmp_path / "TRACK3R")],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 2 and "TRACK3R: No such file or directory" in done.stderr
    assert "NameError" not in done.stderr


def test_console_has_the_ev3_screen_size_for_its_font_and_places_text_on_the_screen(tmp_path):
    program = write(tmp_path, "console.py", """
        from ev3dev2.console import Console
        console = Console()
        print(console.rows, console.columns)
        console.text_at("Hello", column=2, row=3, reset_console=True, inverse=True)
        console.set_font("Lat15-Terminus12x6", reset_console=True)
        print(console.rows, console.columns)
        console.echo = True
        console.cursor = True
        """)
    summary = run_program(program)
    assert summary.returncode == 0, summary.error
    assert summary.output.splitlines() == ["5 14", "10 29"]
    texts = [(e["text"], e["column"], e["row"]) for e in summary.events if e["kind"] == "display"]
    assert texts == [("Hello", 2, 3)]


def test_console_sizes_follow_the_font_name():
    assert console_size("Lat15-TerminusBold24x12") == (5, 14)
    assert console_size("Lat15-Terminus14") == (9, 25)
    assert console_size("nonsense") == (8, 22)


def test_the_display_has_the_bricks_bitmap_fonts(tmp_path):
    # As python-ev3dev2's display docs do it: text in named fonts, by name and loaded.
    program = write(tmp_path, "fonts.py", """
        import ev3dev2.fonts as fonts
        from ev3dev2.display import Display
        from PIL import ImageChops
        lcd = Display()
        names = fonts.available()
        print(len(names), all(n in names for n in ("helvB10", "luBS14", "courR08", "timR24", "charB12")))
        for name in names:
            fonts.load(name)
        lcd.text_pixels("Hello", x=0, y=0, font="helvB10")
        print(ImageChops.invert(lcd.image.convert("L")).getbbox())
        lcd.text_pixels("Hello", x=0, y=0, font="timR24")
        print(ImageChops.invert(lcd.image.convert("L")).getbbox())
        lcd.draw.text((0, 0), "Hi", font=fonts.load("luBS14"))
        try:
            fonts.load("helvB99")
        except Exception as error:
            print(error)
        """)
    summary = run_program(program)
    assert summary.returncode == 0, summary.error
    lines = summary.output.splitlines()
    assert lines[0] == "190 True"
    small, large = eval(lines[1]), eval(lines[2])  # noqa: S307 - boxes the program printed
    assert small != large and small[2] < large[2] and small[3] < large[3]  # drawn, and 24 pt is bigger
    assert lines[3].startswith('Failed to load font "helvB99"')
    licence = (ROOT / "simulator" / "fonts" / "LICENSE.txt").read_text()
    assert "Adobe Systems" in licence and "Bitstream" in licence and "Bigelow & Holmes" in licence


def test_robolab_run_runs_python_programs_with_arguments_and_profiles(tmp_path):
    program = write(tmp_path, "args.py", """
        import sys
        print("args", sys.argv[1:])
        """)
    done = subprocess.run([sys.executable, "-m", "robolab", "run", str(program), "--", "--fast", "2"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "args ['--fast', '2']"
    cell = write(tmp_path, "cell.py", """
        %%sim_magic_preloaded -b Grey_bands
        print(colorLeft.reflected_light_intensity_pc, round(colorRight.full_reflected_light_intensity))
        """)
    done = subprocess.run([sys.executable, "-m", "robolab", "run", str(cell), "--profile", "nbev3devsim"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "100.0 100" and "nbev3devsim Grey_bands" in done.stdout
    failing = write(tmp_path, "fails.py", "raise RuntimeError('no such sensor here')\n")
    done = subprocess.run([sys.executable, "-m", "robolab", "run", str(failing)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 1 and "RuntimeError: no such sensor here" in done.stderr


def test_console_text_is_drawn_on_the_simulated_screen_in_its_cell():
    from PIL import ImageChops

    from simulator.lockstep import LockstepRunner
    from simulator.physics import Simulation
    from simulator.robot import load_robot
    from simulator.world import load_world

    runner = LockstepRunner(Simulation(load_world("empty_arena"), load_robot()), textwrap.dedent("""
        from ev3dev2.console import Console
        console = Console()                      # 5 rows of 14: cells 12 wide, 24 high
        console.text_at("Hi", column=3, row=2, reset_console=True)
        console.text_at("OK", column=14, row=5, inverse=True, alignment="R")
        """))
    result = runner.run()
    assert result.returncode == 0, result.stderr
    ink = ImageChops.invert(runner.brick.display_image.convert("L"))
    assert ink.crop((24, 24, 48, 48)).getbbox() is not None      # "Hi" in column 3, row 2
    assert ink.crop((0, 0, 24, 24)).getbbox() is None            # nothing in the first cell
    inverse = runner.brick.display_image.convert("L").crop((12 * 12, 4 * 24, 14 * 12, 5 * 24))
    black = inverse.histogram()[0]
    assert black > 24 * 24 * 0.6   # mostly black: white text on black
