"""What each pixel column of a waveform shows, for many clips at once.

A clip's waveform is the min and max of its audio under each pixel column. Asked clip by clip
(`PeakReader.query`), a crowded song spends more on the numpy calls than on the numbers they
move: a few milliseconds for 25 clips, every zoom. `column_extremes` gives the columns of any
number of clips, of any number of media files, with a few calls over all of them, and exactly
the values `Peaks.query` gives each clip: the same column edges, the same windows, NaN where
there is no audio.

Zoomed finer than the finest peak level, the columns come from the samples. `SampleBlocks`
keeps the samples decoded around the view, so a redraw, a zoom step or a short scroll there
decodes nothing again.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from daw.media import PeakReader
from daw.media.peaks import FINEST_WINDOW

SAMPLE_BYTES = 48_000_000
"""Decoded samples kept: a few screens of one-bar zoom on a crowded song."""
GATHER_MAX = 8
"""Columns spanning up to this many windows are reduced by taking the windows one step at a
time across all columns; longer ones (samples) with `reduceat`, which costs more per column
but less per window."""


@dataclass(frozen=True, slots=True)
class Source:
    """Windows ``first .. first + m`` of one media file: min and max (channels, m) of each."""

    mins: np.ndarray
    maxs: np.ndarray
    first: int = 0


def peak_source(reader: PeakReader, frames_per_pixel: float) -> tuple[int, Source]:
    """The window and the peak level `Peaks.query` reads at this zoom."""
    peaks = reader.peaks
    level = peaks.level_for(frames_per_pixel)
    return peaks.windows[level], Source(*peaks.levels[level])


def column_extremes(sources: Sequence[Source], window: int, which: Sequence[int],
                    starts: Sequence[float], counts: Sequence[int],
                    frames_per_pixel: float) -> tuple[np.ndarray, np.ndarray]:
    """Min and max (float32, (channels, sum(counts))) of the columns of several clips, side by
    side: clip k has ``counts[k]`` columns, its column p from frame
    ``starts[k] + p * frames_per_pixel`` on, in ``sources[which[k]]`` (`which` does not
    decrease; the sources have one channel count, and windows of ``window`` frames: a peak
    level, or samples with a window of one).

    Each column covers the windows from the one its start is in to the one where the next
    column starts (at least one), as `Peaks.query` does; columns with no window under them
    are NaN.
    """
    channels = sources[0].mins.shape[0]
    counts = np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    nothing = (np.full((channels, total), np.nan, dtype=np.float32),
               np.full((channels, total), np.nan, dtype=np.float32))
    if total == 0:
        return nothing
    # Column p of a clip starts at frame start + p * fpp, computed as `Peaks.query` does.
    base = np.repeat(np.asarray(starts, dtype=np.float64), counts)
    step = (np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)).astype(np.float64)
    lo = np.floor((base + frames_per_pixel * step) / window).astype(np.int64)
    hi = np.floor((base + frames_per_pixel * (step + 1.0)) / window).astype(np.int64)
    source_of = np.repeat(np.asarray(which, dtype=np.int64), counts)
    firsts = np.array([source.first for source in sources], dtype=np.int64)[source_of]
    sizes = np.array([source.mins.shape[1] for source in sources], dtype=np.int64)
    a = np.clip(lo - firsts, 0, sizes[source_of])
    b = np.clip(np.maximum(hi, lo + 1) - firsts, 0, sizes[source_of])
    empty = a >= b
    if empty.all():
        return nothing
    mins, maxs, a, b = _side_by_side(sources, source_of, a, b, empty)
    longest = int((b - a)[~empty].max())
    if longest <= GATHER_MAX:
        out_min, out_max = _gathered(mins, maxs, a, b, longest)
    else:
        out_min, out_max = _reduced(mins, maxs, a, b, empty)
    if empty.any():
        out_min[:, empty] = np.nan
        out_max[:, empty] = np.nan
    return out_min, out_max


def _side_by_side(sources: Sequence[Source], source_of: np.ndarray, a: np.ndarray,
                  b: np.ndarray, empty: np.ndarray) -> tuple[np.ndarray, ...]:
    """The windows the columns use, of every source, copied side by side, and the columns'
    windows [a, b) in that copy."""
    if len(sources) == 1:
        return sources[0].mins, sources[0].maxs, a, b
    far = np.iinfo(np.int64).max
    begins = np.flatnonzero(np.diff(source_of, prepend=-1))
    low = np.minimum.reduceat(np.where(empty, far, a), begins)
    high = np.maximum.reduceat(np.where(empty, 0, b), begins)
    low = np.where(low == far, 0, low)
    high = np.maximum(high, low)
    used = [int(i) for i in source_of[begins]]
    spans = list(zip(used, low.tolist(), high.tolist(), strict=True))
    mins = np.concatenate([sources[i].mins[:, s:e] for i, s, e in spans], axis=1)
    maxs = np.concatenate([sources[i].maxs[:, s:e] for i, s, e in spans], axis=1)
    lengths = high - low
    shift = np.repeat(np.cumsum(lengths) - lengths - low,
                      np.diff(np.append(begins, source_of.size)))
    return mins, maxs, a + shift, b + shift


def _gathered(mins: np.ndarray, maxs: np.ndarray, a: np.ndarray, b: np.ndarray,
              longest: int) -> tuple[np.ndarray, np.ndarray]:
    """Windows [a, b) of each column, a few at most: the first window of every column, then
    the second (or the last again where there is none), and so on."""
    last = np.clip(b - 1, 0, mins.shape[1] - 1)
    index = np.minimum(a, last)
    out_min, out_max = np.take(mins, index, axis=1), np.take(maxs, index, axis=1)
    taken = np.empty_like(out_min)
    for step in range(1, longest):
        np.minimum(a + step, last, out=index)
        np.minimum(out_min, np.take(mins, index, axis=1, out=taken), out=out_min)
        np.maximum(out_max, np.take(maxs, index, axis=1, out=taken), out=out_max)
    return out_min, out_max


def _reduced(mins: np.ndarray, maxs: np.ndarray, a: np.ndarray, b: np.ndarray,
             empty: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Windows [a, b) of each column, many: one `reduceat` over the windows as they are.

    `reduceat` reduces from each index to the next, so each column gives two indices, its
    first window and its end, and every second result is kept. An end must be an index of
    the array: a column ending at the last window stops one short, and takes the last window
    in afterwards.
    """
    channels, m = mins.shape
    out_min = np.empty((channels, a.size), dtype=mins.dtype)
    out_max = np.empty((channels, a.size), dtype=maxs.dtype)
    valid = np.flatnonzero(~empty)
    a, b = a[valid], b[valid]
    index = np.empty(2 * a.size, dtype=np.int64)
    index[0::2] = a
    index[1::2] = np.minimum(b, m - 1)
    low = np.minimum.reduceat(mins, index, axis=1)[:, 0::2]
    high = np.maximum.reduceat(maxs, index, axis=1)[:, 0::2]
    short = np.flatnonzero((b == m) & (a < m - 1))
    if short.size:
        low[:, short] = np.minimum(low[:, short], mins[:, m - 1:m])
        high[:, short] = np.maximum(high[:, short], maxs[:, m - 1:m])
    out_min[:, valid] = low
    out_max[:, valid] = high
    return out_min, out_max


class SampleBlocks:
    """Samples decoded around the view, per reader, least recently used dropped first.

    A block is read with half its length to spare on each side, so zooming out a step or
    scrolling a little still finds its samples here.
    """

    def __init__(self, budget_bytes: int = SAMPLE_BYTES) -> None:
        self.budget = budget_bytes
        self._blocks: OrderedDict[int, tuple[PeakReader, int, np.ndarray]] = OrderedDict()
        self._bytes = 0
        self._next = 0

    @property
    def nbytes(self) -> int:
        """The memory the kept samples take."""
        return self._bytes

    def clear(self) -> None:
        self._blocks.clear()
        self._bytes = 0

    def drop(self, reader: PeakReader) -> None:
        """Forget the samples of a reader that is going away."""
        for key in [k for k, (r, _s, _d) in self._blocks.items() if r is reader]:
            self._bytes -= self._blocks.pop(key)[2].nbytes

    def read(self, reader: PeakReader, first: int, count: int) -> tuple[int, np.ndarray]:
        """Frames ``[first, first + count)`` that lie inside the audio, as (their first frame,
        float32 (channels, frames)). Raises MediaError if the file cannot be read."""
        start = max(first, 0)
        end = min(first + count, reader.peaks.length_frames)
        if end <= start:
            return start, np.empty((reader.peaks.channels, 0), dtype=np.float32)
        for key, (owner, at, data) in self._blocks.items():
            if owner is reader and at <= start and end <= at + data.shape[1]:
                self._blocks.move_to_end(key)
                return start, data[:, start - at:end - at]
        spare = (end - start) // 2
        at = max(0, start - spare)
        data = reader.samples(at, min(reader.peaks.length_frames, end + spare) - at)
        self._blocks[self._next] = (reader, at, data)
        self._next += 1
        self._bytes += data.nbytes
        while self._bytes > self.budget and len(self._blocks) > 1:
            self._bytes -= self._blocks.popitem(last=False)[1][2].nbytes
        return start, data[:, start - at:end - at]

    def source(self, reader: PeakReader, first: int, end: int) -> Source:
        """Frames ``first`` to ``end`` (as far as the audio goes) as windows of one frame."""
        at, samples = self.read(reader, first, end - first)
        return Source(samples, samples, at)

    def columns(self, reader: PeakReader, start: float, frames_per_pixel: float,
                count: int) -> tuple[np.ndarray, np.ndarray]:
        """One clip's columns from the samples (``frames_per_pixel`` under ``FINEST_WINDOW``):
        what `PeakReader.query` gives, from decoded samples kept here."""
        if frames_per_pixel >= FINEST_WINDOW:
            raise ValueError(f"{frames_per_pixel} frames a pixel is read from the peaks")
        first = max(int(np.floor(start)), 0)
        end = int(np.floor(start + frames_per_pixel * count)) + 1
        source = self.source(reader, first, end)
        return column_extremes([source], 1, [0], [start], [count], frames_per_pixel)
