"""Recording on the JACK device: takes hold exactly what the microphone played, land where
they were played against the backing, and the click is heard but never recorded."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from daw.engine.live.transport import EngineConfig
from daw.model import ops
from tests.engine.songs import RATE, Song
from tests.realtime.engine_helpers import find, new_song, running_engine, wait_until


def take_audio(song: Song, take) -> np.ndarray:
    data, rate = sf.read(song.folder / take.media.path, dtype="float32", always_2d=True)
    assert rate == RATE
    return data


def arm(song: Song, name: str, inputs: tuple[int, ...]) -> None:
    song.track(name)
    song.project = ops.set_track_inputs(song.project, name, inputs)
    song.project = ops.set_track_record_armed(song.project, name, True)


def test_takes_hold_the_microphone_signal_and_no_click(tmp_path: Path, jack_device,
                                                       virtual_audio) -> None:
    song = new_song(tmp_path)
    arm(song, "Stereo", (0, 1))
    arm(song, "Right", (1,))
    voice = np.random.default_rng(5).uniform(-0.5, 0.5, (RATE, 2)).astype(np.float32)
    audio = virtual_audio(capture_seconds=8)
    config = EngineConfig(count_in_bars=1)  # 2 s of count-in clicks at 120 BPM
    with running_engine(song.project, song.folder, jack_device, config) as engine:
        engine.set_metronome(True)
        engine.locate(RATE)  # record from 1 s
        audio.speaker.start_capture()
        engine.record()
        assert engine.state.recording
        audio.wait_captured(RATE // 2)  # half a second of the device's clock into the count-in
        audio.mic.play(voice)
        wait_until(lambda: audio.mic.finished)
        # Past the count-in, half a second recorded from the record point.
        wait_until(lambda: engine.state.position_frame > RATE + RATE // 2)
        takes = engine.stop()
        assert engine.state.error is None
    assert [t.track_id for t in takes] == ["Stereo", "Right"]
    stereo, right = (take_audio(song, t) for t in takes)
    at = find(voice[:, 0], stereo[:, 0])
    np.testing.assert_array_equal(stereo[at:at + RATE], voice)
    np.testing.assert_array_equal(right[at:at + RATE, 0], voice[:, 1])
    outside = np.delete(stereo, np.s_[at:at + RATE], axis=0)
    assert not outside.any()  # silence from the mic, and no click in the take
    heard = audio.speaker.captured()
    assert np.abs(heard).max() > 0.1  # ... but the click was played to the speaker
    for take in takes:  # the clip starts at the record point, after the count-in
        assert take.start_frame == RATE
        assert take.source_offset_frames >= 2 * RATE - 2048


def test_overdub_lands_where_it_was_played(tmp_path: Path, jack_device, virtual_audio) -> None:
    """With the output wired back into the input (a performer with perfect timing), the take
    of the backing must line up with the backing itself."""
    song = new_song(tmp_path)
    clicks = np.zeros((3 * RATE, 1), dtype=np.float32)
    click_frames = [7000 + 12000 * k for k in range(10)]
    clicks[click_frames, 0] = 0.9
    song.media("clicks", clicks)
    song.track("Backing", pan=-1.0)  # left only: the left output feeds input 1
    song.clip("Backing", "clicks", 0, "c-clicks")
    arm(song, "Overdub", (0,))
    virtual_audio(loopback=True)
    with running_engine(song.project, song.folder, jack_device) as engine:
        extra = engine.calibrate()
        engine.locate(2000)
        engine.record()
        wait_until(lambda: engine.state.position_frame > 2 * RATE + 40000)
        (take,) = engine.stop()
    data = take_audio(song, take)[:, 0]
    found = np.flatnonzero(data > 0.5)
    timeline = [int(i) - take.source_offset_frames + take.start_frame for i in found]
    played = [f for f in click_frames if take.start_frame <= f < take.start_frame
              + take.length_frames]
    assert len(played) >= 5
    landed = [t for t in timeline if t >= take.start_frame]
    assert len(landed) == len(played)
    errors = [abs(a - b) for a, b in zip(landed, played, strict=True)]
    assert max(errors) <= RATE // 1000, errors  # within 1 ms (measured: 0 to 2 frames)
    assert abs(extra) < 4096
