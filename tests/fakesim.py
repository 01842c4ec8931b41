"""Small stand-ins for the simulation, speaking the docs/simulator.md device interface (get/set of
attribute strings, address, driver_name): motors whose position follows speed_sp, sensors whose
values a schedule changes. The lockstep runner and the virtual brick run on them without physics."""

DEFAULT_SENSORS = (  # port, driver, modes, value0, decimals: as tests/fakebrick sets them up
    ("1", "lego-ev3-touch", "TOUCH", 0, 0),
    ("2", "lego-ev3-gyro", "GYRO-ANG GYRO-RATE GYRO-FAS GYRO-G&A GYRO-CAL TILT-RATE TILT-ANG", 0, 0),
    ("3", "lego-ev3-color", "COL-REFLECT COL-AMBIENT COL-COLOR REF-RAW RGB-RAW COL-CAL", 0, 0),
    ("4", "lego-ev3-us", "US-DIST-CM US-DIST-IN US-LISTEN US-SI-CM US-SI-IN US-DC-CM US-DC-IN", 2550, 1),
)


class FakeMotor:
    def __init__(self, port, driver="lego-ev3-l-motor", max_speed=1050):
        self.address, self.driver_name = f"ev3-ports:out{port}", driver
        self.a = {"address": self.address, "driver_name": driver, "count_per_rot": "360",
                  "max_speed": str(max_speed), "speed_sp": "0", "time_sp": "0", "position_sp": "0",
                  "position": "0", "speed": "0", "state": "", "stop_action": "coast",
                  "commands": "run-forever run-to-abs-pos run-to-rel-pos run-timed run-direct stop reset",
                  "stop_actions": "coast brake hold", "polarity": "normal", "duty_cycle_sp": "0",
                  "ramp_up_sp": "0", "ramp_down_sp": "0", "command": ""}
        self.pos, self.vel, self.end, self.target, self.time = 0.0, 0.0, None, None, 0.0

    def get(self, name):
        return self.a[name]

    def set(self, name, value):
        if name not in self.a:
            raise KeyError(name)
        if name == "speed_sp" and abs(int(value)) > int(self.a["max_speed"]):
            raise ValueError(value)
        self.a[name] = value
        if name == "command":
            sp = int(self.a["speed_sp"])
            self.vel, self.end, self.target = sp, None, None
            if value == "run-forever":
                self.end = float("inf")
            elif value == "run-timed":
                self.end = self.time + int(self.a["time_sp"]) / 1000
            elif value in ("run-to-rel-pos", "run-to-abs-pos"):
                base = round(self.pos) if value == "run-to-rel-pos" else 0
                self.target = base + int(self.a["position_sp"])
                self.vel = abs(sp) if self.target >= self.pos else -abs(sp)
                self.end = float("inf") if sp else None
            else:
                self.vel = 0
            self._show()

    def step(self, dt):
        self.time += dt
        if self.end is not None:
            self.pos += self.vel * dt
            if self.target is not None and (self.pos - self.target) * (1 if self.vel > 0 else -1) >= 0:
                self.pos, self.end = self.target, None
            elif self.time >= self.end - 1e-9:
                self.end = None
        self._show()

    def _show(self):
        running = self.end is not None
        self.a["state"] = "running" if running else ""
        self.a["position"] = str(round(self.pos))
        self.a["speed"] = str(round(self.vel) if running else 0)


class FakeSensor:
    def __init__(self, port, driver, modes, value0=0, decimals=0):
        self.address, self.driver_name = f"ev3-ports:in{port}", driver
        self.a = {"address": self.address, "driver_name": driver, "modes": modes, "mode": modes.split()[0],
                  "num_values": "1", "decimals": str(decimals), "units": "", "value0": str(value0), "command": "",
                  "commands": "", "poll_ms": "0", "bin_data_format": "s16"}

    def get(self, name):
        return self.a[name]

    def set(self, name, value):
        if name == "mode" and value not in self.a["modes"].split():
            raise ValueError(value)
        self.a[name] = value


class FakeSim:
    """Simulation-shaped: step(), dt, time, motors, sensors; schedule [(t, port, attrs)]."""

    def __init__(self, schedule=(), sensors=None):
        """sensors: [(port, driver, modes, value0[, decimals])]; default a touch sensor on 1 and a
        colour sensor reading 42 on 3."""
        self.dt, self.time, self.events = 0.005, 0.0, []
        self.motors = {"A": FakeMotor("A", "lego-ev3-m-motor", 1560), "B": FakeMotor("B"), "C": FakeMotor("C")}
        if sensors is None:
            sensors = (("1", "lego-ev3-touch", "TOUCH", 0), ("3", "lego-ev3-color", "COL-REFLECT COL-AMBIENT COL-COLOR", 42))
        self.sensors = {spec[0]: FakeSensor(*spec) for spec in sensors}
        self.schedule = sorted(schedule, key=lambda e: e[0])

    def step(self):
        self.time = round(self.time + self.dt, 9)
        for m in self.motors.values():
            m.step(self.dt)
        while self.schedule and self.schedule[0][0] <= self.time + 1e-9:
            _, port, attrs = self.schedule.pop(0)
            self.sensors[port].a.update({k: str(v) for k, v in attrs.items()})
