"""Bad input to the compatibility parts never gives a traceback: robot files' sensor tables,
`--remote` presses, nbev3devsim magic lines (Hypothesis, modest example counts)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.infrared import parse_press
from simulator.nbev3devsim import read_magic
from simulator.robot import RobotError, load_robot

VALUES = st.one_of(st.integers(-5, 500), st.floats(allow_nan=False, allow_infinity=False, width=32),
                   st.sampled_from(['"infrared"', '"color"', '"linear"', '"ev3"', '"laser"', "true", "[1, 2]",
                                    '"left"', '"x"']))
KEYS = st.sampled_from(["kind", "x", "y", "heading", "beam", "response", "diameter", "noise", "wheel", "colour"])
TABLES = st.sampled_from(["sensors.4", "optional_sensors.4", "optional_sensors.9", "motors.A", "motors.B"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(TABLES, st.lists(st.tuples(KEYS, VALUES), max_size=4)), max_size=4))
def test_robot_files_load_or_name_their_problems(tmp_path_factory, tables):
    text = ("[robot]\nmass = 0.5\nchassis = [[-50.0, -50.0], [50.0, -50.0], [50.0, 50.0], [-50.0, 50.0]]\n")
    seen = set()
    for table, pairs in tables:
        if table in seen:
            continue
        seen.add(table)
        text += f"\n[{table}]\n" + "".join(f"{k} = {v}\n" for k, v in dict(pairs).items())
    path = tmp_path_factory.mktemp("robot") / "r.toml"
    path.write_text(text)
    try:
        load_robot(path)
    except RobotError as error:
        assert error.problems and all(p.startswith(f"{path}:") for p in error.problems)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=30))
def test_remote_presses_parse_or_say_what_is_wrong(text):
    try:
        when, channel, buttons = parse_press(text)
    except ValueError as error:
        assert str(error)
    else:
        assert when >= 0 and channel in (1, 2, 3, 4)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.just("%%sim_magic_preloaded"), st.just("-b"), st.just("-x"), st.just('"'),
                          st.text(max_size=8)), max_size=6))
def test_magic_lines_always_read(words):
    source = " ".join(words) + "\nprint(1)\n"
    cleaned, magic = read_magic(source)
    assert cleaned.count("\n") == source.count("\n")
    assert all(isinstance(v, float) for v in magic.start.values())
