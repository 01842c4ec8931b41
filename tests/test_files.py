"""Saving users' files (real files): atomic, through symbolic links, keeping permissions, secrets
never readable by others, and noticing a file another program changed."""

import os
import stat

import pytest

from robolab.ev3.pairing import Pairing, Pairings
from robolab.files import changed_on_disk, disk_state, write_atomic


def mode_of(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_save_through_a_symbolic_link_edits_the_target_and_keeps_the_link(tmp_path):
    real = tmp_path / "work" / "real.rlab"
    real.parent.mkdir()
    real.write_text("old\n")
    link = tmp_path / "link.rlab"
    link.symlink_to(real)
    write_atomic(link, "new\n")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == "new\n"
    assert sorted(p.name for p in real.parent.iterdir()) == ["real.rlab"]  # no temporary left


def test_a_chain_of_links_reaches_the_real_file(tmp_path):
    real = tmp_path / "real.rlab"
    real.write_text("old\n")
    (tmp_path / "one").symlink_to(real)
    (tmp_path / "two").symlink_to(tmp_path / "one")
    write_atomic(tmp_path / "two", "new\n")
    assert real.read_text() == "new\n" and (tmp_path / "two").is_symlink() and (tmp_path / "one").is_symlink()


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o664, 0o755])
def test_a_save_keeps_the_files_permissions(tmp_path, mode):
    path = tmp_path / "p.rlab"
    path.write_text("old\n")
    path.chmod(mode)
    write_atomic(path, "new\n")
    assert mode_of(path) == mode and path.read_text() == "new\n"


def test_new_files_are_readable_and_exports_executable(tmp_path):
    write_atomic(tmp_path / "a.rlab", "x\n")
    write_atomic(tmp_path / "a.py", "x\n", executable=True)
    assert mode_of(tmp_path / "a.rlab") == 0o644 and mode_of(tmp_path / "a.py") == 0o755
    (tmp_path / "b.py").write_text("")
    (tmp_path / "b.py").chmod(0o640)
    write_atomic(tmp_path / "b.py", "x\n", executable=True)  # an export over an existing file
    assert mode_of(tmp_path / "b.py") == 0o750


def test_the_file_of_brick_keys_is_never_readable_by_others(tmp_path, monkeypatch):
    """Every moment the file exists (the temporary file with the keys in it, and after), 0600."""
    seen = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        if stat.S_ISREG(os.fstat(fd).st_mode):
            seen.append(("written", stat.S_IMODE(os.fstat(fd).st_mode)))
        return real_fsync(fd)

    def replace(source, target):
        seen.append(("renamed", mode_of(source)))
        return real_replace(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    pairings = Pairings(tmp_path / "config" / "bricks.json")
    pairings.save(Pairing("ev3-a", "10.0.0.5", key="secret"))
    pairings.save(Pairing("ev3-b", "10.0.0.6", key="another"))
    assert [kind for kind, _ in seen] == ["written", "renamed"] * 2
    assert {mode for _, mode in seen} == {0o600}
    assert mode_of(pairings.path) == 0o600 and len(pairings.all()) == 2


def test_changed_on_disk_compares_content_not_only_time(tmp_path):
    path = tmp_path / "p.rlab"
    path.write_text("one\n")
    known = disk_state(path)
    assert not changed_on_disk(path, known)
    os.utime(path, ns=(known.modified_ns + 5_000_000_000,) * 2)  # touched: same text
    assert not changed_on_disk(path, known)
    path.write_text("two\n")
    assert changed_on_disk(path, known)
    assert not changed_on_disk(path, disk_state(path))
    path.unlink()
    assert not changed_on_disk(path, known)  # gone: a save loses nothing
    assert disk_state(path) is None and not changed_on_disk(path, None)
