"""The band spectrum against formulas: a sine's level in its band, white noise's power per band
in proportion to the band's width, streaming against whole arrays, the smoothing constant."""

from __future__ import annotations

import math

import numpy as np
import pytest

from daw.dsp.spectrum import SpectrumAnalyser, average_spectrum, band_centres

RATE = 48000


def tone(freq: float, amplitude: float, seconds: float = 2.0, rate: int = RATE) -> np.ndarray:
    return amplitude * np.sin(2 * np.pi * freq * np.arange(round(seconds * rate)) / rate)


def test_band_centres_are_the_base_ten_series_from_20_hz_to_20_khz() -> None:
    thirds = band_centres(3)
    assert len(thirds) == 31
    np.testing.assert_allclose(thirds, 1000.0 * 10.0 ** (np.arange(-17, 14) / 10.0))
    assert 1000.0 in thirds
    sixths = band_centres(6)
    assert len(sixths) == 61
    np.testing.assert_allclose(sixths[::2], thirds)


@pytest.mark.parametrize(("freq", "fft_size"), [(1000.0, 4096), (5000.0, 4096),
                                                 (100.0, 16384)])
@pytest.mark.parametrize("amplitude", [1.0, 0.1])
def test_a_sine_reads_its_level_in_its_band(freq: float, fft_size: int,
                                             amplitude: float) -> None:
    """A full-scale sine reads 0 dB (AES17), a −20 dBFS one −20 dB, in the band it falls in;
    the bands two away and more hold nothing audible beside it (60 dB down)."""
    reading = average_spectrum(tone(freq, amplitude)[:, None], RATE, fft_size=fft_size)
    centres = np.array(reading.centres_hz)
    levels = np.array(reading.levels_db)
    band = int(np.argmin(np.abs(centres - freq)))
    assert levels[band] == pytest.approx(20 * math.log10(amplitude), abs=0.01)
    far = np.r_[levels[: band - 1], levels[band + 2 :]]
    assert far.max() < levels[band] - 60
    total = 10 * math.log10(np.sum(10 ** (levels / 10)))
    assert total == pytest.approx(20 * math.log10(amplitude), abs=0.01)


def test_white_noise_has_power_in_proportion_to_each_band_width() -> None:
    """White noise of variance σ² holds 2σ² (re a full-scale sine) spread evenly up to
    Nyquist: a band gets its width's share, within 0.3 dB over 30 s of averaging."""
    sigma = 0.1
    noise = np.random.default_rng(7).standard_normal((30 * RATE, 2)) * sigma
    reading = average_spectrum(noise, RATE)
    centres = np.array(reading.centres_hz)
    levels = np.array(reading.levels_db)
    widths = centres * (10 ** (0.05) - 10 ** (-0.05))
    expected = 10 * np.log10(2 * sigma**2 * widths / (RATE / 2))
    keep = (centres > 150) & (centres < 17000)
    np.testing.assert_allclose(levels[keep], expected[keep], atol=0.3)


def test_frames_without_overlap_read_a_steady_sine_the_same() -> None:
    x = tone(1000.0, 0.5)[:, None]
    live = SpectrumAnalyser(RATE, overlap=False)
    live.process(x)
    assert max(live.average_levels_db()) == pytest.approx(20 * math.log10(0.5), abs=0.01)
    assert max(live.levels_db()) == pytest.approx(20 * math.log10(0.5), abs=0.01)


def test_opposite_channels_do_not_cancel() -> None:
    """The power spectrum is the mean over channels, not the spectrum of a mono sum."""
    x = tone(1000.0, 0.5)
    same = average_spectrum(np.stack([x, x], axis=1), RATE)
    opposite = average_spectrum(np.stack([x, -x], axis=1), RATE)
    np.testing.assert_allclose(opposite.levels_db, same.levels_db, atol=1e-9)


@pytest.mark.parametrize("overlap", [True, False])
@pytest.mark.parametrize("block", [1, 64, 65, 8192, 8193])
def test_streaming_equals_the_whole_array(block: int, overlap: bool) -> None:
    rng = np.random.default_rng(8)
    frames = 30000 if block == 1 else 100000
    x = rng.standard_normal((frames, 2)) * np.linspace(0.01, 0.5, frames)[:, None]
    whole = SpectrumAnalyser(RATE, overlap=overlap)
    whole.process(x)
    streamed = SpectrumAnalyser(RATE, overlap=overlap)
    for start in range(0, frames, block):
        streamed.process(x[start : start + block])
    np.testing.assert_allclose(streamed.levels_db(), whole.levels_db(), atol=1e-9)
    np.testing.assert_allclose(streamed.average_levels_db(), whole.average_levels_db(),
                               atol=1e-9)


def test_smoothing_decays_with_its_time_constant() -> None:
    """After the sound stops, each frame of silence (a hop of 2048 frames) multiplies the
    smoothed band power by exp(−hop / (τ · rate))."""
    analyser = SpectrumAnalyser(RATE, time_constant_s=0.3)
    analyser.process(tone(1000.0, 0.5, seconds=1.0)[:, None])
    before = np.array(analyser.levels_db())
    band = int(np.argmax(before))
    analyser.process(np.zeros((4096 * 4, 1)))  # the sine leaves the window in two hops
    hops = 8
    after = np.array(analyser.levels_db())
    decay_db = 10 * math.log10(math.exp(-2048 / (0.3 * RATE)))
    # 8 hops: two of them still hold part of the sine, so bound the decay from both sides.
    assert after[band] <= before[band] + (hops - 2) * decay_db + 1e-9
    assert after[band] >= before[band] + hops * decay_db - 1e-9
    analyser.reset()
    assert max(analyser.levels_db()) == -150.0


def test_a_file_shorter_than_one_frame_is_measured_padded() -> None:
    """1000 frames of a full-scale sine padded to a 4096-frame window: the bands hold the
    windowed energy of those frames (Parseval), centred on the 1 kHz band."""
    x = tone(1000.0, 1.0, seconds=1000 / RATE)
    reading = average_spectrum(x[:, None], RATE)
    levels = np.array(reading.levels_db)
    band = int(np.argmin(np.abs(np.array(reading.centres_hz) - 1000.0)))
    window = np.hanning(4097)[:-1]
    expected = 10 * math.log10(2 * np.sum((x * window[:1000]) ** 2) / np.sum(window**2))
    total = 10 * math.log10(np.sum(10 ** (levels / 10)))
    assert total == pytest.approx(expected, abs=0.02)
    assert int(np.argmax(levels)) == band
