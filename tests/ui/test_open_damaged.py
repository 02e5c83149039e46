"""The window refuses a damaged project from the corpus (tests/data/damaged/) with a message
naming the problem, and keeps the song it had."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from daw.model.store import save_project
from daw.ui.main_window import MainWindow
from daw.ui.session import Session
from tests.engine.songs import Song, tone
from tests.ui.windows import private_settings, shown_window

CORPUS = Path(__file__).resolve().parents[1] / "data" / "damaged"


@pytest.fixture
def window(qtbot, tmp_path: Path) -> Iterator[MainWindow]:
    song = Song(tmp_path / "Song.minidaw")
    song.media("a", tone(4800, 220))
    song.track("Keys")
    song.clip("Keys", "a", 0, "c1")
    save_project(song.folder, song.project)
    with shown_window(qtbot, Session(song.project, song.folder),
                      private_settings(tmp_path)) as win:
        yield win


@pytest.mark.parametrize(("name", "words"), [
    ("unknown-effect", "track 'Vocal', effect 1: unknown kind 'fuzzbox-9000'"),
    ("effect-gain-1e308", "track 'Vocal', effect 1 (eq): p1_gain_db: 1e+308 is out of range"),
    ("clip-at-1e13", "past 24 hours"),
    ("nested-too-deeply", "nested too deeply"),
    ("garbage", "is not text"),
])
def test_a_damaged_project_is_refused_and_the_song_kept(window: MainWindow, tmp_path: Path,
                                                         name: str, words: str) -> None:
    folder = tmp_path / f"{name}.minidaw"
    folder.mkdir()
    shutil.copyfile(CORPUS / "projects" / f"{name}.json", folder / "project.json")
    before = window.session.project
    assert not window.open_project(folder)
    assert window.last_error is not None and words in window.last_error
    assert window.session.project is before
    assert [t.name for t in window.session.project.tracks] == ["Keys"]
