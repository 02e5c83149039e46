"""Playback on the JACK device: what the speaker hears is the offline render, to the sample."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from daw.dsp.click import Metronome
from daw.engine.live.click_sounds import click_sounds
from daw.engine.live.transport import EngineConfig
from daw.model import ops
from tests.engine.songs import RATE
from tests.realtime.engine_helpers import (
    backing_song,
    find,
    new_song,
    offline_render,
    running_engine,
    wait_until,
)


def test_played_output_equals_the_offline_render(
    tmp_path: Path, jack_device, virtual_audio
) -> None:
    song = new_song(tmp_path)
    backing_song(song, seconds=2.0)
    audio = virtual_audio(capture_seconds=6)
    expected = offline_render(song, 0, song.project.end_frame)
    with running_engine(song.project, song.folder, jack_device) as engine:
        audio.speaker.start_capture()
        engine.play()
        wait_until(lambda: engine.state.position_frame > 24000)
        levels = engine.state.levels  # what is heard now, per track and for the master
        wait_until(lambda: engine.state.position_frame > song.project.end_frame + 4800)
        engine.stop()
        state = engine.state
    heard = audio.speaker.captured()
    start = find(expected[:4800, 0], heard[:, 0])
    np.testing.assert_array_equal(heard[start:start + len(expected)], expected)
    assert state.error is None
    assert state.position_frame == 0  # stop goes back to where play started
    assert set(levels) == {"T0", "T1", "T2", "master"}
    assert levels["T0"][0] > levels["T0"][1] > 0  # panned left: louder on the left
    master_peak = np.abs(expected[20000:30000]).max()
    assert 0.5 * master_peak < max(levels["master"][:2]) <= 1.01 * master_peak
    assert state.levels == {}  # stopped: nothing is heard


def test_loop_plays_seamlessly(tmp_path: Path, jack_device, virtual_audio) -> None:
    song = new_song(tmp_path)
    backing_song(song, seconds=2.0)
    loop = (12000, 12000 + 30011)  # not a multiple of the device's or the render's block
    one_pass = offline_render(song, *loop[:1], loop[1] - loop[0])
    audio = virtual_audio(capture_seconds=6)
    with running_engine(song.project, song.folder, jack_device) as engine:
        engine.set_loop(*loop)
        engine.locate(loop[0])
        audio.speaker.start_capture()
        engine.play()
        audio.wait_captured(3 * RATE)  # three seconds of the device's clock: several passes
        positions = set()
        for _ in range(5):
            audio.wait_captured(audio.speaker.frames + 2400)
            positions.add(engine.state.position_frame)
        engine.stop()
        assert engine.state.error is None
    assert all(loop[0] <= p < loop[1] for p in positions)
    heard = audio.speaker.captured()
    start = find(one_pass[:4800, 0], heard[:, 0])
    passes = (len(heard) - start) // len(one_pass)
    assert passes >= 3
    if underruns_during(engine) == 0:
        np.testing.assert_array_equal(heard[start:start + passes * len(one_pass)],
                                      np.tile(one_pass, (passes, 1)))
    else:  # a busy machine let the ring run dry once: the passes on either side still join
        assert seamless_joins(heard, one_pass, start) >= 1


def underruns_during(engine) -> int:
    state = engine.state
    return state.underruns + state.device_xruns


def seamless_joins(heard: np.ndarray, one_pass: np.ndarray, start: int) -> int:
    """How many times a whole pass, exact to the sample, is followed at once by another."""
    joins, at, size = 0, start, len(one_pass)
    while at + 2 * size <= len(heard):
        first = np.array_equal(heard[at:at + size], one_pass)
        second = np.array_equal(heard[at + size:at + 2 * size], one_pass)
        if first and second:
            joins += 1
            at += size
        else:
            at += find(one_pass[:4800, 0], heard[at + 1:, 0]) + 1
    return joins


def test_locate_while_playing_and_live_edits(tmp_path: Path, jack_device, virtual_audio) -> None:
    song = new_song(tmp_path)
    backing_song(song, seconds=4.0)
    audio = virtual_audio(capture_seconds=8)
    with running_engine(song.project, song.folder, jack_device) as engine:
        engine.play()
        wait_until(lambda: engine.state.position_frame > 10000)
        engine.locate(120000)
        wait_until(lambda: engine.state.position_frame > 121000)
        assert engine.state.position_frame < 120000 + 48000
        muted = ops.set_track_mute(song.project, "T0", True)
        muted = ops.set_track_mute(muted, "T1", True)
        muted = ops.set_track_mute(muted, "T2", True)
        moved = engine.state
        engine.set_project(muted)
        # What was rendered ahead plays out (at most the ring's end as of the edit), then silence.
        ring_end = moved.position_frame + moved.device.output_latency_frames + moved.ahead_frames
        wait_until(lambda: engine.state.position_frame > ring_end)
        audio.speaker.start_capture()
        audio.wait_captured(RATE // 2)
        engine.pause()
        paused_at = engine.state.position_frame
        assert paused_at > 120000
        audio.wait_captured(RATE // 2 + RATE // 5)  # the device plays on; the playhead holds
        assert engine.state.position_frame == paused_at
    assert not audio.speaker.captured().any()


def test_metronome_during_playback_clicks_on_the_beat(tmp_path: Path, jack_device,
                                                      virtual_audio) -> None:
    song = new_song(tmp_path)
    song.project = ops.set_tempo(song.project, 150.0)  # 19200 frames a beat
    song.track("Empty")
    audio = virtual_audio(capture_seconds=6)
    config = EngineConfig(click_during_playback=True, click_level_db=-3.0)
    with running_engine(song.project, song.folder, jack_device, config) as engine:
        engine.set_metronome(True)
        engine.locate(10000)
        audio.speaker.start_capture()
        engine.play()
        wait_until(lambda: engine.state.position_frame > 10000 + 3 * RATE)
        engine.stop()
    heard = audio.speaker.captured()
    expected = np.zeros((3 * RATE, 2), dtype=np.float32)
    metronome = Metronome(RATE, 150.0, 4, 4, level_db=-3.0, sounds=click_sounds(RATE))
    metronome.add_to(10000, expected)
    start = find(expected[:, 0], heard[:, 0])
    np.testing.assert_array_equal(heard[start:start + len(expected)], expected)
    beats = [f for f in range(0, 10000 + 3 * RATE, 19200) if f >= 10000]
    assert expected[beats[0] - 10000 + 5, 0] != 0.0  # a click sounds on each beat frame
