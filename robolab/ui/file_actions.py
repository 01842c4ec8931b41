"""The File menu: new, open, save, recent files, examples, exports, print, autosave and recovery.

Nothing is lost: saves are atomic, a file that fails to load leaves the open program as it was,
closing or replacing unsaved work asks first, and unsaved work is autosaved every 30 s. A big file
is read off the window's thread, so the window goes on while it reads.
"""

import gc
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from robolab.errors import RobolabError
from robolab.files import DiskState, changed_on_disk, disk_state, read_text, write_atomic
from robolab.language.syntax import gc_paused
from robolab.shipped import examples_dir
from robolab.ui.autosave import INTERVAL_MS, Autosave
from robolab.ui.background import Background
from robolab.document import Document

PROGRAMS = "RoboLab programs (*.rlab);;All files (*)"
RECENT_MAX = 10
# From this size (bytes; some 1,000 lines, which take about 40 ms to read) a file is read off the
# window's thread: a 20,000-line one takes half a second.
READ_ASIDE_FROM = 32_000


class FileActions:
    def __init__(self, window, autosave: Autosave):
        self.window, self.autosave = window, autosave
        self._autosaved_at = -1  # the document position last autosaved
        self.timer = QTimer(window, interval=INTERVAL_MS, timeout=self.autosave_now)
        self.timer.start()
        self.actions: dict[str, QAction] = {}
        self.on_disk: DiskState | None = None  # the open file as it was read or last saved
        self.reading = Background("reading", window)  # a big file being read

    @property
    def document(self) -> Document:
        return self.window.document

    # --- menu -----------------------------------------------------------------------------------

    def build_menu(self, menu: QMenu) -> None:
        add = self._add
        add(menu, "new", "&New", self.new_program, QKeySequence.StandardKey.New)
        add(menu, "open", "&Open…", self.open_file, QKeySequence.StandardKey.Open)
        self.recent_menu = menu.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.examples_menu = menu.addMenu("&Examples")
        for path in sorted(examples_dir().glob("*.rlab")):
            action = self.examples_menu.addAction(path.stem.replace("_", " ").capitalize())
            action.triggered.connect(lambda _=False, p=path: self.open_example(p))
        add(menu, "import", "&Import RobotLab program…", self.import_robotlab)
        menu.addSeparator()
        add(menu, "save", "&Save", self.save, QKeySequence.StandardKey.Save)
        add(menu, "save_as", "Save &as…", self.save_as, QKeySequence.StandardKey.SaveAs)
        menu.addSeparator()
        export = menu.addMenu("E&xport")
        add(export, "export_python", "Python for the robot…", self.export_python)
        add(export, "export_text", "Program as text…", self.export_text)
        add(export, "export_png", "Program as a picture (PNG)…", self.export_png)
        add(menu, "print", "&Print…", self.print_program, QKeySequence.StandardKey.Print)
        menu.addSeparator()
        add(menu, "quit", "&Quit", self.window.close, QKeySequence.StandardKey.Quit)

    def toolbar_actions(self) -> list[QAction]:
        return [self.actions[name] for name in ("new", "open", "save")]

    def _add(self, menu, name, text, slot, shortcut=None) -> QAction:
        action = QAction(text, self.window)
        action.triggered.connect(lambda _=False: slot())
        if shortcut is not None:
            action.setShortcut(shortcut)
        menu.addAction(action)
        self.actions[name] = action
        return action

    # --- asking ---------------------------------------------------------------------------------

    def ask_unsaved(self) -> str:
        """"save", "discard" or "cancel": what to do with unsaved changes."""
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self.window, "Unsaved changes", f"Save the changes to {self.document.title} first?",
            buttons.Save | buttons.Discard | buttons.Cancel, buttons.Save)
        return {buttons.Save: "save", buttons.Discard: "discard"}.get(answer, "cancel")

    def ask_changed_on_disk(self, path: Path) -> str:
        """"replace", "save_as" or "cancel": another program changed the file since it was opened."""
        box = QMessageBox(QMessageBox.Icon.Warning, "The file was changed",
                          f"{path.name} was changed by another program since you opened it. Saving "
                          "replaces those changes with this program.", parent=self.window)
        roles = QMessageBox.ButtonRole
        choices = {box.addButton("Replace them", roles.DestructiveRole): "replace",
                   box.addButton("Save as another file…", roles.AcceptRole): "save_as"}
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.exec()
        return choices.get(box.clickedButton(), "cancel")

    def _is_open_file(self, path: Path) -> bool:
        current = self.document.path
        return current is not None and Path(path).resolve() == Path(current).resolve()

    def confirm_discard(self) -> bool:
        """True when the open program may be replaced: it is saved, or the user says so."""
        if not self.document.dirty:
            return True
        answer = self.ask_unsaved()
        if answer == "save":
            return self.save()
        return answer == "discard"

    def show_error(self, title: str, message: str) -> None:
        QMessageBox.critical(self.window, title, message)

    def _choose(self, save: bool, title: str, filter_: str, suggested: str = "") -> str:
        """A file dialog that starts in the folder used last."""
        folder = str(self.window.settings.value("last_folder", "") or Path.home())
        start = str(Path(folder) / suggested) if suggested else folder
        if save:
            chosen = QFileDialog.getSaveFileName(self.window, title, start, filter_)[0]
        else:
            chosen = QFileDialog.getOpenFileName(self.window, title, start, filter_)[0]
        if chosen:
            self.window.settings.setValue("last_folder", str(Path(chosen).parent))
        return chosen

    # --- opening ----------------------------------------------------------------------------------

    def new_program(self, pack_id: str | None = None) -> bool:
        self._drop_reading()
        if not self.confirm_discard():
            return False
        if pack_id is None:
            ids = self.document.library.ids()
            if len(ids) > 1:
                from robolab.ui.new_program_dialog import choose_pack  # titles and descriptions, not ids
                pack_id = choose_pack(self.window, self.document.library, self.document.pack.id)
                if pack_id is None:
                    return False
            else:
                pack_id = self.document.pack.id
        self.document.replace(Document.new(self.document.library, pack_id))
        self.on_disk = None
        return True

    def open_file(self, path: str | Path | None = None, aside: bool = True) -> bool:
        """Open a program file. A big one is read off the window's thread (unless not `aside`) and
        shown when it is in: True then means it is being read, and an error is shown when it comes."""
        if path is None:
            path = self._choose(False, "Open a program", PROGRAMS)
            if not path:
                return False
        before = disk_state(path)  # before reading: a change made meanwhile is noticed at Save

        def opened() -> None:
            self.on_disk = before
            self.remember(self.document.path)

        big = aside and before is not None and before.size >= READ_ASIDE_FROM
        library = self.document.library
        return self._replace_with(lambda: Document.open(path, library), "This program cannot be opened",
                                  opened, aside=big, name=Path(path).name)

    def open_example(self, path: Path) -> bool:
        """An example opens as an unsaved copy, so the shipped one stays as it is."""
        if not self._replace_with(lambda: Document.from_text(read_text(path), self.document.library, str(path)),
                                  "This example cannot be opened"):
            return False
        self.on_disk = None
        return True

    def _replace_with(self, read, failure: str, then=None, aside: bool = False, name: str = "") -> bool:
        """Read a document and, once unsaved work is dealt with, show it and call `then()`; a file
        that cannot be read is reported and the open program stays as it was. `aside`: read on the
        worker thread; a file still being read when another is opened is not shown."""
        self._drop_reading()
        if not aside:
            return self._read(read, failure, then)
        status = self.window.statusBar()
        status.showMessage(f"Opening {name}…")

        def arrived(future) -> None:
            status.clearMessage()
            self._read(future.result, failure, then)  # its result, or the error it raised

        self.reading.start(lambda: _read_aside(read), arrived)
        return True

    def _drop_reading(self) -> None:
        """A file still being read is not wanted now: another program is coming."""
        if self.reading.busy:
            self.reading.cancel()
            self.window.statusBar().clearMessage()

    def _read(self, read, failure: str, then) -> bool:
        try:
            opened = read()
        except RobolabError as error:
            self.show_error(failure, str(error))
            return False
        if not self.confirm_discard():
            return False
        self.document.replace(opened)
        if then is not None:
            then()
        return True

    def import_robotlab(self, source=None, folder=None, confirm=None):
        from robolab.ui.import_action import import_robotlab  # the importer loads when it is used
        return import_robotlab(self, source, folder, confirm)

    def remember(self, path: Path) -> None:
        recent = [p for p in self.recent() if Path(p) != Path(path).resolve()]
        self.window.settings.setValue("recent", [str(Path(path).resolve())] + recent[:RECENT_MAX - 1])

    def recent(self) -> list[str]:
        value = self.window.settings.value("recent", [])
        return [value] if isinstance(value, str) else list(value or [])

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        files = [p for p in self.recent() if Path(p).is_file()]
        for path in files:
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_file(p))
        if not files:
            self.recent_menu.addAction("No recent programs").setEnabled(False)

    # --- saving -----------------------------------------------------------------------------------

    def save(self) -> bool:
        if self.document.path is None:
            return self.save_as()
        return self._save_to(self.document.path)

    def save_as(self, path: str | Path | None = None) -> bool:
        if path is None:
            path = self._choose(True, "Save the program", PROGRAMS, f"{self.document.origin or 'program'}.rlab")
            if not path:
                return False
        path = Path(path)
        if not path.suffix:
            path = path.with_suffix(".rlab")
        return self._save_to(path)

    def _save_to(self, path: Path) -> bool:
        if self._is_open_file(path) and changed_on_disk(path, self.on_disk):
            answer = self.ask_changed_on_disk(path)
            if answer == "save_as":
                return self.save_as()
            if answer != "replace":
                return False
        try:
            self.document.save(path)
        except OSError as error:
            self.show_error("The program was not saved", f"{path}: {error.strerror or error}")
            return False
        self.on_disk = disk_state(path)
        self.remember(path)
        self.autosave.discard()
        self.window._update_title()
        return True

    def _export(self, path, title, filter_, suffix, make) -> bool:
        if path is None:
            stem = self.document.path.stem if self.document.path else (self.document.origin or "program")
            path = self._choose(True, title, filter_, f"{stem}{suffix}")
            if not path:
                return False
        try:
            make(Path(path))
        except RobolabError as error:
            self.show_error(title, "Fix the problems first:\n" + str(error))
            return False
        except OSError as error:
            self.show_error(title, f"{path}: {error.strerror or error}")
            return False
        return True

    def export_python(self, path=None) -> bool:
        return self._export(path, "Export Python", "Python (*.py)", ".py",
                            lambda p: write_atomic(p, self.document.snapshot().compiled_or_raise().source,
                                                      executable=True))

    def export_text(self, path=None) -> bool:
        return self._export(path, "Export the program as text", "Text (*.txt);;RoboLab programs (*.rlab)", ".txt",
                            lambda p: write_atomic(p, self.document.text()))

    def export_png(self, path=None) -> bool:
        def make(p: Path) -> None:
            if not self.window.canvas.picture().save(str(p), "PNG"):
                raise OSError(f"cannot write {p}")
        return self._export(path, "Export the program as a picture", "PNG pictures (*.png)", ".png", make)

    def print_program(self) -> bool:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if QPrintDialog(printer, self.window).exec() != QPrintDialog.DialogCode.Accepted:
            return False
        self.render_for_print(printer)
        return True

    def render_for_print(self, printer) -> None:
        from PySide6.QtGui import QPainter

        image = self.window.canvas.picture()
        painter = QPainter(printer)
        page = painter.viewport()
        scale = min(page.width() / max(1, image.width()), 1e9)
        slice_height = int(page.height() / scale)
        top = 0
        while top < image.height():
            part = image.copy(0, top, image.width(), slice_height)
            painter.drawPixmap(0, 0, int(part.width() * scale), int(part.height() * scale), part)
            top += slice_height
            if top < image.height():
                printer.newPage()
        painter.end()

    # --- autosave and recovery ---------------------------------------------------------------------

    def autosave_now(self) -> bool:
        """Copy unsaved work to the state folder (only when it changed since the last copy)."""
        document = self.document
        if not document.dirty:
            self.autosave.discard()
            return False
        if self._autosaved_at == (id(document.program), document.revision):
            return False
        try:
            self.autosave.write(document.text(), str(document.path or ""))
        except OSError as error:
            self.window.statusBar().showMessage(f"Autosave failed: {error}", 8000)
            return False
        self._autosaved_at = (id(document.program), document.revision)
        return True

    def offer_recovery(self, ask=None) -> bool:
        """After a crash: offer the work every crashed RoboLab left, one by one, newest first.

        `ask(description, can_open) -> "open" | "save_as" | "discard" | "later"`. An autosave is
        deleted only once its work is safe (opened here and autosaved again, or saved to a file)
        or the user discarded it; "later" keeps it for the next start. True when one was opened.
        """
        ask = ask or self._ask_recovery
        opened = False
        for orphan in self.autosave.orphans():
            answer = ask(orphan.describe(), not opened)
            if answer == "open" and not opened:
                opened = self._recover(orphan)
                done = opened and self.autosave.file.is_file()
            elif answer == "save_as":
                done = self._save_recovered(orphan)
            else:
                done = answer == "discard"
            if done:
                self.autosave.discard(orphan.file)
        return opened

    def _ask_recovery(self, description: str, can_open: bool) -> str:
        box = QMessageBox(QMessageBox.Icon.Question, "Recover unsaved work?",
                          f"RoboLab did not close properly. It kept {description}.", parent=self.window)
        roles = QMessageBox.ButtonRole
        choices = {}
        if can_open:
            choices[box.addButton("Open it", roles.AcceptRole)] = "open"
        choices[box.addButton("Save it as…", roles.ActionRole)] = "save_as"
        choices[box.addButton("Discard it", roles.DestructiveRole)] = "discard"
        later = box.addButton("Ask me next time", roles.RejectRole)
        choices[later] = "later"
        box.setEscapeButton(later)
        box.exec()
        return choices.get(box.clickedButton(), "later")

    def _recovered_document(self, orphan) -> Document | None:
        try:
            return Document.from_text(orphan.text, self.document.library, "recovered")
        except RobolabError as error:
            self.show_error("The autosaved work cannot be read", str(error))
            return None

    def _recover(self, orphan) -> bool:
        self._drop_reading()
        recovered = self._recovered_document(orphan)
        if recovered is None or not self.confirm_discard():
            return False
        recovered.origin = Path(orphan.original).stem if orphan.original else "recovered"
        recovered.path = Path(orphan.original) if orphan.original else None
        self.document.replace(recovered)
        self.on_disk = None  # the file it came from may hold anything now: a save must not ask
        self.document.mark_dirty()
        self.window._update_title()
        self._autosaved_at = -1
        self.autosave_now()  # now this session's own autosave holds it
        return True

    def _save_recovered(self, orphan) -> bool:
        """Write recovered work to a file the user picks (its text as it was, even if it no longer reads)."""
        suggested = Path(orphan.original).stem + " (recovered).rlab" if orphan.original else "recovered.rlab"
        path = self._choose(True, "Save the recovered work", PROGRAMS, suggested)
        if not path:
            return False
        try:
            write_atomic(path, orphan.text)
        except OSError as error:
            self.show_error("The recovered work was not saved", f"{path}: {error.strerror or error}")
            return False
        return True

    def closed(self) -> None:
        self.timer.stop()
        self.reading.close()
        self.autosave.discard()


def _read_aside(read) -> Document:
    """read() on the worker thread, its many new objects then set aside from the cycle collector
    (as SnapshotKeeper.settle does once a program is shown): the first collection after reading
    would otherwise walk them all while holding the interpreter, and stall the window."""
    with gc_paused():
        document = read()
        gc.freeze()
    return document
