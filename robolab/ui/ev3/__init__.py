"""EV3 widgets and the window's EV3 target: the Connect dialog and EV3Link (EV3Mode as Qt signals)."""

from robolab.ui.ev3.connect_dialog import ConnectDialog
from robolab.ui.ev3.link import EV3Link

__all__ = ["ConnectDialog", "EV3Link"]
