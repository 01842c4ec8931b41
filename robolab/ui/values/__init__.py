"""The value editor (RobotLab's values pane) and the expression builder, docked by the main window."""

from robolab.ui.values.builder import BuilderDialog
from robolab.ui.values.editor import ValueEditor

__all__ = ["BuilderDialog", "ValueEditor"]
