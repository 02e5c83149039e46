"""Editing clips on the timeline with the mouse and keys, checked on the model: moves snap
to the grid (Shift bypasses), edges trim, fade and gain handles, split, delete, duplicate,
copy and paste, rubber-band selection, nudges, dropped files; each edit one undo step."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import soundfile as sf
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QInputDialog

from daw.model import Fade, ops, routing
from daw.ui.timeline.geometry import (
    GAIN_BOTTOM_DB,
    GAIN_TOP_DB,
    fade_in_handle,
    fade_out_handle,
    gain_handle,
)
from tests.engine.songs import tone
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

SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def tl(qtbot, tmp_path: Path) -> Timeline:
    return make_timeline(qtbot, tmp_path)


def body_point(tl: Timeline, clip_id: str, dx: float = 60):
    """A point on the clip's body: away from its edges, handles and gain line."""
    rect = tl.clip_rect(clip_id)
    return point(rect.left() + dx, rect.bottom() - 12)


def test_drag_moves_clip_by_the_snapped_amount_as_one_undo_step(qtbot, tl: Timeline) -> None:
    start = body_point(tl, "c1")
    end = start + point(130, 0)
    drag(qtbot, tl.view.lanes, start, end, steps=6)
    expected = snapped_beat(24000 + 130 * FRAMES_PER_PIXEL)
    assert expected == 2 * BEAT  # 50000 frames lies nearest to beat 2
    assert tl.clip("c1").start_frame == expected
    assert tl.track_of("c1") == "t1"
    assert tl.session.history.undo_label == "Move Clip"
    tl.session.undo()
    assert tl.clip("c1").start_frame == 24000
    assert not tl.session.history.can_undo
    tl.session.redo()
    assert tl.clip("c1").start_frame == expected


def test_drag_to_another_track(qtbot, tl: Timeline) -> None:
    start = body_point(tl, "c1")
    end = start + point(0, 2 * tl.layout.lane_height)
    drag(qtbot, tl.view.lanes, start, end)
    assert tl.track_of("c1") == "t3"
    assert tl.clip("c1").start_frame == 24000
    assert [c.id for c in tl.session.project.track("t1").clips] == []


def test_a_clip_dragged_over_a_bus_stays_on_the_last_audio_track(qtbot, tl: Timeline) -> None:
    tl.session.edit("Add Bus", lambda p: routing.add_bus(p, "Bus", bus_id="bus", index=1))
    errors: list[str] = []
    tl.session.errorRaised.connect(errors.append)
    start = body_point(tl, "c1")
    drag(qtbot, tl.view.lanes, start, start + point(0, tl.layout.lane_height))  # onto the bus
    assert tl.track_of("c1") == "t1" and errors == []
    drag(qtbot, tl.view.lanes, start, start + point(0, 2 * tl.layout.lane_height))  # past it
    assert tl.track_of("c1") == "t2"


def test_shift_drag_bypasses_the_snap(qtbot, tl: Timeline) -> None:
    start = body_point(tl, "c1")
    drag(qtbot, tl.view.lanes, start, start + point(130, 0), modifier=SHIFT)
    assert tl.clip("c1").start_frame == 24000 + 130 * FRAMES_PER_PIXEL


def test_dragging_a_selection_moves_all_its_clips(qtbot, tl: Timeline) -> None:
    tl.session.select_clips(["c1", "c2"])
    start = body_point(tl, "c2")
    drag(qtbot, tl.view.lanes, start, start + point(-120, 0))
    assert tl.clip("c2").start_frame == 120000 - BEAT
    assert tl.clip("c1").start_frame == 24000 - BEAT


def test_trim_start_edge(qtbot, tl: Timeline) -> None:
    rect = tl.clip_rect("c1")
    start = point(rect.left() + 1, rect.center().y())
    drag(qtbot, tl.view.lanes, start, start + point(70, 0))
    expected = snapped_beat(24000 + 70 * FRAMES_PER_PIXEL)
    clip = tl.clip("c1")
    assert (clip.start_frame, clip.source_offset_frames, clip.end_frame) == (
        expected, expected - 24000, 96000)
    assert tl.session.history.undo_label == "Trim Clip Start"


def test_trim_end_edge(qtbot, tl: Timeline) -> None:
    rect = tl.clip_rect("c1")
    start = point(rect.right() - 1, rect.center().y())
    drag(qtbot, tl.view.lanes, start, start + point(-70, 0))
    expected = snapped_beat(96000 - 70 * FRAMES_PER_PIXEL)
    clip = tl.clip("c1")
    assert (clip.start_frame, clip.end_frame, clip.source_offset_frames) == (24000, expected, 0)


def test_trim_stops_at_the_end_of_the_audio(qtbot, tl: Timeline) -> None:
    rect = tl.clip_rect("c1")
    start = point(rect.right() - 1, rect.center().y())
    drag(qtbot, tl.view.lanes, start, start + point(400, 0))
    assert tl.clip("c1").end_frame == 96000  # the media has 72000 frames


def test_fade_handles_set_the_fades(qtbot, tl: Timeline) -> None:
    rect = tl.clip_rect("c1")
    handle = fade_in_handle(rect, tl.clip("c1"), FRAMES_PER_PIXEL).toPoint()
    drag(qtbot, tl.view.lanes, handle, handle + point(50, 0))
    assert tl.clip("c1").fade_in == Fade(50 * round(FRAMES_PER_PIXEL))
    handle = fade_out_handle(rect, tl.clip("c1"), FRAMES_PER_PIXEL).toPoint()
    drag(qtbot, tl.view.lanes, handle, handle + point(-40, 0))
    assert tl.clip("c1").fade_out == Fade(40 * round(FRAMES_PER_PIXEL))
    assert tl.clip("c1").fade_in.length_frames == 10000
    tl.session.undo()
    assert tl.clip("c1").fade_out == Fade()
    assert tl.clip("c1").fade_in.length_frames == 10000


def test_gain_handle_drag_raises_the_clip_gain(qtbot, tl: Timeline) -> None:
    rect = tl.clip_rect("c1")
    handle = gain_handle(rect, tl.clip("c1"), tl.view.lanes.width())
    assert abs(handle.y() - (rect.top() + rect.height() * GAIN_TOP_DB
                             / (GAIN_TOP_DB - GAIN_BOTTOM_DB))) < 1e-9
    start = handle.toPoint()
    drag(qtbot, tl.view.lanes, start, start + point(0, -10))
    per_pixel = (GAIN_TOP_DB - GAIN_BOTTOM_DB) / rect.height()
    assert tl.clip("c1").gain_db == pytest.approx(round(10 * per_pixel, 1))
    assert tl.clip("c1").start_frame == 24000


def test_clip_gain_dialog_sets_the_selected_clips(tl: Timeline, monkeypatch) -> None:
    asked: list[float] = []

    def answer(parent, title, label, value, low, high, decimals):
        asked.append(value)
        return -6.5, True

    monkeypatch.setattr(QInputDialog, "getDouble", staticmethod(answer))
    tl.session.select_clips(["c1", "c2"])
    tl.view.clip_gain_dialog()
    assert asked == [0.0]
    assert tl.clip("c1").gain_db == tl.clip("c2").gain_db == -6.5
    tl.session.undo()
    assert tl.clip("c1").gain_db == tl.clip("c2").gain_db == 0.0


def test_ctrl_e_splits_the_selected_clip_at_the_playhead(qtbot, tl: Timeline) -> None:
    tl.session.locate(50000)
    qtbot.mouseClick(tl.view.lanes, Qt.MouseButton.LeftButton, pos=body_point(tl, "c1"))
    assert tl.session.selected_clips == {"c1"}
    qtbot.keyClick(tl.view.lanes, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    clips = tl.session.project.track("t1").clips
    assert [(c.start_frame, c.length_frames, c.source_offset_frames) for c in clips] == [
        (24000, 26000, 0), (50000, 46000, 26000)]
    assert clips[0].id == "c1"
    tl.session.undo()
    assert len(tl.session.project.track("t1").clips) == 1


def test_ctrl_e_splits_the_clip_under_the_mouse_when_nothing_is_selected(qtbot, tl) -> None:
    tl.session.locate(130000)
    qtbot.mouseMove(tl.view.lanes, body_point(tl, "c2"))
    assert tl.session.selected_clips == frozenset()
    qtbot.keyClick(tl.view.lanes, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert [c.start_frame for c in tl.session.project.track("t2").clips] == [120000, 130000]
    assert len(tl.session.project.track("t1").clips) == 1


def test_delete_key_removes_the_selected_clips(qtbot, tl: Timeline) -> None:
    tl.session.select_clips(["c1", "c2"])
    qtbot.keyClick(tl.view.lanes, Qt.Key.Key_Delete)
    assert all(not t.clips for t in tl.session.project.tracks)
    tl.session.undo()
    assert tl.clip("c1").start_frame == 24000 and tl.clip("c2").start_frame == 120000


def test_ctrl_d_duplicates_after_the_clip(qtbot, tl: Timeline) -> None:
    tl.session.select_clips(["c1"])
    qtbot.keyClick(tl.view.lanes, Qt.Key.Key_D, CTRL)
    clips = tl.session.project.track("t1").clips
    assert [(c.start_frame, c.length_frames, c.media_id) for c in clips] == [
        (24000, 72000, "a"), (96000, 72000, "a")]
    assert tl.session.selected_clips == {clips[1].id}


def test_copy_and_paste_at_the_playhead_on_the_selected_track(qtbot, tl: Timeline) -> None:
    session = tl.session
    session.edit("setup", lambda p: ops.set_clip_gain(
        ops.trim_clip_start(ops.set_fades(p, "c2", Fade(1000, "equal_power"), Fade(2000)),
                            "c2", 122000), "c2", -3.0))
    session.select_clips(["c2"])
    qtbot.keyClick(tl.view.lanes, Qt.Key.Key_C, CTRL)
    session.select_track("t3")
    session.locate(300000)
    qtbot.keyClick(tl.view.lanes, Qt.Key.Key_V, CTRL)
    (pasted,) = session.project.track("t3").clips
    original = tl.clip("c2")
    assert pasted.id != "c2" and session.selected_clips == {pasted.id}
    assert pasted.start_frame == 300000
    assert (pasted.media_id, pasted.source_offset_frames, pasted.length_frames,
            pasted.fade_in, pasted.fade_out, pasted.gain_db) == (
        original.media_id, original.source_offset_frames, original.length_frames,
        original.fade_in, original.fade_out, original.gain_db)
    assert session.history.undo_label == "Paste"


def test_rubber_band_selects_the_clips_it_touches(qtbot, tl: Timeline) -> None:
    rect2 = tl.clip_rect("c2")
    start = point(20, 10)
    end = point(rect2.left() + 10, rect2.top() + 10)
    drag(qtbot, tl.view.lanes, start, end)
    assert tl.session.selected_clips == {"c1", "c2"}
    assert tl.clip("c1").start_frame == 24000 and not tl.session.history.can_undo
    qtbot.mouseClick(tl.view.lanes, Qt.MouseButton.LeftButton, pos=point(20, tl.lane_y(2)))
    assert tl.session.selected_clips == frozenset()
    assert tl.session.selected_track == "t3"


def test_shift_and_ctrl_click_build_a_selection(qtbot, tl: Timeline) -> None:
    lanes = tl.view.lanes
    qtbot.mouseClick(lanes, Qt.MouseButton.LeftButton, pos=body_point(tl, "c1"))
    qtbot.mouseClick(lanes, Qt.MouseButton.LeftButton, SHIFT, body_point(tl, "c2"))
    assert tl.session.selected_clips == {"c1", "c2"}
    qtbot.mouseClick(lanes, Qt.MouseButton.LeftButton, CTRL, body_point(tl, "c1"))
    assert tl.session.selected_clips == {"c2"}
    qtbot.mouseClick(lanes, Qt.MouseButton.LeftButton, pos=body_point(tl, "c1"))
    assert tl.session.selected_clips == {"c1"}


def test_nudges_move_by_a_grid_step_or_ten_milliseconds(qtbot, tl: Timeline) -> None:
    tl.session.select_clips(["c1"])
    qtbot.keyClick(tl.view.lanes, Qt.Key.Key_Right, ALT)
    assert tl.clip("c1").start_frame == 24000 + BEAT
    qtbot.keyClick(tl.view.lanes, Qt.Key.Key_Left, CTRL | ALT)
    assert tl.clip("c1").start_frame == 24000 + BEAT - 480
    tl.session.undo()
    assert tl.clip("c1").start_frame == 24000 + BEAT
    for _ in range(3):
        qtbot.keyClick(tl.view.lanes, Qt.Key.Key_Left, ALT)
    assert tl.clip("c1").start_frame == 0


def test_dropped_audio_file_lands_on_the_lane_at_the_snapped_frame(tl: Timeline,
                                                                   tmp_path: Path) -> None:
    wav = tmp_path / "loop.wav"
    sf.write(wav, tone(9600, 330), 48000, subtype="FLOAT")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(wav))])
    x, y = 333.0, float(tl.lane_y(2))
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier)
    enter = QDragEnterEvent(QPointF(x, y).toPoint(), *args)
    QApplication.sendEvent(tl.view.lanes, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(tl.view.lanes, QDropEvent(QPointF(x, y), *args))
    (clip,) = tl.session.project.track("t3").clips
    assert clip.start_frame == snapped_beat(x * FRAMES_PER_PIXEL)
    assert clip.length_frames == 9600
    assert (tl.session.folder / tl.session.project.media_ref(clip.media_id).path).is_file()
    assert tl.session.selected_clips == {clip.id}


def test_overlapping_clips_are_allowed(qtbot, tl: Timeline) -> None:
    start = body_point(tl, "c2")
    drag(qtbot, tl.view.lanes, start, start + point(-240 - 100, -tl.layout.lane_height),
         modifier=SHIFT)
    assert tl.track_of("c2") == "t1"
    assert tl.clip("c2").start_frame == 120000 - 340 * FRAMES_PER_PIXEL
    assert tl.clip("c2").start_frame < tl.clip("c1").end_frame


def test_choose_a_tracks_input_from_its_header(qtbot, tmp_path) -> None:
    from daw.ui.session import Session
    from daw.ui.timeline import TimelineView
    from tests.engine.songs import Song

    song = Song(tmp_path / "In.minidaw")
    song.track("Voice")
    session = Session(song.project, song.folder)
    view = TimelineView(session)
    qtbot.addWidget(view)
    header = view.headers.headers["Voice"]
    assert header.input_button.text() == "In 1"
    assert [label for label, _ in header.input_choices()] == ["In 1", "In 2", "In 1+2"]
    header.choose_input((0, 1))
    assert session.project.track("Voice").input_channels == (0, 1)
    assert header.input_button.text() == "In 1+2"
    assert session.history.undo_label == "Track Input"


def test_copy_and_paste_keep_pitch_stretch_and_take(tl: Timeline) -> None:
    from dataclasses import replace

    from daw.model.clip_edits import copy_clips, paste_clips

    p = tl.session.project
    track, clip = p.find_clip("c1")
    shifted = replace(clip, pitch_semitones=3.0, pitch_cents=-20.0, stretch=1.25,
                      length_frames=50000)
    p = ops._with_clip(p, track, clip, [shifted])
    pasted = paste_clips(p, copy_clips(p, ["c1"]), "t2", 200000, ["c9"])
    copy = pasted.find_clip("c9")[1]
    assert (copy.pitch_semitones, copy.pitch_cents, copy.stretch, copy.length_frames) == (
        3.0, -20.0, 1.25, 50000)
    assert copy.start_frame == 200000 and pasted.find_clip("c9")[0].id == "t2"
