"""Level statistics of a signal gathered block by block: peak, RMS and DC offset."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class LevelReport:
    """Per-channel levels of a whole signal, in dBFS (full scale = 1.0)."""

    frames: int
    peak_dbfs: tuple[float, ...]
    rms_dbfs: tuple[float, ...]
    dc_offset: tuple[float, ...]
    """The mean sample value per channel, in full-scale units."""

    @property
    def overall_peak_dbfs(self) -> float:
        return max(self.peak_dbfs)

    @property
    def overall_rms_dbfs(self) -> float:
        """The RMS over all channels together."""
        mean_power = sum(_power(db) for db in self.rms_dbfs) / len(self.rms_dbfs)
        return 10.0 * math.log10(mean_power) if mean_power > 0 else -math.inf


def _power(rms_db: float) -> float:
    return 0.0 if rms_db == -math.inf else 10.0 ** (rms_db / 10.0)


def _db(value: float) -> float:
    return 20.0 * math.log10(value) if value > 0 else -math.inf


class LevelMeter:
    """Accumulates peak, sum of squares and sum per channel, in float64, block by block."""

    def __init__(self, channels: int) -> None:
        self.frames = 0
        self._peak = np.zeros(channels)
        self._squares = np.zeros(channels)
        self._sum = np.zeros(channels)

    def add(self, block: np.ndarray) -> None:
        """Take in a block of shape (frames, channels)."""
        if block.shape[0] == 0:
            return
        wide = block.astype(np.float64, copy=False)
        self.frames += block.shape[0]
        np.maximum(self._peak, np.abs(wide).max(axis=0), out=self._peak)
        self._squares += np.einsum("ij,ij->j", wide, wide)
        self._sum += wide.sum(axis=0)

    def report(self) -> LevelReport:
        n = max(self.frames, 1)
        return LevelReport(
            frames=self.frames,
            peak_dbfs=tuple(_db(p) for p in self._peak),
            rms_dbfs=tuple(_db(math.sqrt(s / n)) for s in self._squares),
            dc_offset=tuple(float(s / n) for s in self._sum),
        )
