"""Stereo width against its formulas: mid/side scaling, the mono sum kept, and bass mono as a
Linkwitz–Riley high-pass on the side only."""

from __future__ import annotations

import numpy as np
import pytest

from daw.dsp.width import StereoWidth

RATE = 48000


def width(**params: float) -> StereoWidth:
    return StereoWidth(params, 2, RATE)


def stereo_program(frames: int = RATE, seed: int = 5) -> np.ndarray:
    """Two related but different channels: a shared part and a part of each side's own."""
    rng = np.random.default_rng(seed)
    shared = rng.standard_normal(frames) * 0.2
    own = rng.standard_normal((frames, 2)) * 0.1
    return (shared[:, None] + own).astype(np.float32)


def run(processor: StereoWidth, signal: np.ndarray, block: int = 1000) -> np.ndarray:
    out = signal.copy()
    for start in range(0, len(out), block):
        processor.process(out[start : start + block])
    return out


def mid_side(signal: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    wide = signal.astype(np.float64)
    return (wide[:, 0] + wide[:, 1]) / 2, (wide[:, 0] - wide[:, 1]) / 2


def test_full_width_without_bass_mono_is_untouched_bit_for_bit() -> None:
    signal = stereo_program()
    np.testing.assert_array_equal(run(width(width_percent=100.0), signal), signal)


@pytest.mark.parametrize("percent", [0.0, 37.0, 150.0, 200.0])
def test_width_scales_the_side_and_keeps_the_mid(percent: float) -> None:
    signal = stereo_program()
    out = run(width(width_percent=percent), signal)
    mid, side = mid_side(signal)
    out_mid, out_side = mid_side(out)
    np.testing.assert_allclose(out_mid, mid, atol=1e-7)
    np.testing.assert_allclose(out_side, side * percent / 100.0, atol=1e-7)


def test_zero_width_is_mono() -> None:
    out = run(width(width_percent=0.0), stereo_program())
    np.testing.assert_allclose(out[:, 0], out[:, 1], atol=1e-7)


def _level_db(signal: np.ndarray, freq: float) -> float:
    """Amplitude of the `freq` component, by least squares on a sine and a cosine."""
    t = np.arange(len(signal)) / RATE
    basis = np.stack([np.sin(2 * np.pi * freq * t), np.cos(2 * np.pi * freq * t)], axis=1)
    coefficients, *_ = np.linalg.lstsq(basis, signal, rcond=None)
    return float(20 * np.log10(np.hypot(*coefficients)))


def test_bass_mono_takes_the_side_out_below_its_frequency_only() -> None:
    """Side-only tones (left and right opposite) at 40 Hz, 120 Hz and 2 kHz, plus a mid tone
    at 40 Hz. A 4th-order Linkwitz–Riley high-pass at 120 Hz passes (f/fc)^4 / (1 + (f/fc)^4)
    of the side: −38.28 dB at 40 Hz, −6.02 dB at 120 Hz, 0.00 dB at 2 kHz; the mid is left."""
    t = np.arange(2 * RATE) / RATE
    side_in = sum(0.1 * np.sin(2 * np.pi * f * t) for f in (40.0, 120.0, 2000.0))
    mid_in = 0.3 * np.sin(2 * np.pi * 40.0 * t + 0.4)
    signal = np.stack([mid_in + side_in, mid_in - side_in], axis=1).astype(np.float32)
    out = run(width(bass_mono_on=1.0, bass_mono_hz=120.0), signal, block=4096)
    settled = slice(RATE, 2 * RATE)  # the filter's start has died away
    mid, side = mid_side(out[settled])
    for freq, expected in ((40.0, -38.28), (120.0, -6.02), (2000.0, 0.0)):
        ratio = (freq / 120.0) ** 4
        assert expected == pytest.approx(20 * np.log10(ratio / (1 + ratio)), abs=0.01)
        assert _level_db(side, freq) - 20 * np.log10(0.1) == pytest.approx(expected, abs=0.02)
    np.testing.assert_allclose(mid, mid_side(signal[settled])[0], atol=1e-6)


def test_bass_mono_with_widening_keeps_the_low_end_centred() -> None:
    t = np.arange(2 * RATE) / RATE
    low_side = 0.2 * np.sin(2 * np.pi * 30.0 * t)
    high_side = 0.05 * np.sin(2 * np.pi * 3000.0 * t)
    side_in = low_side + high_side
    signal = np.stack([side_in, -side_in], axis=1).astype(np.float32)
    out = run(width(width_percent=180.0, bass_mono_on=1.0, bass_mono_hz=150.0), signal)
    _mid, side = mid_side(out[RATE:])
    assert _level_db(side, 30.0) < 20 * np.log10(0.2) - 40  # (30/150)^4: −56 dB, then ×1.8
    assert _level_db(side, 3000.0) == pytest.approx(20 * np.log10(0.05 * 1.8), abs=0.01)


def test_a_mono_signal_passes_untouched() -> None:
    processor = StereoWidth({"width_percent": 200.0, "bass_mono_on": 1.0}, 1, RATE)
    signal = stereo_program()[:, :1].copy()
    out = signal.copy()
    processor.process(out)
    np.testing.assert_array_equal(out, signal)


def test_switching_bass_mono_on_again_starts_the_filter_from_rest() -> None:
    signal = stereo_program(RATE // 2)
    processor = width(bass_mono_on=1.0)
    run(processor, signal)
    assert processor.set_params({"bass_mono_on": 0.0})
    assert processor.set_params({"bass_mono_on": 1.0})
    np.testing.assert_array_equal(run(processor, signal), run(width(bass_mono_on=1.0), signal))
