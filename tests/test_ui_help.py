"""A newcomer's first minutes: the welcome program on the very first start, Help > Getting started,
and File > Import of a RobotLab program (its report shown, the program opened)."""


from robolab.help import welcome_program
from robolab.ui.app import start_without_file
from tests.tscwriter import line, tsc
from tests.windows import open_window


def make(qtbot, tmp_path, library):
    return open_window(qtbot, tmp_path, library)


def test_the_first_start_opens_the_welcome_program_and_later_starts_do_not(qtbot, tmp_path, library):
    first = make(qtbot, tmp_path, library)
    start_without_file(first)
    assert first.document.text() == welcome_program()
    assert first.document.path is None  # an unsaved copy: the shipped one stays as it is
    first.settings.sync()
    first.close()
    again = make(qtbot, tmp_path, library)
    start_without_file(again)
    assert again.document.text() != welcome_program()


def test_help_getting_started_shows_the_shipped_guide(qtbot, tmp_path, library):
    window = make(qtbot, tmp_path, library)
    (action,) = [a for menu in window.menuBar().actions() if menu.text() == "&Help"
                 for a in menu.menu().actions() if a.text() == "&Getting started"]
    action.trigger()
    guide = window._guide
    assert guide.isVisible()
    assert "Getting started with RoboLab" in guide.browser.toPlainText()
    assert "Ctrl+Z" in guide.browser.toPlainText()


def test_file_import_robotlab_opens_the_program_and_shows_the_report(qtbot, tmp_path, library):
    window = make(qtbot, tmp_path, library)
    source = tmp_path / "course" / "count.tsc"
    source.parent.mkdir()
    source.write_bytes(tsc([line("main", "main", children=[
        line("send 1", "send", {"message": "1"}), line("beep twice", "beep twice", {})])]))
    shown = []
    written = window.files.import_robotlab(source, tmp_path / "imported",
                                           confirm=lambda *args: shown.append(args))
    assert written == tmp_path / "imported" / "count.rlab" and written.is_file()
    assert (tmp_path / "imported" / "count.world.toml").is_file()
    assert window.document.path == written
    assert "send" in window.document.text() and "# RobotLab: beep twice" in window.document.text()
    (_, title, text, details), = shown
    assert "count.tsc" in text and "beep twice" in details
    assert "1 statement had no equivalent; kept as comments" in text


def test_an_import_that_lost_nothing_says_so(qtbot, tmp_path, library):
    window = make(qtbot, tmp_path, library)
    source = tmp_path / "course" / "count.tsc"
    source.parent.mkdir()
    source.write_bytes(tsc([line("main", "main", children=[line("send 1", "send", {"message": "1"})])]))
    shown = []
    window.files.import_robotlab(source, tmp_path / "imported", confirm=lambda *args: shown.append(args))
    (_, title, text, details), = shown
    assert "no equivalent" not in text and "Nothing was lost" in text   # only "no .cfg beside it" in details


def test_a_damaged_robotlab_file_is_refused_and_the_open_program_kept(qtbot, tmp_path, library):
    window = make(qtbot, tmp_path, library)
    before = window.document.text()
    broken = tmp_path / "broken.tsc"
    broken.write_bytes(b"TPF0\x09TTreeView")
    errors = []
    window.files.show_error = lambda title, message: errors.append(message)
    assert window.files.import_robotlab(broken, tmp_path / "out") is None
    assert "broken.tsc" in errors[0]
    assert window.document.text() == before
