"""Quantising float audio to integer PCM, with TPDF dither for 16-bit.

We quantise ourselves instead of leaving it to the file library so the result is exact and
repeatable: full scale is 2^(bits−1), values are rounded to the nearest step and clipped.
TPDF dither (the difference of two uniform draws, ±1 LSB peak) turns the rounding error into a
steady noise floor instead of distortion on quiet fades. The noise comes from a seeded
generator consumed frame by frame, so a bounce is bit-identical from run to run.
"""

from __future__ import annotations

import numpy as np

DITHER_SEED = 0x4D494E49


class Quantizer:
    """Float blocks in, int16 (16-bit) or int32 holding 24-bit (left-aligned) blocks out."""

    def __init__(self, bits: int, channels: int, dither: bool, seed: int = DITHER_SEED) -> None:
        if bits not in (16, 24):
            raise ValueError(f"{bits}-bit PCM is not supported (16 or 24)")
        self.bits = bits
        self.channels = channels
        self.dither = dither
        self._scale = float(2 ** (bits - 1))
        self._rng = np.random.Generator(np.random.PCG64(seed))

    def quantize(self, block: np.ndarray) -> np.ndarray:
        """Return the integer samples for `block` (frames, channels)."""
        scaled = block.astype(np.float64) * self._scale
        if self.dither:
            draws = self._rng.random((block.shape[0], self.channels, 2))
            scaled += draws[..., 0] - draws[..., 1]
        np.rint(scaled, out=scaled)
        np.clip(scaled, -self._scale, self._scale - 1.0, out=scaled)
        if self.bits == 16:
            return scaled.astype(np.int16)
        return scaled.astype(np.int32) << 8
