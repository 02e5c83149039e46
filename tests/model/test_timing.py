"""Timing and pitch edits: split at frames with crossfaded joins, quantize onto the grid with
a strength, nudge by milliseconds, clip pitch and stretch; and split and trim of stretched
clips keeping the audio where it was."""

from __future__ import annotations

from itertools import pairwise

import pytest

from daw.model import EditError, Fade, MediaRef, Project, ops
from daw.model.timing import (
    clip_anchor,
    join_frames,
    nudge_clips,
    quantize_clips,
    set_clip_pitch,
    set_clip_stretch,
    split_at_frames,
)

RATE = 48000
XF = 240  # 5 ms at 48 kHz
BEAT = 24000  # 120 bpm
SIXTEENTH = BEAT // 4
ONE_MS = RATE // 1000


@pytest.fixture
def song() -> Project:
    """A drum loop of 96000 frames from frame 48000, played from frame 1000 of its file."""
    p = Project(name="Song", sample_rate=RATE)
    p = ops.add_media(p, MediaRef("m-drums", "audio/drums.wav", 2, 200_000, "drums.wav"))
    p = ops.add_track(p, "Drums", track_id="t-drums")
    return ops.add_clip(p, "t-drums", "m-drums", 48_000, length_frames=96_000,
                        source_offset_frames=1000, clip_id="c")


def clips(p: Project) -> list:
    return list(p.track("t-drums").clips)


def source_at(clip, frame: int) -> float:
    """The media frame a clip plays at a timeline frame."""
    return clip.source_offset_frames + (frame - clip.start_frame) / clip.stretch


# Onsets as played: a little off the sixteenth-note grid.
PLAYED = (48_000 + 6_000 + 310, 48_000 + 12_000 - 455, 48_000 + 18_000 + 97,
          48_000 + 30_000 - 1_000)


def split_song(song: Project) -> Project:
    return split_at_frames(song, "c", PLAYED, new_clip_ids=["c1", "c2", "c3", "c4"])


def test_split_makes_pieces_joined_by_equal_power_crossfades(song: Project) -> None:
    assert join_frames(song) == XF
    p = split_song(song)
    pieces = clips(p)
    assert [c.id for c in pieces] == ["c", "c1", "c2", "c3", "c4"]
    assert pieces[0].start_frame == 48_000 and pieces[-1].end_frame == 144_000
    for before, after, cut in zip(pieces[:-1], pieces[1:], PLAYED, strict=True):
        # The later piece starts 5 ms before the cut and fades in up to it; the earlier one
        # ends at the cut, fading out over the same frames.
        assert after.start_frame == cut - XF and before.end_frame == cut
        assert after.fade_in == Fade(XF, "equal_power")
        assert before.fade_out == Fade(XF, "equal_power")
        assert after.start_frame + clip_anchor(after) == cut
    original = song.find_clip("c")[1]
    for piece in pieces:  # every piece plays the audio the clip played there
        assert source_at(piece, piece.start_frame) == source_at(original, piece.start_frame)
        assert piece.media_id == "m-drums" and piece.gain_db == original.gain_db
    assert pieces[0].fade_in == original.fade_in and pieces[-1].fade_out == original.fade_out


def test_split_keeps_short_pieces_valid(song: Project) -> None:
    p = ops.set_fades(song, "c", Fade(1000, "linear"), Fade(500, "linear"))
    p = split_at_frames(p, "c", [48_000 + 1_100, 48_000 + 1_200, 143_800, 10, 200_000],
                        crossfade_frames=XF, new_clip_ids=["a", "b", "z"])
    pieces = clips(p)
    assert [c.id for c in pieces] == ["c", "a", "b", "z"]
    # Only 100 frames after the fade-in and between the first cuts: the crossfades shrink.
    assert pieces[1].fade_in.length_frames == 100 and pieces[2].fade_in.length_frames == 100
    assert pieces[0].fade_in == Fade(1000, "linear") and pieces[0].end_frame == 49_100
    assert pieces[-1].fade_out.length_frames + pieces[-1].fade_in.length_frames <= (
        pieces[-1].length_frames)


def test_split_refuses_what_it_cannot_do(song: Project) -> None:
    with pytest.raises(EditError, match="no frame to split at inside clip c"):
        split_at_frames(song, "c", [0, 48_000, 144_000])
    with pytest.raises(EditError, match="2 cuts need 2 new clip ids, not 1"):
        split_at_frames(song, "c", [50_000, 60_000], new_clip_ids=["x"])
    with pytest.raises(EditError, match="'c' is already used"):
        split_at_frames(song, "c", [50_000], new_clip_ids=["c"])


def test_quantize_at_full_strength_puts_the_onsets_on_the_grid(song: Project) -> None:
    p = split_song(song)
    ids = ["c1", "c2", "c3", "c4"]
    q = quantize_clips(p, ids, SIXTEENTH, 100.0)
    for clip_id, played in zip(ids, PLAYED, strict=True):
        piece = q.find_clip(clip_id)[1]
        onset = piece.start_frame + clip_anchor(piece)
        line = round(played / SIXTEENTH) * SIXTEENTH
        assert abs(onset - line) <= ONE_MS
        assert onset == line
        # It still plays its hit: the audio at its onset is the audio that was at the cut.
        assert source_at(piece, onset) == source_at(song.find_clip("c")[1], played)
    assert_joined(q)


def test_quantize_at_half_strength_goes_halfway(song: Project) -> None:
    p = split_song(song)
    q = quantize_clips(p, ["c1", "c2", "c3", "c4"], SIXTEENTH, 50.0)
    for clip_id, played in zip(["c1", "c2", "c3", "c4"], PLAYED, strict=True):
        piece = q.find_clip(clip_id)[1]
        line = round(played / SIXTEENTH) * SIXTEENTH
        halfway = played + (line - played) / 2
        assert abs(piece.start_frame + clip_anchor(piece) - halfway) <= 0.5
    assert_joined(q)
    assert quantize_clips(p, ["c1", "c2"], SIXTEENTH, 0.0) == p


def assert_joined(p: Project) -> None:
    """No gaps: each piece overlaps the next by the crossfade and fades out across it."""
    pieces = clips(p)
    for before, after in pairwise(pieces):
        assert before.end_frame - after.start_frame == XF
        assert before.fade_out == Fade(XF, "equal_power")
        assert after.fade_in == Fade(XF, "equal_power")


def test_quantize_with_a_grid_of_fractional_frames_and_given_anchors() -> None:
    p = Project(name="Song", sample_rate=44100, tempo_bpm=130.0)
    p = ops.add_media(p, MediaRef("m", "audio/m.wav", 1, 100_000, "m.wav"))
    p = ops.add_track(p, "T", track_id="t")
    p = ops.add_clip(p, "t", "m", 20_000, length_frames=1000, clip_id="hit")
    grid = p.frames_per_beat() / 4  # 5088.46... frames
    q = quantize_clips(p, ["hit"], grid, 100.0, anchors={"hit": 300})
    onset = q.find_clip("hit")[1].start_frame + 300
    assert abs(onset - 4 * grid) <= 0.5  # 20 300 lies nearest the fourth line
    assert abs(onset - 4 * grid) <= 44100 / 1000


def test_quantize_refuses_bad_settings(song: Project) -> None:
    with pytest.raises(EditError, match="quantize strength is 0 to 100 %, not 120"):
        quantize_clips(song, ["c"], SIXTEENTH, 120)
    with pytest.raises(EditError, match="the grid must be longer than zero frames"):
        quantize_clips(song, ["c"], 0, 100)


def test_quantize_near_the_song_start_cuts_the_lead_in(song: Project) -> None:
    p = ops.move_clip(song, "c", 100)
    p = ops.set_fades(p, "c", Fade(400, "equal_power"))
    q = quantize_clips(p, ["c"], SIXTEENTH, 100.0)
    moved = q.find_clip("c")[1]
    assert moved.start_frame == 0 and moved.fade_in.length_frames == 0
    assert source_at(moved, 0) == source_at(p.find_clip("c")[1], 500)


def test_nudge_moves_by_milliseconds_and_keeps_the_joins(song: Project) -> None:
    p = split_song(song)
    before = {c.id: c for c in clips(p)}
    n = nudge_clips(p, ["c2"], 5.0)
    assert n.find_clip("c2")[1].start_frame == before["c2"].start_frame + round(0.005 * RATE)
    assert_joined(n)
    # The neighbours only changed their ends.
    assert n.find_clip("c1")[1].start_frame == before["c1"].start_frame
    assert n.find_clip("c3")[1].start_frame == before["c3"].start_frame
    n = nudge_clips(p, ["c2", "c3"], -1.0)
    assert n.find_clip("c3")[1].start_frame == before["c3"].start_frame - 48
    assert_joined(n)
    # Never past the song's start; a group moves together.
    far = nudge_clips(p, ["c", "c1"], -10_000.0)
    assert far.find_clip("c")[1].start_frame == 0
    assert far.find_clip("c1")[1].start_frame == before["c1"].start_frame - 48_000


def test_nudge_a_lone_clip(song: Project) -> None:
    p = nudge_clips(song, ["c"], 2.5)
    assert p.find_clip("c")[1].start_frame == 48_000 + 120
    assert p.find_clip("c")[1].length_frames == 96_000


def test_set_pitch_keeps_the_length_and_checks_the_range(song: Project) -> None:
    p = set_clip_pitch(song, "c", 12, -30)
    c = p.find_clip("c")[1]
    assert (c.pitch_semitones, c.pitch_cents, c.length_frames) == (12.0, -30.0, 96_000)
    assert c.is_processed
    assert not set_clip_pitch(p, "c", 0, 0).find_clip("c")[1].is_processed
    with pytest.raises(EditError, match=r"pitch must be from -24 to 24, got 25\.0"):
        set_clip_pitch(song, "c", 25)
    with pytest.raises(EditError, match="cents must be from -100 to 100"):
        set_clip_pitch(song, "c", 0, 101)


def test_set_stretch_scales_the_length_and_keeps_start_and_audio(song: Project) -> None:
    p = ops.set_fades(song, "c", Fade(1000), Fade(2000))
    p = set_clip_stretch(p, "c", 1.5)
    c = p.find_clip("c")[1]
    assert (c.start_frame, c.length_frames, c.stretch) == (48_000, 144_000, 1.5)
    assert c.source_frames == 96_000 and c.source_offset_frames == 1000
    assert (c.fade_in.length_frames, c.fade_out.length_frames) == (1500, 3000)
    back = set_clip_stretch(p, "c", 1.0).find_clip("c")[1]
    assert back.length_frames == 96_000 and back.fade_out.length_frames == 2000
    with pytest.raises(EditError, match=r"stretch must be from 0\.25 to 4, got 5"):
        set_clip_stretch(song, "c", 5)


def test_set_stretch_stops_at_the_end_of_the_media() -> None:
    p = Project(name="Song", sample_rate=RATE)
    p = ops.add_media(p, MediaRef("m", "audio/m.wav", 1, 1001, "m.wav"))
    p = ops.add_track(p, "T", track_id="t")
    p = ops.add_clip(p, "t", "m", 0, clip_id="c")
    p = set_clip_stretch(p, "c", 0.3)
    c = p.find_clip("c")[1]
    assert c.length_frames == 300 and c.source_frames <= 1001
    p = set_clip_stretch(p, "c", 3.0)
    c = p.find_clip("c")[1]
    assert c.source_offset_frames + c.source_frames <= 1001
    assert c.length_frames == 3000


def test_split_and_trim_of_a_stretched_clip_keep_the_audio_in_place(song: Project) -> None:
    p = set_clip_stretch(song, "c", 2.0)  # 192 000 frames from 48 000, media 1000..97 000
    original = p.find_clip("c")[1]
    s = ops.split_clip(p, "c", 48_000 + 50_001, new_clip_id="r")
    left, right = s.find_clip("c")[1], s.find_clip("r")[1]
    assert right.source_offset_frames == 1000 + round(50_001 / 2)
    assert abs(source_at(right, right.start_frame) - source_at(original, right.start_frame)) <= 1
    assert left.source_frames + right.source_frames == original.source_frames
    t = ops.trim_clip_start(p, "c", 48_000 + 3_000)
    trimmed = t.find_clip("c")[1]
    assert trimmed.source_offset_frames == 1000 + 1500
    assert trimmed.length_frames == 189_000 and trimmed.source_frames == 94_500
    t = ops.trim_clip_end(p, "c", 48_000 + 100_000)
    assert t.find_clip("c")[1].source_frames == 50_000
    pieces = split_at_frames(p, "c", [48_000 + 80_000], new_clip_ids=["q"])
    q = pieces.find_clip("q")[1]
    assert q.source_offset_frames == 1000 + round((80_000 - XF) / 2)
    assert q.stretch == 2.0


def test_unstretched_split_and_trim_are_unchanged(song: Project) -> None:
    s = ops.split_clip(song, "c", 60_000, new_clip_id="r")
    assert s.find_clip("r")[1].source_offset_frames == 1000 + 12_000
    t = ops.trim_clip_start(song, "c", 47_000)
    assert t.find_clip("c")[1].source_offset_frames == 0
    assert ops.trim_clip_start(song, "c", 48_001).find_clip("c")[1].source_offset_frames == 1001
