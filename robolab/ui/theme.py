"""Colours, fonts and the application style: one place, so presentation mode can swap them."""

from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication


@dataclass(frozen=True)
class Theme:
    name: str
    window: str
    surface: str
    text: str
    muted: str
    accent: str
    border: str
    error: str
    tint: float  # how much of the category colour a line's background takes
    bold_values: bool = False


LIGHT = Theme("light", "#eef1f5", "#ffffff", "#1f2733", "#6b7785", "#2f6fed", "#d5dbe3", "#d93025", 0.16)
# Presentation mode: for a projector at the back of a room.
CONTRAST = Theme("contrast", "#ffffff", "#ffffff", "#000000", "#333333", "#0040c0", "#000000", "#c00000", 0.30,
                 bold_values=True)

BASE_POINT_SIZE = 10.5
PRESENTATION_ZOOM = 1.6
ZOOM_STEPS = (0.7, 0.8, 0.9, 1.0, 1.15, 1.3, 1.5, 1.75, 2.0, 2.5, 3.0)


def mix(colour: str, background: str, amount: float) -> QColor:
    """`amount` of `colour` over `background`, as an opaque colour."""
    a, b = QColor(colour), QColor(background)
    return QColor(round(a.red() * amount + b.red() * (1 - amount)),
                  round(a.green() * amount + b.green() * (1 - amount)),
                  round(a.blue() * amount + b.blue() * (1 - amount)))


def ui_font(zoom: float = 1.0, bold: bool = False) -> QFont:
    font = QFont(QApplication.font())
    font.setPointSizeF(BASE_POINT_SIZE * zoom)
    font.setBold(bold)
    return font


def code_font(zoom: float = 1.0) -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(BASE_POINT_SIZE * zoom)
    return font


def apply_style(app: QApplication, theme: Theme) -> None:
    app.setStyle("Fusion")
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Window, QColor(theme.window))
    palette.setColor(QPalette.ColorRole.Base, QColor(theme.surface))
    palette.setColor(QPalette.ColorRole.AlternateBase, mix(theme.window, theme.surface, 0.5))
    palette.setColor(QPalette.ColorRole.Text, QColor(theme.text))
    palette.setColor(QPalette.ColorRole.WindowText, QColor(theme.text))
    palette.setColor(QPalette.ColorRole.ButtonText, QColor(theme.text))
    palette.setColor(QPalette.ColorRole.Button, QColor(theme.surface))
    palette.setColor(QPalette.ColorRole.Highlight, QColor(theme.accent))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor(theme.muted))
    palette.setColor(QPalette.ColorRole.ToolTipBase, QColor("#fffef5"))
    palette.setColor(QPalette.ColorRole.ToolTipText, QColor("#1f2733"))
    app.setPalette(palette)
    app.setStyleSheet(f"""
        QMainWindow::separator {{ background: {theme.window}; width: 6px; height: 6px; }}
        QDockWidget {{ font-weight: 600; color: {theme.text}; }}
        QDockWidget::title {{ background: {theme.window}; padding: 6px 10px; text-align: left; }}
        QTreeView, QListView, QPlainTextEdit {{ border: 1px solid {theme.border}; border-radius: 8px;
            background: {theme.surface}; }}
        QLineEdit, QComboBox {{ border: 1px solid {theme.border}; border-radius: 6px; padding: 4px 8px;
            background: {theme.surface}; selection-background-color: {theme.accent}; selection-color: #ffffff; }}
        QLineEdit:focus, QComboBox:focus {{ border: 1px solid {theme.accent}; }}
        QListView {{ selection-background-color: {theme.accent}; selection-color: #ffffff; }}
        QToolButton:focus, QPushButton:focus, QCheckBox:focus {{ outline: 2px solid {theme.accent}; }}
        QToolButton:focus {{ border: 2px solid {theme.accent}; }}
        QTabWidget::pane {{ border: none; }}
        QTabBar::tab {{ padding: 6px 16px; margin-right: 2px; border: none; color: {theme.muted};
            border-bottom: 2px solid transparent; }}
        QTabBar::tab:selected {{ color: {theme.text}; border-bottom: 2px solid {theme.accent}; }}
        QToolBar {{ border: none; spacing: 4px; padding: 4px 6px; background: {theme.window}; }}
        QToolButton {{ padding: 4px 8px; border-radius: 6px; }}
        QToolButton:hover {{ background: {mix(theme.accent, theme.window, 0.12).name()}; }}
        QStatusBar {{ color: {theme.muted}; }}
        QStatusBar QLabel#refusal {{ color: {theme.error}; font-weight: 600; }}
    """)
