"""EV3 widgets: the Connect dialog (the window wires them to robolab.ev3.mode.EV3Mode)."""

from robolab.ui.ev3.connect_dialog import ConnectDialog

__all__ = ["ConnectDialog"]
