"""The Bounce dialog's "Render tails": on for the whole song, off for a section unless ticked."""

from __future__ import annotations

from pathlib import Path

import soundfile as sf

from daw.model import ops
from daw.model.store import save_project
from daw.ui.session import Session
from tests.engine.songs import Song
from tests.engine.test_bounce_tail import SONG, delayed_song
from tests.ui.test_bounce_dialog import bounce_and_wait, open_dialog


def echo_session(tmp_path: Path) -> Session:
    song = delayed_song(Song(tmp_path / "Echo.minidaw"))
    song.project = ops.add_marker(song.project, "Start", 0)
    song.project = ops.add_marker(song.project, "Late", 6000)
    save_project(song.folder, song.project)
    return Session(song.project, song.folder)


def test_the_whole_song_keeps_its_tail_and_unticking_cuts_it(qtbot, tmp_path: Path) -> None:
    dialog = open_dialog(qtbot, echo_session(tmp_path))
    assert dialog.tails.isChecked() and dialog.tails.isEnabled()
    dialog.path.setText(str(tmp_path / "tail.wav"))
    assert bounce_and_wait(qtbot, dialog) == ""
    assert sf.info(tmp_path / "tail.wav").frames > SONG + 24000
    dialog.tails.setChecked(False)
    dialog.path.setText(str(tmp_path / "cut.wav"))
    assert bounce_and_wait(qtbot, dialog) == ""
    assert sf.info(tmp_path / "cut.wav").frames == SONG


def test_a_section_has_no_tail_until_ticked(qtbot, tmp_path: Path) -> None:
    dialog = open_dialog(qtbot, echo_session(tmp_path))
    dialog.range.setCurrentIndex(dialog.range.findData("markers"))
    assert not dialog.tails.isChecked()
    dialog.marker.setCurrentIndex(0)  # Start to Late: 6000 frames
    assert dialog.settings().tail == 0.0
    dialog.tails.setChecked(True)
    dialog.path.setText(str(tmp_path / "part.wav"))
    assert bounce_and_wait(qtbot, dialog) == ""
    assert sf.info(tmp_path / "part.wav").frames > 6000 + 4800
