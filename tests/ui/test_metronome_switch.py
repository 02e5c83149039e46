"""The transport bar's Click button is the song's metronome switch: it edits the song (so it
is saved with it, and undo takes it back) and shows what the song says."""

from __future__ import annotations

import os
from pathlib import Path

from daw.model import Project, ops
from daw.model.store import create_project, load_project
from daw.ui.session import Session
from daw.ui.transport_bar import TransportBar

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def test_the_click_button_edits_the_song_and_is_saved(qtbot, tmp_path: Path) -> None:
    folder = create_project(tmp_path / "Song", Project())
    session = Session(load_project(folder), folder)
    bar = TransportBar(session)
    qtbot.addWidget(bar)
    assert not bar.click.isChecked()
    bar.click.click()
    assert session.project.metronome is True and session.is_modified
    assert session.history.undo_label == "Metronome"
    session.save()
    assert load_project(folder).metronome is True
    session.undo()
    assert not bar.click.isChecked() and session.project.metronome is False


def test_a_song_saved_with_the_click_on_opens_with_it_on(qtbot, tmp_path: Path) -> None:
    folder = create_project(tmp_path / "Song", ops.set_metronome(Project(), True))
    bar = TransportBar(Session(load_project(folder), folder))
    qtbot.addWidget(bar)
    assert bar.click.isChecked()
