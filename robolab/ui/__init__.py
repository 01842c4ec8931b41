"""The desktop window (PySide6). Only this package imports Qt; it calls into model, language,
palette, simulator and ev3, and holds no logic a test without a display could not reach."""
