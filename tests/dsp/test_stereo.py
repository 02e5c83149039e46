"""Correlation, balance and width against their formulas."""

from __future__ import annotations

import math

import numpy as np
import pytest

from daw.dsp.stereo import CorrelationMeter, stereo_reading

RATE = 48000


def noise(seed: int, frames: int = RATE * 4) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(frames) * 0.2


def test_identical_opposite_and_independent_channels() -> None:
    x = noise(1)
    assert stereo_reading(np.stack([x, x], axis=1)).correlation == pytest.approx(1.0,
                                                                                 abs=1e-12)
    assert stereo_reading(np.stack([x, -x], axis=1)).correlation == pytest.approx(-1.0,
                                                                                  abs=1e-12)
    independent = stereo_reading(np.stack([x, noise(2)], axis=1)).correlation
    assert abs(independent) < 0.01  # about 1/sqrt(frames) = 0.002 by chance


def test_correlation_of_a_mix_is_the_cosine_of_the_angle() -> None:
    """L = x, R = cos θ · x + sin θ · y with x, y independent: correlation ≈ cos θ."""
    x, y = noise(3), noise(4)
    for theta in (0.3, 1.0, 2.0):
        right = math.cos(theta) * x + math.sin(theta) * y
        got = stereo_reading(np.stack([x, right], axis=1)).correlation
        assert got == pytest.approx(math.cos(theta), abs=0.01)


def test_balance_and_width() -> None:
    x = noise(5)
    half_right = stereo_reading(np.stack([x, 0.5 * x], axis=1))
    assert half_right.balance_db == pytest.approx(20 * math.log10(0.5), abs=1e-9)
    assert stereo_reading(np.stack([x, x], axis=1)).side_to_mid_db == -math.inf
    assert stereo_reading(np.stack([x, -x], axis=1)).side_to_mid_db == math.inf
    # Independent sides of equal level: side and mid equal (0 dB).
    assert stereo_reading(np.stack([x, noise(6)], axis=1)).side_to_mid_db == pytest.approx(
        0.0, abs=0.1)


def test_silence_and_a_silent_side_read_zero_correlation() -> None:
    assert stereo_reading(np.zeros((100, 2))).correlation == 0.0
    one_sided = stereo_reading(np.stack([noise(7, 100), np.zeros(100)], axis=1))
    assert one_sided.correlation == 0.0 and one_sided.balance_db == -math.inf


def test_running_meter_is_an_exponential_window() -> None:
    """The running sums are Σ decay^(age) · product, decay = exp(−1 / (0.4 s · rate))."""
    x = np.stack([noise(8, 30000), noise(9, 30000) + 0.5 * noise(8, 30000)], axis=1)
    meter = CorrelationMeter(RATE)
    for start in range(0, len(x), 1001):
        meter.process(x[start : start + 1001])
    weights = math.exp(-1.0 / (0.4 * RATE)) ** np.arange(len(x) - 1, -1, -1)
    ll = np.sum(weights * x[:, 0] ** 2)
    rr = np.sum(weights * x[:, 1] ** 2)
    lr = np.sum(weights * x[:, 0] * x[:, 1])
    assert meter.correlation == pytest.approx(lr / math.sqrt(ll * rr), rel=1e-9)
    assert meter.total().correlation == pytest.approx(stereo_reading(x).correlation, rel=1e-9)


def test_running_meter_follows_a_change() -> None:
    """In phase for a second, then inverted: after two seconds the window (τ = 0.4 s) holds
    e^-2.5 of the in-phase part, so the reading is near −1, while the total is near 0."""
    x = noise(10, RATE * 2)
    meter = CorrelationMeter(RATE)
    meter.process(np.stack([x[:RATE], x[:RATE]], axis=1))
    assert meter.correlation == pytest.approx(1.0, abs=1e-9)
    meter.process(np.stack([x[RATE:], -x[RATE:]], axis=1))
    assert meter.correlation < -0.8
    assert abs(meter.total().correlation) < 0.05
    meter.reset()
    assert meter.correlation == 0.0
