"""The scratch arrays a renderer's strips are rendered in, and the scaling of a strip's
signal by its (left, right) gains into them: allocated once, reused every block."""

from __future__ import annotations

import numpy as np

from daw.engine.render.mixing import Pair


class StripBuffers:
    """The scratch arrays of a strip's pass, shared by all strips."""

    def __init__(self, max_block: int) -> None:
        self.max_block = max_block
        self.read = {ch: np.zeros((max_block, ch), dtype=np.float32) for ch in (1, 2)}
        self.track = {ch: np.zeros((max_block, ch), dtype=np.float32) for ch in (1, 2)}
        self.main = np.zeros((max_block, 2), dtype=np.float32)
        self.taps: list[np.ndarray] = []
        self.tiled: dict[int, tuple[Pair, np.ndarray]] = {}
        self.reductions: dict[str, float] = {}
        self.finite = np.empty(2 * max_block, dtype=bool)
        """Flags for checking a block for NaN and infinity without allocating."""

    def tap(self, index: int) -> np.ndarray:
        while len(self.taps) <= index:
            self.taps.append(np.zeros((self.max_block, 2), dtype=np.float32))
        return self.taps[index]

    def tiled_gains(self, pair: Pair) -> np.ndarray:
        """The pair repeated over a block, cached by the pair (kept alive by the cache, so
        its id stays its own)."""
        found = self.tiled.get(id(pair))
        if found is not None and found[0] is pair:
            return found[1]
        if len(self.tiled) > 64:
            self.tiled.clear()
        tiled = np.tile(np.array(pair, dtype=np.float32), self.max_block)
        self.tiled[id(pair)] = (pair, tiled)
        return tiled


def scale_into(signal: np.ndarray, pair: Pair, out: np.ndarray, buffers: StripBuffers) -> None:
    """out = the signal times (left, right) gains, as (frames, 2).

    numpy is slow at broadcasting a (2,) gain over (n, 2) frames (its inner loop is two
    elements long), so a stereo signal with fixed gains multiplies flat by the gains tiled
    once, and otherwise each output column is filled on its own. The products are the same
    either way."""
    left, right = pair
    if signal.shape[1] == 2:
        if isinstance(left, np.ndarray) or isinstance(right, np.ndarray):
            np.multiply(signal[:, 0], left, out=out[:, 0])
            np.multiply(signal[:, 1], right, out=out[:, 1])
            return
        tiled = buffers.tiled_gains(pair)
        np.multiply(signal.reshape(-1), tiled[:2 * signal.shape[0]], out=out.reshape(-1))
        return
    mono = signal[:, 0]
    np.multiply(mono, left, out=out[:, 0])
    np.multiply(mono, right, out=out[:, 1])
