"""Meters for the mixer: levels of each strip and the master, and the gain reduction of each
dynamics effect, gathered by the render thread chunk by chunk, so the window shows the values
of the audio being heard."""

from __future__ import annotations

import numpy as np


class LevelTaker:
    """Peak and RMS per channel of each strip (after fader and pan) and of the master, and the
    deepest gain reduction of each dynamics processor, over the blocks rendered since the last
    `take`. Used by the engine thread only."""

    def __init__(self) -> None:
        self._levels: dict[str, np.ndarray] = {}
        self._reductions: dict[str, float] = {}
        self._scratch = np.empty(0, dtype=np.float32)

    def measure(self, key: str, block: np.ndarray) -> None:
        """Per column, not over the (n, 2) array: numpy's two-element inner loops made the
        whole-array form cost more than the render itself (measured 7x)."""
        n = block.shape[0]
        if n == 0:
            return
        if self._scratch.shape[0] < n:
            self._scratch = np.empty(n, dtype=np.float32)
        found = self._levels.get(key)
        if found is None:
            found = np.zeros(5)
            self._levels[key] = found
        for channel in range(2):
            column = np.ascontiguousarray(block[:, channel])
            magnitude = np.abs(column, out=self._scratch[:n])
            found[channel] = max(found[channel], float(magnitude.max()))
            found[2 + channel] += float(np.dot(column, column))
        found[4] += n

    def reduction(self, effect_id: str, reduction_db: float) -> None:
        """Note a dynamics processor's gain reduction; the deepest since `take` is kept."""
        self._reductions[effect_id] = max(self._reductions.get(effect_id, 0.0), reduction_db)

    def take(self) -> dict[str, tuple[float, float, float, float]]:
        """{key: (peak left, peak right, rms left, rms right)} in full-scale units; resets."""
        levels = {
            key: (float(v[0]), float(v[1]), float(np.sqrt(v[2] / v[4])),
                  float(np.sqrt(v[3] / v[4])))
            for key, v in self._levels.items()
        }
        self._levels = {}
        return levels

    def take_gain_reduction(self) -> dict[str, float]:
        """{effect id: deepest gain reduction in dB (0 = none)} since the last call; resets."""
        reductions, self._reductions = self._reductions, {}
        return reductions
