"""Undo and redo: every step comes back exactly, and a gesture is one step."""

from __future__ import annotations

from daw.model import MediaRef, Project, ops
from daw.model.history import History


def base() -> Project:
    p = ops.add_media(Project(), MediaRef("m", "audio/m.wav", 1, 10000))
    p = ops.add_track(p, "Keys", track_id="t")
    return ops.add_clip(p, "t", "m", 0, clip_id="c")


def test_undo_redo_walk_back_and_forth_with_labels() -> None:
    history = History(base())
    first = history.current
    history.push(ops.move_clip(history.current, "c", 100), "Move Clip")
    history.push(ops.set_track_gain(history.current, "t", -3), "Track Gain")
    assert history.undo_label == "Track Gain"
    after_two = history.current
    assert history.undo().track("t").gain_db == 0.0
    assert history.redo_label == "Track Gain"
    assert history.undo() == first
    assert not history.can_undo and history.undo() == first
    assert history.redo().find_clip("c")[1].start_frame == 100
    assert history.redo() == after_two
    assert not history.can_redo


def test_new_edit_after_undo_drops_the_redo_branch() -> None:
    history = History(base())
    history.push(ops.move_clip(history.current, "c", 100), "Move Clip")
    history.undo()
    history.push(ops.rename_track(history.current, "t", "Piano"), "Rename Track")
    assert not history.can_redo
    assert history.current.find_clip("c")[1].start_frame == 0


def test_a_drag_is_one_undo_step() -> None:
    history = History(base())
    gesture = object()
    for frame in range(10, 200, 10):
        history.push(ops.move_clip(history.current, "c", frame), "Move Clip", gesture=gesture)
    history.end_gesture()
    history.push(ops.move_clip(history.current, "c", 500), "Move Clip", gesture=gesture)
    assert history.current.find_clip("c")[1].start_frame == 500
    assert history.undo().find_clip("c")[1].start_frame == 190
    assert history.undo().find_clip("c")[1].start_frame == 0
    assert not history.can_undo


def test_modified_flag_follows_saves_and_undo() -> None:
    history = History(base())
    assert not history.is_modified
    history.push(ops.set_tempo(history.current, 90), "Tempo")
    assert history.is_modified
    history.mark_saved()
    assert not history.is_modified
    history.undo()
    assert history.is_modified
    history.redo()
    assert not history.is_modified
