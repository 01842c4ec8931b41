"""Chipmunk itself, under pymunk's Python layer, for the few calls the physics makes every step.

A pymunk property (body.angle, body.velocity) or Space.step is a Python function around one
chipmunk call; at 200 steps per simulated second (the step was 1/200 s then) that layer cost a
fifth of the run. These wrappers make the same chipmunk calls directly, with the same numbers in
and out, and fall back
to pymunk's own API when its internals are not the ones expected (another pymunk version).
"""

from functools import partial

try:
    from pymunk._chipmunk_cffi import lib
except ImportError:  # pragma: no cover - a pymunk without its cffi module: use the Python layer
    lib = None

# What Space.step does besides cpSpaceStep, and only when one of these holds something.
_SPACE_LATER = ("_add_later", "_remove_later", "_post_step_callbacks", "_bodies_to_check")


def _direct(body) -> bool:
    return lib is not None and hasattr(body, "_body")


class BodyState:
    """Read a body's angle, position and velocities, and set its velocities (both as pymunk would).
    position() and velocity() give a vector with .x and .y. direct=False: through pymunk's properties."""

    def __init__(self, body, direct=True):
        if not (direct and _direct(body)):
            self.angle = lambda: body.angle
            self.angular_velocity = lambda: body.angular_velocity
            self.position = lambda: body.position
            self.velocity = lambda: body.velocity

            def set_velocity(vx, vy, w):
                body.velocity = (vx, vy)
                body.angular_velocity = w
            self.set_velocity = set_velocity
            return
        ptr = body._body
        self.angle = partial(lib.cpBodyGetAngle, ptr)
        self.angular_velocity = partial(lib.cpBodyGetAngularVelocity, ptr)
        self.position = partial(lib.cpBodyGetPosition, ptr)      # chipmunk's cpVect: .x, .y
        self.velocity = partial(lib.cpBodyGetVelocity, ptr)
        set_velocity, set_angular = partial(lib.cpBodySetVelocity, ptr), partial(lib.cpBodySetAngularVelocity, ptr)
        self._body = body   # keeps the chipmunk body alive as long as these

        def set_both(vx, vy, w):
            set_velocity((vx, vy))
            set_angular(w)
        self.set_velocity = set_both


def space_stepper(space, direct=True):
    """A function stepping `space` by dt: cpSpaceStep, locked as pymunk locks it, when nothing
    waits to be added, removed or called after the step; else (or direct=False) pymunk's Space.step."""
    if not direct or lib is None or getattr(space, "threaded", False) or not all(
            hasattr(space, name) for name in (*_SPACE_LATER, "_space", "_locked")):
        return space.step
    ptr, cp_step, pymunk_step = space._space, lib.cpSpaceStep, space.step

    def step(dt):
        if space._add_later or space._remove_later or space._post_step_callbacks or space._bodies_to_check:
            pymunk_step(dt)
            return
        space._locked = True
        try:
            cp_step(ptr, dt)
        finally:
            space._locked = False
    return step
