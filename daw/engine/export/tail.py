"""The tail of a bounce: reverb and echoes rendered on past the last clip until they die out.

A whole-song bounce that stopped at the last clip's end would cut a reverb or a delay off in
the middle of its decay. As REAPER's "tail" option does, the bounce renders on past the end
until every output (the mix and each stem) stays below −90 dBFS for a quiet window, and no
further than a cap (30 s by default). The files end just after the last sample at or above
−90 dBFS (never before the range's end), so a dry song keeps today's length exactly, and a
tail is the same, sample for sample, as a bounce of the same song with that end given
explicitly: the frames past the end are held back until it is known whether they belong in
the file, never rendered twice.

The quiet window is at least half a second, and longer than the longest echo of any delay in
the song, so a delay's silence between two repeats is not taken for its end.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from daw.dsp.effects import TEMPO_PARAM
from daw.dsp.pedal_effects import delay_frames
from daw.model.project import Project

TAIL_FLOOR_DB = -90.0
"""A tail ends once it stays below this level (about the last bit of a 16-bit file)."""
TAIL_FLOOR = np.float32(10.0 ** (TAIL_FLOOR_DB / 20.0))
DEFAULT_TAIL_SECONDS = 30.0
"""The longest tail a whole-song bounce renders unless told otherwise."""
MAX_TAIL_SECONDS = 600.0
QUIET_SECONDS = 0.5
"""How long the output must stay below the floor before the tail is taken to be over."""


class _Writer(Protocol):
    def write(self, block: np.ndarray, last: bool) -> None: ...

    def shorten(self, frames: int) -> None: ...


def check_tail(tail: float | None) -> None:
    """Refuse a tail cap no bounce can use (negative, not a number, or past ten minutes)."""
    if tail is None:
        return
    if not math.isfinite(tail) or not 0.0 <= tail <= MAX_TAIL_SECONDS:
        raise ValueError(f"the tail must be 0 to {MAX_TAIL_SECONDS:g} seconds (got {tail:g})")


def tail_frames(project: Project, tail: float | None, whole_song: bool) -> int:
    """The most frames to render past the range's end. `tail` None means the default: a tail
    for a bounce that runs to the song's end, none for a range (a loop, a marker, an explicit
    end), which is cut where it was asked to end."""
    if tail is None:
        tail = DEFAULT_TAIL_SECONDS if whole_song else 0.0
    return round(tail * project.sample_rate)


def quiet_window(project: Project) -> int:
    """Frames the output must stay below the floor: QUIET_SECONDS, or longer than the
    longest delay in the song, whose repeats have silence between them."""
    longest = 0
    for strip in (*project.tracks, project.master):
        for effect in strip.effects:
            if effect.kind == "delay" and not effect.bypassed:
                params = {**dict(effect.params), TEMPO_PARAM: project.tempo_bpm}
                longest = max(longest, delay_frames(params, project.sample_rate))
    return max(round(QUIET_SECONDS * project.sample_rate), longest + project.sample_rate // 10)


def last_loud(block: np.ndarray) -> int:
    """How many of the block's frames run up to its last sample at or above the floor (0 when
    it is all below)."""
    if not len(block) or float(np.max(np.abs(block))) < TAIL_FLOOR:
        return 0
    loud = np.flatnonzero(np.max(np.abs(block), axis=1) >= TAIL_FLOOR)
    return int(loud[-1]) + 1


class TailCut:
    """Feeds a bounce's files (the mix first, then the stems) the frames of one pass that may
    run past the range's end, and decides where they all end: at the same frame, so the stems
    stay as long as the mix."""

    def __init__(self, writers: Sequence[_Writer], start: int, end: int, limit: int,
                 window: int) -> None:
        self.writers = list(writers)
        self.start, self.end, self.limit, self.window = start, end, limit, window
        self.keep = end
        """The files run at least to this frame: the range's end, or the tail's last loud
        frame."""
        self._at = [start] * len(self.writers)
        """For each file, the frame its next rendered frame is."""
        self._sent = [start] * len(self.writers)
        self._held: list[list[np.ndarray]] = [[] for _ in self.writers]

    def take(self, chunks: Sequence[np.ndarray]) -> bool:
        """Take the next rendered frames of every file (``chunks[i]`` for ``writers[i]``,
        empty when a file has none in this block); True once the files' end is known."""
        for at, chunk in zip(self._at, chunks, strict=True):
            if len(chunk) and at + len(chunk) > self.end:
                skip = max(0, self.end - at)
                loud = last_loud(chunk[skip:])
                if loud:
                    self.keep = max(self.keep, at + skip + loud)
        for index, chunk in enumerate(chunks):
            self._pass_on(index, chunk)
        heard = min(self._at)
        return heard >= self.limit or heard >= self.keep + self.window

    def finish(self) -> int:
        """End every file at the tail's end (frames held past it are dropped); return it."""
        end = min(self.keep, self.limit)
        for writer in self.writers:
            writer.shorten(end - self.start)
            writer.write(np.zeros((0, 2), dtype=np.float32), True)
        return end

    def _pass_on(self, index: int, chunk: np.ndarray) -> None:
        """Write what is known to belong in the file; hold (a copy of) the rest."""
        writer, held = self.writers[index], self._held[index]
        at = self._at[index]
        self._at[index] = at + len(chunk)
        if not held and self._sent[index] == at:
            now = max(0, min(len(chunk), self.keep - at))
            if now:
                writer.write(chunk[:now], False)
                self._sent[index] = at + now
            if now < len(chunk):
                held.append(chunk[now:].copy())
            return
        if len(chunk):
            held.append(chunk.copy())
        while held and self._sent[index] < self.keep:
            first = held[0]
            now = min(len(first), self.keep - self._sent[index])
            writer.write(first[:now], False)
            self._sent[index] += now
            if now == len(first):
                held.pop(0)
            else:
                held[0] = first[now:]
