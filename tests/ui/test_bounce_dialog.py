"""Bouncing from the window, with no sound card: the file appears, complete, with a report."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from daw.model import ops
from daw.model.store import save_project
from daw.ui.bounce_dialog import BounceDialog
from daw.ui.session import Session
from tests.engine.songs import Song, tone


def make_session(tmp_path: Path) -> Session:
    song = Song(tmp_path / "Song.minidaw")
    song.media("a", tone(96000, 330, channels=2, amp=0.4))
    song.track("A")
    song.clip("A", "a", 0, "c")
    song.project = ops.add_marker(song.project, "Verse", 0)
    song.project = ops.add_marker(song.project, "Chorus", 48000)
    save_project(song.folder, song.project)
    return Session(song.project, song.folder)


def test_bounce_a_section_from_the_dialog(qtbot, tmp_path: Path) -> None:
    session = make_session(tmp_path)
    dialog = BounceDialog(session)
    qtbot.addWidget(dialog)
    labels = [dialog.range.itemText(i) for i in range(dialog.range.count())]
    assert labels == ["Whole song", "Section “Verse”", "Section “Chorus”"]
    dialog.range.setCurrentIndex(2)
    dialog.depth.setCurrentIndex(dialog.depth.findData("16"))
    target = tmp_path / "chorus.wav"
    dialog.path.setText(str(target))
    with qtbot.waitSignal(dialog.finished, timeout=10000):
        dialog.run()
    assert dialog.result_message == ""
    info = sf.info(target)
    assert (info.frames, info.subtype) == (48000, "PCM_16")
    data, _ = sf.read(target)
    assert 0.2 < np.abs(data).max() < 0.5


def test_a_failed_bounce_is_reported(qtbot, tmp_path: Path) -> None:
    session = make_session(tmp_path)
    errors: list[str] = []
    session.errorRaised.connect(errors.append)
    dialog = BounceDialog(session)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(tmp_path / "no such folder" / "mix.wav"))
    dialog.run()
    qtbot.waitUntil(lambda: bool(errors), timeout=10000)
    assert "Bounce failed" in errors[0] and "no such folder" in errors[0]
