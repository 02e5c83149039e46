"""The ruler, markers, zoom and scrolling of the timeline, driven by mouse, wheel and keys."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QInputDialog

from daw.model import ops
from daw.ui.timeline import style
from daw.ui.timeline.grid import beat_label, beat_step, second_step, time_label
from tests.ui.timeline_helpers import (
    BEAT,
    FRAMES_PER_PIXEL,
    Timeline,
    drag,
    make_timeline,
    point,
    snapped_beat,
)

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

CTRL = Qt.KeyboardModifier.ControlModifier
BARS_Y = style.MARKER_ROW + 6
MARKER_Y = style.MARKER_ROW // 2


@pytest.fixture
def tl(qtbot, tmp_path: Path) -> Timeline:
    return make_timeline(qtbot, tmp_path)


def wheel(widget, x: float, y: float, notches: float, modifiers=Qt.KeyboardModifier.NoModifier,
          horizontal: bool = False) -> None:
    delta = QPoint(round(120 * notches), 0) if horizontal else QPoint(0, round(120 * notches))
    event = QWheelEvent(QPointF(x, y), QPointF(widget.mapToGlobal(QPoint(round(x), round(y)))),
                        QPoint(), delta, Qt.MouseButton.NoButton, modifiers,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def test_ruler_click_locates_the_playhead(qtbot, tl: Timeline) -> None:
    qtbot.mouseClick(tl.view.ruler, Qt.MouseButton.LeftButton, pos=point(300, BARS_Y))
    assert tl.session.engine_state.position_frame == 300 * FRAMES_PER_PIXEL


def test_ruler_drag_sets_a_snapped_loop(qtbot, tl: Timeline, monkeypatch) -> None:
    calls: list[tuple[int, int, bool]] = []
    monkeypatch.setattr(tl.session, "set_loop", lambda s, e, on=True: calls.append((s, e, on)))
    drag(qtbot, tl.view.ruler, point(370, BARS_Y), point(130, BARS_Y))
    assert calls == [(snapped_beat(130 * FRAMES_PER_PIXEL), snapped_beat(370 * FRAMES_PER_PIXEL),
                      True)]
    assert calls[0][:2] == (BEAT, 3 * BEAT)
    assert tl.session.engine_state.position_frame == 0  # a drag does not locate


def test_the_loop_the_engine_reports_is_shaded(tl: Timeline) -> None:
    from tests.ui.timeline_helpers import brightness

    before = brightness(tl.view.ruler.grab().toImage())
    tl.session.engine_state = replace(tl.session.engine_state, loop=(BEAT, 3 * BEAT))
    tl.session.engineStateChanged.emit()
    after = brightness(tl.view.ruler.grab().toImage())
    inside = round(2 * BEAT / FRAMES_PER_PIXEL)
    outside = round(4.5 * BEAT / FRAMES_PER_PIXEL)
    y = style.RULER_HEIGHT - 3
    assert after[y, inside] > before[y, inside]
    assert after[y, outside] == before[y, outside]


def test_shift_m_adds_numbered_markers_at_the_playhead(qtbot, tl: Timeline) -> None:
    tl.session.locate(72000)
    qtbot.keyClick(tl.view.lanes, Qt.Key.Key_M, Qt.KeyboardModifier.ShiftModifier)
    tl.session.locate(12000)
    qtbot.keyClick(tl.view.lanes, Qt.Key.Key_M, Qt.KeyboardModifier.ShiftModifier)
    markers = tl.session.project.markers
    assert [(m.name, m.frame) for m in markers] == [("Marker 2", 12000), ("Marker 1", 72000)]


def test_marker_drag_moves_it_snapped_in_one_undo_step(qtbot, tl: Timeline) -> None:
    tl.session.edit("Add Marker", lambda p: ops.add_marker(p, "Verse", 72000, marker_id="m1"))
    x = 72000 / FRAMES_PER_PIXEL + 6
    drag(qtbot, tl.view.ruler, point(x, MARKER_Y), point(x + 65, MARKER_Y), steps=5)
    expected = snapped_beat(72000 + 65 * FRAMES_PER_PIXEL)
    assert expected == 4 * BEAT
    assert tl.session.project.marker("m1").frame == expected
    assert tl.session.history.undo_label == "Move Marker"
    tl.session.undo()
    assert tl.session.project.marker("m1").frame == 72000


def test_double_click_renames_a_marker(qtbot, tl: Timeline, monkeypatch) -> None:
    tl.session.edit("Add Marker", lambda p: ops.add_marker(p, "Verse", 72000, marker_id="m1"))
    monkeypatch.setattr(QInputDialog, "getText",
                        staticmethod(lambda *args, **kwargs: ("Chorus", True)))
    qtbot.mouseDClick(tl.view.ruler, Qt.MouseButton.LeftButton,
                      pos=point(72000 / FRAMES_PER_PIXEL + 8, MARKER_Y))
    assert tl.session.project.marker("m1").name == "Chorus"
    assert tl.session.project.marker("m1").frame == 72000


def test_clicking_a_marker_locates_to_it(qtbot, tl: Timeline) -> None:
    tl.session.edit("Add Marker", lambda p: ops.add_marker(p, "Verse", 72000))
    qtbot.mouseClick(tl.view.ruler, Qt.MouseButton.LeftButton,
                     pos=point(72000 / FRAMES_PER_PIXEL + 10, MARKER_Y))
    assert tl.session.engine_state.position_frame == 72000


def test_next_and_previous_marker_jump_the_playhead(tl: Timeline) -> None:
    for name, frame in (("A", 10000), ("B", 50000), ("C", 90000)):
        tl.session.edit("Add Marker", lambda p, n=name, f=frame: ops.add_marker(p, n, f))
    tl.session.locate(20000)
    tl.view.next_marker()
    assert tl.session.engine_state.position_frame == 50000
    tl.view.next_marker()
    assert tl.session.engine_state.position_frame == 90000
    tl.view.next_marker()
    assert tl.session.engine_state.position_frame == 90000
    tl.view.previous_marker()
    assert tl.session.engine_state.position_frame == 50000
    tl.view.previous_marker()
    tl.view.previous_marker()
    assert tl.session.engine_state.position_frame == 0


def test_ctrl_wheel_zooms_keeping_the_frame_under_the_mouse(tl: Timeline) -> None:
    view = tl.session.view
    view.scroll_to(100000)
    x = 400.0
    under = view.x_to_frame(x)
    wheel(tl.view.lanes, x, 50, 2, CTRL)
    assert view.frames_per_pixel == pytest.approx(FRAMES_PER_PIXEL / 1.25**2)
    assert view.x_to_frame(x) == pytest.approx(under, abs=1e-6)
    wheel(tl.view.ruler, x, 20, -3, CTRL)
    assert view.frames_per_pixel == pytest.approx(FRAMES_PER_PIXEL * 1.25)
    assert view.x_to_frame(x) == pytest.approx(under, abs=1e-6)


def test_zoom_keys_keep_the_playhead_in_place(qtbot, tl: Timeline) -> None:
    view = tl.session.view
    view.scroll_to(20000)
    tl.session.locate(100000)
    x = view.frame_to_x(100000)
    qtbot.keyClick(tl.view.lanes, Qt.Key.Key_Equal, CTRL)
    assert view.frames_per_pixel == FRAMES_PER_PIXEL / 2
    assert view.frame_to_x(100000) == pytest.approx(x)
    tl.view.zoom_out()
    tl.view.zoom_out()
    assert view.frames_per_pixel == FRAMES_PER_PIXEL * 2


def test_zoom_to_song_fits_the_song(tl: Timeline) -> None:
    tl.session.edit("Move", lambda p: ops.move_clip(p, "c2", 48000 * 20))
    tl.view.zoom_to_song()
    view, width = tl.session.view, tl.view.lanes.width()
    assert view.scroll_frame == 0
    assert 0 < view.frame_to_x(tl.session.project.end_frame) <= width


def test_wheel_scrolls_in_time_and_shift_wheel_too(tl: Timeline) -> None:
    view = tl.session.view
    view.scroll_to(200000)
    wheel(tl.view.lanes, 300, 50, -1)
    step = tl.view.lanes.width() * FRAMES_PER_PIXEL / 8
    assert view.scroll_frame == pytest.approx(200000 + step)
    wheel(tl.view.lanes, 300, 50, 1, Qt.KeyboardModifier.ShiftModifier)
    assert view.scroll_frame == pytest.approx(200000)
    assert tl.view.hbar.value() == 200000


def test_scroll_bar_scrolls_the_view(tl: Timeline) -> None:
    tl.view.hbar.setValue(48000)
    assert tl.session.view.scroll_frame == 48000


def test_tall_tracks_scroll_vertically(tl: Timeline) -> None:
    tl.view.set_track_height(300)
    assert tl.session.view.track_height == 300
    assert tl.view.vbar.maximum() == 3 * 300 - tl.view.lanes.height()
    wheel(tl.view.lanes, 300, 50, -2)
    assert tl.view.layout_.y_offset == tl.view.vbar.value() > 0
    header = tl.view.headers.headers["t1"]
    assert header.y() == -tl.view.layout_.y_offset
    wheel(tl.view.lanes, 300, 50, 1, Qt.KeyboardModifier.AltModifier)
    assert tl.session.view.track_height == 308


def test_follow_pages_the_view_while_playing(tl: Timeline) -> None:
    session = tl.session
    far = 600000
    session.engine_state = replace(session.engine_state, playing=True, position_frame=far)
    session.engineStateChanged.emit()
    x = session.view.frame_to_x(far)
    assert 0 <= x < tl.view.lanes.width()
    session.view.follow_playhead = False
    session.engine_state = replace(session.engine_state, position_frame=3 * far)
    session.engineStateChanged.emit()
    assert session.view.frame_to_x(3 * far) > tl.view.lanes.width()


def test_ruler_labels_adapt_to_the_zoom(tl: Timeline) -> None:
    project = tl.session.project
    assert beat_step(project, 200, 64) == 1.0  # 120 px a beat
    assert beat_step(project, 1000, 64) == 4.0  # a bar: 96 px, where 2 beats are 48 px
    assert beat_step(project, 2000, 64) == 8.0  # two bars
    assert beat_step(project, 20000, 64) == 64.0  # 16 bars are 77 px
    assert beat_step(project, 80, 64) == 0.25  # 300 px a beat
    assert beat_label(project, 9.0, 1.0) == "3.2"
    assert beat_label(project, 8.0, 4.0) == "3"
    assert beat_label(project, 9.25, 0.25) == "3.2.25"
    assert second_step(48000, 200, 74) == 0.5
    assert time_label(62.5, 0.5) == "1:02.5"
    assert time_label(125, 5) == "2:05"
