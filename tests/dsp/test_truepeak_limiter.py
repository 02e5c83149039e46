"""The true-peak limiter holds its ceiling on hard material, measured by meters written apart
from it (an ideal FFT interpolator and the standard's own filter), and otherwise keeps out of
the way: transparent below the ceiling, an exact delay, its input gain, its release."""

from __future__ import annotations

import math

import numpy as np
import pytest

from daw.dsp.true_peak import true_peak_dbtp
from daw.dsp.truepeak_limiter import (
    DETECTOR_LATENCY,
    HOLD_FRAMES,
    MARGIN_DB,
    TruePeakLimiter,
    latency_for,
)
from tests.dsp.independent_meters import bs1770_true_peak_dbtp, fft_true_peak_dbtp

RATE = 48000
SECOND = RATE


def limiter(rate: int = RATE, **params: float) -> TruePeakLimiter:
    return TruePeakLimiter(params, 2, rate)


def run(processor: TruePeakLimiter, signal: np.ndarray, block: int = 4096) -> np.ndarray:
    """The signal through the limiter and out again: silence after it flushes the lookahead,
    so every input frame is in the output (delayed by the latency)."""
    out = np.concatenate([signal, np.zeros((processor.latency_frames, 2))]).astype(np.float32)
    for start in range(0, len(out), block):
        processor.process(out[start : start + block])
    return out


def stereo(mono: np.ndarray) -> np.ndarray:
    return np.repeat(mono[:, None], 2, axis=1)


def lowpass(signal: np.ndarray, cutoff_hz: float) -> np.ndarray:
    spectrum = np.fft.rfft(signal, axis=0)
    spectrum[np.fft.rfftfreq(len(signal), 1 / RATE) > cutoff_hz] = 0
    return np.fft.irfft(spectrum, len(signal), axis=0)


def normalised(signal: np.ndarray) -> np.ndarray:
    return signal / np.abs(signal).max()


def faded(signal: np.ndarray, frames: int = 480) -> np.ndarray:
    """Ends that start and stop smoothly: the content stays below 20 kHz at the edges too."""
    ramp = np.sin(np.linspace(0, np.pi / 2, frames)) ** 2
    gain = np.ones(len(signal))
    gain[:frames], gain[-frames:] = ramp, ramp[::-1]
    return signal * gain[:, None]


_T = np.arange(SECOND // 2) / RATE
_RNG = np.random.default_rng(11)

FULL_BAND = {
    "uniform noise": _RNG.uniform(-1, 1, (SECOND // 2, 2)),
    "clipped gaussian noise": np.clip(_RNG.standard_normal((SECOND // 2, 2)) * 0.4, -1, 1),
    "square at Nyquist": stereo(np.where(np.arange(SECOND // 2) % 2 == 0, 1.0, -1.0)),
    "square 997 Hz": stereo(np.sign(np.sin(2 * np.pi * 997 * _T + 0.3))),
    "square 7777 Hz": stereo(np.sign(np.sin(2 * np.pi * 7777 * _T + 0.3))),
    "saw 3001 Hz": stereo(2 * ((3001 * _T + 0.1) % 1) - 1),
}
"""Not band-limited: what the standard's 4x meter reads is the true peak here."""

BAND_LIMITED = {
    "square 997 Hz": normalised(lowpass(FULL_BAND["square 997 Hz"], 20000)),
    "square 50 Hz": normalised(lowpass(stereo(np.sign(np.sin(2 * np.pi * 50 * _T))), 20000)),
    "saw 3001 Hz": normalised(lowpass(FULL_BAND["saw 3001 Hz"], 20000)),
    "inter-sample sine fs/4": stereo(np.sin(2 * np.pi * 12000 * _T + np.pi / 4)),
    "inter-sample sine 11025 Hz": stereo(np.sin(2 * np.pi * 11025 * _T + np.pi / 4)),
    "sine 19 kHz": stereo(np.sin(2 * np.pi * 19000 * _T + 0.1)),
    "noise below 16 kHz": normalised(lowpass(_RNG.standard_normal((SECOND // 2, 2)), 16000)),
}
"""Band-limited below 20 kHz: the ideal interpolation reads their true peak too."""


@pytest.mark.parametrize("name", sorted(FULL_BAND))
@pytest.mark.parametrize("drive_db", [0.0, 12.0])
def test_ceiling_holds_on_full_band_signals_by_the_standard_s_meter(name: str,
                                                                    drive_db: float) -> None:
    signal = FULL_BAND[name] * 10 ** (drive_db / 20)
    out = run(limiter(ceiling_dbtp=-1.0, lookahead_ms=1.0, release_ms=5.0), signal)
    assert bs1770_true_peak_dbtp(out) <= -1.0
    assert true_peak_dbtp(out, RATE)[1] <= -1.0  # MiniDAW's own meter agrees
    assert bs1770_true_peak_dbtp(out) > -3.0  # limited, not silenced


@pytest.mark.parametrize("name", sorted(BAND_LIMITED))
@pytest.mark.parametrize(("drive_db", "release_ms"), [(0.0, 100.0), (12.0, 5.0), (24.0, 300.0)])
def test_ceiling_holds_on_band_limited_signals_by_an_ideal_interpolation(
    name: str, drive_db: float, release_ms: float
) -> None:
    signal = faded(BAND_LIMITED[name]) * 10 ** (drive_db / 20)
    out = run(limiter(ceiling_dbtp=-0.3, release_ms=release_ms), signal)
    assert fft_true_peak_dbtp(out) <= -0.3
    assert bs1770_true_peak_dbtp(out) <= -0.3


def test_the_input_gain_drives_the_limiter_like_a_louder_input() -> None:
    signal = faded(BAND_LIMITED["noise below 16 kHz"]) * 0.1
    driven = run(limiter(ceiling_dbtp=-1.0, input_gain_db=20.0), signal)
    assert fft_true_peak_dbtp(driven) <= -1.0
    louder = run(limiter(ceiling_dbtp=-1.0), (signal * np.float32(10.0)).astype(np.float32))
    np.testing.assert_allclose(driven, louder, atol=1e-6)


def test_inter_sample_peaks_are_turned_down_where_samples_are_not_over() -> None:
    """A sine at fs/4 sampled at 45°: every sample at −3 dBFS, the waveform at 0 dBTP. A
    sample-peak limiter at −1 dB would leave it alone; this one turns it down by the true
    peak's excess plus its margin (and the 0.045 dB by which the standard's filter reads a
    12 kHz tone high), and holds that gain steadily."""
    signal = stereo(np.sin(2 * np.pi * 12000 * np.arange(SECOND) / RATE + np.pi / 4))
    processor = limiter(ceiling_dbtp=-1.0, release_ms=50.0)
    out = run(processor, signal)
    delay = processor.latency_frames
    steady = slice(delay + SECOND // 4, delay + SECOND - 1000)
    gain_db = 20 * np.log10(np.abs(out[steady, 0]) / np.abs(signal[steady.start - delay:
                                                                   steady.stop - delay, 0]))
    assert np.ptp(gain_db) < 0.001
    assert -1.0 - MARGIN_DB - 0.05 <= gain_db.mean() <= -1.0 - MARGIN_DB
    meter = limiter(ceiling_dbtp=-1.0, release_ms=50.0)
    steady_input = signal[: SECOND // 2].astype(np.float32)
    for start in range(0, len(steady_input), 4096):  # the meter shows the last block's
        meter.process(steady_input[start : start + 4096])
    np.testing.assert_allclose(meter.gain_reduction_db, -gain_db.mean(), atol=0.001)


def test_below_the_ceiling_the_signal_is_only_delayed_bit_for_bit() -> None:
    signal = faded(BAND_LIMITED["noise below 16 kHz"]).astype(np.float32) * np.float32(0.5)
    assert fft_true_peak_dbtp(signal) < -3.0
    processor = limiter(ceiling_dbtp=-1.0, lookahead_ms=2.0)
    out = run(processor, signal, block=1000)
    delay = processor.latency_frames
    assert delay == round(0.002 * RATE)
    np.testing.assert_array_equal(out[:delay], 0.0)
    np.testing.assert_array_equal(out[delay:], signal)
    assert processor.gain_reduction_db == 0.0


@pytest.mark.parametrize(("lookahead_ms", "rate", "frames"),
                         [(1.0, 48000, 48), (5.0, 48000, 240), (10.0, 44100, 441),
                          (1.0, 16000, DETECTOR_LATENCY + HOLD_FRAMES + 1)])
def test_latency_is_the_lookahead_and_never_less_than_the_detector_needs(
    lookahead_ms: float, rate: int, frames: int
) -> None:
    processor = TruePeakLimiter({"lookahead_ms": lookahead_ms}, 2, rate)
    assert processor.latency_frames == latency_for(lookahead_ms, rate) == frames
    impulse = np.zeros((2000, 2), np.float32)
    impulse[100] = 0.25
    processor.process(impulse)
    assert np.flatnonzero(impulse[:, 0]).tolist() == [100 + frames]


def test_new_settings_are_taken_in_place_except_a_new_lookahead() -> None:
    processor = limiter(ceiling_dbtp=-1.0, lookahead_ms=3.0)
    assert processor.set_params({"ceiling_dbtp": -2.0, "lookahead_ms": 3.0,
                                 "input_gain_db": 4.0, "release_ms": 20.0})
    assert not processor.set_params({"lookahead_ms": 6.0})


def test_after_a_burst_the_gain_comes_back_with_the_release() -> None:
    """A loud burst, then a steady tone under the ceiling: five release times after the
    burst's hold and ramp the gain is back within 0.1 dB of unity, not before one."""
    release_ms = 40.0
    tone = stereo(0.3 * np.sin(2 * np.pi * 440 * np.arange(SECOND) / RATE))
    burst = tone.copy()
    burst[: SECOND // 10] *= 3.0  # 0.9 peak: 0.5 dB over a −1.5 dBTP ceiling
    processor = limiter(ceiling_dbtp=-1.5, release_ms=release_ms)
    out = run(processor, burst)
    delay = processor.latency_frames
    gains = np.abs(out[delay:delay + SECOND, 0]) / np.maximum(np.abs(tone[:, 0]), 1e-9)
    loud = np.abs(tone[:, 0]) > 0.2  # where the ratio is well defined
    end = SECOND // 10 + HOLD_FRAMES + processor.latency_frames
    soon = slice(end, end + round(0.2 * release_ms * RATE / 1000))
    late = slice(end + round(5 * release_ms * RATE / 1000), SECOND)
    assert 20 * np.log10(gains[soon][loud[soon]]).min() < -0.2
    np.testing.assert_allclose(20 * np.log10(gains[late][loud[late]]), 0.0, atol=0.1)


def test_44_1_khz_holds_the_ceiling_too() -> None:
    rate = 44100
    t = np.arange(rate // 2) / rate
    signal = faded(stereo(np.sin(2 * np.pi * rate / 4 * t + np.pi / 4)) * 2.0)
    out = run(limiter(rate, ceiling_dbtp=-1.0), signal)
    assert fft_true_peak_dbtp(out) <= -1.0
    assert bs1770_true_peak_dbtp(out) <= -1.0
    assert fft_true_peak_dbtp(out) > -1.0 - MARGIN_DB - 0.05  # no more than it needs


def test_a_mono_limiter_works_on_one_channel() -> None:
    signal = faded(BAND_LIMITED["inter-sample sine fs/4"])[:, :1] * 4.0
    processor = TruePeakLimiter({"ceiling_dbtp": -2.0}, 1, RATE)
    out = np.concatenate([signal, np.zeros((processor.latency_frames, 1))]).astype(np.float32)
    processor.process(out)
    assert fft_true_peak_dbtp(out) <= -2.0
    assert math.isclose(fft_true_peak_dbtp(out), -2.0 - MARGIN_DB, abs_tol=0.05)


@pytest.mark.parametrize("hostile", [np.nan, np.inf, -np.inf, 1e30, -3e38, 3.4e38])
@pytest.mark.parametrize("input_gain_db", [0.0, 24.0])
def test_output_is_finite_and_under_the_ceiling_whatever_comes_in(hostile: float,
                                                                  input_gain_db: float) -> None:
    rng = np.random.default_rng(7)
    music = lowpass(rng.standard_normal((SECOND, 2)), 15000) * 0.3
    signal = music.astype(np.float32)
    signal[1000] = hostile
    signal[20_000:20_100, 1] = hostile
    signal[40_000:40_010] = hostile
    processor = limiter(ceiling_dbtp=-1.0, input_gain_db=input_gain_db, release_ms=5.0)
    with np.errstate(over="ignore", invalid="ignore"):
        out = run(processor, signal, block=1024)
    ceiling = 10 ** ((-1.0 - MARGIN_DB) / 20)
    assert np.isfinite(out).all()
    assert np.abs(out).max() <= ceiling
    # It recovers: once released after the bad samples, clean input comes out as it would
    # have (a huge finite peak is limited like any other, then released).
    clean = run(limiter(ceiling_dbtp=-1.0, input_gain_db=input_gain_db, release_ms=5.0),
                music.astype(np.float32), block=1024)
    tail = slice(SECOND - 4800, SECOND)
    np.testing.assert_allclose(out[tail], clean[tail], atol=1e-6)
