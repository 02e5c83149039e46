"""A project whose rate the device does not offer: the engine follows the device's rate,
resampling on the way out and converting takes on the way in."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from daw.model import ops
from tests.engine.songs import Song
from tests.realtime.engine_helpers import find, running_engine, wait_until


def test_a_44_1_khz_project_on_a_48_khz_device(tmp_path: Path, jack_device,
                                               virtual_audio) -> None:
    song = Song(tmp_path / "Song.minidaw")
    song.project = replace(song.project, sample_rate=44100)
    sine = (0.5 * np.sin(2 * np.pi * 1000 * np.arange(2 * 44100) / 44100))[:, None]
    song.media("sine", sine.astype(np.float32))  # written at 48000 by the helper: fix the rate
    sf.write(song.folder / "audio" / "sine.wav", sine.astype(np.float32), 44100,
             subtype="FLOAT")
    song.track("Sine", pan=-1.0)
    song.clip("Sine", "sine", 0, "c")
    song.track("Mic")
    song.project = ops.set_track_inputs(song.project, "Mic", (1,))
    song.project = ops.set_track_record_armed(song.project, "Mic", True)
    # Noise smoothed to below about 3 kHz: it survives the rate conversion, and unlike a sum
    # of sines it is not periodic, so it can be found in the take without ambiguity.
    noise = np.random.default_rng(2).standard_normal((48000 + 63, 2))
    kernel = np.hanning(64) / np.hanning(64).sum()
    voice = np.stack([np.convolve(noise[:, c], kernel, mode="valid") for c in (0, 1)], axis=1)
    voice = (0.4 * voice / np.abs(voice).max()).astype(np.float32)
    audio = virtual_audio(capture_seconds=6)
    with running_engine(song.project, song.folder, jack_device) as engine:
        assert engine.state.device.rate == 48000
        audio.speaker.start_capture()
        engine.record()
        time.sleep(0.3)
        audio.mic.play(voice)
        wait_until(lambda: engine.state.position_frame > 44100 + 30000)
        (take,) = engine.stop()
    heard = audio.speaker.captured()[:, 0]
    loud = heard[np.abs(heard) > 0.1]
    assert len(loud) > 48000  # the sine played for its two seconds, at the device's rate
    segment = heard[np.flatnonzero(np.abs(heard) > 0.1)[0] + 4800:][:48000]
    peak_hz = np.argmax(np.abs(np.fft.rfft(segment * np.hanning(len(segment))))) * 48000 / len(
        segment)
    assert abs(peak_hz - 1000) < 2  # not 1088 Hz: it was resampled, not played too fast

    assert take.media.length_frames > 0
    data, rate = sf.read(song.folder / take.media.path, dtype="float32", always_2d=True)
    assert rate == 44100
    back = soxr.resample(data[:, 0], 44100, 48000, quality="VHQ")  # compare at 48 kHz
    at = find(voice[4000:20000, 1], back) - 4000
    heard_voice = back[at + 2000:at + 46000]
    correlation = np.corrcoef(heard_voice, voice[2000:46000, 1])[0, 1]
    assert correlation > 0.99  # the same signal, up to a fraction of a sample
