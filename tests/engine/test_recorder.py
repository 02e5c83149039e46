"""Takes without a device: inputs split per track, placed where they were played, recoverable;
loop recordings cut into passes, punches heard over their range only, every take kept."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from daw.dsp.fades import fade_in_curve, fade_out_curve
from daw.engine.live.audio_setup import config_for
from daw.engine.live.engine_state import EngineConfig
from daw.engine.live.record_plan import plan_recording, punch_take, shape_takes, split_passes
from daw.engine.live.recorder import Take, TakeRecorder, TakeSpec
from daw.engine.live.recovery import find_orphan_takes, forget_used_journals, recover_takes
from daw.engine.live.transport import Engine, EngineError
from daw.model import MediaRef, Project, ops
from daw.model.comping import add_recorded_takes
from daw.model.store import load_project, save_project
from daw.model.takes import use_take
from daw.settings.audio import AudioSettings, load_settings, save_settings
from tests.engine.songs import RATE, Song, tone


def device_input(frames: int) -> np.ndarray:
    return np.random.default_rng(7).uniform(-1, 1, (frames, 3)).astype(np.float32)


def project_with_tracks() -> Project:
    p = ops.add_track(Project(), "Vocal", track_id="t-vox")
    p = ops.set_track_inputs(p, "t-vox", (2,))
    p = ops.add_track(p, "Keys", track_id="t-keys")
    return ops.set_track_inputs(p, "t-keys", (0, 1))


def record(folder: Path, data: np.ndarray, origin: int | None) -> TakeRecorder:
    specs = [TakeSpec("t-vox", "Vocal", (2,)), TakeSpec("t-keys", "Keys", (0, 1))]
    recorder = TakeRecorder(folder, specs, 48000, 48000, record_from_frame=10000)
    if origin is not None:
        recorder.set_origin(origin)
    for start in range(0, len(data), 1024):
        recorder.push(data[start:start + 1024].copy())
    return recorder


def test_takes_are_split_by_input_and_placed_from_the_record_point(tmp_path: Path) -> None:
    data = device_input(30000)
    takes = record(tmp_path, data, origin=6000).finish()  # 4000 frames of count-in before
    vox, keys = takes
    assert (vox.track_id, vox.start_frame, vox.source_offset_frames) == ("t-vox", 10000, 4000)
    assert vox.length_frames == 26000 and vox.media.channels == 1
    audio, _ = sf.read(tmp_path / vox.media.path, dtype="float32", always_2d=True)
    np.testing.assert_array_equal(audio, data[:, [2]])
    audio, _ = sf.read(tmp_path / keys.media.path, dtype="float32", always_2d=True)
    np.testing.assert_array_equal(audio, data[:, [0, 1]])
    project = project_with_tracks()
    for take in takes:
        project = ops.add_recorded_clip(project, take.track_id, take.media, take.start_frame,
                                        take.source_offset_frames, take.length_frames)
    save_project(tmp_path, project)
    forget_used_journals(tmp_path, project)
    assert not list((tmp_path / "audio").glob("*.take.json"))
    assert find_orphan_takes(tmp_path, load_project(tmp_path)) == []


def test_unsaved_takes_are_found_and_recovered_where_they_were_played(tmp_path: Path) -> None:
    data = device_input(20000)
    recorder = record(tmp_path, data, origin=9000)
    recorder.finish()  # ... and the program quits without saving
    project = project_with_tracks()
    save_project(tmp_path, project)
    orphans = find_orphan_takes(tmp_path, load_project(tmp_path))
    assert sorted(o.track_id for o in orphans) == ["t-keys", "t-vox"]
    recovered = recover_takes(tmp_path, project, orphans)
    (clip,) = recovered.track("t-vox").clips
    assert (clip.start_frame, clip.source_offset_frames, clip.length_frames) == (
        10000, 1000, 19000)
    assert find_orphan_takes(tmp_path, recovered) == []


def test_media_ref_of_a_take(tmp_path: Path) -> None:
    (take, _) = record(tmp_path, device_input(5000), origin=10000).finish()
    assert isinstance(take.media, MediaRef) and take.media.path.startswith("audio/Vocal ")


# --- loop passes, punches and takes in the project -------------------------------------------

LOOP = (10000, 10000 + 72000)  # 1.5 s at 48 kHz
LOOP_FRAMES = LOOP[1] - LOOP[0]


def loop_record(folder: Path, data: np.ndarray, origin: int) -> list[Take]:
    """A loop recording from LOOP's start, its first input frame played at `origin`."""
    specs = [TakeSpec("t-vox", "Vocal", (2,)), TakeSpec("t-keys", "Keys", (0, 1))]
    recorder = TakeRecorder(folder, specs, 48000, 48000, record_from_frame=LOOP[0], loop=LOOP)
    recorder.set_origin(origin)
    for start in range(0, len(data), 1024):
        recorder.push(data[start:start + 1024].copy())
    return shape_takes(recorder.finish(), 48000, loop=LOOP)


def read(folder: Path, take: Take) -> np.ndarray:
    audio, _ = sf.read(folder / take.media.path, dtype="float32", always_2d=True)
    return audio[take.source_offset_frames:take.source_offset_frames + take.length_frames]


def whole(track_id: str, ref: MediaRef, start: int, offset: int, length: int) -> Take:
    return Take(track_id, ref, start, offset, length, (start, start + length))


def test_a_loop_recording_is_cut_into_one_take_a_pass(tmp_path: Path) -> None:
    count_in = 4000
    data = device_input(count_in + 3 * LOOP_FRAMES + 24000)  # 3 passes and half a second
    takes = loop_record(tmp_path, data, origin=LOOP[0] - count_in)
    vox = [t for t in takes if t.track_id == "t-vox"]
    keys = [t for t in takes if t.track_id == "t-keys"]
    assert len(vox) == len(keys) == 3  # the unfinished half second is not a take
    for n, take in enumerate(vox):
        assert (take.start_frame, take.length_frames) == (LOOP[0], LOOP_FRAMES)
        assert take.source_offset_frames == count_in + n * LOOP_FRAMES
        first = count_in + n * LOOP_FRAMES
        np.testing.assert_array_equal(read(tmp_path, take), data[first:first + LOOP_FRAMES, [2]])
        np.testing.assert_array_equal(read(tmp_path, keys[n]),
                                      data[first:first + LOOP_FRAMES, [0, 1]])
    assert [t.comp for t in vox] == [None, None, LOOP]  # the last complete pass is heard
    assert len({t.media.id for t in vox}) == 1  # one file for all passes

    project = add_recorded_takes(project_with_tracks(), takes, crossfade_frames=0)
    track = project.track("t-vox")
    assert [t.name for t in track.takes] == ["Take 1", "Take 2", "Take 3"]
    assert [t.source_offset_frames for t in track.takes] == [
        count_in, count_in + LOOP_FRAMES, count_in + 2 * LOOP_FRAMES]
    (clip,) = track.clips
    assert clip.take_id == track.takes[2].id
    assert (clip.start_frame, clip.length_frames, clip.source_offset_frames) == (
        LOOP[0], LOOP_FRAMES, count_in + 2 * LOOP_FRAMES)
    assert len(project.media) == 2  # a file a track, added once


def test_unfinished_passes() -> None:
    ref = MediaRef("m", "audio/m.wav", 1, 10 * 48000)

    def cut(origin: int, recorded: int) -> list[tuple[int, int, int, tuple | None]]:
        offset = max(0, LOOP[0] - origin)
        take = whole("t", ref, origin + offset, offset, recorded - offset)
        return [(t.start_frame, t.source_offset_frames, t.length_frames, t.comp)
                for t in split_passes(take, LOOP, 48000)]

    # A last pass longer than a second is kept to choose from, not heard.
    assert cut(LOOP[0], 2 * LOOP_FRAMES + 60000) == [
        (LOOP[0], 0, LOOP_FRAMES, None), (LOOP[0], LOOP_FRAMES, LOOP_FRAMES, LOOP),
        (LOOP[0], 2 * LOOP_FRAMES, 60000, None)]
    # Stopped within the first pass: that part is the take, and it is heard.
    assert cut(LOOP[0] - 500, 20500) == [(LOOP[0], 500, 20000, (LOOP[0], LOOP[0] + 20000))]
    # Input that began after the loop's start (no count-in, a long round trip): the first
    # pass starts late and is incomplete; the second is whole.
    assert cut(LOOP[0] + 300, 2 * LOOP_FRAMES - 300) == [
        (LOOP[0] + 300, 0, LOOP_FRAMES - 300, None),
        (LOOP[0], LOOP_FRAMES - 300, LOOP_FRAMES, LOOP)]


def test_a_punch_is_heard_over_its_range_only() -> None:
    ref = MediaRef("m", "audio/m.wav", 1, 200000)
    take = whole("t", ref, 1000, 0, 100000)
    assert shape_takes([take], 48000, punch=(30000, 50000))[0].comp == (30000, 50000)
    assert punch_take(take, (90000, 150000)).comp == (90000, 101000)  # stopped inside
    assert punch_take(take, (120000, 150000)).comp is None  # stopped before the punch-in


def test_where_recordings_start() -> None:
    project = ops.set_tempo(Project(), 120.0)  # a bar is 2 s
    bars = EngineConfig(count_in_bars=1, preroll_seconds=1.5)
    plain = plan_recording(50000, project, bars)
    assert (plain.play_from, plain.record_from, plain.count_in_until) == (-46000, 50000, 50000)
    loop = plan_recording(50000, project, bars, loop=(200000, 300000))
    assert (loop.play_from, loop.record_from, loop.return_to) == (104000, 200000, 200000)
    assert loop.loop == (200000, 300000) and loop.punch is None
    punch = plan_recording(0, project, bars, loop=(200000, 300000), punch=(100000, 150000))
    assert (punch.play_from, punch.record_from, punch.count_in_until) == (28000, 28000, None)
    assert punch.loop is None and punch.punch == (100000, 150000)
    early = plan_recording(0, project, bars, punch=(48000, 96000))
    assert (early.play_from, early.record_from, early.return_to) == (-24000, 0, 0)


def punch_song(tmp_path: Path) -> tuple[Song, Take]:
    """A vocal clip and a backing track, and a punch take over the whole vocal."""
    song = Song(tmp_path / "Punch.minidaw")
    song.media("old", tone(2 * RATE, 220, amp=0.4, seed=1))
    song.media("new", tone(2 * RATE + 3000, 330, amp=0.4, seed=2))
    song.media("bass", tone(2 * RATE, 110, channels=2, amp=0.3, seed=3))
    song.track("Vox")
    song.clip("Vox", "old", 1000, "c-old")
    song.track("Bass", pan=0.4)
    song.clip("Bass", "bass", 0, "c-bass")
    ref = song.project.media_ref("new")
    return song, Take("Vox", ref, 0, 3000, 2 * RATE, (30001, 60000))


def test_a_punch_changes_nothing_outside_its_range(tmp_path: Path) -> None:
    song, take = punch_song(tmp_path)
    before = song.render(0, 2 * RATE + 2000)
    song.project = add_recorded_takes(song.project, [take])
    after = song.render(0, 2 * RATE + 2000)
    punch_in, punch_out = take.comp
    np.testing.assert_array_equal(after[:punch_in], before[:punch_in])
    np.testing.assert_array_equal(after[punch_out:], before[punch_out:])
    # Inside: the old vocal fades out and the new one in over the first 10 ms, and back.
    xf = 480
    old = song.audio["old"][punch_in - 1000:punch_out - 1000, 0]
    new = song.audio["new"][3000 + punch_in:3000 + punch_out, 0]
    gain_new = np.ones(punch_out - punch_in)
    gain_new[:xf] = fade_in_curve("equal_power", xf)
    gain_new[-xf:] = fade_out_curve("equal_power", xf)
    gain_old = np.zeros(punch_out - punch_in)
    gain_old[:xf] = fade_out_curve("equal_power", xf)
    gain_old[-xf:] = fade_in_curve("equal_power", xf)
    pan = np.cos(np.pi / 4)
    change = pan * (new * gain_new - old * (1 - gain_old))
    for channel in range(2):
        np.testing.assert_allclose(after[punch_in:punch_out, channel],
                                   before[punch_in:punch_out, channel] + change, atol=2e-6)
    track = song.project.track("Vox")
    assert [t.name for t in track.takes] == ["Take 1"]
    assert track.takes[0].length_frames == 2 * RATE  # the whole pass is kept
    assert song.project.media_ref("old")  # the old audio is still there


def test_recording_again_over_a_take_keeps_the_old_take(tmp_path: Path) -> None:
    song, _ = punch_song(tmp_path)
    first = whole("Vox", song.project.media_ref("old"), 1000, 0, 2 * RATE)
    second = whole("Vox", song.project.media_ref("new"), 1000, 2000, 2 * RATE)
    once = add_recorded_takes(song.project, [first])
    twice = add_recorded_takes(once, [second])
    track = twice.track("Vox")
    assert [t.name for t in track.takes] == ["Take 1", "Take 2"]
    assert [c.take_id for c in track.clips] == [track.takes[1].id]
    song.project = once
    first_heard = song.render(0, 2 * RATE + 1000)
    song.project = use_take(twice, track.takes[0].id)  # the first take is still there
    np.testing.assert_array_equal(song.render(0, 2 * RATE + 1000), first_heard)


def test_a_crashed_loop_recording_comes_back_as_its_passes(tmp_path: Path) -> None:
    data = device_input(3 * LOOP_FRAMES + 60000)
    specs = [TakeSpec("t-vox", "Vocal", (2,))]
    recorder = TakeRecorder(tmp_path, specs, 48000, 48000, record_from_frame=LOOP[0], loop=LOOP)
    recorder.set_origin(LOOP[0])
    for start in range(0, len(data), 1024):
        recorder.push(data[start:start + 1024].copy())
    recorder.finish()  # ... and the program quits without saving
    project = project_with_tracks()
    save_project(tmp_path, project)
    recovered = recover_takes(tmp_path, project, find_orphan_takes(tmp_path, project))
    track = recovered.track("t-vox")
    assert [(t.start_frame, t.source_offset_frames, t.length_frames) for t in track.takes] == [
        (LOOP[0], n * LOOP_FRAMES, LOOP_FRAMES) for n in range(3)] + [
        (LOOP[0], 3 * LOOP_FRAMES, 60000)]
    (clip,) = track.clips
    assert clip.take_id == track.takes[2].id


def test_the_preroll_is_an_audio_setting(tmp_path: Path) -> None:
    save_settings(AudioSettings(preroll_seconds=3.5))
    settings, warning = load_settings()
    assert warning is None and settings.preroll_seconds == 3.5
    assert config_for(settings).preroll_seconds == 3.5


def test_a_punch_range_needs_its_end_after_its_start(tmp_path: Path) -> None:
    engine = Engine(project_with_tracks(), tmp_path)
    engine.start()
    try:
        with pytest.raises(EngineError, match="end after its start"):
            engine.set_punch(48000, 48000)
        engine.set_punch(48000, 96000)  # kept without a device, for the next recording
    finally:
        engine.shutdown()
