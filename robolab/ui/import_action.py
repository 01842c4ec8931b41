"""File > Import RobotLab program: a .tsc (with the .cfg and arena beside it) becomes a RoboLab
program, world and robot in a folder the user picks; the program opens and the import report is
shown, so nothing the importer could not map goes unseen."""

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from robolab.errors import RobolabError
from robolab.importer import import_program, write_import


def import_robotlab(files, source: str | Path | None = None, folder: str | Path | None = None,
                    confirm=None) -> Path | None:
    """Import `source` into `folder` (asked for when None) and open it; the .rlab written, or None.
    confirm(title, text, details) shows the report (a message box unless given)."""
    window = files.window
    if source is None:
        source, _ = QFileDialog.getOpenFileName(window, "Import a RobotLab program", "",
                                                "RobotLab programs (*.tsc);;All files (*)")
        if not source:
            return None
    if folder is None:
        folder = QFileDialog.getExistingDirectory(window, "Save the imported program in", str(Path(source).parent))
        if not folder:
            return None
    try:
        result = import_program(source, files.document.library)
        written = write_import(result, folder)
    except RobolabError as error:
        files.show_error("This RobotLab program cannot be imported", str(error))
        return None
    program = written[0]
    if not files.open_file(program):
        return None
    report = "\n".join(str(line) for line in result.report_lines)
    text = f"Imported {Path(source).name} as {program.name}, with its world and robot, in {program.parent}."
    if result.lost:
        text += (f"\n\n{len(result.lost)} statement{'s' if len(result.lost) != 1 else ''} had no equivalent; "
                 "kept as comments (see details).")
    elif report:
        text += "\n\nNothing was lost; the details say how some settings were carried over."
    (confirm or _show_report)(window, "RobotLab program imported", text, report)
    return program


def _show_report(window, title: str, text: str, details: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, window)
    if details:
        box.setDetailedText(details)
    box.exec()
