"""Loaded by every Python the stand-in brick starts (the service, its warm interpreters, cold runs):
points the real python-ev3dev2 at the fake sysfs tree named by ROBOLAB_TEST_SYS_CLASS.

Real time, unlike tests/fakebrick/bootstrap.py: a program here runs until it ends or is stopped.
Plain files are not sysfs, so a write also truncates (sysfs replaces a value, a file keeps its tail).
"""
import os

_root = os.environ.get("ROBOLAB_TEST_SYS_CLASS")
if _root:
    os.environ["FAKE_SYS"] = "1"
    import ev3dev2
    import ev3dev2._platform.ev3 as _ev3
    import ev3dev2._platform.fake as _fake

    ev3dev2.Device.DEVICE_ROOT_PATH = _root
    for _name in ("LEDS", "LED_GROUPS", "LED_COLORS", "LED_DEFAULT_COLOR"):  # the fake platform has no LEDs
        setattr(_fake, _name, getattr(_ev3, _name))
    _real_set = ev3dev2.Device._set_attribute

    def _set_attribute(self, attribute, name, value):
        attribute = _real_set(self, attribute, name, value)
        attribute.truncate()
        return attribute

    ev3dev2.Device._set_attribute = _set_attribute
