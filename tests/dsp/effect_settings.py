"""Settings that make every effect kind act audibly on `program`, and helpers to stream audio
through a processor: shared by the registry and the processor-state tests."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from daw.dsp.effects import create_processor
from daw.dsp.processors import Processor

RATE = 48000

AUDIBLE: dict[str, dict[str, float]] = {
    "gain": {"gain_db": -7.5, "invert_polarity": 1.0},
    "eq": {
        "hp_on": 1, "hp_freq_hz": 60, "hp_q": 1.2,
        "low_freq_hz": 150, "low_gain_db": 5,
        "p1_freq_hz": 400, "p1_gain_db": -6, "p1_q": 2,
        "p2_freq_hz": 1500, "p2_gain_db": 4, "p2_q": 0.9,
        "p3_freq_hz": 5000, "p3_gain_db": -8, "p3_q": 5,
        "high_freq_hz": 9000, "high_gain_db": 4,
        "lp_on": 1, "lp_freq_hz": 15000, "lp_q": 0.9,
    },
    "compressor": {"threshold_db": -24, "ratio": 6, "attack_ms": 0.5, "release_ms": 30,
                   "knee_db": 6, "makeup_db": 2},
    "gate": {"threshold_db": -25, "attack_ms": 0.5, "hold_ms": 3, "release_ms": 20,
             "range_db": 50},
    "limiter": {"ceiling_db": -2, "release_ms": 10, "lookahead_ms": 1},
    "deesser": {"freq_hz": 5000, "threshold_db": -35, "range_db": 18},
    "reverb": {"room_size_percent": 80.0, "wet_percent": 60.0, "width_percent": 70.0},
    "delay": {"delay_ms": 3.3, "feedback_percent": 60.0, "mix_percent": 50.0},
    "chorus": {"rate_hz": 3.0, "depth_percent": 60.0, "feedback_percent": 40.0},
    "phaser": {"rate_hz": 2.0, "feedback_percent": 50.0, "mix_percent": 70.0},
    "saturation": {"drive_db": 18.0, "mix_percent": 70.0},
    "truepeak_limiter": {"input_gain_db": 3.0, "ceiling_dbtp": -2.0, "release_ms": 20.0,
                         "lookahead_ms": 1.0},
    "width": {"width_percent": 160.0, "bass_mono_on": 1.0, "bass_mono_hz": 200.0},
}  # fmt: skip

EXACT_BLOCKS = frozenset({"gain", "delay", "saturation", "reverb", "chorus", "phaser"})
"""Kinds whose output is bit-identical for any block size; the EQ and the dynamics agree to
within one float32 step (their chunked float64 arithmetic rounds differently)."""


def build(kind: str, params: dict[str, float] | None = None, channels: int = 2) -> Processor:
    return create_processor(kind, AUDIBLE[kind] if params is None else params, channels, RATE)


def program(frames: int, channels: int = 2, seed: int = 4) -> np.ndarray:
    """Noise whose level jumps between quiet and loud (up to +12 dBFS) every 1000 frames, over
    a soft steady tone (−40 dBFS, below the gate's threshold): drives every detector through
    attack, hold and release, and has the highs the de-esser listens for."""
    rng = np.random.default_rng(seed)
    levels = np.repeat(rng.choice([0.003, 0.05, 0.4, 1.0, 4.0], size=frames // 1000 + 1), 1000)
    noise = rng.standard_normal((frames, channels)) * 0.3 * levels[:frames, None]
    tone = 0.01 * np.sin(2 * np.pi * 220.0 * np.arange(frames) / RATE)
    return (noise + tone[:, None]).astype(np.float32)


def tones(frames: int, channels: int = 2, start: int = 0) -> np.ndarray:
    """Three steady partials: a musical signal, smoother than noise."""
    t = np.arange(start, start + frames) / RATE
    wave = (
        0.3 * np.sin(2 * np.pi * 220.0 * t)
        + 0.2 * np.sin(2 * np.pi * 331.0 * t + 1.0)
        + 0.1 * np.sin(2 * np.pi * 1234.0 * t)
    )
    return np.repeat(wave.astype(np.float32)[:, None], channels, axis=1)


def run(processor: Processor, signal: np.ndarray, blocks: Sequence[int]) -> np.ndarray:
    """`signal` through `processor` in blocks of the given sizes, cycled; a new array."""
    out = signal.copy()
    at, i = 0, 0
    while at < len(out):
        size = blocks[i % len(blocks)]
        processor.process(out[at : at + size])
        at, i = at + size, i + 1
    return out
