"""The arithmetic under the dynamics processors: one-pole smoothers and a peak-hold release
solved a block at a time with array operations, exactly (to float64 rounding), plus the
detector, the sliding maximum and the compressor's gain computer.

The smoothers are recurrences: a one-pole filter y[n] = a·y[n-1] + b[n] is a running sum of
b weighted by growing powers of 1/a, taken in stretches short enough that the weights stay
finite (below e^300); the release stage of the smooth decoupled peak detector, y[n] =
max(x[n], a·y[n-1] + (1 − a)·x[n]), is the one-pole response of x plus the largest decaying
"excess" left by an earlier frame: a running maximum (`np.maximum.accumulate`).
"""

from __future__ import annotations

import math

import numpy as np

SEGMENT = 16384
"""Longest stretch processed at once, to keep temporaries small."""

_MAX_LOG_SPAN = 300.0
"""How far the weights of a running one-pole sum may grow (e^300) before a new stretch."""


def smoothing_coefficient(time_ms: float, sample_rate: int) -> float:
    """The pole a of a one-pole smoother with time constant `time_ms` (63 % of a step)."""
    return math.exp(-1000.0 / (time_ms * sample_rate))


def linear_recurrence(a: float | np.ndarray, b: np.ndarray, y0: float) -> np.ndarray:
    """y[n] = a[n]·y[n−1] + b[n] with y[−1] = y0, for a scalar or per-frame a in (0, 1].

    Within a stretch, y[n] = P[n]·(y0 + Σ b[k]/P[k]) with P the running product of a; the
    stretch ends before 1/P outgrows e^300."""
    frames = len(b)
    log_a = np.broadcast_to(np.log(a), (frames,))
    steepest = -float(log_a.min()) if frames else 0.0
    span = frames if steepest * frames <= _MAX_LOG_SPAN else max(1, int(_MAX_LOG_SPAN / steepest))
    out = np.empty(frames)
    for start in range(0, frames, span):
        stop = min(start + span, frames)
        p = np.exp(np.cumsum(log_a[start:stop]))
        seg = out[start:stop]
        np.cumsum(b[start:stop] / p, out=seg)
        seg += y0
        seg *= p
        y0 = float(seg[-1])
    return out


class OnePole:
    """A one-pole smoother y[n] = a·y[n−1] + (1 − a)·x[n] with a fixed pole, run on arrays.

    Both methods work in stretches of `span` frames, over which the powers a^(k+1) and
    a^−(k+1) stay within e^±300. The tables of those powers grow with the longest block seen
    (each element is the same whatever the table's length), so a new pole, as a turned
    attack or release knob gives every 64 frames, costs only the frames that follow."""

    def __init__(self, a: float) -> None:
        self.a = math.nan
        self.set_pole(a)

    def set_pole(self, a: float) -> None:
        """Take a new pole; the tables are rebuilt as the next blocks need them."""
        if a == self.a:
            return
        self.a = a
        self._beta = -math.log(a)
        beta = self._beta
        self._span = (
            SEGMENT if beta * SEGMENT <= _MAX_LOG_SPAN else max(1, int(_MAX_LOG_SPAN / beta))
        )
        self._decay = np.empty(0)  # a^(k+1)
        self._growth = np.empty(0)  # a^−(k+1)

    def _tables(self, frames: int) -> tuple[np.ndarray, np.ndarray]:
        if len(self._decay) < frames:
            size = min(self._span, max(frames, 2 * len(self._decay), 64))
            steps = np.arange(1, size + 1, dtype=np.float64) * self._beta
            self._decay = np.exp(-steps)
            self._growth = np.exp(steps)
        return self._decay[:frames], self._growth[:frames]

    def smooth(self, x: np.ndarray, y0: float) -> np.ndarray:
        """The plain one-pole response to x, starting from y0."""
        out = np.empty(len(x))
        for start in range(0, len(x), self._span):
            seg = out[start : start + self._span]
            decay, growth = self._tables(len(seg))
            np.cumsum(x[start : start + len(seg)] * growth, out=seg)
            seg *= 1.0 - self.a
            seg += y0
            seg *= decay
            y0 = float(seg[-1])
        return out

    def release_peak(self, x: np.ndarray, y0: float) -> np.ndarray:
        """y[n] = max(x[n], a·y[n−1] + (1 − a)·x[n]) for x ≥ 0, y0 ≥ 0: instant attack, a
        one-pole release towards x.

        Unrolled, y[n] = L[n] + max_k a^(n−k)·(x[k] − L[k]), where L is the one-pole response
        of x from rest and k runs over the frames so far (k = −1 standing for y0, whose term
        is a^(n+1)·y0): a running maximum of (x[k] − L[k])·a^−(k+1), scaled by a^(n+1)."""
        out = np.empty(len(x))
        for start in range(0, len(x), self._span):
            seg = out[start : start + self._span]
            decay, growth = self._tables(len(seg))
            x_seg = x[start : start + len(seg)]
            lin = np.cumsum(x_seg * growth)
            lin *= (1.0 - self.a) * decay
            excess = (x_seg - lin) * growth
            np.maximum.accumulate(excess, out=excess)
            np.maximum(excess, y0, out=excess)
            np.multiply(excess, decay, out=seg)
            seg += lin
            y0 = float(seg[-1])
        return out


def linked_peak(block: np.ndarray) -> np.ndarray:
    """The detector: the loudest channel's magnitude at each frame, float64."""
    peak = np.abs(block[:, 0]).astype(np.float64)
    for channel in range(1, block.shape[1]):
        np.maximum(peak, np.abs(block[:, channel]), out=peak)
    return peak


def level_db(magnitude: np.ndarray) -> np.ndarray:
    """20·log10 of the magnitude; silence is −inf."""
    with np.errstate(divide="ignore"):
        return 20.0 * np.log10(magnitude)


def sliding_max(x: np.ndarray, width: int) -> np.ndarray:
    """out[i] = max(x[i : i + width]) for every full window, in O(n) (van Herk / Gil–Werman)."""
    if width == 1:
        return x.copy()
    count = len(x) - width + 1
    pad = (-len(x)) % width
    blocks = np.concatenate([x, np.full(pad, -np.inf)]).reshape(-1, width)
    prefix = np.maximum.accumulate(blocks, axis=1).ravel()
    suffix = np.maximum.accumulate(blocks[:, ::-1], axis=1)[:, ::-1].ravel()
    return np.maximum(suffix[:count], prefix[width - 1 : width - 1 + count])


def static_reduction_db(
    level: np.ndarray, threshold_db: float, ratio: float, knee_db: float
) -> np.ndarray:
    """The compressor's gain computer: how many dB a steady input at `level` is turned down.

    Below the knee nothing; above it (1 − 1/ratio)·(level − threshold); inside a knee of width
    W the quadratic (1 − 1/ratio)·(level − threshold + W/2)² / (2W), which meets both."""
    over = level - threshold_db
    slope = 1.0 - 1.0 / ratio
    if knee_db <= 0.0:
        return slope * np.maximum(over, 0.0)
    half = knee_db / 2.0
    with np.errstate(invalid="ignore"):
        knee = np.square(np.clip(over, -half, half) + half) / (2.0 * knee_db)
    return slope * np.where(over > half, over, knee)
