"""The pure repairs of missing media: who uses a media, Remove, and Locate's relink."""

from __future__ import annotations

from dataclasses import replace

import pytest

from daw.model import EditError, MediaRef, Project, ops
from daw.model.missing import media_uses, relink_media, remove_media_users
from daw.model.takes import add_take


def song() -> Project:
    p = Project(name="S", sample_rate=48000)
    for media_id, frames in (("a", 48000), ("b", 24000)):
        p = ops.add_media(p, MediaRef(media_id, f"audio/{media_id}.wav", 1, frames))
    p = ops.add_track(p, "Drums", track_id="d")
    p = ops.add_track(p, "Vocal", track_id="v")
    p = ops.add_clip(p, "d", "a", 0, clip_id="c1")
    p = ops.add_clip(p, "v", "b", 100, clip_id="c2")
    p = add_take(p, "v", "b", 100, 24000, take_id="k1")
    return p


def test_media_uses_names_tracks_clips_and_takes() -> None:
    (use,) = media_uses(song(), ["b", "nope"])
    assert (use.ref.id, use.tracks, use.clips, use.takes) == ("b", ("Vocal",), ("c2",), ("k1",))
    assert use.describe() == 'audio/b.wav (track "Vocal")'


def test_remove_takes_away_clips_takes_and_the_media_only() -> None:
    before = song()
    after = remove_media_users(before, ["b"])
    assert [m.id for m in after.media] == ["a"]
    assert after.track("v").clips == () and after.track("v").takes == ()
    assert after.track("d") == before.track("d")
    assert replace(after, media=before.media, tracks=before.tracks) == before


def test_relink_points_the_media_at_the_new_file_and_keeps_everything_else() -> None:
    before = song()
    after = relink_media(before, [MediaRef("b", "audio/b-2.wav", 1, 24000, "x.wav")])
    assert after.media_ref("b").path == "audio/b-2.wav"
    assert after.media_ref("b").source_name == ""  # only the path changes
    assert after.tracks == before.tracks and after.media_ref("a") == before.media_ref("a")


def test_relink_refuses_a_file_of_another_length_or_an_unknown_id() -> None:
    with pytest.raises(EditError, match=r"audio/b-2\.wav: 1 ch, 23999 frames; audio/b\.wav "
                                        r"had 1 ch, 24000 frames"):
        relink_media(song(), [MediaRef("b", "audio/b-2.wav", 1, 23999)])
    with pytest.raises(EditError, match="no media with id 'z'"):
        relink_media(song(), [MediaRef("z", "audio/z.wav", 1, 10)])
