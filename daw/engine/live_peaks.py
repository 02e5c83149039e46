"""The waveform of takes while they are recorded, for the timeline to draw as they grow.

The engine thread adds every input block; the UI reads what has been added so far. Points are
appended to preallocated arrays and published by a count that only grows, so the reader needs
no lock: it never looks past the count, and the arrays it holds are never changed below it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

POINT_FRAMES = 256
"""Input frames summarised by one (min, max) point."""


@dataclass
class TakePreview:
    """One growing take: where it belongs on the timeline and its waveform so far."""

    track_id: str
    origin_frame: int
    """Timeline frame (project rate) of the take's first input frame."""
    record_from_frame: int
    frames_per_point: float
    """Timeline frames per point (POINT_FRAMES, scaled when the device runs at another rate)."""
    mins: np.ndarray
    maxs: np.ndarray
    count: int = 0

    def points(self) -> tuple[np.ndarray, np.ndarray]:
        """(mins, maxs) of the points so far, the take's channels mixed to one."""
        n = self.count
        return self.mins[:n], self.maxs[:n]


class LivePeaks:
    """Collects min/max points of each armed track's input while recording. Engine thread
    writes; any thread reads `previews`."""

    def __init__(self, inputs: dict[str, tuple[int, ...]], origin_frame: int,
                 record_from_frame: int, ratio: float, capacity_seconds: float = 600.0,
                 rate: int = 48000) -> None:
        capacity = int(capacity_seconds * rate / POINT_FRAMES) + 1
        self._inputs = inputs
        self.previews = tuple(
            TakePreview(track_id, origin_frame, record_from_frame, POINT_FRAMES * ratio,
                        np.zeros(capacity, dtype=np.float32), np.zeros(capacity, np.float32))
            for track_id in inputs)
        self._pending = np.zeros((POINT_FRAMES, 0), dtype=np.float32)
        self._filled = 0

    def add(self, block: np.ndarray) -> None:
        """Take in a block of device input (frames, device channels)."""
        if self._pending.shape[1] != block.shape[1]:
            self._pending = np.zeros((POINT_FRAMES, block.shape[1]), dtype=np.float32)
        at = 0
        while at < len(block):
            take = min(POINT_FRAMES - self._filled, len(block) - at)
            self._pending[self._filled:self._filled + take] = block[at:at + take]
            self._filled += take
            at += take
            if self._filled == POINT_FRAMES:
                self._emit()
                self._filled = 0

    def _emit(self) -> None:
        for preview in self.previews:
            columns = self._pending[:, list(self._inputs[preview.track_id])]
            index = preview.count
            if index >= len(preview.mins):  # a very long take: grow (rare, outside the callback)
                preview.mins = np.concatenate([preview.mins, np.zeros_like(preview.mins)])
                preview.maxs = np.concatenate([preview.maxs, np.zeros_like(preview.maxs)])
            preview.mins[index] = columns.min()
            preview.maxs[index] = columns.max()
            preview.count = index + 1
