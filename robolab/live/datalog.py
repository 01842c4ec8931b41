"""The data log: values a program logs (`log NAME VALUE` lines) and sensor samples, per run,
against simulated time; several runs kept side by side to compare; written out as CSV.

Plain data: the window's plot draws a DataLog, the tests read it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

MAX_RUNS = 8


@dataclass
class RunLog:
    label: str
    logged: dict = field(default_factory=dict)    # name -> [(time, value)] from the program
    sampled: dict = field(default_factory=dict)   # sensor or motor -> [(time, value)]
    capacity: int | None = None                   # `clear data 100`: keep the last 100 values

    def add_event(self, event: dict) -> bool:
        """Take one program event; True when it changed the log."""
        if event.get("kind") != "log":
            return False
        if event.get("cleared"):
            self.logged.clear()
            self.capacity = event.get("size")
            return True
        value = event.get("value")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        series = self.logged.setdefault(str(event.get("name", "value")), [])
        series.append((float(event.get("time", 0.0)), float(value)))
        if self.capacity and len(series) > self.capacity:
            del series[0]
        return True

    def add_sample(self, time: float, values: dict) -> None:
        for name, value in values.items():
            self.sampled.setdefault(name, []).append((time, float(value)))

    def series(self, names=None) -> dict:
        """Logged series, then the named sampled ones."""
        chosen = dict(self.logged)
        for name in names or ():
            if name in self.sampled:
                chosen[name] = self.sampled[name]
        return chosen


class DataLog:
    """The runs so far, newest last (at most MAX_RUNS kept)."""

    def __init__(self):
        self.runs: list[RunLog] = []

    def new_run(self, label: str = "") -> RunLog:
        run = RunLog(label or f"run {len(self.runs) + 1}")
        self.runs.append(run)
        del self.runs[:-MAX_RUNS]
        return run

    @property
    def current(self) -> RunLog | None:
        return self.runs[-1] if self.runs else None

    def clear(self) -> None:
        self.runs.clear()

    def sensor_names(self) -> list[str]:
        names = []
        for run in self.runs:
            names += [n for n in run.sampled if n not in names]
        return names

    def to_csv(self, sensors=(), runs=None) -> str:
        """One row per moment, a column per series ("run 2: distance" when several runs)."""
        runs = self.runs if runs is None else runs
        prefix = len(runs) > 1
        columns, rows = [], {}
        for run in runs:
            for name, points in run.series(sensors).items():
                column = f"{run.label}: {name}" if prefix else name
                columns.append(column)
                for time, value in points:
                    rows.setdefault(round(time, 6), {})[column] = value
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["time (s)"] + columns)
        for time in sorted(rows):
            row = rows[time]
            writer.writerow([f"{time:g}"] + [_cell(row.get(column)) for column in columns])
        return out.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
