"""The ev3 palette pack and its examples.

The pack checks clean and reads well (help everywhere, natural display text, levels that build
on each other); every example compiles to Python 3.5 and, run against the real python-ev3dev2
on the fake brick, drives the motors the way the example says it does.
"""
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest

from robolab.cli import main as robolab
from robolab.palette import check_pack_file

try:
    from tests.fakebrick import FakeBrick
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from fakebrick import FakeBrick

ROOT = Path(__file__).resolve().parent.parent
PACK_FILE = ROOT / "palettes" / "ev3.toml"
EXAMPLES = ["square", "line_follower", "wall_avoider", "spiral", "data_logging", "sound_and_speech"]
HEADER = "robolab 1 palette ev3 1.0\n"
ALL_MOTORS = {"A": "medium", "B": "large", "C": "large", "D": "large"}
LARGE_MAX, MEDIUM_MAX = 1050, 1560  # tacho counts per second at 100 %


@pytest.fixture(scope="module")
def pack():
    pack, problems = check_pack_file(PACK_FILE)
    assert problems == [], "\n".join(map(str, problems))
    return pack


def compile_file(source: Path, tmp_path: Path) -> Path:
    out = tmp_path / (source.stem + ".py")
    assert robolab(["compile", str(source), "-o", str(out)]) == 0, f"{source} does not compile"
    return out


def compile_text(body: str, tmp_path: Path, name="program") -> Path:
    source = tmp_path / f"{name}.rlab"
    source.write_text(HEADER + textwrap.dedent(body))
    return compile_file(source, tmp_path)


def example(name: str) -> Path:
    return ROOT / "examples" / f"{name}.rlab"


def python35_problems(path: Path) -> str:
    """vermin's complaint when the file needs a Python newer than the brick's 3.5 ('' if none)."""
    vermin = shutil.which("vermin", path=str(Path(sys.executable).parent)) or shutil.which("vermin")
    assert vermin, "vermin is not installed (pip install -e '.[test]')"
    done = subprocess.run([vermin, "-t=3.5-", "--no-tips", "--violations", str(path)], capture_output=True, text=True)
    return "" if done.returncode == 0 else done.stdout + done.stderr


def ok(result):
    assert result.returncode == 0 and not result.timed_out, result.stderr
    return result


def runs(result, port, command):
    """Writes to a motor grouped per run: the attributes set since the last command, with it."""
    groups, current = [], {}
    for write in result.writes:
        if write.port != port:
            continue
        current[write.attribute] = write.value
        if write.attribute == "command":
            groups.append(SimpleNamespace(time=write.time, **{k.replace("-", "_"): v for k, v in current.items()}))
            current = {k: v for k, v in current.items() if k != "command"}
    return [g for g in groups if g.command == command]


def logged(stdout: str) -> list[tuple[str, float]]:
    """The `log NAME VALUE` lines a program printed."""
    found = []
    for line in stdout.splitlines():
        if line.startswith("log "):
            _, rest = line.split(" ", 1)
            label, value = rest.rsplit(" ", 1)
            found.append((label, float(value)))
    return found


# --- the pack --------------------------------------------------------------------------------

def test_the_pack_checks_clean_from_the_command_line(capsys):
    assert robolab(["palette", "check", str(PACK_FILE)]) == 0
    assert "ev3 1.0" in capsys.readouterr().out


def test_pack_names_itself(pack):
    assert (pack.id, pack.version) == ("ev3", "1.0")
    assert pack.command("comment") is None  # comments are built into the language


def test_everything_a_student_sees_has_help(pack):
    missing = [f"command {c.id}" for c in pack.commands if len(c.help) < 15]
    missing += [f"{c.id}.{p.name}" for c in pack.commands for p in c.params if len(p.help) < 10 or not p.label]
    missing += [f"value {v.name}" for v in pack.values if len(v.help) < 15]
    missing += [f"function {f.name}" for f in pack.functions if len(f.help) < 15]
    assert missing == []


def test_display_text_reads_naturally(pack):
    assert pack.command("drive").text == "drive at {speed}% for {amount} {unit}"
    assert pack.command("steer").text == "steer {steering} at {speed}% for {amount} {unit}"
    for command in pack.commands:  # words, not identifiers: no underscores outside the slots
        assert "_" not in re.sub(r"\{\w+\}", "", command.text), command.text
    units = [c.label for c in pack.command("drive").param("unit").choices]
    assert units == ["seconds", "rotations", "degrees"]


@pytest.mark.parametrize("command, params", [
    ("drive", ["speed"]), ("tank_drive", ["left", "right"]), ("steer", ["steering", "speed"]),
    ("start_driving", ["speed"]), ("start_tank", ["left", "right"]), ("start_steering", ["steering", "speed"]),
    ("motor_run", ["speed"]), ("motor_on", ["speed"]),
])
def test_speeds_are_percent_expressions(pack, command, params):
    for name in params:
        param = pack.command(command).param(name)
        assert (param.type, param.min, param.max) == ("expression", -100, 100)


def test_durations_may_be_variables(pack):
    for command in ("drive", "tank_drive", "steer", "motor_run"):
        assert pack.command(command).param("amount").type == "expression"
    assert pack.command("wait").param("seconds").type == "expression"


def test_levels_build_week_on_week(pack):
    names = [level.name for level in pack.levels]
    assert names == ["Week 1: driving", "Week 2: loops and sound", "Week 3: sensors", "All"]
    weeks = [set(pack.level_commands(name)) for name in names]
    assert weeks[0] < weeks[1] < weeks[2] < weeks[3]
    assert weeks[3] == {c.id for c in pack.commands}
    assert {"drive", "steer", "repeat"} <= weeks[0] and "forever" not in weeks[0]
    assert {"forever", "if", "tone"} <= weeks[1] and "wait_colour" not in weeks[1]


# --- the examples ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", EXAMPLES)
def test_example_reads_like_a_teachers_program(name):
    lines = example(name).read_text().splitlines()
    assert lines[0].startswith(HEADER.strip() + " world ")
    assert lines[1].startswith("# ") and len(lines[1]) > 40  # what it does
    assert any(line.startswith("# Try") for line in lines[1:4])  # what to try


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_compiles_to_python_35(name, tmp_path):
    assert robolab(["check", str(example(name))]) == 0
    program = compile_file(example(name), tmp_path)
    assert python35_problems(program) == ""


def test_square_drives_four_sides_and_four_turns(tmp_path):
    result = ok(FakeBrick(tmp_path).run(compile_file(example("square"), tmp_path), timeout=30))
    for port, turn in (("B", "190"), ("C", "-190")):
        moves = runs(result, port, "run-to-rel-pos")
        assert [m.position_sp for m in moves] == ["720", turn] * 4  # 2 rotations, then the turn
        assert [m.speed_sp for m in moves] == [str(LARGE_MAX // 2), str(round(LARGE_MAX * 0.3))] * 4
    # both wheels of each move start together (a write takes the brick about 1 ms)
    for b, c in zip(runs(result, "B", "run-to-rel-pos"), runs(result, "C", "run-to-rel-pos"), strict=True):
        assert abs(b.time - c.time) <= 0.005


def test_square_needs_no_sensors(tmp_path):
    program = compile_file(example("square"), tmp_path)
    assert not re.search(r"ColorSensor|GyroSensor|UltrasonicSensor|TouchSensor|Sound|Leds|Button|Display",
                         program.read_text())
    ok(FakeBrick(tmp_path, sensors={}).run(program, timeout=30))


@pytest.mark.parametrize("name", ["square", "spiral", "data_logging"])
def test_motors_are_stopped_at_the_end(name, tmp_path):
    """When the program ends, the last thing it tells each wheel is to stop and roll freely."""
    program = compile_file(example(name), tmp_path)
    result = ok(FakeBrick(tmp_path).run(program, timeout=60, schedule=[(1.0, 4, {"value0": 50})]))
    for port in "BC":
        assert result.commands(port)[-1] == "stop"
        assert result.values(port, "stop_action")[-1] == "coast"


def test_line_follower_steers_towards_the_edge(tmp_path):
    dark, light = 5, 75  # over the black line, then over the white floor (the edge, 40, between)
    result = FakeBrick(tmp_path).run(compile_file(example("line_follower"), tmp_path), timeout=30,
                                     schedule=[(0, 3, {"value0": dark}), (1.0, 3, {"value0": light})],
                                     virtual_timeout=2.0)
    assert result.timed_out and "Traceback" not in result.stderr
    left, right = runs(result, "B", "run-forever"), runs(result, "C", "run-forever")
    assert len(left) == len(right) > 20  # it keeps adjusting, many times a second
    on_line = [(int(a.speed_sp), int(b.speed_sp)) for a, b in zip(left, right) if 0.1 < a.time < 0.9]
    on_white = [(int(a.speed_sp), int(b.speed_sp)) for a, b in zip(left, right) if 1.1 < a.time < 1.9]
    assert on_line and on_white
    assert all(l < r for l, r in on_line)  # over the line: turn left, back to the edge
    assert all(l > r for l, r in on_white)  # drifted onto the white: turn right
    assert on_line[0] == on_white[0][::-1]  # equally far from grey, equally hard


def test_wall_avoider_turns_away_only_when_something_is_close(tmp_path):
    program = compile_file(example("wall_avoider"), tmp_path)
    close, far = 150, 2550  # the ultrasonic sensor's value0 is in mm: 15 cm, and "nothing seen"
    result = FakeBrick(tmp_path / "wall").run(program, timeout=30, virtual_timeout=5.0,
                                              schedule=[(2.0, 4, {"value0": close}), (3.0, 4, {"value0": far})])
    assert result.timed_out and "Traceback" not in result.stderr
    forward = runs(result, "B", "run-forever")
    assert forward[0].time < 0.1 and forward[0].speed_sp == str(round(LARGE_MAX * 0.4))
    stops = runs(result, "B", "stop")
    assert stops and 2.0 <= stops[0].time < 2.1 and stops[0].stop_action == "brake"
    back_b, turn_b = runs(result, "B", "run-to-rel-pos")[:2]
    back_c, turn_c = runs(result, "C", "run-to-rel-pos")[:2]
    assert int(back_b.position_sp) < 0 and int(back_c.position_sp) < 0  # backs away
    assert int(turn_b.position_sp) > 0 > int(turn_c.position_sp)  # spins right on the spot
    assert ["beep"] in result.sounds
    assert len(forward) == 2 and forward[1].time > 3.0  # then drives on

    calm = FakeBrick(tmp_path / "calm").run(program, timeout=30, virtual_timeout=5.0)
    assert runs(calm, "B", "stop") == [] and runs(calm, "B", "run-to-rel-pos") == []


def test_spiral_sides_grow_every_lap(tmp_path):
    result = ok(FakeBrick(tmp_path).run(compile_file(example("spiral"), tmp_path), timeout=60))
    moves = runs(result, "B", "run-to-rel-pos")
    sides, turns = [int(m.position_sp) for m in moves[0::2]], [m.position_sp for m in moves[1::2]]
    assert sides == [180 + 90 * lap for lap in range(12)]  # 0.5 rotations, then 0.25 more each lap
    assert turns == ["190"] * 12


def test_data_logging_logs_while_driving_and_stops_at_the_wall(tmp_path):
    schedule = [(0, 4, {"value0": 1000}), (1.0, 4, {"value0": 600}), (2.0, 4, {"value0": 300}),
                (3.0, 4, {"value0": 90})]
    result = ok(FakeBrick(tmp_path).run(compile_file(example("data_logging"), tmp_path), timeout=30,
                                        schedule=schedule))
    log = logged(result.stdout)
    times = [v for label, v in log if label == "time"]
    distances = [v for label, v in log if label == "distance"]
    wheel = [v for label, v in log if label == "left_wheel"]
    assert len(times) == len(distances) == len(wheel) == 15  # five a second for three seconds
    assert times == sorted(times) and all(0.19 < b - a < 0.22 for a, b in zip(times, times[1:]))
    assert distances[0] == 100.0 and distances[-1] == 30.0 and distances == sorted(distances, reverse=True)
    assert wheel == sorted(wheel) and wheel[-1] > 500  # the wheel turns while it logs
    assert log[-1] == ("stopped_at", 9.0)
    stop = runs(result, "B", "stop")[0]
    assert 3.0 <= stop.time < 3.1 and stop.stop_action == "brake"


def test_sound_and_speech_plays_what_it_says(tmp_path):
    result = ok(FakeBrick(tmp_path).run(compile_file(example("sound_and_speech"), tmp_path), timeout=30))
    spoken = [argv[-1] for argv in result.sounds if argv[0] == "espeak"]
    assert spoken == ["Hello, I am an EV3 robot", "I can count", "1", "2", "3"]
    tones = [argv for argv in result.sounds if argv[0] == "beep" and "-f" in argv]
    pitches = [int(argv[argv.index("-f") + 1]) for argv in tones]
    assert pitches == [262 + 40 * n for n in range(8)] + [262, 330, 392, 523]
    assert ["beep"] in result.sounds


# --- the other commands ------------------------------------------------------------------------

EVERY_COMMAND = """\
    # Every command of the pack at least once.
    var name=speed value=40
    var name=turns value=0
    define name=spin inputs=[how_far, how_fast] {
        tank_drive left=how_fast right=(0 - how_fast) amount=how_far unit=degrees
        change name=turns amount=1
    }
    drive speed=speed amount=1 unit=seconds
    tank_drive left=20 right=40 amount=0.5 unit=rotations
    steer steering=-50 speed=speed amount=90 unit=degrees
    start_driving speed=(speed / 2)
    wait seconds=0.5
    stop_driving how=coast
    start_tank left=10 right=-10
    wait seconds=0.1
    stop_driving how=hold
    start_steering steering=25 speed=30
    wait seconds=0.1
    stop_driving how=brake
    motor_run port=A speed=-50 amount=2 unit=rotations
    motor_on port=D speed=20
    wait seconds=0.1
    motor_off port=D how=hold
    wait_colour colour=red
    wait_touch action=bumped
    reset_gyro
    reset_timer
    beep
    tone frequency=440 seconds=0.1
    note note=G4 seconds=0.1
    say words="It's a robot | really"
    say_number value=(gyro_angle + 0.5)
    log label="angle" value=gyro_angle
    lights side=left colour=red
    lights side=both colour=off
    wait_until condition=(reflected_light > 50 and not touch_pressed)
    repeat times=(1 + 1) {
        run name=spin values=[90, speed]
    }
    forever {
        leave_loop
    }
    while condition=(turns < 4) {
        change name=turns amount=1
    }
    repeat_until condition=(colour == blue or timer > 100) {
        if condition=(ambient_light > 3) {
            set name=speed value=(abs(speed) + round(2.4) + min(1, 2) + max(1, 2) + random(1, 3))
        } else {
            log label="rate" value=gyro_rate
        }
        log label="wheels" value=(left_wheel_degrees + right_wheel_degrees)
        wait seconds=0.1
    }
    log label="turns" value=turns
    end_program
    beep
"""
# The fake brick has no screen (/dev/fb0) and no buttons (/dev/input): these only compile here.
SCREEN_AND_BUTTONS = """\
    show_text text="Hi" line=2
    show_value label="dist" value=distance line=3
    clear_screen
    wait_button button=any
    wait_button button=enter
    if condition=button_pressed {
        beep
    }
    wait_remote button=beacon channel=3
    if condition=(ir_proximity < 10 or remote_top_left or remote_bottom_right) {
        beep
    }
"""


def test_every_command_compiles_to_python_35(pack, tmp_path):
    body = EVERY_COMMAND + SCREEN_AND_BUTTONS
    used = set(re.findall(r"^\s*([a-z_]+)", body, re.MULTILINE)) - {"}"}
    assert {c.id for c in pack.commands} <= used
    program = compile_text(body, tmp_path)
    assert python35_problems(program) == ""


def test_every_command_runs_on_the_brick(tmp_path):
    program = compile_text(EVERY_COMMAND, tmp_path)
    # The fake colour sensor has one value for every mode: 5 is red (COL-COLOR) and 5 % light.
    schedule = [(0, 3, {"value0": 5}), (0, 2, {"value0": 90, "value1": -3}),
                (8.0, 1, {"value0": 1}), (8.5, 1, {"value0": 0}),  # the touch sensor is bumped
                (10.0, 3, {"value0": 60}),  # reflected light > 50
                (10.2, 3, {"value0": 6}),  # white, and ambient light 6 > 3: "then"
                (10.6, 3, {"value0": 1}),  # black, and ambient light 1: "else"
                (11.0, 3, {"value0": 2})]  # blue: the repeat ends
    result = ok(FakeBrick(tmp_path, motors=ALL_MOTORS).run(program, timeout=60, schedule=schedule))

    tank = runs(result, "B", "run-timed")[0]
    assert (tank.time_sp, tank.speed_sp, tank.stop_action) == ("1000", "420", "hold")
    stops = [s.stop_action for s in runs(result, "B", "stop")]
    assert stops[:3] == ["coast", "hold", "brake"]  # stop_driving's three ways
    arm = runs(result, "A", "run-to-rel-pos")[0]  # the medium motor: its own top speed
    assert (arm.position_sp, arm.speed_sp) == ("-720", str(MEDIUM_MAX // 2))
    assert runs(result, "D", "run-forever")[0].speed_sp == str(round(LARGE_MAX * 0.2))
    assert runs(result, "D", "stop")[0].stop_action == "hold"
    # the gyro is reset by a change of mode, and read in the angle-and-rate mode
    assert result.values("2", "mode")[-2:] == ["GYRO-RATE", "GYRO-G&A"]
    log = logged(result.stdout)
    assert ("angle", 90.0) in log and ("rate", -3.0) in log
    assert log[-1] == ("turns", 4.0)  # the procedure ran twice, the while loop twice more
    assert "log wheels" in result.stdout
    # lights: the left one red, then both off; green again when the program ends
    assert result.values("red_left", "brightness")[:2] == ["255", "0"]
    assert result.values("green_right", "brightness")[-1] == "255"
    # say leaves out what espeak's command line cannot take; numbers are said as numbers
    spoken = [argv[-1] for argv in result.sounds if argv[0] == "espeak"]
    assert spoken == ["Its a robot   really", "90.5"]
    assert result.sounds.count(["beep"]) == 1  # end_program ends it before the last beep
    for port in "ABCD":
        assert result.commands(port)[-1] == "stop" and result.values(port, "stop_action")[-1] == "coast"


def test_motors_stop_even_when_the_program_fails(tmp_path):
    program = compile_text("""\
        start_driving speed=50
        motor_on port=A speed=30
        wait seconds=1
        var name=nothing value=0
        say_number value=(1 / nothing)
    """, tmp_path)
    result = FakeBrick(tmp_path).run(program, timeout=30)
    assert result.returncode != 0 and "ZeroDivisionError" in result.stderr
    for port in "ABC":
        assert result.commands(port)[-1] == "stop" and result.values(port, "stop_action")[-1] == "coast"
        assert result.writes[-1].time >= 1.0


def test_a_program_without_sensors_runs_on_a_robot_without_sensors(tmp_path):
    program = compile_text("""\
        drive speed=30 amount=0.5 unit=seconds
        motor_run port=A speed=50 amount=90 unit=degrees
        beep
    """, tmp_path)
    ok(FakeBrick(tmp_path, sensors={}).run(program, timeout=30))


def test_screen_lines_replace_each_other(tmp_path, monkeypatch):
    """The screen helper against the real ev3dev2 Display, on a stand-in frame buffer."""
    import ev3dev2.display

    def frame_buffer(self, fbdev=None):
        self.fid = None
        self.fix_info = SimpleNamespace(line_length=24)
        self.var_info = SimpleNamespace(bits_per_pixel=1, xres=178, yres=128)
        self.mmap = bytearray(24 * 128)

    monkeypatch.setattr(ev3dev2.display.FbMem, "__init__", frame_buffer)
    source = compile_text(SCREEN_AND_BUTTONS, tmp_path).read_text()
    setup = source[source.index("from ev3dev2.display import Display"):]
    setup = setup[:setup.index("\n\n\n", setup.index("def show_on_screen"))]
    space = {}
    exec(setup, space)
    screen, show = space["screen"], space["show_on_screen"]

    def dark_rows():  # 1 bits are white: rows with any black pixel
        return {row for row in range(128) if any(b != 0xFF for b in screen.mmap[row * 24:row * 24 + 22])}

    def black_pixels():
        return sum(8 - bin(b).count("1") for b in screen.mmap)

    show(2, "distance 42.0")
    assert dark_rows() and all(10 <= row < 20 for row in dark_rows())  # line 2 only
    long_text = black_pixels()
    show(2, "1")
    assert 0 < black_pixels() < long_text / 4  # the old text is gone, not written over
    show(5, "Hi")
    assert any(40 <= row < 50 for row in dark_rows()) and any(row < 20 for row in dark_rows())
    show(2, "")
    show(5, "")
    assert dark_rows() == set()


def test_button_choices_are_real_button_properties(pack):
    from ev3dev2.button import Button

    for choice in pack.command("wait_button").param("button").choices:
        attribute = choice.python.split(".", 1)[1].rstrip("()")
        assert hasattr(Button, attribute), choice.python


def _command_ids():
    pack, _ = check_pack_file(PACK_FILE)
    return [c.id for c in pack.commands] if pack else []


# What a command needs around it to be a valid program on its own (default values otherwise).
CONTEXT = {
    "set": "var\n{}", "change": "var\n{}",
    "leave_loop": "forever {{\n    {}\n}}",
    "run": "define name=my_procedure {{\n    beep\n}}\n{}",
}


@pytest.mark.parametrize("command", _command_ids())
def test_each_command_alone_brings_what_its_python_uses(command, tmp_path):
    """A program of just this command defines every name its Python reads: each template
    requires the setup snippets it relies on, not ones that other commands happen to bring."""
    import ast
    import builtins

    program = compile_text(CONTEXT.get(command, "{}").format(command) + "\n", tmp_path)
    tree = ast.parse(program.read_text())
    bound = set(dir(builtins))
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
    unbound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)} - bound
    assert unbound == set()
