"""The treescript pack: RobotLab's TreeScript on the EV3.

Three layers of tests:
- the pack itself: every TreeScript statement is there, with help, RobotLab-like display text,
  levels, and templates that only use what their setup snippets define;
- the examples: they compile, pass vermin for Python 3.5 and drive the motors as intended on
  the fake brick (the real python-ev3dev2 on a fake sysfs tree, virtual time);
- the runtime: small programs show each statement means what its help says, on that same brick.
"""

import ast
import builtins
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT
from robolab.language import compile_program, parse_program
from robolab.palette import check_pack_file, load_pack

try:
    from tests.fakebrick import FakeBrick
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from fakebrick import FakeBrick

PACK_FILE = ROOT / "palettes" / "treescript.toml"
EXAMPLES = ROOT / "examples"
HEADER = "robolab 1 palette treescript 1.0\n"
FULL = 1050      # a large motor's max_speed (tacho counts/s) on the fake brick
MEDIUM_FULL = 1560

# Every statement of ROBOTLAB.md's language section, by the command id the .tsc importer maps it to.
TREESCRIPT_IDS = [
    "output", "sensor", "sensor_noise", "output_noise", "background", "const", "var", "local",
    "counter", "timer", "set", "clear", "main", "macro", "call", "forever", "repeat", "while", "if",
    "on", "on_for", "off", "float", "forward", "backward", "reverse", "power", "direction", "sound",
    "tone", "wait", "send", "clear_data", "clear_message", "log", "randomize", "wait_until",
    "repeat_until", "display", "task", "start", "stop", "stop_main", "priority", "event", "watcher", "fire",
    "trigger",
]


@pytest.fixture(scope="module")
def pack():
    return load_pack(PACK_FILE)


# ---------------------------------------------------------------------------------------------
# Helpers: compile a program, run it on the fake brick, read what the motors were told
# ---------------------------------------------------------------------------------------------

def compile_to(tmp_path, text, library, name="program"):
    program, pack = parse_program(text, library, name + ".rlab")
    out = Path(tmp_path) / (name + ".py")
    out.write_text(compile_program(program, pack, name=name).source)
    return out


def run(tmp_path, body, library, schedule=(), virtual_timeout=None, sensors=None, brick=None):
    """Compile a treescript program (without its header line) and run it on the fake brick."""
    source = compile_to(tmp_path, HEADER + textwrap.dedent(body).strip() + "\n", library)
    brick = brick or FakeBrick(tmp_path)
    for port, value in (sensors or {}).items():
        brick.set_sensor(port, value0=value)
    return brick.run(source, timeout=60, schedule=schedule, virtual_timeout=virtual_timeout)


def ok(result):
    assert result.returncode == 0 and not result.timed_out, result.stderr
    return result


def motion(result, port):
    """What a motor was told, in order: (time, speed_sp) for each run, (time, stop_action) for each stop."""
    speed, action, out = None, None, []
    for w in result.writes:
        if w.port != port:
            continue
        if w.attribute == "speed_sp":
            speed = int(w.value)
        elif w.attribute == "stop_action":
            action = w.value
        elif w.attribute == "command":
            assert w.value in ("run-forever", "stop"), w
            out.append((w.time, speed if w.value == "run-forever" else action))
    return out


def states(result, port):
    """motion() without the times."""
    return [state for _, state in motion(result, port)]


def lines(result, prefix):
    return [line for line in result.stdout.splitlines() if line.startswith(prefix)]


def messages(result):
    return [line.split(" ", 1)[1] for line in lines(result, "message ")]


def near(a, b, tolerance=0.05):
    return abs(a - b) <= tolerance


# ---------------------------------------------------------------------------------------------
# The pack
# ---------------------------------------------------------------------------------------------

def test_pack_checks_clean():
    pack, problems = check_pack_file(PACK_FILE)
    assert problems == []
    assert (pack.id, pack.version) == ("treescript", "1.0")


def test_every_treescript_statement_is_a_command(pack):
    ids = [c.id for c in pack.commands]
    assert sorted(ids) == sorted(TREESCRIPT_IDS)
    assert "comment" not in ids  # built into the language
    assert {f.name for f in pack.functions} == {"abs", "sgn", "random"}


def test_everything_has_help(pack):
    for command in pack.commands:
        assert len(command.help) > 20, command.id
        for param in command.params:
            assert len(param.help) > 10, f"{command.id}.{param.name}"
            assert all(choice.label for choice in param.choices)
    for function in pack.functions:
        assert len(function.help) > 10, function.name


def test_display_text_reads_like_robotlab(pack):
    text = {c.id: c.text for c in pack.commands}
    assert text["on_for"] == "on [{outputs}] for {time}"
    assert text["repeat"] == "repeat {times}"
    assert text["sensor"] == "sensor {name} on {port} is {type} as {mode}"
    assert text["sensor_noise"] == "sensor noise on {port} bias {bias} noise {noise}"
    assert text["tone"] == "tone {frequency} for {time}"
    assert text["direction"] == "direction [{forwards}] [{backwards}]"


def test_ports_are_ev3_port_types(pack):
    for command in pack.commands:
        for param in command.params:
            if param.name == "port":
                assert param.type in ("motor_port", "sensor_port"), command.id
    assert "OUTPUT_B" in pack.prelude and "INPUT_2" in pack.prelude


def test_levels_build_on_each_other(pack):
    levels = pack.levels
    assert len(levels) >= 4
    for earlier, later in zip(levels, levels[1:]):
        assert later.extends == earlier.name
    week1 = set(pack.level_commands(levels[0].name))
    assert {"on", "on_for", "main", "output"} <= week1 and "sensor" not in week1
    assert sorted(pack.level_commands(levels[-1].name)) == sorted(TREESCRIPT_IDS)


def _free_names(source):
    """Names the Python reads but does not bind itself (nor are builtins)."""
    tree = ast.parse(source)
    bound, loaded = set(dir(builtins)), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (bound if isinstance(node.ctx, ast.Store) else loaded).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
    return loaded - bound


def _defined_by(pack, requires):
    """Names bound by the prelude and the setup snippets `requires` pulls in (with their requires)."""
    by_id = {s.id: s for s in pack.setup}
    todo, seen = list(requires), set()
    while todo:
        sid = todo.pop()
        if sid not in seen:
            seen.add(sid)
            todo.extend(by_id[sid].requires)
    names = set()
    for source in [pack.prelude] + [by_id[sid].python for sid in seen]:
        tree = ast.parse(textwrap.dedent(source))
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names |= {(a.asname or a.name).split(".")[0] for a in node.names}
            else:
                names |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return names


def test_each_snippet_needs_only_what_it_requires(pack):
    for setup in pack.setup:
        free = _free_names(textwrap.dedent(setup.python)) - _defined_by(pack, [setup.id])
        assert not free, f"setup {setup.id} uses {free} without requiring the snippet that defines it"


def test_each_template_needs_only_what_it_requires(pack):
    # the slot names become placeholders, bodies become `pass`
    for command in pack.commands:
        python = re.sub(r"^(\s*)\{\w+\}\s*$", r"\1pass", textwrap.dedent(command.python).strip("\n"), flags=re.M)
        python = re.sub(r"\{(\w+)(?:\.text)?\}", r"slot_\1", python)
        free = {n for n in _free_names(python) if not n.startswith("slot_")}
        free -= _defined_by(pack, command.requires)
        assert not free, f"command {command.id} uses {free} without requiring the snippet that defines it"
    for function in pack.functions:
        assert function.python in _defined_by(pack, function.requires) | set(dir(builtins)), function.name


def test_a_program_without_sound_or_sensors_does_not_import_them(tmp_path, library):
    source = compile_to(tmp_path, HEADER + "main {\n    send message=1\n}\n", library).read_text()
    assert "ev3dev2.sound" not in source and "ev3dev2.sensor.lego" not in source
    assert "class Output" not in source and "class Event" not in source


EVERYTHING = """\
# every statement at least once
background file="track.bmp"
output name=left_motor port=B motor=large
output name=right_motor port=C motor=large
output name=arm port=A motor=medium
sensor name=bumper port=1 type=switch mode=boolean
sensor name=light_sensor port=3 type=light mode=percent
sensor name=sonar port=4 type=ultrasonic mode=cm
sensor name=compass port=2 type=gyro mode=degrees
output_noise port=A bias=100 noise=0
sensor_noise port=3 bias=0 noise=0
const name=delay value=20
var name=x value=0
counter name=hits
timer name=stopwatch
event name=bumped sensor=bumper state=pressed low=40 high=60
event name=dark sensor=light_sensor state=low low=30 high=60
macro name=beep_twice params=[pitch] {
    local name=n value=2
    repeat times=n {
        tone frequency=pitch time=10
    }
    sound sound=click
}
task name=blink {
    priority level=3
    forever {
        on outputs=[arm]
        wait time=50
        float outputs=[arm]
        wait time=50
    }
}
watcher name=ouch events=[bumped] {
    set name=hits value=(hits + 1)
}
main {
    clear_data capacity=10
    clear_message
    randomize
    display value=stopwatch places=1
    start task=blink
    power outputs=[left_motor, right_motor] level=5
    forward outputs=[left_motor]
    backward outputs=[right_motor]
    reverse outputs=[left_motor, right_motor]
    direction forwards=[left_motor, right_motor] backwards=[]
    on_for outputs=[left_motor, right_motor] time=50
    call macro=beep_twice values=[440]
    if condition=(abs(x - 3) > sgn(-2) and random(5) <= 5) {
        send message=(65 + 128)
    }
    while condition=(x < 3) {
        set name=x value=(x + 1)
    }
    log name=light_sensor
    log name=sonar
    log name=compass
    clear name=stopwatch
    clear name=x
    wait_until condition=(bumped or stopwatch > 10)
    fire event=dark
    trigger watcher=ouch
    repeat_until condition=(x > 2) {
        set name=x value=(x + 1)
    }
    stop task=blink
    wait time=delay
    off outputs=[left_motor, right_motor]
}
"""


def test_every_statement_compiles_to_python_3_5_that_runs(tmp_path, library):
    source = compile_to(tmp_path, HEADER + EVERYTHING, library, name="everything")
    vermin = shutil.which("vermin") or str(Path(sys.executable).parent / "vermin")
    check = subprocess.run([vermin, "-t=3.5-", "--no-tips", "--violations", str(source)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    result = ok(FakeBrick(tmp_path).run(source, timeout=60))
    assert "message 193 A" in result.stdout
    assert lines(result, "log ") == ["log light_sensor 0", "log sonar 255", "log compass 0"]
    for port in "ABC":
        assert motion(result, port)[-1][1] == "brake", port  # everything stopped at the end


# ---------------------------------------------------------------------------------------------
# The examples
# ---------------------------------------------------------------------------------------------

TREESCRIPT_EXAMPLES = ["i_can_count", "bump_and_turn", "stay_inside", "macro_with_parameters"]


@pytest.mark.parametrize("name", TREESCRIPT_EXAMPLES)
def test_example_is_a_treescript_program_with_a_teachers_comment(name):
    text = (EXAMPLES / f"{name}.rlab").read_text()
    header, *rest = text.splitlines()
    assert header.startswith("robolab 1 palette treescript 1.0 world ")
    opening = []
    for line in rest:
        if not line.startswith("# "):
            break
        opening.append(line)
    assert opening, "the program starts by saying what it does"
    assert "Try" in " ".join(opening), "and what to try"


@pytest.mark.parametrize("name", TREESCRIPT_EXAMPLES)
def test_example_compiles_for_python_3_5(name, tmp_path, library):
    source = compile_to(tmp_path, (EXAMPLES / f"{name}.rlab").read_text(), library, name=name)
    vermin = shutil.which("vermin") or str(Path(sys.executable).parent / "vermin")
    check = subprocess.run([vermin, "-t=3.5-", "--no-tips", "--violations", str(source)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def run_example(tmp_path, library, name, **kwargs):
    source = compile_to(tmp_path, (EXAMPLES / f"{name}.rlab").read_text(), library, name=name)
    brick = FakeBrick(tmp_path)
    for port, value in kwargs.pop("sensors", {}).items():
        brick.set_sensor(port, value0=value)
    return brick.run(source, timeout=60, **kwargs)


def test_i_can_count_sends_one_to_nine(tmp_path, library):
    result = ok(run_example(tmp_path, library, "i_can_count"))
    assert messages(result) == [str(n) for n in range(1, 10)]
    assert near(result.virtual_time, 1.0 + 9 * 1.2)  # wait 100, then 9 x wait 120
    assert result.writes == []  # no motors


def test_bump_and_turn_drives_until_bumped_then_backs_off_and_turns(tmp_path, library):
    result = run_example(tmp_path, library, "bump_and_turn", virtual_timeout=4.0,
                         schedule=[(2.0, 1, {"value0": 1}), (2.2, 1, {"value0": 0})])
    assert result.timed_out and "Traceback" not in result.stderr  # it drives for ever
    left, right = motion(result, "B"), motion(result, "C")
    # full speed forwards from the start
    assert left[0][1] == right[0][1] == FULL and left[0][0] < 0.05
    # bumped at 2 s: both wheels backwards for 0.5 s
    assert left[1][1] == right[1][1] == -FULL and near(left[1][0], 2.0) and near(right[1][0], 2.0)
    # then the left wheel forwards: the robot spins for 0.6 s
    assert left[2][1] == FULL and near(left[2][0], 2.5)
    # then both forwards again
    assert right[2][1] == FULL and near(right[2][0], 3.1)
    assert len(left) == len(right) == 3


def test_bump_and_turn_never_backs_off_unbumped(tmp_path, library):
    result = run_example(tmp_path, library, "bump_and_turn", virtual_timeout=3.0)
    assert states(result, "B") == states(result, "C") == [FULL]


def test_stay_inside_turns_back_at_the_black_line(tmp_path, library):
    result = run_example(tmp_path, library, "stay_inside", virtual_timeout=4.0, sensors={3: 70},
                         schedule=[(1.5, 3, {"value0": 10}), (1.7, 3, {"value0": 70})])
    left, right = motion(result, "B"), motion(result, "C")
    assert [s for _, s in left] == [FULL, -FULL, FULL]
    assert [s for _, s in right] == [FULL, -FULL, FULL]
    assert near(left[1][0], 1.5) and near(left[2][0], 2.0) and near(right[2][0], 2.7)


def test_stay_inside_drives_on_over_a_light_floor(tmp_path, library):
    result = run_example(tmp_path, library, "stay_inside", virtual_timeout=3.0, sensors={3: 41})
    assert states(result, "B") == [FULL]


def test_macro_with_parameters_drives_a_square_then_a_spiral(tmp_path, library):
    result = ok(run_example(tmp_path, library, "macro_with_parameters"))
    assert messages(result) == ["1", "2"]
    left, right = motion(result, "B"), motion(result, "C")
    # Each call: both on (the side), brake, left forwards + right backwards (the corner), brake.
    runs = [(t, s) for t, s in right if s != "brake"]
    assert [s for _, s in runs] == [FULL, -FULL] * 4 + [FULL // 2, -FULL // 2] * 6
    stops = [t for t, s in right if s == "brake"]
    # side lengths: 1 s four times, then 0.5 s growing by 0.25 s; corners 0.6 s
    sides = [round(stop - start, 2) for (start, _), stop in zip(runs, stops)][::2]
    corners = [round(stop - start, 2) for (start, _), stop in zip(runs, stops)][1::2]
    assert sides == [1.0] * 4 + [0.5, 0.75, 1.0, 1.25, 1.5, 1.75]
    assert corners == [0.6] * 10
    assert left[-1][1] == right[-1][1] == "brake"


# ---------------------------------------------------------------------------------------------
# The runtime: each statement means what its help says
# ---------------------------------------------------------------------------------------------

MOTORS = """\
output name=left_motor port=B motor=large
output name=right_motor port=C motor=large
"""


def test_power_levels_directions_off_and_float(tmp_path, library):
    result = ok(run(tmp_path, MOTORS + """
        main {
            on outputs=[left_motor]
            power outputs=[left_motor] level=0
            power outputs=[left_motor] level=3
            reverse outputs=[left_motor]
            send message=(0 - left_motor)
            float outputs=[left_motor]
            send message=left_motor
            backward outputs=[left_motor]
            on outputs=[left_motor]
            forward outputs=[left_motor]
            off outputs=[left_motor]
            power outputs=[right_motor] level=(4 + 5)
            on outputs=[right_motor]
        }
    """, library))
    # level n runs at (n + 1) / 8 of full speed; a change while on takes effect at once
    assert states(result, "B") == [FULL, 131, FULL // 2, -FULL // 2, "coast", -FULL // 2, FULL // 2, "brake",
                                   "brake"]
    assert states(result, "C") == [FULL, "brake"]  # 9 counts as 7; stopped when main ends
    assert messages(result) == ["50", "0"]  # an output reads as the % of full speed it was told


def test_on_for_and_direction(tmp_path, library):
    result = ok(run(tmp_path, MOTORS + """
        main {
            direction forwards=[right_motor] backwards=[left_motor]
            on_for outputs=[left_motor, right_motor] time=150
            wait time=50
        }
    """, library))
    left, right = motion(result, "B"), motion(result, "C")
    assert [s for _, s in left] == [-FULL, "brake", "brake"] and [s for _, s in right] == [FULL, "brake", "brake"]
    assert near(left[1][0] - left[0][0], 1.5, 0.01)
    assert near(result.virtual_time, 2.0)


def test_motors_stop_when_main_fails(tmp_path, library):
    result = run(tmp_path, MOTORS + """
        var name=x value=0
        main {
            on outputs=[left_motor, right_motor]
            wait time=100
            set name=x value=(1 / x)
        }
    """, library)
    assert result.returncode != 0 and "ZeroDivisionError" in result.stderr
    assert states(result, "B") == states(result, "C") == [FULL, "brake"]


def test_timers_count_tenths_and_clear(tmp_path, library):
    result = ok(run(tmp_path, """
        timer name=stopwatch
        var name=x value=7
        main {
            wait time=150
            send message=stopwatch
            clear name=stopwatch
            clear name=x
            wait time=30
            send message=stopwatch
            send message=x
        }
    """, library))
    assert messages(result) == ["15", "3", "0"]


def test_send_writes_letters_for_128_and_up(tmp_path, library):
    result = ok(run(tmp_path, """
        main {
            send message=3
            send message=(65 + 128)
            send message=(256 + 44)
            clear_message
        }
    """, library))
    assert lines(result, "message") == ["message 3", "message 193 A", "message 44"]
    assert "clear message" in result.stdout.splitlines()


def test_data_log_holds_as_many_values_as_cleared_for(tmp_path, library):
    result = ok(run(tmp_path, """
        sensor name=light_sensor port=3 type=light mode=percent
        counter name=count
        main {
            clear_data capacity=2
            log name=light_sensor
            set name=count value=(count + 1)
            log name=count
            log name=count
        }
    """, library, sensors={3: 42}))
    assert lines(result, "clear data") == ["clear data 2"]
    assert lines(result, "log ") == ["log light_sensor 42", "log count 1"]


def test_sounds_and_tones_play_in_order_while_the_program_carries_on(tmp_path, library):
    result = ok(run(tmp_path, """
        main {
            tone frequency=440 time=50
            sound sound=beep
            send message=1
        }
    """, library))
    beeps = [(t, argv) for t, argv in result.sound_calls if argv[0] == "beep"]
    assert beeps[0][1] == ["beep", "-f", "440", "-l", "500"]
    assert beeps[1][1] == ["beep", "-f", "1000", "-l", "100"]
    assert near(beeps[1][0] - beeps[0][0], 0.5, 0.1)  # the beep waits for the tone
    assert messages(result) == ["1"]  # sent at once; the program then lets the sounds finish
    assert result.virtual_time >= 0.6


def test_six_rcx_sounds(tmp_path, library, pack):
    names = [c.id for c in pack.command("sound").param("sound").choices]
    assert names == ["click", "beep", "sweep_down", "sweep_up", "error", "fast_sweep_up"]
    body = "main {\n" + "".join(f"    sound sound={n}\n" for n in names) + "}\n"
    result = ok(run(tmp_path, body, library))
    assert len(result.sounds) == 6
    tones = [[int(f) for f in argv[2::5]] for argv in result.sounds]  # each argv: -f F -l L [-n ...]
    assert tones[2] == sorted(tones[2], reverse=True) and len(tones[2]) > 5  # sweep down
    assert tones[3] == sorted(tones[3]) and len(tones[3]) > 5  # sweep up
    assert tones[4][0] < 200  # the error buzz is low


def test_sensor_and_output_bias(tmp_path, library):
    result = ok(run(tmp_path, MOTORS + """
        sensor name=light_sensor port=3 type=light mode=percent
        sensor name=bumper port=1 type=switch mode=percent
        sensor_noise port=3 bias=-10 noise=0
        output_noise port=C bias=50 noise=0
        main {
            send message=light_sensor
            send message=bumper
            on outputs=[left_motor, right_motor]
        }
    """, library, sensors={3: 55, 1: 1}))
    assert messages(result) == ["45", "100"]
    assert states(result, "B")[0] == FULL and states(result, "C")[0] == FULL // 2


def test_noise_varies_readings_within_its_range(tmp_path, library):
    result = ok(run(tmp_path, """
        sensor name=light_sensor port=3 type=light mode=percent
        sensor_noise port=3 bias=0 noise=5
        main {
            repeat times=30 {
                send message=light_sensor
            }
        }
    """, library, sensors={3: 50}))
    readings = [int(m) for m in messages(result)]
    assert all(45 <= r <= 55 for r in readings) and len(set(readings)) > 3


def test_display_keeps_a_value_on_the_screen(tmp_path, library):
    result = ok(run(tmp_path, """
        var name=x value=314
        main {
            display value=x places=2
            wait time=50
            set name=x value=42
            wait time=50
            display value=(x * 2) places=0
            wait time=50
        }
    """, library))
    assert lines(result, "display") == ["display 3.14", "display 0.42", "display 84"]


def test_macro_parameters_are_copies(tmp_path, library):
    result = ok(run(tmp_path, """
        var name=n value=5
        macro name=change params=[value] {
            set name=value value=(value + 100)
            send message=value
        }
        main {
            call macro=change values=[n]
            send message=n
            call macro=change values=[(n * 2)]
        }
    """, library))
    assert messages(result) == ["105", "5", "110"]


def test_repeat_counts_and_repeat_until_runs_at_least_once(tmp_path, library):
    result = ok(run(tmp_path, """
        var name=n value=0
        main {
            repeat times=3 {
                send message=1
            }
            repeat_until condition=true {
                send message=2
            }
            repeat_until condition=(n >= 3) {
                set name=n value=(n + 1)
            }
            send message=n
        }
    """, library))
    assert messages(result) == ["1", "1", "1", "2", "3"]


def test_tasks_run_alongside_main_and_stop(tmp_path, library):
    result = ok(run(tmp_path, """
        task name=ticker {
            forever {
                send message=7
                wait time=50
            }
        }
        main {
            start task=ticker
            wait time=120
            stop task=ticker
            send message=1
            wait time=100
        }
    """, library))
    assert messages(result) == ["7", "7", "7", "1"]  # at 0, 0.5 and 1.0 s


def test_tasks_and_motors_stop_when_main_ends(tmp_path, library):
    result = ok(run(tmp_path, """
        output name=arm port=A motor=medium
        task name=wave {
            forever {
                on outputs=[arm]
                wait time=30
                reverse outputs=[arm]
            }
        }
        main {
            start task=wave
            wait time=100
        }
    """, library))
    arm = motion(result, "A")
    assert arm[-1][1] == "brake" and near(arm[-1][0], 1.0)
    assert all(t <= arm[-1][0] for t, _ in arm)
    assert {s for _, s in arm[:-1]} == {MEDIUM_FULL, -MEDIUM_FULL}


def test_events_fire_watchers_and_end_waits(tmp_path, library):
    result = ok(run(tmp_path, """
        sensor name=bumper port=1 type=switch mode=boolean
        timer name=stopwatch
        event name=bumped sensor=bumper state=pressed
        event name=let_go sensor=bumper state=released
        watcher name=ouch events=[bumped] {
            send message=100
        }
        main {
            wait_until condition=bumped
            send message=stopwatch
            wait_until condition=let_go
            send message=stopwatch
        }
    """, library, schedule=[(1.0, 1, {"value0": 1}), (2.5, 1, {"value0": 0})]))
    assert sorted(messages(result)) == ["10", "100", "25"]
    assert messages(result)[-1] == "25"


def test_event_that_fired_before_the_wait_does_not_end_it(tmp_path, library):
    result = run(tmp_path, """
        sensor name=bumper port=1 type=switch mode=boolean
        event name=bumped sensor=bumper state=pressed
        main {
            wait time=200
            wait_until condition=bumped
            send message=1
        }
    """, library, schedule=[(1.0, 1, {"value0": 1}), (1.1, 1, {"value0": 0})], virtual_timeout=4.0)
    assert result.timed_out and messages(result) == []


def test_low_normal_high_and_clicks(tmp_path, library):
    result = ok(run(tmp_path, """
        sensor name=light_sensor port=3 type=light mode=percent
        sensor name=bumper port=1 type=switch mode=boolean
        event name=dark sensor=light_sensor state=low low=30 high=70
        event name=grey sensor=light_sensor state=normal low=30 high=70
        event name=bright sensor=light_sensor state=high low=30 high=70
        event name=clicked sensor=bumper state=click
        event name=double sensor=bumper state=doubleclick
        event name=pushed sensor=bumper state=pressed
        event name=let_go sensor=bumper state=released
        watcher name=w1 events=[dark] {
            send message=1
        }
        watcher name=w2 events=[grey] {
            send message=2
        }
        watcher name=w3 events=[bright] {
            send message=3
        }
        watcher name=w4 events=[clicked] {
            send message=4
        }
        watcher name=w5 events=[double] {
            send message=5
        }
        watcher name=w6 events=[pushed] {
            send message=6
        }
        watcher name=w7 events=[let_go] {
            send message=7
        }
        main {
            wait time=600
        }
    """, library, sensors={3: 50}, schedule=[
        (0.5, 3, {"value0": 20}), (1.0, 3, {"value0": 50}), (1.5, 3, {"value0": 90}),
        (2.0, 1, {"value0": 1}), (2.1, 1, {"value0": 0}),      # a click
        (3.0, 1, {"value0": 1}), (4.0, 1, {"value0": 0}),      # held too long: no click
        (5.0, 1, {"value0": 1}), (5.1, 1, {"value0": 0}),      # two quick clicks: a double click
        (5.3, 1, {"value0": 1}), (5.4, 1, {"value0": 0}),
    ]))
    # dark, grey, bright, the click; the held press is no click; the double click is two clicks too
    clicks = [m for m in messages(result) if m not in "67"]
    assert clicks[:4] == ["1", "2", "3", "4"]
    assert sorted(clicks[4:]) == ["4", "4", "5"]
    # every press is pressed and released, whether a click or not
    assert messages(result).count("6") == messages(result).count("7") == 4


def test_fire_and_trigger(tmp_path, library):
    result = ok(run(tmp_path, """
        sensor name=bumper port=1 type=switch mode=boolean
        event name=bumped sensor=bumper state=pressed
        watcher name=ouch events=[bumped] {
            send message=9
        }
        task name=firer {
            wait time=50
            fire event=bumped
        }
        main {
            trigger watcher=ouch
            wait time=10
            start task=firer
            wait_until condition=bumped
            send message=1
            wait time=10
        }
    """, library))
    assert messages(result) == ["9", "9", "1"] or messages(result) == ["9", "1", "9"]


def test_a_more_important_task_keeps_its_outputs(tmp_path, library):
    result = ok(run(tmp_path, MOTORS + """
        task name=escape {
            backward outputs=[left_motor]
            on outputs=[left_motor]
            wait time=100
        }
        main {
            priority level=5
            start task=escape
            wait time=10
            forward outputs=[left_motor]
            wait time=150
            forward outputs=[left_motor]
            wait time=10
        }
    """, library))
    left = motion(result, "B")
    # main's first forward comes while escape (priority 0) is running: ignored;
    # its second comes after escape has ended: obeyed
    assert [s for _, s in left] == [-FULL, FULL, "brake"]
    assert near(left[1][0], 1.6)


def test_random_numbers_repeat_unless_randomized(tmp_path, library):
    body = """
        main {
            repeat times=5 {
                send message=(random(100))
            }
        }
    """
    first = ok(run(tmp_path, body, library))
    second = ok(run(tmp_path, body, library))
    assert messages(first) == messages(second) and len(set(messages(first))) > 1
    assert all(0 <= int(m) <= 100 for m in messages(first))


def test_gyro_and_ultrasonic(tmp_path, library):
    result = ok(run(tmp_path, """
        sensor name=sonar port=4 type=ultrasonic mode=cm
        sensor name=compass port=2 type=gyro mode=degrees
        main {
            send message=sonar
            send message=(compass + 100)
        }
    """, library, sensors={4: 423, 2: -30}))
    assert messages(result) == ["42", "70"]


def test_a_sensor_cannot_be_read_in_a_mode_it_lacks(tmp_path, library):
    result = run(tmp_path, """
        sensor name=sonar port=4 type=ultrasonic mode=percent
        main {
            send message=sonar
        }
    """, library)
    assert result.returncode != 0 and "cannot be read as percent" in result.stderr


def test_background_only_records_the_arena(tmp_path, library):
    source = compile_to(tmp_path, HEADER + 'background file="track.bmp"\nmain {\n}\n', library)
    assert "ROBOLAB_WORLD = 'track.bmp'" in source.read_text()
    assert ok(FakeBrick(tmp_path).run(source)).writes == []


def test_an_event_in_an_if_counts_since_the_task_started(tmp_path, library):
    result = ok(run(tmp_path, """
        sensor name=bumper port=1 type=switch mode=boolean
        event name=bumped sensor=bumper state=pressed
        task name=late {
            if condition=bumped {
                send message=1
            } else {
                send message=2
            }
        }
        main {
            if condition=bumped {
                send message=3
            }
            fire event=bumped
            if condition=bumped {
                send message=4
            }
            start task=late
            wait time=10
            repeat_until condition=bumped {
                wait time=10
                send message=5
            }
        }
    """, library, schedule=[(0.5, 1, {"value0": 1})]))
    # main sees its own fire; the task started after it does not; repeat until waits for the press
    assert messages(result)[:2] == ["4", "2"]
    fives = messages(result)[2:]
    assert set(fives) == {"5"} and 4 <= len(fives) <= 5 and 0.5 <= result.virtual_time <= 0.7


def test_an_error_in_a_task_stops_the_program(tmp_path, library):
    result = run(tmp_path, MOTORS + """
        var name=x value=0
        task name=bad {
            wait time=50
            set name=x value=(1 / x)
        }
        main {
            start task=bad
            on outputs=[left_motor]
            wait time=1000
        }
    """, library)
    assert result.returncode == 1 and "ZeroDivisionError" in result.stderr
    assert "error in bad: the program stops" in result.stdout
    left = motion(result, "B")
    assert [s for _, s in left] == [FULL, "brake"] and near(left[1][0], 0.5, 0.06)


def test_start_restarts_a_running_task(tmp_path, library):
    result = ok(run(tmp_path, """
        task name=count_up {
            send message=1
            wait time=100
            send message=2
        }
        main {
            start task=count_up
            wait time=50
            start task=count_up
            wait time=200
        }
    """, library))
    assert messages(result) == ["1", "1", "2"]
