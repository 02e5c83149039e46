"""Takes and clip pitch/stretch in the model: kept through the file, checked on every edit."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from daw.model import EditError, MediaRef, Project, ops
from daw.model.store import create_project, load_project
from daw.model.takes import add_take, find_take, rename_take, set_take_muted


def song() -> Project:
    p = ops.add_media(Project(), MediaRef("m", "audio/m.wav", 1, 96000))
    p = ops.add_track(p, "Vox", track_id="vox")
    p = add_take(p, "vox", "m", 0, 48000, take_id="k1")
    p = add_take(p, "vox", "m", 0, 48000, source_offset_frames=48000, take_id="k2")
    return ops.add_clip(p, "vox", "m", 0, length_frames=24000, clip_id="c1")


def test_takes_and_processed_clips_round_trip(tmp_path: Path) -> None:
    p = song()
    p = rename_take(p, "k2", "Second pass")
    p = set_take_muted(p, "k1", True)
    track, clip = p.find_clip("c1")
    clip = replace(clip, pitch_semitones=-1.0, pitch_cents=25.0, stretch=1.5, take_id="k1")
    p = ops._replace_track(p, replace(track, clips=(clip,)))
    folder = create_project(tmp_path / "T", p)
    assert load_project(folder) == p
    assert [t.name for t in p.track("vox").takes] == ["Take 1", "Second pass"]
    assert find_take(p, "k1")[1].muted


@pytest.mark.parametrize(("field", "value", "words"), [
    ("pitch_semitones", 30.0, "pitch"), ("pitch_cents", 150.0, "cents"),
    ("stretch", 0.1, "stretch"), ("stretch", 0.25, "reaches frame"),
])
def test_clip_pitch_and_stretch_are_checked(field: str, value: float, words: str) -> None:
    p = song()
    track, clip = p.find_clip("c1")
    clip = replace(clip, source_offset_frames=24000, **{field: value})
    with pytest.raises(EditError, match=words):
        ops._with_clip(p, track, p.find_clip("c1")[1], [clip])


def test_takes_stay_inside_their_media() -> None:
    with pytest.raises(EditError, match="past the end"):
        add_take(song(), "vox", "m", 0, 48001, source_offset_frames=48000)
    with pytest.raises(EditError, match="already used"):
        add_take(song(), "vox", "m", 0, 10, take_id="c1")
