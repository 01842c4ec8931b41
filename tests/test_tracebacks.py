"""One reading of a failed run's traceback: `robolab run`, the window's run, marking and the brick place
the same failure at the same block of the student's program."""

from pathlib import Path

from robolab.ev3.program import BrickProgram
from robolab.language import parse_program
from robolab.live import LiveProgram, LiveRun
from robolab.run import run_file
from robolab.tracebacks import error_message, lines_in, origin_in
from robolab.worlds import read_world

# The failure is inside the runtime helper in_range (a runaway number): the block that called it is meant.
SOURCE = ("robolab 1 palette ev3 1.0\nvar name=x value=10\nrepeat times=3 {\n    beep\n}\n"
          "forever {\n    set name=x value=(x * x)\n}\n")


def test_robolab_run_the_window_and_the_brick_name_the_same_block(tmp_path, library):
    path = tmp_path / "square_it.rlab"
    path.write_text(SOURCE)
    _, problems = run_file(str(path), library)
    assert [(p.line, p.column) for p in problems] == [(7, 5)]
    assert "while running:" in problems[0].message

    program, pack = parse_program(SOURCE, library, str(path))
    run = LiveRun(LiveProgram.build(program, pack, "square_it"), *read_world("empty_arena"), speed=float("inf"))
    run.start()
    assert run.wait(30)
    message, block = run.error
    assert program.block_at(block).line == 7 and message == problems[0].message.split("while running: ")[1]

    # The same traceback as the brick would print it, from its own folder there.
    on_brick = run.result.stderr.replace(run.filename, "/home/robot/robolab/square_it.py")
    assert on_brick != run.result.stderr
    brick = BrickProgram.from_program(program, pack, str(path))
    problem = brick.problem_from_traceback(on_brick)
    assert (problem.line, problem.column) == (7, 5) and problem.message.endswith(message)


def test_a_bare_name_is_not_a_librarys_file_of_that_name():
    traceback = ('Traceback (most recent call last):\n'
                 '  File "/home/robot/robolab/motor.py", line 12, in <module>\n'
                 '  File "/usr/lib/python3/dist-packages/ev3dev2/motor.py", line 900, in on\n'
                 'ValueError: speed out of range\n')
    assert lines_in(traceback, "motor.py") == [12]
    assert lines_in(traceback, Path("/home/robot/robolab/motor.py")) == [12]
    assert origin_in(traceback, "motor.py", {12: (3,)}.get) == (3,)
    assert origin_in(traceback, "other.py", {12: (3,)}.get, line=12) == (3,)   # where the run stopped
    assert error_message(traceback) == "ValueError: speed out of range" and error_message("") == "the program failed"
