"""The Takes button counts the takes a person can still comp from, not the set-aside ones."""

from __future__ import annotations

import os
from pathlib import Path

from daw.model.takes import delete_take, set_take_muted
from daw.ui.session import Session
from daw.ui.timeline import TimelineView
from tests.ui.test_take_lanes import song_with_takes

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def test_muted_and_deleted_takes_are_not_counted(qtbot, tmp_path: Path) -> None:
    song = song_with_takes(tmp_path / "Song.minidaw")
    session = Session(song.project, song.folder)
    view = TimelineView(session)
    qtbot.addWidget(view)
    view.show()
    button = view.headers.headers["vox"].takes_button
    assert button.text() == "Takes 2"
    session.edit("Mute Take", lambda p: set_take_muted(p, "k2", True))
    assert button.text() == "Takes 1"
    assert "(1 muted)" in button.toolTip()
    session.edit("Delete Take", lambda p: delete_take(p, "k1"))
    assert button.text() == "Takes 0"
    assert button.isVisible()  # the muted take can still be shown and unmuted
