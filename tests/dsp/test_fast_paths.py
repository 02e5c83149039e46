"""The faster paths of the compressor (float32 detector and gain, a shortcut for stretches
below the knee) against the float64 formulas they replace, and the BLAS thread limit the EQ
sets."""

from __future__ import annotations

import numpy as np
import pytest

from daw.dsp import blas, eq
from daw.dsp.dynamics import COMPRESSOR_PARAMETERS, make_compressor
from daw.dsp.envelope import (
    OnePole,
    level_db,
    linked_peak,
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


def bursts() -> np.ndarray:
    """Noise at −6 dBFS and at −40 dBFS (below the knee) in turns, with digital silence: the
    shortcut below the knee, the release after a loud part and the full path all play."""
    rng = np.random.default_rng(7)
    parts = []
    for level_db_, seconds in ((-6.0, 0.4), (-40.0, 0.6), (0.0, 0.3), (-200.0, 0.5),
                               (-12.0, 0.5), (-40.0, 1.5)):
        amplitude = 0.0 if level_db_ < -150 else 10 ** (level_db_ / 20)
        parts.append(rng.uniform(-amplitude, amplitude, (round(seconds * RATE), 2)))
    return np.concatenate(parts).astype(np.float32)


@pytest.mark.parametrize("block", [1, 64, 65, 4096, 16384, 16385])
def test_compressor_matches_float64_formulas(block: int) -> None:
    signal = bursts()
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
