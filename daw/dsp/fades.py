"""Fade curves.

A fade-in of N frames has gain shape(n / N) at its n-th frame, a fade-out shape((N - n) / N),
so a fade-in and a fade-out of the same length and shape laid over each other sum to unity
(linear) or to constant power (equal-power). The shapes:

- linear: g = t
- equal_power: g = sin(t·π/2), the quarter sine; crossfades keep the loudness of
  unrelated material
- exponential: g = (1000^t − 1) / 999, close to a straight line in dB over 60 dB, ending
  at exactly 0 and 1; sounds even to the ear for long fade-outs
"""

from __future__ import annotations

import numpy as np


def _shape(shape: str, t: np.ndarray) -> np.ndarray:
    if shape == "linear":
        return t
    if shape == "equal_power":
        return np.sin(t * (np.pi / 2.0))
    if shape == "exponential":
        return (np.power(1000.0, t) - 1.0) / 999.0
    raise ValueError(f"unknown fade shape {shape!r}")


def fade_in_curve(shape: str, length_frames: int) -> np.ndarray:
    """The gains of a fade-in, float32, computed once so every render uses the same values."""
    t = np.arange(length_frames, dtype=np.float64) / max(length_frames, 1)
    return _shape(shape, t).astype(np.float32)


def fade_out_curve(shape: str, length_frames: int) -> np.ndarray:
    """The gains of a fade-out: the mirror of the fade-in, from 1 down to shape(1 / N)."""
    t = (length_frames - np.arange(length_frames, dtype=np.float64)) / max(length_frames, 1)
    return _shape(shape, t).astype(np.float32)
