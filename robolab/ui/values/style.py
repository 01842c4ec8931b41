"""The value editor's look: one stylesheet, scaled by the zoom so a projector shows it large."""

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from robolab.ui.theme import BASE_POINT_SIZE

PROBLEM_COLOUR = "#c62828"
HINT_COLOUR = "#6b7280"
ACCENT = "#2563eb"

# Swatches for RoboLab's colour ids (what a colour sensor reports), as a student recognises them.
SWATCHES = {
    "none": "#ffffff", "black": "#1f1f1f", "blue": "#1e63d6", "green": "#1f9d3a",
    "yellow": "#f5c518", "red": "#d62828", "white": "#f7f7f7", "brown": "#8b5a2b",
}


BASE_POINTS = BASE_POINT_SIZE  # the window's text size at zoom 1, so the panes match


def stylesheet(zoom: float, base_points: float = BASE_POINTS) -> str:
    """The rules for the editor and the builder. Font sizes are set here, not with setFont:
    a widget styled by a stylesheet does not take its parent's font."""
    def px(value: float) -> str:
        return f"{max(1, round(value * zoom))}px"

    def pt(scale: float = 1.0) -> str:
        return f"{base_points * zoom * scale:.1f}pt"

    hint = muted_colour()

    return f"""
    * {{ font-size: {pt()}; }}
    QLabel#title {{ font-size: {pt(1.1)}; }}
    QLabel#hint {{ color: {hint}; }}
    QLabel#problem {{ color: {PROBLEM_COLOUR}; }}
    QLabel#title {{ font-weight: 600; }}
    QLabel#empty {{ color: {hint}; }}
    QFrame#header {{ border-left: {px(4)} solid palette(mid); padding-left: {px(6)}; }}
    QLineEdit, QAbstractSpinBox, QComboBox {{ padding: {px(4)} {px(8)}; min-height: {px(20)}; }}
    QLineEdit[invalid="true"], QAbstractSpinBox[invalid="true"] {{
        border: {px(2)} solid {PROBLEM_COLOUR}; border-radius: {px(6)}; background: #fff5f5; }}
    QToolButton#build, QToolButton#add {{ padding: {px(3)} {px(8)}; border: {px(1)} solid palette(mid);
                          border-radius: {px(6)}; background: palette(button); font-style: italic; }}
    QToolButton#add {{ font-style: normal; }}
    QToolButton#build:hover, QToolButton#add:hover {{ border-color: {ACCENT}; }}
    QToolButton#build:focus, QToolButton#add:focus {{ border: {px(2)} solid {ACCENT}; background: #e8f0fe; }}
    QToolButton#build:disabled, QToolButton#add:disabled {{ color: {hint}; border-color: {hint}; }}
    QPushButton#piece {{ min-width: {px(34)}; min-height: {px(30)}; padding: {px(2)} {px(6)}; }}
    QPushButton#apply {{ background: {ACCENT}; color: white; border: none; border-radius: {px(4)};
                         padding: {px(6)} {px(16)}; font-weight: 600; }}
    QPushButton#apply:disabled {{ background: #9db5e8; }}
    QLabel#display {{ border: {px(1)} solid palette(mid); border-radius: {px(4)}; background: palette(base);
                      padding: {px(8)}; font-family: monospace;
                      font-size: {pt(1.4)}; }}
    """


def muted_colour() -> str:
    """The theme's colour for secondary text (darker in presentation mode), from the app palette."""
    app = QApplication.instance()
    if app is None:
        return HINT_COLOUR
    return app.palette().color(QPalette.ColorRole.PlaceholderText).name()
