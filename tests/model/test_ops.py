"""Edits: each one does exactly its job, and a refused edit says why and changes nothing."""

from __future__ import annotations

import pytest

from daw.model import EditError, Fade, MediaRef, Project, ops


@pytest.fixture
def song() -> Project:
    p = Project(name="Song", sample_rate=48000)
    p = ops.add_media(p, MediaRef("m-gtr", "audio/gtr.wav", 2, 96000, "gtr.wav"))
    p = ops.add_media(p, MediaRef("m-vox", "audio/vox.wav", 1, 48000, "vox.wav"))
    p = ops.add_track(p, "Guitar", track_id="t-gtr")
    p = ops.add_track(p, "Vocal", track_id="t-vox")
    p = ops.add_clip(p, "t-gtr", "m-gtr", 1000, clip_id="c-gtr")
    p = ops.add_clip(p, "t-vox", "m-vox", 0, length_frames=24000, source_offset_frames=100,
                     clip_id="c-vox")
    return p


def clip(p: Project, clip_id: str):
    return p.find_clip(clip_id)[1]


def test_add_clip_takes_whole_media_by_default(song: Project) -> None:
    c = clip(song, "c-gtr")
    assert (c.start_frame, c.length_frames, c.source_offset_frames) == (1000, 96000, 0)
    assert c.name == "gtr.wav"
    assert song.end_frame == 97000


def test_tracks_add_rename_reorder_remove(song: Project) -> None:
    p = ops.add_track(song, "Bass", track_id="t-bass", index=0)
    assert [t.id for t in p.tracks] == ["t-bass", "t-gtr", "t-vox"]
    p = ops.move_track(p, "t-bass", 2)
    assert [t.id for t in p.tracks] == ["t-gtr", "t-vox", "t-bass"]
    p = ops.rename_track(p, "t-bass", "  Bass DI ")
    assert p.track("t-bass").name == "Bass DI"
    p = ops.remove_track(p, "t-gtr")
    assert [t.id for t in p.tracks] == ["t-vox", "t-bass"]


def test_track_mixer_settings(song: Project) -> None:
    p = ops.set_track_gain(song, "t-gtr", -6.5)
    p = ops.set_track_pan(p, "t-gtr", -0.25)
    p = ops.set_track_mute(p, "t-gtr", True)
    p = ops.set_track_solo(p, "t-vox", True)
    p = ops.set_track_record_armed(p, "t-vox", True)
    p = ops.set_track_inputs(p, "t-vox", (2, 3))
    p = ops.set_track_colour(p, "t-vox", "#112233")
    t = p.track("t-gtr")
    assert (t.gain_db, t.pan, t.mute) == (-6.5, -0.25, True)
    v = p.track("t-vox")
    assert (v.solo, v.record_armed, v.input_channels, v.colour) == (True, True, (2, 3), "#112233")


def test_move_clip_in_time_and_to_another_track(song: Project) -> None:
    p = ops.move_clip(song, "c-gtr", 5000)
    assert clip(p, "c-gtr").start_frame == 5000
    p = ops.move_clip(p, "c-gtr", 7000, track_id="t-vox")
    assert [c.id for c in p.track("t-gtr").clips] == []
    assert [c.id for c in p.track("t-vox").clips] == ["c-vox", "c-gtr"]
    assert clip(p, "c-gtr").start_frame == 7000


def test_trim_start_keeps_audio_in_place(song: Project) -> None:
    p = ops.trim_clip_start(song, "c-gtr", 1500)
    c = clip(p, "c-gtr")
    assert (c.start_frame, c.source_offset_frames, c.length_frames) == (1500, 500, 95500)
    assert c.end_frame == clip(song, "c-gtr").end_frame


def test_trim_end_and_fades_shrink_to_fit(song: Project) -> None:
    p = ops.set_fades(song, "c-gtr", fade_out=Fade(4000, "equal_power"))
    p = ops.trim_clip_end(p, "c-gtr", 1000 + 3000)
    c = clip(p, "c-gtr")
    assert c.length_frames == 3000
    assert c.fade_out == Fade(3000, "equal_power")


def test_split_makes_two_clips_that_play_the_same_audio(song: Project) -> None:
    p = ops.set_fades(song, "c-gtr", Fade(100, "linear"), Fade(200, "exponential"))
    p = ops.split_clip(p, "c-gtr", 11000, new_clip_id="c-right")
    left, right = clip(p, "c-gtr"), clip(p, "c-right")
    assert (left.start_frame, left.length_frames, left.source_offset_frames) == (1000, 10000, 0)
    assert (right.start_frame, right.length_frames, right.source_offset_frames) == (
        11000, 86000, 10000)
    assert left.fade_in == Fade(100, "linear") and left.fade_out.length_frames == 0
    assert right.fade_in.length_frames == 0 and right.fade_out == Fade(200, "exponential")


def test_duplicate_lands_after_the_original(song: Project) -> None:
    p = ops.duplicate_clip(song, "c-vox", new_clip_id="c-vox2")
    copy = clip(p, "c-vox2")
    assert copy.start_frame == 24000 and copy.source_offset_frames == 100
    p = ops.duplicate_clip(p, "c-vox", start_frame=0, track_id="t-gtr", new_clip_id="c-vox3")
    assert p.find_clip("c-vox3")[0].id == "t-gtr"


def test_delete_clip_gain_and_mute(song: Project) -> None:
    p = ops.set_clip_gain(song, "c-vox", -3.0)
    p = ops.set_clip_muted(p, "c-vox", True)
    assert clip(p, "c-vox").gain_db == -3.0 and clip(p, "c-vox").muted
    p = ops.delete_clip(p, "c-vox")
    with pytest.raises(KeyError):
        p.find_clip("c-vox")


def test_markers_add_move_rename_delete(song: Project) -> None:
    p = ops.add_marker(song, "Chorus", 96000, notes="C G Am F", marker_id="mk-c")
    p = ops.add_marker(p, "Verse", 0, marker_id="mk-v")
    assert [m.name for m in p.markers] == ["Verse", "Chorus"]
    p = ops.move_marker(p, "mk-v", 200000)
    assert [m.name for m in p.markers] == ["Chorus", "Verse"]
    p = ops.rename_marker(p, "mk-v", "Bridge")
    p = ops.set_marker_notes(p, "mk-v", "Am F C G\nla la la")
    assert p.marker("mk-v").name == "Bridge" and "la la" in p.marker("mk-v").notes
    p = ops.delete_marker(p, "mk-c")
    assert [m.id for m in p.markers] == ["mk-v"]


def test_project_settings(song: Project) -> None:
    p = ops.set_tempo(song, 96)
    p = ops.set_time_signature(p, 6, 8)
    p = ops.set_master_gain(p, -1.5)
    p = ops.set_project_notes(p, "Record the bridge again")
    assert (p.tempo_bpm, p.time_signature, p.master.gain_db) == (96.0, (6, 8), -1.5)
    assert p.frames_per_beat() == pytest.approx(48000 * 60 / 96 / 2)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda p: ops.move_clip(p, "c-gtr", -1), "before the start"),
        (lambda p: ops.trim_clip_end(p, "c-gtr", 1000), "positive"),
        (lambda p: ops.trim_clip_end(p, "c-gtr", 1000 + 96001), "only 96000 frames"),
        (lambda p: ops.trim_clip_start(p, "c-gtr", 999), "before the start"),
        (lambda p: ops.trim_clip_start(p, "c-vox", -1), "before the start"),
        (lambda p: ops.add_clip(p, "t-gtr", "m-gtr", 0, length_frames=-5), "positive"),
        (lambda p: ops.add_clip(p, "t-gtr", "m-gtr", 0, source_offset_frames=96000), "positive"),
        (lambda p: ops.add_clip(p, "t-gtr", "nope", 0), "no media"),
        (lambda p: ops.add_clip(p, "nope", "m-gtr", 0), "no track"),
        (lambda p: ops.move_clip(p, "nope", 0), "no clip"),
        (lambda p: ops.move_clip(p, "c-gtr", 0, track_id="nope"), "no track"),
        (lambda p: ops.split_clip(p, "c-gtr", 1000), "not inside"),
        (lambda p: ops.set_fades(p, "c-vox", Fade(20000), Fade(5000)), "do not fit"),
        (lambda p: ops.set_fades(p, "c-vox", Fade(10, "wobbly")), "not one of"),
        (lambda p: ops.set_track_pan(p, "t-gtr", 1.5), "pan"),
        (lambda p: ops.set_track_gain(p, "t-gtr", float("nan")), "out of range"),
        (lambda p: ops.set_clip_gain(p, "c-gtr", 100.0), "out of range"),
        (lambda p: ops.rename_track(p, "t-gtr", "  "), "needs a name"),
        (lambda p: ops.add_track(p, "Dup", track_id="t-gtr"), "already used"),
        (lambda p: ops.set_tempo(p, 0), "tempo"),
        (lambda p: ops.set_time_signature(p, 4, 3), "time signature"),
        (lambda p: ops.add_marker(p, "Late", -10), "before the start"),
        (lambda p: ops.delete_marker(p, "nope"), "no marker"),
        (lambda p: ops.move_track(p, "t-gtr", 5), "out of range"),
        (lambda p: ops.set_track_inputs(p, "t-gtr", (0, 1, 2)), "input channels"),
        (lambda p: ops.set_track_colour(p, "t-gtr", "red"), "#rrggbb"),
    ],
)
def test_invalid_edits_are_refused_and_change_nothing(song: Project, edit, message) -> None:
    before = song
    with pytest.raises(EditError, match=message):
        edit(song)
    assert song == before


def test_recorded_clip_clears_the_track_under_it(song: Project) -> None:
    take = MediaRef("m-take", "audio/take.wav", 1, 20000, "take.wav")
    # c-gtr spans 1000..97000: the take at 11000..31000 splits it around the take
    p = ops.add_recorded_clip(song, "t-gtr", take, 11000, 500, 19500, clip_id="c-take")
    spans = [(c.id, c.start_frame, c.end_frame) for c in p.track("t-gtr").clips]
    assert spans[0] == ("c-gtr", 1000, 11000)
    assert spans[1] == ("c-take", 11000, 30500)
    assert spans[2][1:] == (30500, 97000)
    right = p.track("t-gtr").clips[2]
    assert right.source_offset_frames == 30500 - 1000  # the old audio stays where it was
    assert p.find_clip("c-take")[1].source_offset_frames == 500
    p2 = ops.add_recorded_clip(p, "t-gtr", MediaRef("m-t2", "audio/t2.wav", 1, 200000), 0, 0,
                               200000, clip_id="c-all")
    assert [c.id for c in p2.track("t-gtr").clips] == ["c-all"]
