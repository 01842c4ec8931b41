"""EV3 widgets and the window's EV3 place: the Connect dialog, EV3Link (EV3Mode as Qt signals), the
EV3 menu and the EV3 brick in "Run on" (its runs go through the window's run controller and output
pane). Imported on first use: the link loads rpyc, which start-up does not need."""

__all__ = ["ConnectDialog", "EV3Link", "EV3Actions"]


def __getattr__(name):
    if name == "ConnectDialog":
        from robolab.ui.ev3.connect_dialog import ConnectDialog
        return ConnectDialog
    if name == "EV3Link":
        from robolab.ui.ev3.link import EV3Link
        return EV3Link
    if name == "EV3Actions":
        from robolab.ui.ev3.actions import EV3Actions
        return EV3Actions
    raise AttributeError(name)
