"""The view follows the playhead where a stopped transport jumps it: back to where play
started after a take, or to the song's end (End)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.ui.timeline_helpers import Timeline, make_timeline


@pytest.fixture
def tl(qtbot, tmp_path: Path) -> Timeline:
    return make_timeline(qtbot, tmp_path)


def in_view(tl: Timeline, frame: int) -> bool:
    return 0 <= tl.session.view.frame_to_x(frame) <= tl.view.lanes.width()


def test_after_a_take_the_view_goes_back_with_the_transport(tl: Timeline) -> None:
    session = tl.session
    far = 900000
    session.engine_state = replace(session.engine_state, playing=True, recording=True,
                                   position_frame=far)
    session.engineStateChanged.emit()
    assert in_view(tl, far) and not in_view(tl, 0)  # followed while recording
    session.engine_state = replace(session.engine_state, playing=False, recording=False,
                                   position_frame=0)  # stop: back to where play started
    session.engineStateChanged.emit()
    assert in_view(tl, 0)
    assert session.view.scroll_frame == 0.0


def test_end_scrolls_the_view_to_the_playhead_and_keeps_the_end_in_sight(tl: Timeline) -> None:
    session = tl.session
    session.view.follow_playhead = False  # a jump is shown even when not following
    end = 20 * session.project.end_frame
    session.locate(end)
    assert in_view(tl, end)
    x = session.view.frame_to_x(end)
    assert x > tl.view.lanes.width() / 2  # what leads to it is in view too
    session.locate(10)
    assert in_view(tl, 10)


def test_a_stopped_view_scrolled_away_by_hand_stays_put(tl: Timeline) -> None:
    session = tl.session
    session.view.scroll_to(2_000_000)
    session.engineStateChanged.emit()  # a meter update: the playhead did not move
    assert session.view.scroll_frame == 2_000_000
