"""Saving on a full or failing disk: project.json untouched, one line saying which file and
why, nothing left behind; and the temporary files of killed saves removed at the next open."""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from daw.cli import main
from daw.model import Project, ops
from daw.model.store import load_project, remove_stale_temp_files, save_project


def song(name: str = "Song") -> Project:
    return ops.add_track(Project(name=name), "Drums", track_id="t1")


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob(".project-*"))


def test_a_save_onto_a_full_disk_leaves_project_json_as_it_was(tiny_disk) -> None:
    disk = tiny_disk("1m")
    folder = disk.path / "Song.minidaw"
    save_project(folder, song())
    before = (folder / "project.json").read_bytes()
    disk.fill(leave_bytes=0)
    bigger = ops.set_project_notes(song(), "x" * 20000)
    with pytest.raises(OSError) as caught:
        save_project(folder, bigger)
    assert str(caught.value) == (f"cannot write {folder / 'project.json'}: no space left on "
                                 "device: 0 bytes free; the last save is unchanged")
    assert caught.value.errno == errno.ENOSPC
    assert (folder / "project.json").read_bytes() == before
    assert leftovers(folder) == []
    assert load_project(folder) == song()


def test_a_failing_sync_refuses_the_save_and_says_why(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "Song.minidaw"
    save_project(folder, song())
    before = (folder / "project.json").read_bytes()

    def failing_sync(_fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, "fsync", failing_sync)
    with pytest.raises(OSError) as caught:
        save_project(folder, song("Other"))
    monkeypatch.undo()
    assert str(caught.value) == (
        f"cannot write {folder / 'project.json'}: input/output error (the disk or its "
        "connection may be failing); the last save is unchanged")
    assert (folder / "project.json").read_bytes() == before
    assert leftovers(folder) == []


def test_a_first_save_onto_a_read_only_folder_says_nothing_was_saved(tmp_path: Path,
                                                                      monkeypatch) -> None:
    folder = tmp_path / "Song.minidaw"

    def read_only(*_args, **_kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(Path, "mkdir", read_only)
    with pytest.raises(OSError, match=r"^cannot write .*project\.json: the disk is "
                                      "read-only; nothing was saved$"):
        save_project(folder, song())


def killed_save(folder: Path, name: str, age_seconds: float) -> Path:
    path = folder / name
    path.write_text("{half a project")
    then = time.time() - age_seconds
    os.utime(path, (then, then))
    return path


def test_stale_temp_files_of_killed_saves_are_removed(tmp_path: Path) -> None:
    folder = tmp_path / "Song.minidaw"
    save_project(folder, song())
    old = [killed_save(folder, f".project-{n}abcdefg.tmp", 3600) for n in range(3)]
    under_way = killed_save(folder, ".project-zzzzzzzz.tmp", 1)  # another process saving
    others = [killed_save(folder, name, 3600) for name in (
        ".project-notes.tmp", "project-abcdefgh.tmp", ".project-abcdefgh.json",
        ".project-abcdefghi.tmp")]
    (folder / ".project-dir12345.tmp").mkdir()
    os.utime(folder / ".project-dir12345.tmp", (0, 0))

    load_project(folder)  # loading touches nothing
    assert all(path.exists() for path in old)
    assert sorted(remove_stale_temp_files(folder)) == sorted(old)
    assert not any(path.exists() for path in old)
    assert under_way.exists() and all(path.exists() for path in others)
    assert (folder / ".project-dir12345.tmp").is_dir()
    assert remove_stale_temp_files(folder / "project.json") == []


def test_daw_import_removes_stale_temp_files(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "Song.minidaw"
    save_project(folder, song())
    stale = killed_save(folder, ".project-k1ll3d00.tmp", 600)
    sf.write(tmp_path / "vox.wav", np.zeros((100, 1), dtype=np.float32), 48000)
    assert main(["import", str(folder), str(tmp_path / "vox.wav")]) == 0
    assert not stale.exists()
    assert leftovers(folder) == []


def test_daw_new_on_a_full_disk_prints_one_line(tiny_disk, capsys) -> None:
    disk = tiny_disk("1m")
    disk.fill(leave_bytes=0)
    assert main(["new", str(disk.path / "Song")]) == 1
    err = capsys.readouterr().err
    folder = disk.path / "Song.minidaw"
    assert err == (f"daw: error: cannot write {folder / 'project.json'}: no space left on "
                   "device: 0 bytes free; nothing was saved\n")
    (disk.path / "filler.bin").unlink()
    assert main(["new", str(disk.path / "Song")]) == 0  # space freed: it works
    assert load_project(folder).name == "Song"
