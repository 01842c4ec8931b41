"""Which class simulates each kind of sensor, and optional sensors plugged in on demand.

A robot file's `[optional_sensors.PORT]` are sensors the robot does not carry but a student
could plug in: when a program looks for a sensor the robot lacks (ev3dev2's InfraredSensor()
on the driving base, whose port 4 holds the ultrasonic), the optional one of that kind takes its
port for the rest of the run, as a student swaps the sensor on the brick; the run's events say so.
"""

from __future__ import annotations

import random

from .infrared import DRIVER as IR_DRIVER
from .infrared import InfraredSensor
from .sensors import DRIVERS, Sensor

ALL_DRIVERS = {**DRIVERS, "infrared": IR_DRIVER}


def make_sensor(port: str, spec, sim, seed=0):
    """The simulated sensor of `spec.kind` on `port`, with its own seeded RNG."""
    cls = InfraredSensor if spec.kind == "infrared" else Sensor
    return cls(port, spec, sim, rng=random.Random(f"{seed}:sensor:{port}"))


def plug_optional_sensor(sim, drivers, address=None):
    """Plug the robot's optional sensor whose driver is one of `drivers` (on `address`'s port
    when one is asked for) into sim.sensors; (port, sensor, replaced kind or None), or None."""
    robot = getattr(sim, "robot", None)
    for port, spec in sorted(getattr(robot, "optional_sensors", {}).items()):
        if ALL_DRIVERS[spec.kind] not in drivers:
            continue
        if address and address != f"ev3-ports:in{port}":
            continue
        old = sim.sensors.get(port)
        sensor = make_sensor(port, spec, sim, getattr(sim, "seed", 0))
        sim.sensors[port] = sensor
        sim.events.append({"time": round(sim.time, 6), "type": "sensor",
                           "text": f"{spec.kind} sensor plugged into port {port}"
                                   + (f" instead of the {old.kind}" if old is not None else "")})
        return port, sensor, (old.kind if old is not None else None)
    return None
