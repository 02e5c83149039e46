"""Stereo image figures: the phase correlation of left and right (+1 mono, 0 unrelated, −1 one
side inverted), the balance between them and the side-to-mid ratio (how wide).

Correlation is Σ L·R / √(Σ L² · Σ R²), without removing the mean, as phase correlation meters
do. The running meter averages the three sums with a one-pole (exponential) window of about
400 ms, computed per block in closed form, so any block size gives the same reading. Silence,
or a silent side, reads 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

WINDOW_SECONDS = 0.4


@dataclass(frozen=True)
class StereoReading:
    correlation: float
    """−1..+1; 0 when either side is silent."""
    balance_db: float
    """Right minus left level in dB (positive: leaning right); 0 for silence."""
    side_to_mid_db: float
    """Side level below (negative) or above mid, in dB; −inf for mono, +inf for L = −R."""


def _reading(ll: float, rr: float, lr: float) -> StereoReading:
    correlation = lr / math.sqrt(ll * rr) if ll > 0 and rr > 0 else 0.0
    correlation = min(1.0, max(-1.0, correlation))
    if ll > 0 and rr > 0:
        balance = 10.0 * math.log10(rr / ll)
    elif ll == rr:
        balance = 0.0
    else:
        balance = math.inf if rr > 0 else -math.inf
    mid = ll + rr + 2.0 * lr  # (L+R)² summed, the ½ cancels in the ratio
    side = ll + rr - 2.0 * lr
    if side <= 0:
        width = -math.inf
    elif mid <= 0:
        width = math.inf
    else:
        width = 10.0 * math.log10(side / mid)
    return StereoReading(correlation, balance, width)


def _sides(block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Left and right of a block; a mono block is both, extra channels are left out."""
    wide = np.asarray(block, dtype=np.float64)
    if wide.ndim == 1:
        return wide, wide
    if wide.shape[1] == 1:
        return wide[:, 0], wide[:, 0]
    return wide[:, 0], wide[:, 1]


def stereo_reading(audio: np.ndarray) -> StereoReading:
    """The figures of a whole (frames, channels) signal."""
    left, right = _sides(audio)
    return _reading(float(left @ left), float(right @ right), float(left @ right))


class CorrelationMeter:
    """Correlation, balance and width: running over ~400 ms and over everything since reset."""

    def __init__(self, sample_rate: int, window_seconds: float = WINDOW_SECONDS) -> None:
        self._decay = math.exp(-1.0 / (window_seconds * sample_rate))
        self._weights: dict[int, np.ndarray] = {}
        self.reset()

    def reset(self) -> None:
        self._recent = np.zeros(3)  # LL, RR, LR, exponentially weighted
        self._total = np.zeros(3)

    def _weights_for(self, frames: int) -> np.ndarray:
        weights = self._weights.get(frames)
        if weights is None:
            weights = self._decay ** np.arange(frames - 1, -1, -1, dtype=np.float64)
            if frames <= 8192 and len(self._weights) < 16:
                self._weights[frames] = weights
        return weights

    def process(self, block: np.ndarray) -> None:
        """Take in a (frames, channels) block."""
        frames = block.shape[0]
        if frames == 0:
            return
        left, right = _sides(block)
        self._total += (left @ left, right @ right, left @ right)
        weighted_left = left * self._weights_for(frames)
        weighted_right = right * self._weights_for(frames)
        self._recent *= self._decay**frames
        self._recent += (weighted_left @ left, weighted_right @ right, weighted_left @ right)

    @property
    def correlation(self) -> float:
        """The running correlation."""
        return self.recent().correlation

    def recent(self) -> StereoReading:
        """Figures over about the last 400 ms."""
        return _reading(*(float(v) for v in self._recent))

    def total(self) -> StereoReading:
        """Figures over everything since the start or the last reset."""
        return _reading(*(float(v) for v in self._total))
