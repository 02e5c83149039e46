"""Bounce to WAV: exact quantisation, dither, rate conversion, ranges, and nothing half-written."""

from __future__ import annotations

import errno
import threading
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from daw.engine import bounce as bounce_module
from daw.engine.bounce import (
    BounceCancelled,
    BounceError,
    BounceSettings,
    bounce,
    marker_range,
)
from daw.model import ops
from tests.engine.songs import RATE, Song, tone


def stereo_song(song: Song) -> Song:
    song.media("pad", tone(RATE, 440, channels=2, amp=0.4))
    song.track("Pad")
    song.clip("Pad", "pad", 0, "c")
    return song


def read(path: Path, dtype: str = "float64") -> np.ndarray:
    data, _ = sf.read(path, dtype=dtype, always_2d=True)
    return data


def test_32_bit_float_is_the_render_itself(song: Song, tmp_path: Path) -> None:
    stereo_song(song)
    out = bounce(song.project, song.folder, BounceSettings(tmp_path / "f.wav", bit_depth="32f"))
    np.testing.assert_array_equal(read(out, "float32"), song.audio["pad"].astype(np.float32))
    assert sf.info(out).subtype == "FLOAT"


def test_24_bit_is_rounded_exactly(song: Song, tmp_path: Path) -> None:
    stereo_song(song)
    out = bounce(song.project, song.folder, BounceSettings(tmp_path / "a.wav", bit_depth="24"))
    ints = read(out, "int32") >> 8
    expected = np.rint(song.audio["pad"].astype(np.float32).astype(np.float64) * 2**23)
    np.testing.assert_array_equal(ints, expected)


def test_16_bit_is_tpdf_dithered_and_repeatable(song: Song, tmp_path: Path) -> None:
    stereo_song(song)
    first = bounce(song.project, song.folder, BounceSettings(tmp_path / "a.wav", bit_depth="16"))
    ints = read(first, "int16").astype(np.float64)
    exact = song.audio["pad"].astype(np.float32).astype(np.float64) * 2**15
    error = ints - exact
    assert np.abs(error).max() <= 1.5  # rounding (0.5) plus at most one step of dither
    assert error.std() == pytest.approx(np.sqrt(1 / 12 + 1 / 6), rel=0.05)  # TPDF + rounding
    assert abs(error.mean()) < 0.01
    second = bounce(song.project, song.folder, BounceSettings(tmp_path / "b.wav", bit_depth="16"))
    assert first.read_bytes() == second.read_bytes()


def test_rate_conversion_keeps_pitch_and_length(song: Song, tmp_path: Path) -> None:
    song.media("sine", (0.5 * np.sin(2 * np.pi * 1000 * np.arange(RATE) / RATE))[:, None]
               .astype(np.float32))
    song.track("Sine")
    song.clip("Sine", "sine", 0, "c")
    out = bounce(song.project, song.folder,
                 BounceSettings(tmp_path / "a.wav", bit_depth="32f", sample_rate=44100))
    data = read(out)
    assert sf.info(out).samplerate == 44100
    assert abs(len(data) - 44100) <= 1
    spectrum = np.abs(np.fft.rfft(data[2000:-2000, 0] * np.hanning(len(data) - 4000)))
    peak_hz = np.argmax(spectrum) * 44100 / (len(data) - 4000)
    assert peak_hz == pytest.approx(1000, abs=1.5)
    middle = data[4000:-4000, 0]
    assert np.abs(middle).max() == pytest.approx(0.5 * np.cos(np.pi / 4), rel=1e-3)


def test_ranges_and_marker_ranges(song: Song, tmp_path: Path) -> None:
    stereo_song(song)
    song.project = ops.add_marker(song.project, "Verse", 1000)
    song.project = ops.add_marker(song.project, "Chorus", 30000)
    assert marker_range(song.project, "verse") == (1000, 30000)
    assert marker_range(song.project, "Chorus") == (30000, RATE)
    with pytest.raises(BounceError, match=r"no marker called 'Bridge'.*Verse, Chorus"):
        marker_range(song.project, "Bridge")
    out = bounce(song.project, song.folder,
                 BounceSettings(tmp_path / "v.wav", 1000, 30000, bit_depth="32f"))
    np.testing.assert_array_equal(read(out, "float32"),
                                  song.audio["pad"][1000:30000].astype(np.float32))


def test_cancel_and_errors_leave_no_file(song: Song, tmp_path: Path, monkeypatch) -> None:
    stereo_song(song)
    target = tmp_path / "mix.wav"
    cancel = threading.Event()

    def progress(done: int, total: int) -> None:
        cancel.set()

    with pytest.raises(BounceCancelled):
        bounce(song.project, song.folder, BounceSettings(target), progress, cancel)
    assert list(tmp_path.iterdir()) == [song.folder]

    real_write = sf.SoundFile.write

    def disk_full(self, data):
        if self.frames > 20000:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(self, data)

    monkeypatch.setattr(bounce_module.sf.SoundFile, "write", disk_full)
    with pytest.raises(BounceError, match=r"mix\.wav: could not write the file \(No space"):
        bounce(song.project, song.folder, BounceSettings(target))
    assert list(tmp_path.iterdir()) == [song.folder]


def test_clear_errors_for_bad_requests(song: Song, tmp_path: Path) -> None:
    with pytest.raises(BounceError, match="nothing to render"):
        bounce(song.project, song.folder, BounceSettings(tmp_path / "x.wav"))
    stereo_song(song)
    with pytest.raises(BounceError, match="no such folder"):
        bounce(song.project, song.folder, BounceSettings(tmp_path / "nope" / "x.wav"))
    with pytest.raises(BounceError, match="bit depth"):
        bounce(song.project, song.folder, BounceSettings(tmp_path / "x.wav", bit_depth="8"))
    (song.folder / "audio" / "pad.wav").unlink()
    with pytest.raises(Exception, match=r"audio/pad\.wav \(media pad\): missing"):
        bounce(song.project, song.folder, BounceSettings(tmp_path / "x.wav"))
    assert not (tmp_path / "x.wav").exists()
