"""Simulator worlds: world files -> World (floor raster, walls, obstacles, zones, start), and errors."""

import itertools
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from PIL import Image

from simulator.world import World, WorldError, load_world, shipped_world, shipped_worlds
from simulator.world_file import key_lines

EXPECTED_WORLDS = {"empty_arena", "line_track", "obstacle_course", "maze", "sumo_ring", "grey_bands",
                   "black_border"}


def write(tmp_path: Path, text: str, name: str = "w.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(WorldError) as raised:
        load_world(path)
    return raised.value.problems


# ----------------------------------------------------------------------------- shipped worlds

@pytest.mark.parametrize("name", sorted(EXPECTED_WORLDS))
def test_every_shipped_world_loads_with_a_description_and_the_start_inside(name):
    world = load_world(name)
    assert isinstance(world, World)
    assert world.name == name and world.description
    assert 0 < world.start.x < world.width and 0 < world.start.y < world.height
    assert world.floor_rgb(-1, 10) == (0, 0, 0) and world.floor_rgb(world.width + 1, 10) == (0, 0, 0)


def test_shipped_worlds_lists_them_all():
    assert EXPECTED_WORLDS <= set(shipped_worlds())
    assert shipped_world("maze") == shipped_worlds()["maze"]
    assert load_world(shipped_world("maze")).name == "maze"


def test_line_track_black_on_the_line_white_off_it_and_starts_on_it_pointing_along():
    world = load_world("line_track")
    assert world.floor_rgb(1000, 350) == (0, 0, 0)           # bottom straight
    assert world.floor_rgb(1000, 1150) == (0, 0, 0)          # top straight
    assert world.floor_rgb(200, 750) == (0, 0, 0)            # left end of the loop
    assert world.floor_rgb(600 + 400 * 0.7071, 750 - 400 * 0.7071) == (0, 0, 0) or \
        world.floor_rgb(600 - 400 * 0.7071, 750 - 400 * 0.7071) == (0, 0, 0)  # on the curve
    assert world.floor_rgb(1000, 380) == (255, 255, 255)     # beside the 20 mm line
    assert world.floor_rgb(1000, 320) == (255, 255, 255)
    assert world.floor_rgb(1000, 750) == (255, 255, 255)     # inside the loop
    start = world.start
    assert world.floor_rgb(start.x + 60, start.y) == (0, 0, 0)  # the colour sensor, 60 mm ahead
    assert len(world.walls) == 4                             # border


def test_grey_bands_increase_from_black_to_white():
    world = load_world("grey_bands")
    levels = [world.floor_rgb(125 + 250 * i, 500)[0] for i in range(8)]
    assert levels[0] == 0 and levels[-1] == 255
    assert all(a < b for a, b in itertools.pairwise(levels))


def test_sumo_ring_white_inside_black_band_dark_outside_and_a_light_box():
    world = load_world("sumo_ring")
    assert world.floor_rgb(800, 800) == (255, 255, 255)
    assert world.floor_rgb(800 + 675, 800) == (0, 0, 0)
    assert world.floor_rgb(50, 50) == (0x30, 0x30, 0x30)
    assert [o.mass for o in world.obstacles] == [0.3]
    assert world.zones_at(800, 800) == ["ring"] and world.zones_at(20, 20) == []


def test_obstacle_course_has_static_boxes_and_one_movable():
    world = load_world("obstacle_course")
    masses = [o.mass for o in world.obstacles]
    assert masses.count(None) >= 3 and len([m for m in masses if m]) == 1
    assert len(world.walls) == 4


def test_black_border_floor_image_red_frame_is_four_wall_rects():
    world = load_world("black_border")
    assert (world.width, world.height) == (1200, 900)
    assert world.floor_rgb(600, 450) == (255, 255, 255)
    assert world.floor_rgb(120, 450) == (0, 0, 0)            # the black line, 100..140 mm in
    assert world.wall_rects == [(0, 0, 1200, 20), (0, 20, 20, 880), (0, 880, 1200, 900), (1180, 20, 1200, 880)]


# ----------------------------------------------------------------------------- floor

def test_floor_sample_averages_over_a_line_edge(tmp_path):
    world = load_world(write(tmp_path, """
        size = [400, 400]
        mm_per_pixel = 1
        [[area]]
        rectangle = [0, 0, 200, 400]
        colour = "#000000"
    """))
    assert world.floor_sample(100, 200, 20) == (0, 0, 0)
    assert world.floor_sample(300, 200, 20) == (255, 255, 255)
    on_edge = world.floor_sample(200, 200, 20)[0]
    assert 80 < on_edge < 180                               # half and half, centre-weighted
    near_black = world.floor_sample(196, 200, 20)[0]
    near_white = world.floor_sample(204, 200, 20)[0]
    assert near_black < on_edge < near_white
    assert world.floor_sample(-50, 200, 20) == (0, 0, 0)      # outside is black
    assert world.floor_sample(300, 200, 0.5) == world.floor_rgb(300, 200)


def test_floor_sample_is_cheap():
    world = load_world("line_track")
    start = time.perf_counter()
    for i in range(5000):
        world.floor_sample(990 + i % 20, 350, 12)
    assert (time.perf_counter() - start) / 5000 < 40e-6


def test_painting_follows_file_order_and_line_shapes(tmp_path):
    world = load_world(write(tmp_path, """
        size = [1000, 1000]
        [[line]]
        points = [[100, 100], [900, 100]]
        width = 40
        colour = "#ff0000"
        [[area]]
        rectangle = [400, 0, 600, 1000]
        colour = "#00ff00"
        [[line]]
        centre = [500, 500]
        radius = 300
        width = 20
        colour = "#0000ff"
    """))
    assert world.floor_rgb(200, 100) == (255, 0, 0)
    assert world.floor_rgb(200, 125) == (255, 255, 255)
    assert world.floor_rgb(500, 100) == (0, 255, 0)           # the area, written later, covers it
    assert world.floor_rgb(500, 800) == (0, 0, 255)           # circle line over the area
    assert world.floor_rgb(800, 500) == (0, 0, 255)
    assert world.floor_rgb(500, 500) == (0, 255, 0)


def test_wall_rects_from_a_floor_image_with_wall_colour(tmp_path):
    image = Image.new("RGB", (10, 8), (255, 255, 255))
    for x in range(10):
        image.putpixel((x, 0), (255, 0, 0))                  # top row
    for y in range(3, 6):
        for x in range(2, 5):
            image.putpixel((x, y), (255, 0, 0))              # a 3 x 3 block
    image.putpixel((8, 6), (254, 0, 0))                      # nearly red: not a wall
    image.save(tmp_path / "arena.bmp")
    world = load_world(write(tmp_path, """
        floor_image = "arena.bmp"
        mm_per_pixel = 10
        wall_colour = "#ff0000"
    """))
    assert (world.width, world.height) == (100, 80)
    assert world.wall_rects == [(0, 70, 100, 80), (20, 20, 50, 50)]
    assert world.floor_rgb(25, 45) == (255, 0, 0)


def test_border_walls_lie_just_outside_the_world(tmp_path):
    world = load_world(write(tmp_path, """
        size = [300, 200]
        border = true
        border_thickness = 10
    """))
    assert sorted(world.walls) == sorted([
        [(-10, -10), (0, -10), (0, 210), (-10, 210)], [(300, -10), (310, -10), (310, 210), (300, 210)],
        [(0, -10), (300, -10), (300, 0), (0, 0)], [(0, 200), (300, 200), (300, 210), (0, 210)]])
    assert world.start == (150, 100, 0)


# ----------------------------------------------------------------------------- errors

def test_invalid_toml_reports_line_and_column(tmp_path):
    path = write(tmp_path, """
        size = [100, 100]
        floor = 
    """)
    assert problems(path) == [f"{path}:2: Invalid value (column 9)"]


BAD = [
    ("""
        size = [100, 100]
        [[area]]
        rectangle = [0, 0, 10, 10]
        colur = "#000000"
     """, ["4: unknown key 'colur' in [area 1] (did you mean 'colour'?)", "2: [area 1] needs a colour"]),
    ("""
        description = "x"
        floor = "#ffffff"
     """, ["1: missing size: give size = [width, height] in mm (or a floor_image)"]),
    ("""
        size = "big"
     """, ["1: size: expected [width, height] in mm, got 'big'"]),
    ("""
        size = [100, 100]
        border = "yes"
     """, ["2: border: expected true or false, got 'yes'"]),
    ("""
        size = [100, 100]

        [[wall]]
        polygon = [[0, 0], [10, 0]]
     """, ["4: wall 1 polygon: needs at least 3 points, got 2"]),
    ("""
        size = [100, 100]
        floor = "white"
     """, ["2: floor: colour must be #rrggbb, got 'white'"]),
    ("""
        size = [100, 100]
        [[line]]
        points = [[0, 0], [50, 50]]
        width = 5
        colour = "#12345g"
     """, ["5: line 1 colour: colour must be #rrggbb, got '#12345g'"]),
    ("""
        floor_image = "missing.png"
     """, ["1: floor_image: 'missing.png' not found (looked in {dir})"]),
    ("""
        size = [100, 100]
        [start]
        x = 50
        y = 150
        heading = 90
     """, ["2: start (50, 150) is outside the world (0..100, 0..100)"]),
    ("""
        size = [100, 100]
        [[obstacle]]
        rectangle = [10, 10, 20, 20]

        [[obstacle]]
        rectangle = [30, 30, 40, 40]
        mass = 0
     """, ["7: obstacle 2 mass: must be at least 0.001 kg, got 0"]),
    ("""
        size = [100, 100]
        [start]
        x = "middle"
        y = 10
     """, ["3: start.x: expected a number, got 'middle'"]),
    ("""
        size = [100, 100]
        [[zone]]
        name = "goal"
        polygon = [
            [0, 0],
            [10, 0],
        ]
        [[zone]]
        name = "other"
        rectangle = [0, 0, 10]
     """, ["4: zone 1 polygon: needs at least 3 points, got 2",
           "10: zone 2 rectangle: expected [x0, y0, x1, y1] in mm, got [0, 0, 10]"]),
]


@pytest.mark.parametrize("text, expected", BAD, ids=[e[0].split(":")[1].strip() for _, e in BAD])
def test_bad_world_files_give_file_line_message(tmp_path, text, expected):
    path = write(tmp_path, text)
    assert problems(path) == [f"{path}:{e.format(dir=tmp_path)}" for e in expected]


def test_unreadable_image(tmp_path):
    (tmp_path / "floor.png").write_bytes(b"not an image at all")
    path = write(tmp_path, """
        description = "x"
        floor_image = "floor.png"
        mm_per_pixel = 2
    """)
    [problem] = problems(path)
    assert problem.startswith(f"{path}:2: floor_image: 'floor.png' cannot be read: ")


def test_world_error_is_one_message_not_a_traceback(tmp_path):
    path = write(tmp_path, 'size = [1, 2, 3]\nfloor = "red"\n')
    with pytest.raises(WorldError) as raised:
        load_world(path)
    assert str(raised.value) == "\n".join(raised.value.problems) and len(raised.value.problems) == 2


def test_key_lines_tables_arrays_and_multiline_values():
    lines = key_lines(textwrap.dedent("""
        size = [
          100,  # [ a comment with a bracket
          200]
        [start]
        x = 1
        [[line]]
        width = 3
        [[line]]   # second
        width = 4
        text = "a ] b"
        colour = "#000000"
    """))
    assert lines[("size",)] == 2 and lines[("start", "x")] == 6
    assert lines[("line", 0, "width")] == 8 and lines[("line", 1)] == 9
    assert lines[("line", 1, "width")] == 10 and lines[("line", 1, "colour")] == 12


def test_the_simulator_imports_nothing_of_robolab():
    code = ("import sys, simulator.world, simulator.world_file; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('robolab', 'PySide6')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True,
                            cwd=Path(__file__).parent.parent)
    assert result.returncode == 0, result.stdout + result.stderr
