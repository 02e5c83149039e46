"""True peak against BS.1770-4 Annex 2 and the EBU Tech 3341 true-peak cases (built here from
their descriptions), and the upsampler against the signal it interpolates."""

from __future__ import annotations

import math

import numpy as np
import pytest

from daw.dsp.true_peak import (
    TruePeakMeter,
    Upsampler,
    oversampling_factor,
    true_peak_dbtp,
)


def tp_sine(rate: int, freq: float, phase_deg: float, amplitude: float,
            seconds: float = 2.0, fade_ms: float = 10.0) -> np.ndarray:
    """A stereo sine with 10 ms raised-cosine fades, as the Tech 3341 true-peak signals."""
    n = round(seconds * rate)
    x = amplitude * np.sin(2 * np.pi * freq * np.arange(n) / rate + math.radians(phase_deg))
    fade = round(fade_ms / 1000 * rate)
    ramp = 0.5 - 0.5 * np.cos(np.pi * np.arange(fade) / fade)
    x[:fade] *= ramp
    x[-fade:] *= ramp[::-1]
    return np.stack([x, x], axis=1)


# --- EBU Tech 3341 cases 15 to 19: expected +0.2 / −0.4 dB ------------------------------------


@pytest.mark.parametrize("rate", [44100, 48000, 96000])
@pytest.mark.parametrize(
    ("divisor", "phase", "amplitude", "expected"),
    [(4, 0.0, 0.5, -6.0), (4, 45.0, 0.5, -6.0), (6, 60.0, 0.5, -6.0), (8, 67.5, 0.5, -6.0),
     (4, 45.0, 1.41, 3.0)],
    ids=["case15", "case16", "case17", "case18", "case19"],
)
def test_3341_true_peak_cases(rate: int, divisor: int, phase: float, amplitude: float,
                              expected: float) -> None:
    audio = tp_sine(rate, rate / divisor, phase, amplitude)
    per_channel, highest = true_peak_dbtp(audio, rate)
    for value in (*per_channel, highest):
        assert expected - 0.4 <= value <= expected + 0.2


def test_inter_sample_peak_of_a_quarter_rate_sine_at_45_degrees() -> None:
    """At fs/4 and 45° every sample sits at ±sin 45° of the amplitude: the sample peak is
    3.01 dB below the true peak; 4× oversampling lands on the crest (45° + 2 · 22.5°)."""
    rate = 48000
    audio = tp_sine(rate, rate / 4, 45.0, 0.5, seconds=1.0)
    sample_peak = 20 * math.log10(np.abs(audio).max())
    assert sample_peak == pytest.approx(20 * math.log10(0.5 * math.sin(math.pi / 4)), abs=1e-9)
    _, highest = true_peak_dbtp(audio, rate)
    assert highest == pytest.approx(20 * math.log10(0.5), abs=0.1)
    assert highest - sample_peak == pytest.approx(3.01, abs=0.1)
    steady = Upsampler(4, 2).process(audio)[4 * 4800 : 4 * 43200]  # the fades left out
    assert 20 * math.log10(np.abs(steady).max()) == pytest.approx(20 * math.log10(0.5),
                                                                  abs=0.001)


@pytest.mark.parametrize("freq", [1000.0, 10000.0, 15000.0, 18000.0, 20000.0])
def test_passband_is_flat_to_20_khz(freq: float) -> None:
    """A steady sine comes out of the 4× interpolator at its own amplitude (within 0.01 dB)
    and its own frequency, up to 20 kHz at 48 kHz."""
    rate = 48000
    n = rate // 2
    x = 0.5 * np.sin(2 * np.pi * freq * np.arange(n) / rate + 0.3)
    up = Upsampler(4, 1).process(x[:, None])[:, 0]
    middle = up[4 * 2000 : 4 * (n - 2000)]
    t = (np.arange(4 * 2000, 4 * (n - 2000)) / 4 - Upsampler(4, 1).latency_frames) / rate
    ideal = 0.5 * np.sin(2 * np.pi * freq * t + 0.3)
    rms_ratio_db = 10 * math.log10(np.mean(middle**2) / np.mean(ideal**2))
    assert rms_ratio_db == pytest.approx(0.0, abs=0.01)
    assert np.abs(middle - ideal).max() < 0.5 * 10 ** (-40 / 20)


def test_original_samples_come_back_exactly() -> None:
    """Phase 0 is the identity, so the true peak is never below the sample peak."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3000, 2))
    up = Upsampler(4, 2)
    out = np.concatenate([up.process(x), up.pending()])
    np.testing.assert_array_equal(out[4 * up.latency_frames :: 4], x)
    x32 = x.astype(np.float32)  # as files and the mix are; the meter works in float32
    per_channel, _ = true_peak_dbtp(x32, 48000)
    for channel, value in enumerate(per_channel):
        assert value >= 20 * math.log10(np.abs(x32[:, channel]).max())


@pytest.mark.parametrize("block", [1, 64, 65, 8192, 8193])
def test_streaming_equals_the_whole_array(block: int) -> None:
    rng = np.random.default_rng(2)
    x = rng.standard_normal((20000, 2)) * 0.3
    whole = Upsampler(4, 2)
    expected = np.concatenate([whole.process(x), whole.pending()])
    streamed = Upsampler(4, 2)
    parts = [streamed.process(x[i : i + block]) for i in range(0, len(x), block)]
    got = np.concatenate([*parts, streamed.pending()])
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-14)

    meter = TruePeakMeter(2, 48000)  # works in float32: within 1e-7 of the float64 output
    for i in range(0, len(x), block):
        meter.process(x[i : i + block])
    np.testing.assert_allclose(meter.peak_linear, np.abs(expected).max(axis=0), rtol=2e-7)


def test_pending_does_not_change_the_state() -> None:
    x = np.random.default_rng(3).standard_normal((500, 1))
    a, b = Upsampler(4, 1), Upsampler(4, 1)
    a.process(x[:300])
    a.pending()
    b.process(x[:300])
    np.testing.assert_array_equal(a.process(x[300:]), b.process(x[300:]))


def test_meter_per_channel_reset_and_peak_reset() -> None:
    rate = 48000
    audio = tp_sine(rate, rate / 4, 45.0, 0.5, seconds=0.5)
    audio[:, 1] *= 0.25
    meter = TruePeakMeter(2, rate)
    meter.process(audio)
    left, right = meter.peak_dbtp
    assert left - right == pytest.approx(20 * math.log10(4), abs=1e-9)
    assert meter.max_dbtp == left
    meter.reset_peak()
    assert meter.max_dbtp == -math.inf
    meter.process(np.zeros((5, 2)))  # shorter than the hold-back: skipping spans blocks
    meter.process(np.zeros((1000, 2)))
    assert meter.max_dbtp < -100.0  # held-back output skipped; the faded end rings faintly
    meter.process(audio * 0.5)
    assert meter.max_dbtp == pytest.approx(left - 20 * math.log10(2), abs=1e-9)
    meter.reset()
    assert meter.peak_dbtp == (-math.inf, -math.inf)


def test_oversampling_follows_the_rate() -> None:
    assert [oversampling_factor(r) for r in (44100, 48000, 88200, 96000, 192000)] == [
        4, 4, 4, 2, 1]
    x = np.random.default_rng(4).standard_normal((1000, 2))
    per_channel, _ = true_peak_dbtp(x.astype(np.float32), 192000)  # no oversampling
    sample_peak = np.abs(x.astype(np.float32)).max(axis=0).astype(np.float64)
    np.testing.assert_allclose(per_channel, 20 * np.log10(sample_peak), rtol=1e-12)
    assert Upsampler(2, 2).process(x).shape == (2000, 2)


def test_mono_input_and_silence() -> None:
    per_channel, highest = true_peak_dbtp(np.zeros(480), 48000)
    assert per_channel == (-math.inf,) and highest == -math.inf
