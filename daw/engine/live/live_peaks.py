"""The waveform of takes while they are recorded, for the timeline to draw as they grow.

The engine thread adds every input block; the UI reads what has been added so far. Points are
appended to preallocated arrays and published by a count that only grows, so the reader needs
no lock: it never looks past the count, and the arrays it holds are never changed below it.

A loop recording's input runs on without a break while the backing cycles; the preview shows
what the take lanes will hold after stop, so only the pass being recorded is shown, over the
loop region (see `daw.engine.live.record_plan.split_passes`, which cuts the passes the same way).
"""

from __future__ import annotations

import math
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
    loop: tuple[int, int] | None = None
    """A loop recording's region: input point i belongs at unrolled timeline frame
    ``origin_frame + i * frames_per_point``, pass n of the loop starting n loop lengths after
    the loop's start."""

    def points(self) -> tuple[np.ndarray, np.ndarray]:
        """(mins, maxs) of the points so far, the take's channels mixed to one."""
        n = self.count
        return self.mins[:n], self.maxs[:n]

    def shown(self) -> tuple[float, np.ndarray, np.ndarray]:
        """What the timeline shows of the take now: the timeline frame of the first point
        shown, and (mins, maxs) from it on. The points from the record point on; of a loop
        recording, those of the pass being recorded, laid over the loop region."""
        count, step = self.count, self.frames_per_point
        first = max(0, math.ceil((self.record_from_frame - self.origin_frame) / step))
        back = 0
        if self.loop is not None:
            start, end = self.loop
            length = end - start
            reached = self.origin_frame + count * step
            passes = max(0, math.floor((reached - start) / length)) if length > 0 else 0
            if passes:
                back = passes * length
                first = max(first, math.ceil((start + back - self.origin_frame) / step))
        first = min(first, count)
        return (self.origin_frame + first * step - back, self.mins[first:count],
                self.maxs[first:count])


class LivePeaks:
    """Collects min/max points of each armed track's input while recording. Engine thread
    writes; any thread reads `previews`."""

    def __init__(self, inputs: dict[str, tuple[int, ...]], origin_frame: int,
                 record_from_frame: int, ratio: float, capacity_seconds: float = 600.0,
                 rate: int = 48000, loop: tuple[int, int] | None = None) -> None:
        """`loop`: a loop recording's region (timeline frames), whose passes are shown one
        at a time."""
        capacity = int(capacity_seconds * rate / POINT_FRAMES) + 1
        self._inputs = inputs
        self.previews = tuple(
            TakePreview(track_id, origin_frame, record_from_frame, POINT_FRAMES * ratio,
                        np.zeros(capacity, dtype=np.float32), np.zeros(capacity, np.float32),
                        loop=loop)
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
