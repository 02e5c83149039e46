"""Save As onto a disk that cannot hold the song: what it made is removed (only that), the
session keeps its old folder, and trying again after freeing space works."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from daw.model import ops
from daw.model.disk import free_bytes, size_text
from daw.model.store import load_project, save_project
from daw.ui.session import Session
from tests.engine.songs import Song, tone

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def make_session(folder: Path, seconds: float = 1.0) -> Session:
    song = Song(folder)
    frames = round(48000 * seconds)
    song.media("a", tone(frames, 220, seed=1))
    song.media("b", tone(frames, 330, seed=2))
    song.track("A")
    song.clip("A", "a", 0, "c1")
    song.clip("A", "b", frames, "c2")
    save_project(song.folder, song.project)
    session = Session(song.project, song.folder)
    session.edit("Tempo", lambda p: ops.set_tempo(p, 90))
    return session


def copy_half_then_fail(real=shutil.copyfile, after: int = 1):
    """`shutil.copyfile` on a disk that fills during the copy of file number `after + 1`."""
    calls = {"n": 0}

    def copy(source, destination, **kwargs):
        calls["n"] += 1
        if calls["n"] <= after:
            return real(source, destination, **kwargs)
        data = Path(source).read_bytes()
        Path(destination).write_bytes(data[:len(data) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    return copy


def test_a_failed_save_as_removes_the_new_folder_and_keeps_the_old(qtbot, tmp_path: Path,
                                                                  monkeypatch) -> None:
    old = tmp_path / "Song.minidaw"
    session = make_session(old)
    monkeypatch.setattr(shutil, "copyfile", copy_half_then_fail())
    copy = tmp_path / "Copy.minidaw"
    with pytest.raises(OSError) as caught:
        session.save(tmp_path / "Copy")
    assert str(caught.value) == (
        f"cannot write {copy / 'audio' / 'b.wav'}: no space left on device: "
        f"{size_text(free_bytes(copy))} free; nothing was saved there; the song is still in "
        f"{old}")
    assert not copy.exists()
    assert session.folder == old and session.is_modified
    assert load_project(old).tempo_bpm != 90  # the old save is as it was

    monkeypatch.undo()  # space freed: the same Save As works
    assert session.save(tmp_path / "Copy") == copy
    assert session.folder == copy and not session.is_modified
    assert load_project(copy) == session.project
    for name in ("a.wav", "b.wav"):
        assert (copy / "audio" / name).read_bytes() == (old / "audio" / name).read_bytes()


def test_a_failed_save_as_into_a_chosen_folder_removes_only_what_it_made(
        qtbot, tmp_path: Path, monkeypatch) -> None:
    session = make_session(tmp_path / "Song.minidaw")
    chosen = tmp_path / "Mine.minidaw"
    (chosen / "audio").mkdir(parents=True)
    (chosen / "notes.txt").write_text("keep me")
    (chosen / "audio" / "b.wav").write_bytes(b"the person's own file")
    monkeypatch.setattr(shutil, "copyfile", copy_half_then_fail(after=0))
    with pytest.raises(OSError, match="no space left on device"):
        session.save(chosen)
    assert sorted(p.relative_to(chosen).as_posix() for p in chosen.rglob("*")) == [
        "audio", "audio/b.wav", "notes.txt"]
    assert (chosen / "audio" / "b.wav").read_bytes() == b"the person's own file"


def test_save_as_onto_a_nearly_full_disk(qtbot, tmp_path: Path, tiny_disk) -> None:
    old = tmp_path / "Song.minidaw"
    session = make_session(old, seconds=3.0)  # two files of 576 kB
    disk = tiny_disk("2m")
    filler = disk.fill(leave_bytes=900_000)
    before = sorted(disk.path.iterdir())
    copy = disk.path / "Copy.minidaw"
    with pytest.raises(OSError) as caught:
        session.save(copy)
    assert caught.value.errno == errno.ENOSPC
    assert str(caught.value).startswith(f"cannot write {copy / 'audio'}/")
    assert ": no space left on device: " in str(caught.value)
    assert sorted(disk.path.iterdir()) == before  # nothing of the copy is left
    assert session.folder == old and session.is_modified

    filler.unlink()
    assert session.save(copy) == copy and session.folder == copy
    assert load_project(copy).tempo_bpm == 90
    audio, _ = sf.read(copy / "audio" / "b.wav", dtype="float32", always_2d=True)
    np.testing.assert_array_equal(audio, tone(48000 * 3, 330, seed=2))
