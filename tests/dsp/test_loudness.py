"""Loudness against the specifications: the EBU Tech 3341 and Tech 3342 test signals, built here
from their descriptions, pyloudnorm on noise and music-like signals, and streaming against
whole-array measurement."""

from __future__ import annotations

import math

import numpy as np
import pyloudnorm
import pytest

from daw.dsp.loudness import (
    LoudnessMeter,
    integrated_loudness,
    k_weighting_sections,
    loudness_range,
    measure_loudness,
)

RATES = [44100, 48000]


def sine(rate: int, seconds: float, level_dbfs: float, channels: int = 2,
         freq: float = 1000.0) -> np.ndarray:
    """A 1 kHz sine of `level_dbfs` peak on every channel (Tech 3341's "stereo sine")."""
    t = np.arange(round(seconds * rate)) / rate
    wave = 10.0 ** (level_dbfs / 20.0) * np.sin(2 * np.pi * freq * t)
    return np.repeat(wave[:, None], channels, axis=1)


def silence(rate: int, seconds: float, channels: int = 2) -> np.ndarray:
    return np.zeros((round(seconds * rate), channels))


def music_like(rate: int, seconds: float, seed: int) -> np.ndarray:
    """Notes with decaying envelopes over a bass line and noise bursts, the two sides partly
    correlated, the level moving over the piece: a stand-in for a mix."""
    rng = np.random.default_rng(seed)
    n = round(seconds * rate)
    t = np.arange(n) / rate
    out = np.zeros((n, 2))
    for start in np.arange(0.0, seconds, 0.25):
        freq = 110.0 * 2 ** (rng.integers(0, 36) / 12)
        i = round(start * rate)
        length = min(n - i, round(0.6 * rate))
        env = np.exp(-np.arange(length) / (0.15 * rate))
        note = env * np.sin(2 * np.pi * freq * t[:length]) * rng.uniform(0.05, 0.3)
        out[i : i + length, 0] += note * rng.uniform(0.5, 1.0)
        out[i : i + length, 1] += note * rng.uniform(0.5, 1.0)
    out += 0.2 * np.sin(2 * np.pi * 55 * t)[:, None]
    bursts = (np.sin(2 * np.pi * 2 * t) > 0.7)[:, None]
    out += bursts * rng.standard_normal((n, 2)) * 0.05
    out *= (0.6 + 0.4 * np.sin(2 * np.pi * t / seconds))[:, None]
    return out


# --- EBU Tech 3341, table 1: integrated loudness (±0.1 LU) -----------------------------------


@pytest.mark.parametrize("rate", RATES)
@pytest.mark.parametrize("level", [-23.0, -33.0])
def test_3341_cases_1_and_2_steady_sines(rate: int, level: float) -> None:
    """Cases 1 and 2: 20 s stereo 1 kHz at −23 / −33 dBFS read −23 / −33 LUFS: integrated,
    momentary and short-term alike."""
    reading = measure_loudness(sine(rate, 20.0, level), rate)
    assert reading.integrated_lufs == pytest.approx(level, abs=0.1)
    assert reading.momentary_lufs == pytest.approx(level, abs=0.1)
    assert reading.short_term_lufs == pytest.approx(level, abs=0.1)
    assert reading.max_momentary_lufs == pytest.approx(level, abs=0.1)
    assert reading.loudness_range_lu == pytest.approx(0.0, abs=0.1)


@pytest.mark.parametrize("rate", RATES)
def test_3341_case_3_relative_gate_drops_the_quiet_parts(rate: int) -> None:
    """Case 3: 10 s at −36, 60 s at −23, 10 s at −36 dBFS: −23 LUFS (the −36 parts fall
    below the relative gate)."""
    audio = np.concatenate([sine(rate, 10, -36), sine(rate, 60, -23), sine(rate, 10, -36)])
    assert integrated_loudness(audio, rate) == pytest.approx(-23.0, abs=0.1)


@pytest.mark.parametrize("rate", RATES)
def test_3341_case_4_absolute_gate_drops_near_silence(rate: int) -> None:
    """Case 4: −72, −36, −23, −36, −72 dBFS (10, 10, 60, 10, 10 s): −23 LUFS."""
    parts = [(-72, 10), (-36, 10), (-23, 60), (-36, 10), (-72, 10)]
    audio = np.concatenate([sine(rate, s, level) for level, s in parts])
    assert integrated_loudness(audio, rate) == pytest.approx(-23.0, abs=0.1)


@pytest.mark.parametrize("rate", RATES)
def test_3341_case_5_gate_boundary(rate: int) -> None:
    """Case 5: 20 s at −26, 20.1 s at −20, 20 s at −26 dBFS: −23 LUFS."""
    audio = np.concatenate([sine(rate, 20, -26), sine(rate, 20.1, -20), sine(rate, 20, -26)])
    assert integrated_loudness(audio, rate) == pytest.approx(-23.0, abs=0.1)


def test_3341_case_6_five_channels_with_surround_weights() -> None:
    """Case 6: 5.0 at L, R −28, C −24, Ls, Rs −30 dBFS: −23 LUFS (surrounds weighted 1.41)."""
    rate = 48000
    levels = [-28.0, -28.0, -24.0, -30.0, -30.0]
    audio = np.concatenate([sine(rate, 20, level, channels=1) for level in levels], axis=1)
    assert integrated_loudness(audio, rate) == pytest.approx(-23.0, abs=0.1)


# --- EBU Tech 3341, table 2: momentary and short-term (±0.1 LU) ------------------------------


@pytest.mark.parametrize("rate", RATES)
def test_3341_case_9_short_term_of_alternating_levels(rate: int) -> None:
    """Case 9: 1.34 s at −20 and 1.66 s at −30 dBFS, alternating: every 3 s window holds one
    of each, so short-term reads −23 LUFS at the end of each."""
    meter = LoudnessMeter(rate, 2)
    loud, quiet = sine(rate, 1.34, -20), sine(rate, 1.66, -30)
    for i in range(5):
        meter.process(loud)
        if i > 0:
            assert meter.short_term_lufs == pytest.approx(-23.0, abs=0.1)
        meter.process(quiet)
        assert meter.short_term_lufs == pytest.approx(-23.0, abs=0.1)


@pytest.mark.parametrize("rate", RATES)
def test_3341_cases_10_and_11_short_term_maximum_of_bursts(rate: int) -> None:
    """Cases 10 and 11: 3 s bursts after silences of 0, 0.15, 0.3 … s (so they start anywhere
    against any update grid): the highest short-term value is the burst's loudness."""
    meter = LoudnessMeter(rate, 2)
    for i in range(20):
        level = -38.0 + i
        meter.reset_maxima()
        meter.process(silence(rate, 0.15 * i))
        meter.process(sine(rate, 3.0, level))
        meter.process(silence(rate, 3.0))
        assert meter.max_short_term_lufs == pytest.approx(level, abs=0.1)


@pytest.mark.parametrize("rate", RATES)
def test_3341_case_12_momentary_of_alternating_levels(rate: int) -> None:
    """Case 12: 0.18 s at −20 and 0.22 s at −30 dBFS alternating: momentary −23 LUFS."""
    meter = LoudnessMeter(rate, 2)
    loud, quiet = sine(rate, 0.18, -20), sine(rate, 0.22, -30)
    for i in range(25):
        meter.process(loud)
        if i > 1:
            assert meter.momentary_lufs == pytest.approx(-23.0, abs=0.1)
        meter.process(quiet)
        if i > 1:
            assert meter.momentary_lufs == pytest.approx(-23.0, abs=0.1)


@pytest.mark.parametrize("rate", RATES)
def test_3341_cases_13_and_14_momentary_maximum_of_bursts(rate: int) -> None:
    """Cases 13 and 14: 0.4 s bursts after silences of 0, 0.02, 0.04 … s: the highest
    momentary value is the burst's loudness, wherever it falls."""
    meter = LoudnessMeter(rate, 2)
    for i in range(20):
        level = -38.0 + i
        meter.reset_maxima()
        meter.process(silence(rate, 0.02 * i))
        meter.process(sine(rate, 0.4, level))
        meter.process(silence(rate, 1.0))
        assert meter.max_momentary_lufs == pytest.approx(level, abs=0.1)


# --- EBU Tech 3342: loudness range (±1 LU; we hold ourselves to ±0.1) ------------------------


@pytest.mark.parametrize("rate", RATES)
@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ([(-20, 20), (-30, 20)], 10.0),
        ([(-20, 20), (-15, 20)], 5.0),
        ([(-40, 20), (-20, 20)], 20.0),
        ([(-50, 20), (-35, 20), (-20, 20), (-35, 20), (-50, 20)], 15.0),
    ],
    ids=["case1", "case2", "case3", "case4"],
)
def test_3342_loudness_range(rate: int, parts: list[tuple[float, float]],
                             expected: float) -> None:
    audio = np.concatenate([sine(rate, seconds, level) for level, seconds in parts])
    assert loudness_range(audio, rate) == pytest.approx(expected, abs=0.1)


# --- Against pyloudnorm and the formulas ------------------------------------------------------


@pytest.mark.parametrize("rate", RATES)
@pytest.mark.parametrize("kind", ["noise", "music"])
def test_integrated_agrees_with_pyloudnorm(rate: int, kind: str) -> None:
    """Within 0.1 LU of pyloudnorm's K-weighting, and to 1e-6 LU of its "DeMan" filters (the
    same derivation of the filters at any rate, so only the gating arithmetic is compared)."""
    if kind == "noise":
        rng = np.random.default_rng(3)
        n = 30 * rate
        audio = rng.standard_normal((n, 2)) * 0.1
        audio[:, 1] = 0.6 * audio[:, 1] + 0.4 * audio[:, 0]
        audio *= (1.0 + 0.9 * np.sin(2 * np.pi * np.arange(n) / (7.0 * rate)))[:, None]
    else:
        audio = music_like(rate, 30.0, seed=5)
    ours = integrated_loudness(audio, rate)
    assert ours == pytest.approx(pyloudnorm.Meter(rate).integrated_loudness(audio), abs=0.1)
    deman = pyloudnorm.Meter(rate, filter_class="DeMan").integrated_loudness(audio)
    assert ours == pytest.approx(deman, abs=1e-6)


def test_k_weighting_is_the_standard_at_48k_and_the_same_curve_elsewhere() -> None:
    shelf, highpass = k_weighting_sections(48000)
    np.testing.assert_array_equal(
        shelf, [1.53512485958697, -2.69169618940638, 1.19839281085285, -1.69065929318241,
                0.73248077421585])
    np.testing.assert_array_equal(highpass, [1.0, -2.0, 1.0, -1.99004745483398,
                                             0.99007225036621])

    def response_db(rate: int, freqs: np.ndarray) -> np.ndarray:
        z = np.exp(-2j * np.pi * freqs / rate)
        total = np.ones_like(z)
        for b0, b1, b2, a1, a2 in k_weighting_sections(rate):
            total *= (b0 + b1 * z + b2 * z * z) / (1 + a1 * z + a2 * z * z)
        return 20 * np.log10(np.abs(total))

    freqs = np.array([20.0, 50.0, 100.0, 500.0, 1000.0, 2000.0, 5000.0, 10000.0])
    at_48k = response_db(48000, freqs)
    np.testing.assert_allclose(response_db(44100, freqs), at_48k, atol=0.02)
    np.testing.assert_allclose(response_db(96000, freqs), at_48k, atol=0.03)
    # The shape the standard describes: about +4 dB above 2 kHz, a cut toward the bass.
    assert at_48k[-1] == pytest.approx(4.0, abs=0.1)
    assert at_48k[0] < -10.0
    assert abs(at_48k[4]) < 0.7


def test_one_channel_sine_reads_the_standard_offset() -> None:
    """BS.1770: a 997 Hz sine at 0 dBFS on one front channel reads −3.01 LKFS."""
    audio = sine(48000, 10.0, 0.0, channels=1, freq=997.0)
    assert integrated_loudness(audio, 48000) == pytest.approx(-3.01, abs=0.01)


def test_silence_reads_minus_infinity_and_no_range() -> None:
    reading = measure_loudness(silence(48000, 5.0), 48000)
    assert reading.integrated_lufs == -math.inf
    assert reading.momentary_lufs == -math.inf
    assert reading.max_short_term_lufs == -math.inf
    assert reading.loudness_range_lu == 0.0


# --- Streaming --------------------------------------------------------------------------------


def _readings(meter: LoudnessMeter) -> list[float]:
    r = meter.reading()
    return [r.momentary_lufs, r.short_term_lufs, r.integrated_lufs, r.loudness_range_lu,
            r.max_momentary_lufs, r.max_short_term_lufs]


@pytest.mark.parametrize("block", [64, 65, 8192, 8193])
def test_block_size_does_not_change_the_readings(block: int) -> None:
    rate = 48000
    audio = music_like(rate, 8.0, seed=2)
    whole = LoudnessMeter(rate, 2)
    whole.process(audio)
    streamed = LoudnessMeter(rate, 2)
    for start in range(0, len(audio), block):
        streamed.process(audio[start : start + block])
    np.testing.assert_allclose(_readings(streamed), _readings(whole), rtol=1e-9, atol=1e-9)


def test_one_frame_at_a_time_equals_the_whole_array() -> None:
    rate = 16000
    audio = music_like(rate, 3.5, seed=4)
    whole = LoudnessMeter(rate, 2)
    whole.process(audio)
    streamed = LoudnessMeter(rate, 2)
    for frame in audio:
        streamed.process(frame[None])
    np.testing.assert_allclose(_readings(streamed), _readings(whole), rtol=1e-9, atol=1e-9)


def test_reset_starts_over() -> None:
    rate = 48000
    meter = LoudnessMeter(rate, 2)
    meter.process(sine(rate, 5.0, -10.0))
    meter.reset()
    meter.process(sine(rate, 5.0, -30.0))
    fresh = LoudnessMeter(rate, 2)
    fresh.process(sine(rate, 5.0, -30.0))
    assert _readings(meter) == _readings(fresh)


def test_momentary_rises_over_the_first_400_ms() -> None:
    """Before the start the signal counts as silence: after 100 ms of a steady tone the 400 ms
    window holds a quarter of its energy (−6.02 LU)."""
    rate = 48000
    meter = LoudnessMeter(rate, 2)
    meter.process(sine(rate, 0.1, -20.0))
    steady = measure_loudness(sine(rate, 2.0, -20.0), rate).momentary_lufs
    assert meter.momentary_lufs == pytest.approx(steady + 10 * math.log10(0.25), abs=0.02)


def test_a_mismatched_block_is_refused() -> None:
    with pytest.raises(ValueError, match="3 channels"):
        LoudnessMeter(48000, 2).process(np.zeros((10, 3)))
