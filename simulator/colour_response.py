"""What the EV3 colour sensor reports for the floor under it: its measured response curve.

The floor under the sensor is averaged first (sensors.py, world.floor_sample); this module turns
that average colour (0..255 RGB) into the sensor's readings, as a real EV3 colour sensor held
about 8 mm over a printed mat reads them (sources: docs/simulator.md, "The colour sensor"):

- reflected light (COL-REFLECT): the sensor lights the floor with its red LED and measures what
  comes back, so it sees the floor's red reflectance: about 5 % on black tape, 75 % on white
  paper, in a straight line between (red and yellow floors read bright, blue and green dark);
- ambient light (COL-AMBIENT): the LED is off and the sensor, looking down, sees the room's light
  as the floor reflects it (there are no lamps in a world): about 9 % over white paper, under 1 %
  over black tape, on the same curve;
- colour (COL-COLOR): the nearest of the EV3's seven reference colours to the average;
- raw colour (RGB-RAW): each channel on the same curve, scaled so white paper reads 300 counts of
  the driver's 0..1020 (python-ev3dev2's measured white, the default of its `rgb` scaling).

A robot file may give a colour sensor `response = "linear"` instead: the ideal sensor of RobotLab's
and nbev3devsim's simulators, which read the floor's luminance from 0 (black) to 100 (white)
(RGB-RAW: 4 x each channel). The RobotLab importer gives it to the robots it writes, so the
course's programs meet the thresholds they were written for (`while light_sensor > 90` on white).
"""

from __future__ import annotations

BLACK_PCT = 5.0     # reflected light on black tape
WHITE_PCT = 75.0    # reflected light on white paper
AMBIENT_PCT = 9.0   # ambient light over white paper in a lit room
RAW_FULL = 1020.0   # the driver's raw counts at 100 % (REF-RAW)
RAW_WHITE = 300.0   # RGB-RAW counts on white paper in a well-lit room, each channel
RESPONSES = ("ev3", "linear")


def response(channel: float, curve: str = "ev3") -> float:
    """The sensor's reading (%) for a floor that reflects `channel` (0..255) of its light."""
    fraction = max(0.0, min(255.0, channel)) / 255.0
    if curve == "linear":
        return 100.0 * fraction
    return BLACK_PCT + (WHITE_PCT - BLACK_PCT) * fraction


def reflected_pct(rgb, curve: str = "ev3") -> float:
    """COL-REFLECT for an average floor colour: the floor's red reflectance on the EV3's curve
    (the linear sensor's: its luminance)."""
    if curve == "linear":
        r, g, b = rgb
        return response(0.299 * r + 0.587 * g + 0.114 * b, curve)
    return response(rgb[0], curve)


def ambient_pct(rgb) -> float:
    """COL-AMBIENT: the room's light as the floor under the sensor reflects it: the floor's
    luminance on the reflectance curve, white paper reading AMBIENT_PCT."""
    r, g, b = rgb
    return AMBIENT_PCT * response(0.299 * r + 0.587 * g + 0.114 * b) / WHITE_PCT


def raw_rgb(rgb, curve: str = "ev3") -> tuple:
    """RGB-RAW counts (of 0..1020) for each channel of an average floor colour: white paper 300
    on the EV3's curve; 4 x each channel (0..1020) for the linear sensor."""
    if curve == "linear":
        return tuple(response(c, curve) * RAW_FULL / 100.0 for c in rgb)
    return tuple(response(c, curve) * RAW_WHITE / WHITE_PCT for c in rgb)
