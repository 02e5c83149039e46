"""The timeline's group edits as plain model functions: no Qt, no window."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from daw.model import EditError, MediaRef, Project, ops
from daw.model.clip_edits import (
    clips_at,
    copy_clips,
    delete_clips,
    duplicate_clips,
    move_clips,
    next_marker_name,
    paste_clips,
    set_gain,
    set_muted,
    shift_clips,
    split_clips,
)


def song() -> Project:
    p = ops.add_media(Project(), MediaRef("m", "audio/m.wav", 1, 96000))
    p = ops.add_track(p, "Vox", track_id="vox")
    p = ops.add_track(p, "Keys", track_id="keys")
    p = ops.add_clip(p, "vox", "m", 1000, length_frames=4000, clip_id="a")
    return ops.add_clip(p, "keys", "m", 3000, length_frames=2000, clip_id="b")


def spans(p: Project) -> dict[str, tuple[str, int, int]]:
    return {c.id: (t.id, c.start_frame, c.end_frame) for t in p.tracks for c in t.clips}


def test_the_model_edits_load_without_qt_or_numpy() -> None:
    code = ("import sys, daw.model.clip_edits, daw.model.comping; "
            "print(sorted({'PySide6', 'numpy'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).parents[2])
    assert out.stdout.strip() == "[]"


def test_shift_stops_at_the_start_of_the_song() -> None:
    p = shift_clips(song(), ["a", "b"], -5000)
    assert spans(p) == {"a": ("vox", 0, 4000), "b": ("keys", 2000, 4000)}


def test_move_puts_clips_on_other_tracks() -> None:
    p = move_clips(song(), {"a": (200, "keys")})
    assert spans(p)["a"] == ("keys", 200, 4200)


def test_split_only_where_the_frame_falls_inside() -> None:
    p = song()
    inside = clips_at(p, ["a", "b"], 4500)
    assert inside == ["a", "b"]
    assert clips_at(p, ["a", "b"], 1000) == []  # a clip's first frame is not inside it
    split = split_clips(p, inside, 4500, ["a2", "b2"])
    assert spans(split) == {"a": ("vox", 1000, 4500), "a2": ("vox", 4500, 5000),
                            "b": ("keys", 3000, 4500), "b2": ("keys", 4500, 5000)}


def test_duplicate_moves_the_copies_by_the_group_span() -> None:
    p = duplicate_clips(song(), ["a", "b"], ["a2", "b2"])
    assert spans(p)["a2"] == ("vox", 5000, 9000)
    assert spans(p)["b2"] == ("keys", 7000, 9000)


def test_copy_and_paste_keep_the_layout_and_the_sound() -> None:
    p = set_gain(song(), ["b"], -6.0)
    copies = copy_clips(p, ["b", "a"])
    pasted = paste_clips(p, copies, "keys", 20000, ["x", "y"])
    assert spans(pasted)["x"] == ("keys", 20000, 24000)  # "a": first, on the target track
    assert spans(pasted)["y"] == ("keys", 22000, 24000)  # "b": one track lower, but none
    assert pasted.find_clip("y")[1].gain_db == -6.0
    with pytest.raises(EditError, match="already used"):
        paste_clips(p, copies, "vox", 0, ["a", "z"])
    with pytest.raises(EditError, match="no track"):
        paste_clips(p, copies, "nope", 0, ["x", "y"])


def test_delete_mute_and_gain_work_on_the_whole_group() -> None:
    p = set_muted(song(), ["a", "b"], True)
    assert [p.find_clip(c)[1].muted for c in "ab"] == [True, True]
    p = set_muted(p, ["a"], False)
    assert [p.find_clip(c)[1].muted for c in "ab"] == [False, True]
    assert spans(delete_clips(p, ["a"])) == {"b": ("keys", 3000, 5000)}


def test_marker_names_skip_names_in_use() -> None:
    p = ops.add_marker(song(), "Marker 2", 0)
    assert next_marker_name(p) == "Marker 3"
    assert next_marker_name(ops.add_marker(p, "Chorus", 10)) == "Marker 3"
