"""The main window: palette, canvas, value editor, Python view and Problems, wired to one document.

Other panels (the simulator) dock in with `add_panel`. Every edit goes through `push`, which puts
one undo command on the stack; views refresh from the document's events.
"""

from PySide6.QtCore import QByteArray, QRect, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QUndoStack
from PySide6.QtWidgets import (QApplication, QComboBox, QDockWidget, QLabel, QMainWindow, QMessageBox, QTabWidget,
                               QToolButton, QVBoxLayout, QWidget)

from robolab.document import Document, Reset
from robolab.language.advice import plural
from robolab.model import edits
from robolab.model.edits import Change, EditError
from robolab.palette import PackLibrary
from robolab.ui import theme as th
from robolab.ui.autosave import Autosave
from robolab.ui.canvas import ProgramCanvas
from robolab.ui.challenge_menu import ChallengeActions
from robolab.ui.sim.python_run import PythonRunActions
from robolab.ui.ev3.actions import EV3Actions
from robolab.ui.file_actions import FileActions
from robolab.ui.find_bar import FindBar
from robolab.ui.line_marker import mark_line
from robolab.ui.palette_view import PaletteView
from robolab.targets import PAUSE, SPEED, STEP, TRACE
from robolab.ui.problems_view import ProblemsView
from robolab.ui.python_view import PythonView
from robolab.ui.run_controller import RunController
from robolab.ui.run_output import RunOutput
from robolab.ui.snapshots import SnapshotKeeper
from robolab.ui.undo import UndoHistory
from robolab.ui.values import ValueEditor

AREAS = {"left": Qt.DockWidgetArea.LeftDockWidgetArea, "right": Qt.DockWidgetArea.RightDockWidgetArea,
         "bottom": Qt.DockWidgetArea.BottomDockWidgetArea, "top": Qt.DockWidgetArea.TopDockWidgetArea}
LOAD_SIMULATOR_MS = 300  # the simulator panel fills its dock once the window is on screen (it loads pymunk)
REFRESH_MS = 250  # problems and Python follow the program this long after the last edit


class MainWindow(QMainWindow):
    def __init__(self, library: PackLibrary | None = None, settings: QSettings | None = None,
                 autosave: Autosave | None = None):
        super().__init__()
        self.setObjectName("main_window")
        self.library = library or PackLibrary()
        self.settings = settings or QSettings("RoboLab", "RoboLab")
        from robolab.ui.pack_manager import restore_places
        restore_places(self.library, self.settings)  # course packs added in the pack manager
        self.document = Document.new(self.library)
        self.undo_stack = QUndoStack(self)
        self.document.history = UndoHistory(self.undo_stack, self.document.apply)  # where dirty comes from
        self.snapshots = SnapshotKeeper(self.document, self)
        self.zoom, self.presentation = 1.0, False
        self._guide = None  # the Getting started window, once opened
        self.panels: dict[str, QDockWidget] = {}
        self._areas: dict[str, Qt.DockWidgetArea] = {}  # where each panel docks by default
        self._restored = False  # whether a saved layout was put back (panels docked later follow it)

        self.canvas = ProgramCanvas(self.document)
        self.python_view = PythonView()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.find_bar = FindBar(self.canvas)
        self.program_page = QWidget()
        page = QVBoxLayout(self.program_page)
        page.setContentsMargins(0, 0, 0, 0)
        page.setSpacing(0)
        page.addWidget(self.find_bar)
        page.addWidget(self.canvas, 1)
        self.tabs.addTab(self.program_page, "Program")
        self.tabs.addTab(self.python_view, "Python")
        self.setCentralWidget(self.tabs)
        self.palette_view = PaletteView(self.document.pack)
        self.values = ValueEditor()
        self.problems_view = ProblemsView()
        for widget, name in ((self.canvas, "Program"), (self.python_view, "Python code"),
                             (self.palette_view.tree, "Commands"), (self.palette_view.search, "Search commands"),
                             (self.palette_view.level, "Level"), (self.problems_view, "Problems")):
            widget.setAccessibleName(name)  # for screen readers
        self.add_panel("Commands", self.palette_view, "left")
        self.add_panel("Values", self.values, "left")
        self.add_panel("Problems", self.problems_view, "bottom")
        # The simulator's dock exists from the start, so a saved layout always finds it; the panel
        # itself (which loads the simulator) goes into it after the first frame. Docked late into a
        # window restored maximised, it crashed at start (issue 14; see _put_back).
        waiting = QLabel("Loading the simulator…")
        waiting.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.add_panel("Simulator", waiting, "right")
        self.refusal = QLabel()
        self.refusal.setObjectName("refusal")
        self.statusBar().addWidget(self.refusal, 1)
        self.summary = QLabel()
        self.statusBar().addPermanentWidget(self.summary)

        self._refresh = QTimer(self, singleShot=True, interval=REFRESH_MS, timeout=self.refresh_analysis)
        self._clear_refusal = QTimer(self, singleShot=True, interval=8000, timeout=lambda: self.refusal.clear())
        self.files = FileActions(self, autosave or Autosave())
        from robolab.ui.inline_values import InlineValues
        self.inline_values = InlineValues(self.canvas, self.set_value, self.show_refusal)  # click a value to edit it
        self._connect()
        self._menus()
        self._run_controls()
        self.ev3 = EV3Actions(self)  # the EV3 menu and the brick link: the EV3 brick place of "Run on"
        self._choose_saved_target()
        self.challenges = ChallengeActions(self)  # the Challenges menu and the challenge panel
        self.python_runs = PythonRunActions(self)  # Simulator → Run a Python program… (ui/sim/python_run.py)
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self._fit_screen()
        self._default_sizes()
        self._default_state = self.saveState()
        self._restore_settings()
        self._show_values()
        self._update_title()
        # After the first frame: checking and compiling load the parser, which the first frame does not need.
        QTimer.singleShot(0, self.refresh_analysis)
        QTimer.singleShot(LOAD_SIMULATOR_MS, self.dock_simulator)

    # --- panels -------------------------------------------------------------------------------

    simulator = None

    def dock_simulator(self) -> None:
        """The simulator panel into its dock (made at start), after the first frame: it loads the simulator."""
        if self.simulator is not None:
            return
        from robolab.ui.sim import SimulatorPanel

        self.simulator = SimulatorPanel(runs=self.runs)
        dock = self.panels["Simulator"]
        waiting = dock.widget()
        dock.setWidget(self.simulator)  # a widget swap: nothing is docked or restored here
        waiting.deleteLater()
        if self.zoom != 1.0 or self.presentation:
            self.simulator.set_zoom(self.shown_zoom())
        self._wire_panel(self.simulator)
        self.simulator.presenter = self.set_presentation  # its Present button is the window's presentation mode
        self.simulator.bar.present.setChecked(self.presentation)

    def _docked_simulator(self):
        """The simulator panel, docked now if it was not yet (Run on the simulator before it loaded)."""
        self.dock_simulator()
        return self.simulator

    # --- running --------------------------------------------------------------------------------

    def _run_controls(self) -> None:
        """One run controller for every target (robolab.ui.run_controller): its Run menu, the run
        toolbar with "Run on", and the one output pane, a tab beside Problems."""
        self._saved_target = str(self.settings.value("ev3/target", "simulator"))   # before choosing writes it
        self.run_output = RunOutput()
        dock = self.add_panel("Output", self.run_output, "bottom")
        self.tabifyDockWidget(self.panels["Problems"], dock)
        self.panels["Problems"].raise_()
        self.runs = runs = RunController(lambda: self.document.snapshot(), self.run_output, self)
        self.run_output.title_changed.connect(dock.setWindowTitle)
        self.run_output.wanted.connect(self._show_output)
        runs.running_block.connect(self.canvas.set_running)
        runs.running_line.connect(self._mark_python_line)
        runs.error_block.connect(self.show_run_error)
        runs.said.connect(lambda text: self.statusBar().showMessage(text, 15000))
        runs.session_started.connect(lambda key, session: self._show_output())
        runs.target_changed.connect(self._target_chosen)
        self.document.subscribe(lambda event: isinstance(event, Reset) and runs.program_opened())
        self.addActions(list(runs.actions.values()))   # F5, F6, F10, Shift+F5 wherever the focus is
        menu = self.menuBar().addMenu("&Run")
        help_menu = next((a for a in self.menuBar().actions() if a.text() == "&Help"), None)
        if help_menu is not None:
            self.menuBar().insertMenu(help_menu, menu)  # Help stays last
        menu.addActions(list(runs.actions.values()))
        menu.addSection("Run on")
        self.run_menu = menu
        self._run_on_menu_end = menu.addSeparator()
        toolbar = self.addToolBar("Run")
        toolbar.setObjectName("toolbar_run")
        toolbar.addWidget(QLabel(" Run on: "))
        self.target_box = QComboBox()
        self.target_box.setAccessibleName("Run on")
        self.target_box.activated.connect(lambda i: runs.choose(self.target_box.itemData(i)))
        toolbar.addWidget(self.target_box)
        for name in ("run", "stop"):
            button = QToolButton()
            button.setDefaultAction(runs.actions[name])
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            toolbar.addWidget(button)
        self.run_state = QLabel()   # "running on the EV3 brick ev3-1": the run's state, in the targets' words
        self.run_state.setObjectName("run_state")
        self.run_state.setContentsMargins(6, 0, 6, 0)
        toolbar.addWidget(self.run_state)
        runs.state_changed.connect(self._show_run_state)
        self.run_toolbar = toolbar
        simulator = self._docked_simulator
        runs.add_target("simulator", "Simulator", lambda: simulator()._target(),
                        lambda paused: simulator().run_options(paused),
                        capabilities=(PAUSE, STEP, SPEED, TRACE), program=lambda: simulator()._program())
        self.add_run_target("simulator")

    def add_run_target(self, key: str) -> None:
        """A place the controller knows, listed in the Run menu and the "Run on" box."""
        runs = self.runs
        self.run_menu.insertAction(self._run_on_menu_end, runs.target_actions[key])
        self.target_box.addItem(runs.places[key].title, key)
        self.target_box.setCurrentIndex(max(0, self.target_box.findData(runs.chosen)))

    def _choose_saved_target(self) -> None:
        saved = self._saved_target
        self.runs.choose(saved if saved in self.runs.places else "simulator")

    def _target_chosen(self, key: str) -> None:
        """Run on changed: the box says it, it is remembered, and the place's panel comes to the front."""
        self.target_box.setCurrentIndex(max(0, self.target_box.findData(key)))
        self.settings.setValue("ev3/target", key)
        dock = self.panels.get("Simulator" if key == "simulator" else "Output")
        if dock is not None:
            dock.show()
            dock.raise_()

    def _show_run_state(self, state: str) -> None:
        self.run_state.setText(self.runs.state_words() if self.runs.session is not None else "")
        self.target_box.setEnabled(state not in ("starting", "running", "paused"))

    def _show_output(self) -> None:
        dock = self.panels["Output"]
        if not self.presentation:
            dock.show()
            dock.raise_()

    def _mark_python_line(self, line: int) -> None:
        mark_line(self.python_view, line)

    def add_panel(self, name: str, widget: QWidget, area: str = "right") -> QDockWidget:
        """Dock a panel; its layout is saved with the others. A widget with set_zoom(factor) follows
        the window's zoom. Best before the window restores its layout (in __init__): a panel docked
        later is put back where the saved layout had it."""
        dock = QDockWidget(name, self)
        dock.setObjectName(f"panel_{name.lower().replace(' ', '_')}")
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable |
                         QDockWidget.DockWidgetFeature.DockWidgetFloatable |
                         QDockWidget.DockWidgetFeature.DockWidgetClosable)
        # Docked after the saved layout was put back: put this one back where the user had it.
        if not (self._restored and self._put_back(dock)):
            self.addDockWidget(AREAS[area], dock)
        self.panels[name] = dock
        self._areas[name] = AREAS[area]
        if hasattr(self, "_view_menu"):
            self._view_menu.insertAction(self._panels_end, dock.toggleViewAction())
        if hasattr(widget, "set_zoom") and self.shown_zoom() != 1.0:
            widget.set_zoom(self.shown_zoom())
        self._wire_panel(widget)
        return dock

    def _put_back(self, dock: QDockWidget) -> bool:
        """Dock a late panel where the saved layout had it; False when the layout does not name it.

        A window restored maximised keeps Qt's restored layout aside until the window manager's resize
        fits it, and restoreDockWidget frees the panel's place in the layout while that copy still
        points to it: the next resize crashed (issue 14). splitDockWidget makes Qt settle the restored
        layout first, so a stand-in dock is split in beside a panel and taken out again before the
        panel goes back to its place."""
        anchor = next(iter(self.panels.values()), None)
        if anchor is not None:
            stand_in = QDockWidget(self)
            stand_in.setObjectName("settling_restored_layout")
            self.splitDockWidget(anchor, stand_in, Qt.Orientation.Vertical)
            self.removeDockWidget(stand_in)
            stand_in.deleteLater()
        return self.restoreDockWidget(dock)

    def _wire_panel(self, widget: QWidget) -> None:
        """What a panel offers, connected: set_document(document) is called now and whenever another
        program opens; running_block(path) outlines the running line; error_block(path, message)
        selects the line and says what went wrong."""
        if hasattr(widget, "set_document"):
            widget.set_document(self.document)
            self.document.subscribe(lambda event: isinstance(event, Reset) and widget.set_document(self.document))
        if hasattr(widget, "running_block"):
            widget.running_block.connect(self.canvas.set_running)
        if hasattr(widget, "error_block"):
            widget.error_block.connect(self.show_run_error)

    def show_run_error(self, path, message: str) -> None:
        self.statusBar().showMessage(f"The program stopped with an error: {message}", 15000)
        if path is not None:
            try:
                self._select_line(tuple(path))
            except (IndexError, AttributeError, StopIteration, TypeError):
                pass

    def _fit_screen(self) -> None:
        """1280x800, or the screen's free space when it is smaller (a 1024x768 projector)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        free = screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 800)
        frame = 40  # the window manager's title bar and borders
        self.resize(min(1280, free.width()), min(800, free.height() - frame))
        if free.width() <= 1280 or free.height() - frame <= 800:
            self.move(free.topLeft())

    def _default_sizes(self) -> None:
        """Side panes in proportion to the window, so the program (in the middle) has the most room."""
        palette, values, problems = (self.panels[n] for n in ("Commands", "Values", "Problems"))
        width, height = self.width(), self.height()
        side = max(220, min(340, round(width * 0.22)))
        world = max(360, min(560, round(width * 0.32)))
        self.resizeDocks([palette, self.panels["Simulator"]], [side, world], Qt.Orientation.Horizontal)
        self.resizeDocks([palette, values], [round(height * 0.55), round(height * 0.3)], Qt.Orientation.Vertical)
        self.resizeDocks([problems], [max(80, round(height * 0.15))], Qt.Orientation.Vertical)  # five lines of Output

    _sized = False

    def showEvent(self, event) -> None:
        """The first time the window shows at its real size, the default layout is fitted to it."""
        super().showEvent(event)
        if not self._sized and not self._restored:
            self._sized = True
            QTimer.singleShot(0, self._default_sizes)

    # --- wiring ---------------------------------------------------------------------------------

    def _connect(self) -> None:
        self.document.subscribe(self._on_document)
        self.canvas.edit_requested.connect(self.push)
        self.canvas.refused.connect(self.show_refusal)
        self.canvas.zoom_requested.connect(self.step_zoom)
        self.canvas.file_dropped.connect(self.files.open_file)
        self.canvas.typed.connect(self._type_to_find)
        self.palette_view.finished.connect(lambda: self._go(self.canvas))
        self.canvas.paths_selected.connect(lambda paths: self._show_values())
        self.canvas.values_requested.connect(self._focus_values)
        self.palette_view.insert_requested.connect(self.insert_command)
        self.palette_view.level_changed.connect(
            lambda name: self.settings.setValue(f"level/{self.document.pack.id}", name))
        self.problems_view.line_chosen.connect(self._select_line)
        self.values.value_changed.connect(self.set_value)
        self.values.leave_requested.connect(lambda: self._go(self.canvas))  # Esc: back to the program
        self.undo_stack.cleanChanged.connect(self._clean_changed)
        self.snapshots.ready.connect(self._show_snapshot)

    def push(self, change: Change, text: str) -> None:
        self.document.edit(change, text)

    def request(self, plan, text: str) -> bool:
        return self.canvas.request(plan, text)

    def show_refusal(self, reason: str) -> None:
        self.refusal.setText(f"Can't do that: {reason}" if reason else "")
        if reason:
            self._clear_refusal.start()

    def insert_command(self, command_id: str) -> None:
        target = self.canvas.insertion_point()
        self.request(lambda program, pack: edits.insert(program, pack, target,
                                                        [self.document.new_block(command_id)]), "Insert")

    def set_value(self, name: str, value) -> None:
        paths = self.canvas.selected_paths()
        if len(paths) != 1:
            return
        self.request(lambda program, pack: edits.set_value(program, pack, paths[0], name, value), "Change value")

    def _show_values(self) -> None:
        paths = self.canvas.selected_paths()
        path = paths[0] if len(paths) == 1 else None
        self.values.show_block(self.document.program, path, self.document.pack,
                               self.document.scope_at(path) if path else None)

    def _focus_values(self) -> None:
        self.panels["Values"].show()
        self.values.focus_first()

    def _select_line(self, path: tuple) -> None:
        self.tabs.setCurrentWidget(self.program_page)
        self.canvas.select_paths([path])
        self.canvas.setFocus()

    def _on_document(self, event) -> None:
        if isinstance(event, Reset):
            self.snapshots.settle()
            if self.palette_view.pack is not self.document.pack:
                level = self.settings.value(f"level/{self.document.pack.id}", "")
                self.palette_view.set_pack(self.document.pack, str(level or ""))
            self.refresh_analysis()
            self._show_values()
        else:
            self._refresh.start()  # the canvas selects what changed, which shows its values
        self._update_title()

    def refresh_analysis(self) -> None:
        """Problems, line marks and the Python view, for the program as it is now (a big program's
        are computed off this thread, and shown when they arrive)."""
        self._refresh.stop()
        self.snapshots.refresh()

    def _show_snapshot(self, snapshot) -> None:
        problems = sorted(snapshot.problems + snapshot.advice, key=lambda found: found[0].line)
        self.problems_view.set_problems(problems, empty=not self.document.program.blocks)
        self.canvas.set_problems({path: p.message for p, path in problems if path})
        self.summary.setText(f"{self.document.pack.title}  ·  {plural(snapshot.blocks, 'line')}  ·  "
                             f"{plural(len(problems), 'problem')}")
        self.panels["Problems"].setWindowTitle(f"Problems ({len(problems)})" if problems else "Problems")
        self.python_view.show_source(snapshot.python)

    def _clean_changed(self, _clean: bool) -> None:  # a method, so Qt disconnects it when the window goes
        self._update_title()

    def _update_title(self) -> None:
        self.setWindowModified(self.document.dirty)
        self.setWindowTitle(f"{self.document.title}[*] — RoboLab")

    # --- edit commands --------------------------------------------------------------------------

    def copy(self) -> bool:
        paths = self.canvas.selected_paths()
        if not paths:
            self.show_refusal("select the lines to copy")
            return False
        QApplication.clipboard().setText(self.document.snippet(paths))
        return True

    def cut(self) -> None:
        if self.copy():
            self.canvas.delete_selected()

    def _type_to_find(self, text: str) -> None:
        self.panels["Commands"].show()
        self.palette_view.start_search(text)

    def _find(self) -> None:
        self.tabs.setCurrentWidget(self.program_page)
        self.find_bar.open_bar()

    def duplicate(self) -> None:
        """A copy of the selected lines (with their bodies), just after them."""
        paths = self.canvas.selected_paths()
        if not paths:
            self.show_refusal("select the lines to duplicate")
            return
        blocks = self.document.blocks_from_text(self.document.snippet(paths))
        last = paths[-1]
        self.request(lambda program, pack: edits.insert(program, pack, last[:-1] + (last[-1] + 1,), blocks),
                     "Duplicate")

    def paste(self) -> None:
        text = QApplication.clipboard().text()
        target = self.canvas.insertion_point()
        try:
            blocks = self.document.blocks_from_text(text)
        except EditError as error:
            self.show_refusal(str(error))
            return
        self.request(lambda program, pack: edits.insert(program, pack, target, blocks), "Paste")

    def show_getting_started(self):
        from robolab.ui.help_view import GettingStarted
        if self._guide is None:
            self._guide = GettingStarted(self, self.zoom)
        self._guide.set_zoom(self.zoom)
        self._guide.show()
        self._guide.raise_()
        return self._guide

    def show_pack_manager(self):
        """File → Palette packs…: the packs new programs can use; a course team's pack added here stays."""
        from robolab.ui.pack_manager import PackManager
        manager = PackManager(self.library, self.settings, self)
        manager.open()
        return manager

    def show_about(self) -> None:
        from robolab import __version__
        QMessageBox.about(self, "About RoboLab",
                          f"<b>RoboLab {__version__}</b><p>Program LEGO EV3 robots by dragging text commands, "
                          "on a simulated robot or the real one. The successor of the Open University's "
                          "RobotLab. Free software under the GPL, version 3 or later.</p>")

    def _menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.files.build_menu(file_menu)
        packs = QAction("Palette &packs…", self)
        packs.triggered.connect(self.show_pack_manager)
        quit_action = next((a for a in file_menu.actions() if a.text() == "&Quit"), None)
        file_menu.insertAction(quit_action, packs)  # before Quit (at the end when there is none)
        file_menu.insertSeparator(quit_action)
        edit = bar.addMenu("&Edit")
        undo = self.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence.StandardKey.Redo, QKeySequence("Ctrl+Y")])
        edit.addActions([undo, redo])
        edit.addSeparator()
        line_actions = [
            self._action(edit, "Cu&t", self.cut, QKeySequence.StandardKey.Cut),
            self._action(edit, "&Copy", self.copy, QKeySequence.StandardKey.Copy),
            self._action(edit, "&Paste", self.paste, QKeySequence.StandardKey.Paste),
            self._action(edit, "&Delete\tDel", self.canvas.delete_selected),
            self._action(edit, "D&uplicate", self.duplicate, QKeySequence("Ctrl+D"))]
        line_actions.append(edit.addSeparator())
        for text, operation in (("Move up\tAlt+Up", edits.move_up), ("Move down\tAlt+Down", edits.move_down),
                                ("Indent\tTab", edits.indent), ("Outdent\tShift+Tab", edits.outdent)):
            line_actions.append(self._action(
                edit, text, lambda op=operation, t=text: self.canvas._keyboard_edit(op, t.split("\t")[0])))
        self.canvas.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.canvas.addActions([undo, redo, self._separator()] + line_actions)
        view = bar.addMenu("&View")
        go = view.addMenu("&Go to")
        self._action(go, "&Commands (search)", lambda: self._go(self.palette_view.search), QKeySequence("Ctrl+1"))
        self._action(go, "&Program", lambda: self._go(self.canvas), QKeySequence("Ctrl+2"))
        self._action(go, "&Values", self._focus_values, QKeySequence("Ctrl+3"))
        self._action(go, "P&roblems", lambda: self._go(self.problems_view), QKeySequence("Ctrl+4"))
        self._view_menu = view
        for dock in self.panels.values():
            view.addAction(dock.toggleViewAction())
        self._panels_end = view.addSeparator()
        self._action(edit, "&Find a line…", self._find, QKeySequence.StandardKey.Find)
        self._action(view, "E&xpand all lines", self.canvas.expandAll)
        self._action(view, "Co&llapse all lines", self.canvas.collapseAll)
        view.addSeparator()
        self._action(view, "Zoom &in", lambda: self.step_zoom(+1), [QKeySequence("Ctrl+="), QKeySequence("Ctrl++")])
        self._action(view, "Zoom &out", lambda: self.step_zoom(-1), QKeySequence("Ctrl+-"))
        self._action(view, "&Actual size", lambda: self.set_zoom(1.0), QKeySequence("Ctrl+0"))
        self.presentation_action = self._action(view, "&Presentation mode", self.set_presentation,
                                                QKeySequence("Ctrl+Shift+P"))
        self.presentation_action.setCheckable(True)
        view.addSeparator()
        self._action(view, "&Reset layout", self.reset_layout)
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Getting started", self.show_getting_started, QKeySequence.StandardKey.HelpContents)
        self._action(help_menu, "&About RoboLab", self.show_about)
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("toolbar_main")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in self.files.toolbar_actions():
            toolbar.addAction(action)
        # Fixed labels: the menu's "Undo Insert" would resize (and repaint) the toolbar on every edit.
        for text, stack_action, can_change, can in (
                ("Undo", self.undo_stack.undo, self.undo_stack.canUndoChanged, self.undo_stack.canUndo),
                ("Redo", self.undo_stack.redo, self.undo_stack.canRedoChanged, self.undo_stack.canRedo)):
            button = toolbar.addAction(text)
            button.triggered.connect(stack_action)
            button.setEnabled(can())
            can_change.connect(button.setEnabled)

    def _separator(self) -> QAction:
        separator = QAction(self)
        separator.setSeparator(True)
        return separator

    def _go(self, widget: QWidget) -> None:
        """Keyboard: put the focus in a pane (showing it, and the Program tab, if need be)."""
        if widget is self.canvas:
            self.tabs.setCurrentWidget(self.program_page)
        for dock in self.panels.values():
            if dock.isAncestorOf(widget):
                dock.show()
                dock.raise_()
        widget.setFocus()

    def _action(self, menu, text, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(lambda checked=False: slot(checked) if action.isCheckable() else slot())
        if shortcut is not None:
            action.setShortcuts(shortcut if isinstance(shortcut, list) else [QKeySequence(shortcut)])
        menu.addAction(action)
        return action

    # --- zoom, presentation, layout ---------------------------------------------------------------

    def step_zoom(self, direction: int) -> None:
        steps = th.ZOOM_STEPS
        if direction > 0:
            self.set_zoom(next((s for s in steps if s > self.zoom + 1e-6), steps[-1]))
        else:
            self.set_zoom(next((s for s in reversed(steps) if s < self.zoom - 1e-6), steps[0]))

    def shown_zoom(self) -> float:
        """The zoom the panes show: the chosen one, larger in presentation mode."""
        return self.zoom * (th.PRESENTATION_ZOOM if self.presentation else 1.0)

    def set_zoom(self, zoom: float) -> None:
        """One zoom for every pane, the docked panels included."""
        self.zoom = zoom
        theme = th.CONTRAST if self.presentation else th.LIGHT
        shown = self.shown_zoom()
        self.setFont(th.ui_font(shown))
        # Menus, dock titles, tabs and the status bar: a style sheet stops fonts propagating to them.
        self.setStyleSheet(f"QMenuBar, QMenu, QDockWidget, QTabBar, QStatusBar, QStatusBar QLabel, QToolButton, "
                           f"QToolBar QLabel, QToolBar QComboBox "
                           f"{{ font-size: {th.BASE_POINT_SIZE * shown:.1f}pt; }}")
        for view in (self.canvas, self.palette_view, self.python_view, self.problems_view, self.find_bar):
            view.set_zoom(shown, theme)
        for dock in self.panels.values():
            widget = dock.widget()
            if hasattr(widget, "set_zoom") and widget not in (self.palette_view, self.problems_view):
                widget.set_zoom(shown)
        self.settings.setValue("zoom", zoom)

    def set_presentation(self, on: bool) -> None:
        """For a projector: the program and the world side by side, both large, high contrast, the
        other panes out of the way. Leaving puts every pane back as it was, at the zoom it had."""
        on = bool(on)
        if on != self.presentation:
            if on:
                self._before_presentation = self.saveState()
            self.presentation = on
            th.apply_style(QApplication.instance(), th.CONTRAST if on else th.LIGHT)
            if on:
                self._present_layout()
            self.set_zoom(self.zoom)
            if not on and self._before_presentation is not None:  # after the zoom: sizes at the usual fonts
                self.restoreState(self._before_presentation)
                self._before_presentation = None
                if self.simulator is not None:
                    self.simulator.world_first(False)
            if on:
                self._share_width()
                QTimer.singleShot(0, self._share_width)  # again once the larger fonts are laid out
        self.presentation_action.setChecked(on)
        if self.simulator is not None:
            self.simulator.bar.present.setChecked(on)
        self.settings.setValue("presentation", on)

    _before_presentation = None
    PRESENTED = ("Simulator",)  # the panes presentation mode keeps, beside the program

    def _present_layout(self) -> None:
        for name, dock in self.panels.items():
            if name in self.PRESENTED:
                dock.setFloating(False)
                if self.dockWidgetArea(dock) != Qt.DockWidgetArea.RightDockWidgetArea:
                    self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
                dock.show()
            else:
                dock.hide()

    def _share_width(self) -> None:
        """Program and world: half the window each."""
        if self.presentation:
            self.resizeDocks([self.panels["Simulator"]], [self.width() // 2], Qt.Orientation.Horizontal)
            if self.simulator is not None:
                self.simulator.world_first(True)

    def reset_layout(self) -> None:
        if self.presentation:
            self.set_presentation(False)
        self.restoreState(self._default_state)
        for name, dock in self.panels.items():
            dock.setFloating(False)
            if self.dockWidgetArea(dock) != self._areas[name]:  # a panel docked after start-up
                self.addDockWidget(self._areas[name], dock)
            dock.show()
        self._default_sizes()

    def _restore_settings(self) -> None:
        geometry = self.settings.value("geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = self.settings.value("window_state")
        self._restored = isinstance(state, QByteArray) and self.restoreState(state)  # a layout the user had
        try:
            zoom = float(self.settings.value("zoom", 1.0))
        except (TypeError, ValueError):
            zoom = 1.0
        self.set_zoom(zoom if min(th.ZOOM_STEPS) <= zoom <= max(th.ZOOM_STEPS) else 1.0)
        if str(self.settings.value("presentation", "false")).lower() == "true":
            self.set_presentation(True)
        level = self.settings.value(f"level/{self.document.pack.id}", "")
        if level:
            self.palette_view.set_level(str(level))

    def save_settings(self) -> None:
        self.settings.setValue("geometry", self.saveGeometry())
        # In presentation mode, the layout to come back to is the one from before it.
        self.settings.setValue("window_state", self._before_presentation or self.saveState())
        self.settings.sync()

    def closeEvent(self, event) -> None:
        if self.files.confirm_discard():
            self.snapshots.close()
            self.save_settings()
            self.files.closed()
            event.accept()
        else:
            event.ignore()
