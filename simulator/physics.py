"""Simulation: a pymunk space with the world's walls and obstacles and the robot's chassis.

The chassis is a dynamic body dragged by a kinematic control body through a PivotJoint and a
GearJoint with limited force (max_bias 0, so they only match velocities): each step the control
body gets the velocity the two wheels ask for (forward only: no sideways slip), pymunk's contact
solver stops the chassis at walls (no sinking in) and lets it push movable obstacles as hard as
the joints' force allows. The wheel speeds fed back to the motors are the chassis's actual motion
projected onto each wheel, so a robot pushed against a wall stalls its motors.

Fixed step dt = 1/100 s. Deterministic: the same world, robot, seed and commands give the same
trajectory bit for bit (no wall clock, no set iteration, one seeded RNG per motor/sensor).
"""

from __future__ import annotations

import math
import random
from typing import NamedTuple

import pymunk

from . import chipmunk
from .motor import Motor
from .devices import make_sensor

DT = 1.0 / 100.0
GRAVITY = 9810.0  # mm/s^2, for floor friction of obstacles

# The drive: how hard the wheels can push (mm, kg, s units: 1 N = 1000 kg mm/s^2).
DRIVE_FORCE = 20_000.0  # ~20 N, two EV3 large motors through 56 mm wheels
DRIVE_TORQUE = 2_000_000.0  # kg mm^2/s^2 (~2 N m) about the axle's middle
OBSTACLE_FRICTION = 0.5  # obstacle-floor friction coefficient (Coulomb, via a limited pivot)
OBSTACLE_ROLL_TORQUE = 0.5  # rotational floor friction as a fraction of mu m g (per mm of size)
ROBOT_FLOOR_FRICTION = 0.8  # shape friction between bodies
US_RAYS = 7  # rays across the ultrasonic beam
TOUCH_REACH = 1.5  # mm: the bumper is pressed when something is this close

CAT_ROBOT = 0b0001
CAT_WALL = 0b0010
CAT_OBSTACLE = 0b0100
CAT_BORDER = 0b1000  # invisible table edge: blocks the robot, not seen by sensors
SENSED = pymunk.ShapeFilter(mask=CAT_WALL | CAT_OBSTACLE)
ROBOT_COLLISION_TYPE = 1


class Pose(NamedTuple):
    x: float
    y: float
    heading: float  # degrees, counter-clockwise from +x, in [-180, 180)


def _convex(poly) -> bool:
    n = len(poly)
    sign = 0
    for i in range(n):
        (x0, y0), (x1, y1), (x2, y2) = poly[i - 2], poly[i - 1], poly[i]
        cross = (x1 - x0) * (y2 - y1) - (y1 - y0) * (x2 - x1)
        if abs(cross) > 1e-9:
            s = 1 if cross > 0 else -1
            if sign and s != sign:
                return False
            sign = s
    return True


def _centroid(poly):
    a = cx = cy = 0.0
    n = len(poly)
    for i in range(n):
        x0, y0 = poly[i - 1]
        x1, y1 = poly[i]
        c = x0 * y1 - x1 * y0
        a += c
        cx += (x0 + x1) * c
        cy += (y0 + y1) * c
    if abs(a) < 1e-12:
        return (sum(p[0] for p in poly) / n, sum(p[1] for p in poly) / n)
    return (cx / (3 * a), cy / (3 * a))


class Simulation:
    dt = DT

    def __init__(self, world, robot, seed: int = 0):
        self.world = world
        self.robot = robot
        self.seed = seed
        self.time = 0.0
        self.step_count = 0
        self.distance_travelled = 0.0
        self.collisions = 0
        self.events: list = []
        self._mm_per_deg = math.pi * robot.wheel_diameter / 360.0
        self._half_track = robot.axle_track / 2.0

        space = self.space = pymunk.Space()
        space.gravity = (0.0, 0.0)
        space.iterations = 10
        self._shape_names: dict = {}

        # Walls: static polygons (concave ones as edge segments), wall-coloured floor rectangles.
        static = space.static_body
        for index, poly in enumerate(world.walls):
            self._add_static_poly(poly, CAT_WALL, f"wall {index + 1}")
        for x0, y0, x1, y1 in world.wall_rects:
            self._add_static_poly([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], CAT_WALL, "wall")
        # The table's edge: the robot cannot leave the world (sensors do not see it).
        # 1 mm outside the world, so a world's own border walls are what a robot meets.
        w, h, t, g = float(world.width), float(world.height), 50.0, 1.0
        for x0, y0, x1, y1 in ((-t, -t, -g, h + t), (w + g, -t, w + t, h + t), (-g, -t, w + g, -g), (-g, h + g, w + g, h + t)):
            self._add_static_poly([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], CAT_BORDER, "edge")

        # Obstacles.
        self.obstacle_bodies = []
        for index, obstacle in enumerate(world.obstacles):
            name = getattr(obstacle, "name", "") or f"obstacle {index + 1}"
            poly = [tuple(map(float, p)) for p in obstacle.polygon]
            if obstacle.mass is None:
                self._add_static_poly(poly, CAT_OBSTACLE, name)
                continue
            cx, cy = _centroid(poly)
            local = [(x - cx, y - cy) for x, y in poly]
            mass = float(obstacle.mass)
            body = pymunk.Body(mass, pymunk.moment_for_poly(mass, local))
            body.position = (cx, cy)
            shape = pymunk.Poly(body, local)
            shape.friction = ROBOT_FLOOR_FRICTION
            shape.filter = pymunk.ShapeFilter(categories=CAT_OBSTACLE)
            space.add(body, shape)
            self._shape_names[id(shape)] = name
            # Floor friction: joints to the static body that only resist motion, up to mu m g.
            size = math.sqrt(max(1.0, abs(pymunk.moment_for_poly(1.0, local))))
            pivot = pymunk.PivotJoint(static, body, (0, 0), (0, 0))
            pivot.max_bias = 0.0
            pivot.max_force = OBSTACLE_FRICTION * mass * GRAVITY
            gear = pymunk.GearJoint(static, body, 0.0, 1.0)
            gear.max_bias = 0.0
            gear.max_force = OBSTACLE_FRICTION * mass * GRAVITY * size * OBSTACLE_ROLL_TORQUE
            space.add(pivot, gear)
            self.obstacle_bodies.append((name, body))

        # The robot: dynamic chassis (origin at the axle's middle) dragged by a kinematic body.
        start = world.start
        chassis = self.chassis = pymunk.Body()
        chassis.position = (float(start.x), float(start.y))
        chassis.angle = math.radians(float(start.heading))
        shape = self.chassis_shape = pymunk.Poly(chassis, list(robot.chassis))
        shape.mass = robot.mass
        shape.friction = ROBOT_FLOOR_FRICTION
        shape.filter = pymunk.ShapeFilter(categories=CAT_ROBOT)
        control = self.control = pymunk.Body(body_type=pymunk.Body.KINEMATIC)
        control.position = chassis.position
        control.angle = chassis.angle
        pivot = pymunk.PivotJoint(control, chassis, (0, 0), (0, 0))
        pivot.max_bias = 0.0
        pivot.max_force = DRIVE_FORCE
        gear = pymunk.GearJoint(control, chassis, 0.0, 1.0)
        gear.max_bias = 0.0
        gear.max_force = DRIVE_TORQUE
        space.add(chassis, shape, control, pivot, gear)
        self._cog = tuple(chassis.center_of_gravity)
        self._drive = (0.0, 0.0, 0.0)
        shape.collision_type = ROBOT_COLLISION_TYPE
        space.on_collision(ROBOT_COLLISION_TYPE, None, begin=self._contact_began)

        # Motors and sensors, in port order, each with its own seeded RNG.
        self.motors: dict = {}
        wheels = {"left": None, "right": None}
        for port in sorted(robot.motors):
            spec = robot.motors[port]
            motor = Motor(
                port,
                spec.kind,
                has_wheel=spec.wheel is not None,
                bias=spec.bias,
                noise=spec.noise,
                rng=random.Random(f"{seed}:motor:{port}"),
            )
            self.motors[port] = motor
            if spec.wheel is not None:
                wheels[spec.wheel] = motor
        self._left, self._right = wheels["left"], wheels["right"]
        self._free_motors = [m for m in self.motors.values() if not m.has_wheel]
        self._actual_left = self._actual_right = 0.0  # the wheels' deg/s over the last step
        self.sensors: dict = {}
        for port in sorted(robot.sensors):
            self.sensors[port] = make_sensor(port, robot.sensors[port], self, seed)
        self._chassis_body = chipmunk.BodyState(chassis)
        self._control_body = chipmunk.BodyState(control)
        self._space_step = chipmunk.space_stepper(space)

    def _add_static_poly(self, poly, category, name):
        poly = [tuple(map(float, p)) for p in poly]
        body = self.space.static_body
        if len(poly) >= 3 and _convex(poly):
            shapes = [pymunk.Poly(body, poly)]
        else:
            shapes = [pymunk.Segment(body, poly[i - 1], poly[i], 1.0) for i in range(len(poly))]
        for shape in shapes:
            shape.friction = ROBOT_FLOOR_FRICTION
            shape.filter = pymunk.ShapeFilter(categories=category)
            self._shape_names[id(shape)] = name
        self.space.add(*shapes)

    # ----- state -------------------------------------------------------------------------
    @property
    def pose(self) -> Pose:
        x, y = self.chassis.position
        heading = (math.degrees(self.chassis.angle) + 180.0) % 360.0 - 180.0
        return Pose(x, y, heading)

    @property
    def heading_unwrapped(self) -> float:
        """The heading in degrees, counting whole turns (what a gyro integrates)."""
        return math.degrees(self.chassis.angle)

    @property
    def angular_velocity_deg(self) -> float:
        return math.degrees(self.chassis.angular_velocity)

    def obstacle_positions(self) -> list:
        """[(name, x, y, angle_deg)] of the movable obstacles."""
        return [(n, b.position.x, b.position.y, math.degrees(b.angle)) for n, b in self.obstacle_bodies]

    def to_world(self, x: float, y: float):
        """A point in the robot frame -> world coordinates."""
        body = self._chassis_body
        angle = body.angle()
        c, s = math.cos(angle), math.sin(angle)
        p = body.position()
        return (p.x + c * x - s * y, p.y + s * x + c * y)

    def sensor_position(self, spec):
        return self.to_world(spec.x, spec.y)

    # ----- one step ----------------------------------------------------------------------
    def step(self) -> None:
        dt = self.dt
        # 1. Motors: integrate encoders from the last step's wheel motion, get wanted speeds.
        left, right = self._left, self._right
        v_left = left.update(dt, self._actual_left) if left is not None else 0.0
        v_right = right.update(dt, self._actual_right) if right is not None else 0.0
        for motor in self._free_motors:
            motor.update(dt, None)
        # 2. Wheels -> the control body's velocity (forward only, no sideways slip).
        mm = self._mm_per_deg
        v = 0.5 * (v_left + v_right) * mm
        omega = (v_right - v_left) * mm / (2.0 * self._half_track)
        chassis = self._chassis_body
        angle = chassis.angle()
        c, s = math.cos(angle), math.sin(angle)
        drive = (v * c, v * s, omega)
        if drive != self._drive:  # setting costs as much as getting: set only changes
            self._drive = drive
            self._control_body.set_velocity(drive[0], drive[1], omega)
        # 3. Physics (new contacts reach _contact_began).
        self._space_step(dt)
        self.step_count += 1
        self.time = self.step_count * dt
        # 4. What the wheels actually did: the axle's motion projected onto each wheel.
        angle = chassis.angle()
        c, s = math.cos(angle), math.sin(angle)
        velocity = chassis.velocity()
        vx, vy = velocity.x, velocity.y
        w = chassis.angular_velocity()
        gx, gy = self._cog
        rx, ry = -(c * gx - s * gy), -(s * gx + c * gy)  # from the centre of gravity to the axle
        forward = (vx - w * ry) * c + (vy + w * rx) * s
        self._actual_left = (forward - w * self._half_track) / mm
        self._actual_right = (forward + w * self._half_track) / mm
        self.distance_travelled += abs(forward) * dt

    def _contact_began(self, arbiter, space, data):
        """pymunk: the chassis has begun touching a shape (a collision, counted once per contact)."""
        a, b = arbiter.shapes
        other = b if a is self.chassis_shape else a
        self.collisions += 1
        self.events.append({"time": round((self.step_count + 1) * self.dt, 6), "type": "collision",
                            "with": self._shape_names.get(id(other), "?")})

    def run(self, seconds: float) -> None:
        for _ in range(round(seconds / self.dt)):
            self.step()

    # ----- sensor queries ----------------------------------------------------------------
    def ultrasonic_distance(self, spec) -> float:
        """Distance (mm) from the sensor to the nearest wall/obstacle in its beam; 2550 if none."""
        from .sensors import US_MAX_MM

        ox, oy = self.sensor_position(spec)
        base = self.chassis.angle + math.radians(spec.heading)
        half = math.radians(spec.beam)
        best = US_MAX_MM
        space = self.space
        n = US_RAYS if half > 0 else 1
        for i in range(n):
            a = base if n == 1 else base - half + 2.0 * half * i / (n - 1)
            end = (ox + US_MAX_MM * math.cos(a), oy + US_MAX_MM * math.sin(a))
            hit = space.segment_query_first((ox, oy), end, 0.0, SENSED)
            if hit is not None:
                d = hit.alpha * US_MAX_MM
                best = min(best, d)
        return best

    def bumper_pressed(self, spec) -> bool:
        """True when a wall or obstacle is within TOUCH_REACH of the bumper's front edge."""
        half = spec.width / 2.0
        space = self.space
        ends = [self.to_world(spec.x, spec.y + dy) for dy in (-half, half)]
        for point in (*ends, self.to_world(spec.x, spec.y)):
            if space.point_query_nearest(point, TOUCH_REACH, SENSED) is not None:
                return True
        # Along the whole front edge too: a box's corner can press a wide bumper between its ends.
        return half > 0 and space.segment_query_first(ends[0], ends[1], TOUCH_REACH, SENSED) is not None
