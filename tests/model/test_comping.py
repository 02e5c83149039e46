"""Recorded takes into the song as plain data: kept on their track, comped where heard."""

from __future__ import annotations

from daw.model import MediaRef, Project, ops
from daw.model.comping import RecordedTake, add_recorded_takes


def song() -> Project:
    p = ops.add_media(Project(), MediaRef("old", "audio/old.wav", 1, 96000))
    p = ops.add_track(p, "Vox", track_id="vox")
    return ops.add_clip(p, "vox", "old", 0, length_frames=96000, clip_id="c-old")


NEW = MediaRef("new", "audio/new.wav", 1, 200000)


def test_loop_passes_are_kept_and_the_last_is_heard() -> None:
    passes = [RecordedTake("vox", NEW, 10000, 48000 * n, 48000,
                           (10000, 58000) if n == 2 else None) for n in range(3)]
    p = add_recorded_takes(song(), passes, crossfade_frames=0)
    track = p.track("vox")
    assert [t.name for t in track.takes] == ["Take 1", "Take 2", "Take 3"]
    assert [t.source_offset_frames for t in track.takes] == [0, 48000, 96000]
    assert [m.id for m in p.media] == ["old", "new"]  # one file for all passes, added once
    heard = [(c.take_id, c.start_frame, c.end_frame, c.source_offset_frames)
             for c in track.clips if c.take_id == track.takes[2].id]
    assert heard == [(track.takes[2].id, 10000, 58000, 96000)]


def test_a_punch_changes_the_comp_inside_its_range_only() -> None:
    take = RecordedTake("vox", NEW, 0, 0, 90000, (30000, 60000))
    p = add_recorded_takes(song(), [take], crossfade_frames=480)
    clips = sorted(p.track("vox").clips, key=lambda c: c.start_frame)
    new = [c for c in clips if c.take_id == p.track("vox").takes[0].id]
    assert [(c.start_frame, c.end_frame) for c in new] == [(30000, 60000)]
    old = [(c.start_frame, c.end_frame) for c in clips if c.media_id == "old"]
    assert old[0][0] == 0 and old[-1][1] == 96000  # the old comp plays up to and from it
    assert new[0].fade_in.length_frames == new[0].fade_out.length_frames == 480
    assert take.end_frame == 90000
