"""The start-up crash of issue 14, made deterministic.

Qt keeps a maximised window's restored layout aside until the window manager's resize makes it fit
(QMainWindowLayout's restoredState), and restoreDockWidget frees a placeholder that copy still points
to. A panel docked in that gap crashed RoboLab in 1 of 3 launches on a loaded machine, once one launch
had saved its layout maximised. The child process does it at once; a crash is a signal, so the test
reads its exit status.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

CHILD = Path(__file__).with_name("restored_window_child.py")


def test_panels_docked_while_a_maximised_window_restores_its_layout_do_not_crash_it(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ROBOLAB_CACHE_DIR=str(tmp_path / "cache"))
    done = subprocess.run([sys.executable, "-X", "faulthandler", str(CHILD), str(tmp_path)], env=env,
                          capture_output=True, text=True, timeout=120, cwd=Path(__file__).parent.parent)
    assert done.returncode == 0, done.stderr[-3000:]
    where = json.loads(done.stdout.strip().splitlines()[-1])
    assert where["maximised"] and where["simulator"]
    assert where["Simulator"] == "RightDockWidgetArea"
    assert where["Challenge"] == "BottomDockWidgetArea"  # where the user had moved it
