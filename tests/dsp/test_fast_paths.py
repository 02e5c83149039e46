"""The faster paths of the compressor (float32 detector and gain, a shortcut for stretches
below the knee, the folded gain computer, the two-lane running sum, the bitwise running
maximum, the detector in place, both channels scaled in one pass) against the float64 formulas
and sample-by-sample recurrences they replace, and the BLAS thread limit the EQ sets."""

from __future__ import annotations

import numpy as np
import pytest

from daw.dsp import blas, eq
from daw.dsp.dynamics import COMPRESSOR_PARAMETERS, make_compressor
from daw.dsp.envelope import (
    GainComputer,
    OnePole,
    PeakDetector,
    level_db,
    linked_peak,
    running_sum,
    smoothing_coefficient,
    static_reduction_db,
)

RATE = 48000
SETTINGS = {"threshold_db": -18.0, "ratio": 3.0, "attack_ms": 10.0, "release_ms": 120.0,
            "knee_db": 6.0, "makeup_db": 2.0}


def reference_compressor(signal: np.ndarray, params: dict[str, float]) -> np.ndarray:
    """The compressor in float64 throughout, in one call: detector, gain computer, release
    then attack stage, gain applied."""
    p = {spec[0]: float(params.get(spec[0], spec[5])) for spec in COMPRESSOR_PARAMETERS}
    wanted = static_reduction_db(level_db(linked_peak(signal)), p["threshold_db"], p["ratio"],
                                 p["knee_db"])
    held = OnePole(smoothing_coefficient(p["release_ms"], RATE)).release_peak(wanted, 0.0)
    smooth = OnePole(smoothing_coefficient(p["attack_ms"], RATE)).smooth(held, 0.0)
    smooth = np.where(smooth < 1e-9, 0.0, smooth)
    gain = 10.0 ** ((p["makeup_db"] - smooth) / 20.0)
    return signal.astype(np.float64) * gain[:, None]


def bursts(scale: float = 1.0) -> np.ndarray:
    """Noise at −6 dBFS and at −40 dBFS (below the knee) in turns, with digital silence: the
    shortcut below the knee, the release after a loud part and the full path all play.
    `scale` shortens every part alike, for block sizes that make a call per frame."""
    rng = np.random.default_rng(7)
    parts = []
    for level_db_, seconds in ((-6.0, 0.4), (-40.0, 0.6), (0.0, 0.3), (-200.0, 0.5),
                               (-12.0, 0.5), (-40.0, 1.5)):
        amplitude = 0.0 if level_db_ < -150 else 10 ** (level_db_ / 20)
        parts.append(rng.uniform(-amplitude, amplitude, (round(scale * seconds * RATE), 2)))
    return np.concatenate(parts).astype(np.float32)


@pytest.mark.parametrize("block", [1, 64, 65, 4096, 16384, 16385])
def test_compressor_matches_float64_formulas(block: int) -> None:
    signal = bursts(0.25 if block == 1 else 1.0)  # every part still long enough to settle
    compressor = make_compressor(SETTINGS, 2, RATE)
    out = signal.copy()
    for start in range(0, len(out), block):
        compressor.process(out[start : start + block])
    expected = reference_compressor(signal, SETTINGS)
    # float32 detector and gain: within a few float32 steps of the float64 result
    np.testing.assert_allclose(out, expected, rtol=2e-6, atol=1e-9)


def test_below_the_knee_is_makeup_gain_only() -> None:
    quiet = bursts()[-RATE:]  # −40 dBFS noise, 19 dB under the knee's lower edge
    compressor = make_compressor(SETTINGS, 2, RATE)
    out = quiet.copy()
    compressor.process(out)
    np.testing.assert_allclose(out, quiet * np.float32(10 ** (2.0 / 20)), rtol=1e-6)
    assert compressor.gain_reduction_db == 0.0


def test_release_after_a_loud_part_continues_below_the_knee() -> None:
    signal = bursts()
    loud = round(0.4 * RATE)
    compressor = make_compressor(SETTINGS, 2, RATE)
    out = signal.copy()
    compressor.process(out[:loud])
    compressor.process(out[loud : loud + 4800])  # all below the knee: the release goes on
    expected = reference_compressor(signal[: loud + 4800], SETTINGS)
    np.testing.assert_allclose(out[: loud + 4800], expected, rtol=2e-6, atol=1e-9)
    assert compressor.gain_reduction_db > 1.0  # still releasing: not the shortcut's zero
    gain_db = 20 * np.log10(np.abs(out[loud:loud + 4800, 0]) / np.abs(signal[loud:loud + 4800,
                                                                          0]))
    assert gain_db[0] < gain_db[-1] < 2.0 + 1e-4  # the gain climbs back towards the makeup


def test_blas_limit_leaves_a_chosen_thread_count_alone(monkeypatch) -> None:
    monkeypatch.setattr(blas, "_blas_limited", False)
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "2")
    assert blas.limit_blas_threads() is False
    assert blas._blas_limited is False


def test_eq_on_one_blas_thread_matches_the_sample_by_sample_cascade() -> None:
    """Building an EQ limits BLAS to one thread; the matrix form still equals a plain TDF-II
    cascade run sample by sample in float64 (to float32 output resolution)."""
    rng = np.random.default_rng(3)
    signal = (rng.standard_normal((20000, 2)) * 0.2).astype(np.float32)
    params = {"hp_on": 1.0, "hp_freq_hz": 90.0, "p1_gain_db": -3.0, "p1_freq_hz": 350.0,
              "p3_gain_db": 2.0, "p3_freq_hz": 3500.0, "high_gain_db": 1.5}
    processor = eq.make_eq(params, 2, RATE)
    out = signal.copy()
    processor.process(out)
    # A direct TDF-II cascade in float64, sample by sample, as the reference.
    x = signal.astype(np.float64)
    for b0, b1, b2, a1, a2 in eq.eq_sections(params, RATE):
        y = np.empty_like(x)
        s1 = np.zeros(2)
        s2 = np.zeros(2)
        for n in range(len(x)):
            y[n] = b0 * x[n] + s1
            s1 = b1 * x[n] - a1 * y[n] + s2
            s2 = b2 * x[n] - a2 * y[n]
        x = y
    np.testing.assert_allclose(out, x, rtol=0, atol=2e-7)


# --- the envelope arithmetic against sample-by-sample loops ---------------------------------


def release_by_sample(x: np.ndarray, a: float, y0: float) -> np.ndarray:
    out = np.empty(len(x))
    for n, value in enumerate(x):
        y0 = max(value, a * y0 + (1.0 - a) * value)
        out[n] = y0
    return out


def smooth_by_sample(x: np.ndarray, a: float, y0: float) -> np.ndarray:
    out = np.empty(len(x))
    for n, value in enumerate(x):
        y0 = a * y0 + (1.0 - a) * value
        out[n] = y0
    return out


def wanted_reductions(frames: int, seed: int = 5) -> np.ndarray:
    """Non-negative dB reductions as a compressor wants them: runs of zeros, steps, noise."""
    rng = np.random.default_rng(seed)
    levels = np.repeat(rng.choice([0.0, 0.0, 2.0, 9.0, 20.0], size=frames // 300 + 1), 300)
    return levels[:frames] * rng.uniform(0.0, 1.0, frames) ** 2


@pytest.mark.parametrize("frames", [0, 1, 2, 3, 64, 4097, 40001])
def test_running_sum_matches_cumsum(frames: int) -> None:
    x = np.random.default_rng(frames).uniform(0.0, 1.0, frames)
    np.testing.assert_allclose(running_sum(x.copy()), np.cumsum(x), rtol=1e-13)


@pytest.mark.parametrize("time_ms", [0.1, 10.0, 120.0])
@pytest.mark.parametrize("frames", [1, 2, 3, 1000, 20001])
def test_release_and_attack_stages_match_their_recurrences(time_ms: float, frames: int) -> None:
    """0.1 ms is a pole steep enough to split every block into stretches; 20001 frames is
    longer than a segment. Starts at rest and from a held reduction."""
    a = smoothing_coefficient(time_ms, RATE)
    x = wanted_reductions(frames)
    for y0 in (0.0, 7.5):
        pole = OnePole(a)
        tolerance = 1e-12 * max(20.0, y0)
        np.testing.assert_allclose(
            pole.release_peak(x, y0), release_by_sample(x, a, y0), rtol=0, atol=tolerance
        )
        np.testing.assert_allclose(
            pole.smooth(x, y0), smooth_by_sample(x, a, y0), rtol=0, atol=tolerance
        )
        # In place, as the compressor runs them.
        in_place = x.copy()
        pole.release_peak(in_place, y0, in_place)
        np.testing.assert_array_equal(in_place, pole.release_peak(x, y0))


@pytest.mark.parametrize("frames", [1, 2, 4095, 4096, 16384])
def test_detector_in_place_matches_its_two_stages(frames: int) -> None:
    attack = smoothing_coefficient(10.0, RATE)
    release = smoothing_coefficient(120.0, RATE)
    x = wanted_reductions(frames, seed=frames)
    detector = PeakDetector(attack, release)
    out = np.empty(frames)
    held, smoothed = detector.run(x, 3.0, 2.5, out)
    expected_held = release_by_sample(x, release, 3.0)
    expected = smooth_by_sample(expected_held, attack, 2.5)
    np.testing.assert_allclose(out, expected, rtol=0, atol=1e-11)
    assert held == pytest.approx(expected_held[-1], abs=1e-11)
    assert smoothed == out[-1]
    # The same again on the same detector (its kept views and tables) and in place.
    again = x.copy()
    assert detector.run(again, 3.0, 2.5, again) == (held, smoothed)
    np.testing.assert_array_equal(again, out)


@pytest.mark.parametrize(("threshold", "ratio", "knee"), [(-18.0, 3.0, 6.0), (-30.0, 6.0, 0.0),
                                                          (-5.0, 20.0, 24.0), (-60.0, 1.5, 3.0)])
def test_gain_computer_is_the_static_curve(threshold: float, ratio: float, knee: float) -> None:
    computer = GainComputer(threshold, ratio, knee)
    magnitude = np.geomspace(1e-5, 4.0, 50001).astype(np.float32)
    wanted = computer.reduction_db(magnitude.copy(), np.empty(len(magnitude)),
                                   np.empty(len(magnitude)))
    # The same curve as the formula on the same float32 logarithm, to float64 rounding ...
    level = np.log(magnitude).astype(np.float64) * (20.0 / np.log(10.0))
    np.testing.assert_allclose(wanted, static_reduction_db(level, threshold, ratio, knee),
                               rtol=1e-12, atol=1e-12)
    # ... within a few 1e-6 dB of the float64 formula, and exactly nothing below the knee.
    exact = static_reduction_db(level_db(magnitude.astype(np.float64)), threshold, ratio, knee)
    np.testing.assert_allclose(wanted, exact, rtol=0, atol=3e-6)
    below = magnitude.astype(np.float64) <= computer.floor
    assert below.any() and not np.any(wanted[below])
    assert computer.reaches_knee(magnitude) and not computer.reaches_knee(magnitude[below])


def test_stereo_in_one_pass_equals_channel_by_channel() -> None:
    """A contiguous stereo block is scaled as complex frames; a strided one column by column:
    the same samples."""
    signal = bursts()
    contiguous = signal.copy()
    strided = np.zeros((len(signal), 4), np.float32)
    strided[:, ::2] = signal
    for block in (contiguous, strided[:, ::2]):
        compressor = make_compressor(SETTINGS, 2, RATE)
        for start in range(0, len(block), 4096):
            compressor.process(block[start : start + 4096])
    np.testing.assert_array_equal(contiguous, strided[:, ::2])
    assert not np.array_equal(contiguous, signal)
