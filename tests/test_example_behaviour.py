"""Examples do what their opening comment says (issue 14), run headless as `robolab run --trace`
runs them: bump and turn bumps into things and drives on, the line follower goes round the loop
on its line. Measured from the trace (pose and sensor readings after every step)."""

import csv
import math

from conftest import EXAMPLES
from robolab.run import run_file

EXAMPLE = {path.name: path for path in EXAMPLES}
TOUCH, COLOUR_X = "sensor1", 60.0  # the default robot's touch port; its colour sensor, mm ahead of the axle


def traced(name, library, tmp_path, until):
    trace = tmp_path / "trace.csv"
    summary, problems = run_file(str(EXAMPLE[name]), library, until=until, trace=str(trace))
    assert not problems and summary.stopped  # it ran until told to stop, without an error
    with open(trace, newline="") as file:
        return summary, list(csv.DictReader(file))


def test_bump_and_turn_bumps_and_drives_on_for_a_minute(library, tmp_path):
    _, rows = traced("bump_and_turn.rlab", library, tmp_path, until=60)
    presses = sum(1 for before, now in zip(rows, rows[1:]) if before[TOUCH] == "0" and now[TOUCH] == "1")
    assert presses >= 5, f"the bumper was pressed {presses} times in 60 s"
    last_press = max(float(row["time"]) for row in rows if row[TOUCH] == "1")
    assert last_press > 45, "it still bumps and turns near the end of the minute, not stuck"


def off_the_line(x: float, y: float) -> float:
    """Distance (mm) from the line_track world's loop: straights y=350 and y=1150 for 600<=x<=1400,
    half circles of radius 400 about (600, 750) and (1400, 750)."""
    if 600 <= x <= 1400:
        return min(abs(y - 350), abs(y - 1150))
    centre = 600 if x < 600 else 1400
    return abs(math.hypot(x - centre, y - 750) - 400)


def test_the_line_follower_goes_round_the_loop_on_its_line(library, tmp_path):
    _, rows = traced("line_follower.rlab", library, tmp_path, until=45)
    swept, worst, previous = 0.0, 0.0, None
    for row in rows:
        x, y, heading = float(row["x"]), float(row["y"]), math.radians(float(row["heading"]))
        sensor = (x + COLOUR_X * math.cos(heading), y + COLOUR_X * math.sin(heading))
        worst = max(worst, off_the_line(*sensor))
        angle = math.atan2(sensor[1] - 750, sensor[0] - 1000)  # round the loop's centre
        if previous is not None:
            swept += (angle - previous + math.pi) % (2 * math.pi) - math.pi
        previous = angle
    assert abs(swept) >= 2 * math.pi, f"it went {math.degrees(abs(swept)):.0f} degrees round the loop, not a lap"
    assert worst < 30, f"the colour sensor strayed {worst:.0f} mm from the line"
