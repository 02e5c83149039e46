"""The test tone of the audio settings: a sine at a known level on every output, so a person
can check that the speakers (or headphones) are the ones MiniDAW plays through."""

from __future__ import annotations

import numpy as np

RAMP_SECONDS = 0.005
"""Fade in and out over 5 ms, so the tone starts and stops without a click."""


def make_test_tone(rate: int, freq_hz: float = 1000.0, level_db: float = -20.0,
              seconds: float = 1.0, channels: int = 2) -> np.ndarray:
    """A sine of `freq_hz` peaking at `level_db` dBFS, shaped (frames, channels), float32."""
    if rate <= 0 or seconds <= 0 or channels <= 0:
        raise ValueError("a test tone needs a positive rate, length and channel count")
    if not 0 < freq_hz < rate / 2:
        raise ValueError(f"{freq_hz:g} Hz cannot be played at {rate} Hz")
    frames = round(rate * seconds)
    t = np.arange(frames) / rate
    tone = np.sin(2 * np.pi * freq_hz * t) * 10.0 ** (level_db / 20.0)
    ramp = min(round(rate * RAMP_SECONDS), frames // 2)
    if ramp:
        shape = np.linspace(0.0, 1.0, ramp, endpoint=False)
        tone[:ramp] *= shape
        tone[frames - ramp:] *= shape[::-1]
    return np.ascontiguousarray(np.repeat(tone[:, None], channels, axis=1), dtype=np.float32)
