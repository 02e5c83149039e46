"""Stopped, the mastering meters read nothing for the moment and grey what the last play held."""

from __future__ import annotations

from pathlib import Path

import pytest

from daw.ui.mastering.meters import DIM_TEXT, NOTHING
from daw.ui.session import Session
from tests.ui.test_mastering_panel import READING, feed, make_song, open_panel


@pytest.fixture
def session(tmp_path: Path) -> Session:
    song = make_song(tmp_path / "Song.minidaw")
    return Session(song.project, song.folder)


def test_stopping_blanks_the_live_figures_and_greys_the_held_ones(qtbot,
                                                                 session: Session) -> None:
    panel = open_panel(qtbot, session)
    meters = panel.meters
    feed(session, READING)
    assert meters.values["momentary"].text() == "-12.3"
    assert meters.bars["momentary"].bar_rect().height() > 0
    assert panel.spectrum.bar_heights().size > 0
    assert DIM_TEXT not in meters.values["integrated"].styleSheet()

    feed(session, READING, playing=False)  # the engine stopped; its last reading remains
    assert meters.values["momentary"].text() == meters.values["short_term"].text() == NOTHING
    assert meters.bars["momentary"].bar_rect().height() == 0
    assert meters.bars["short_term"].bar_rect().height() == 0
    assert meters.correlation_value.text() == NOTHING
    assert panel.spectrum.bar_heights().size == 0
    assert meters.values["integrated"].text() == "-14.0"  # held from the last play, greyed
    assert DIM_TEXT in meters.values["integrated"].styleSheet()
    assert DIM_TEXT in meters.loudness_range.styleSheet()
    assert "color" in meters.true_peak.styleSheet()  # over the ceiling: still red

    feed(session, READING)  # playing again: live
    assert meters.values["momentary"].text() == "-12.3"
    assert DIM_TEXT not in meters.values["integrated"].styleSheet()
