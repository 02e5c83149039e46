"""The Master Album dialog masters two generated songs into a folder and reports what the
written files hold; the songs' projects are left as they were; Cancel stops before the next
song."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from daw.mastering import album
from daw.mastering.album import REPORT_JSON, REPORT_TEXT, measure_file
from daw.model.store import save_project
from daw.ui.mastering import album_dialog
from daw.ui.mastering.album_dialog import AlbumDialog
from daw.ui.mastering.jobs import CANCELLED
from tests.mastering import mastering_songs


def saved_song(kind: str, folder: Path, name: str) -> Path:
    song = mastering_songs.make(kind, folder)
    save_project(song.folder, replace(song.project, name=name))
    return song.folder


def click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def open_dialog(qtbot, songs: list[Path], out: Path, target: str = "") -> AlbumDialog:
    dialog = AlbumDialog(songs, target, out)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_two_songs_are_mastered_and_reported(qtbot, tmp_path: Path) -> None:
    songs = [saved_song("quiet", tmp_path / "a.minidaw", "Whisper"),
             saved_song("loud", tmp_path / "b.minidaw", "Wall")]
    saved = [(folder / "project.json").read_bytes() for folder in songs]
    out = tmp_path / "album"
    dialog = open_dialog(qtbot, [songs[1]], out, "Apple Music")
    dialog.add_songs(songs)  # the one listed already is not added twice
    assert dialog.song_paths() == [songs[1], songs[0]]
    dialog.songs.setCurrentRow(1)
    click(qtbot, dialog.up_button)  # album order: Whisper first
    assert dialog.song_paths() == songs
    assert dialog.target.current_target().integrated_lufs == -16.0

    with qtbot.waitSignal(dialog.finishedWith, timeout=120000) as finished:
        click(qtbot, dialog.start)
    assert finished.args == [""]
    files = [out / "01 Whisper.wav", out / "02 Wall.wav"]
    rows = dialog.rows()
    assert [row[0] for row in rows] == ["Whisper", "Wall"]
    assert [row[3] for row in rows] == [f.name for f in files]
    for row, path in zip(rows, files, strict=True):
        loudness, peak = measure_file(path)
        assert row[1] == f"{loudness:.1f} LUFS" and row[2] == f"{peak:.1f} dBTP"
        assert loudness == pytest.approx(-16.0, abs=0.5) and peak <= -1.0
    report = json.loads((out / REPORT_JSON).read_text())
    assert report["target"]["name"] == "Apple Music" and report["consistent"]
    assert (out / REPORT_TEXT).is_file()
    assert dialog.status.text().startswith(f"Wrote 2 songs to {out}. Spread ")
    assert "within the 0.5 LU allowed" in dialog.status.text()
    assert [(f / "project.json").read_bytes() for f in songs] == saved
    assert dialog.start.isEnabled() and not dialog.cancel.isEnabled()


@pytest.fixture
def held_album(monkeypatch) -> tuple[threading.Event, threading.Event]:
    """The real album master, held as its first song starts until the test lets it go."""
    started, release = threading.Event(), threading.Event()

    def held(projects, out_dir, target, bit_depth="24", reference=None, progress=None):
        def told(what: str) -> None:
            progress(what)
            started.set()
            release.wait(20)

        return album.master_album(projects, out_dir, target, bit_depth, reference, told)

    monkeypatch.setattr(album_dialog, "master_album", held)
    return started, release


def test_cancel_stops_before_the_next_song(qtbot, tmp_path: Path, held_album) -> None:
    started, release = held_album
    songs = [saved_song("quiet", tmp_path / "a.minidaw", "One"),
             saved_song("dynamic", tmp_path / "b.minidaw", "Two")]
    out = tmp_path / "album"
    dialog = open_dialog(qtbot, songs, out)
    click(qtbot, dialog.start)
    qtbot.waitUntil(started.is_set, timeout=20000)
    qtbot.waitUntil(lambda: dialog.status.text() == "Mastering One (1/2)…", timeout=20000)
    assert not dialog.start.isEnabled() and not dialog.songs.isEnabled()
    with qtbot.waitSignal(dialog.finishedWith, timeout=120000) as finished:
        click(qtbot, dialog.cancel)
        release.set()
    assert finished.args == [CANCELLED]
    assert sorted(p.name for p in out.iterdir()) == ["01 One.wav"]  # no second song, no report
    assert dialog.rows() == []
    assert dialog.status.text().startswith("Cancelled")
    assert dialog.start.isEnabled()


def test_a_song_that_cannot_be_read_is_named(qtbot, tmp_path: Path) -> None:
    missing = tmp_path / "gone.minidaw"
    dialog = open_dialog(qtbot, [missing], tmp_path / "album")
    with qtbot.waitSignal(dialog.finishedWith, timeout=20000) as finished:
        click(qtbot, dialog.start)
    message = finished.args[0]
    assert "gone.minidaw" in message
    assert dialog.status.text() == f"The album could not be mastered: {message}"
