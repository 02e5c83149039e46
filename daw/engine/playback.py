"""Rendering ahead of the sound card: the song from a position, looping, with the click.

The feeder renders in chunks of a few thousand frames into the output ring, keeping about a
quarter of a second ahead of what the device is playing. It remembers which timeline frame each
ring frame came from, so the playhead shown to the person is the frame being heard, even across
loop jumps. When the device runs at another rate than the project, each chunk is resampled on
the way (soxr), and frames map back by the ratio of the rates.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
import soxr

from daw.dsp.click import Metronome
from daw.engine.renderer import Renderer


@dataclass(frozen=True)
class _Segment:
    """Ring frames [ring_start, ring_start + ring_frames) play timeline frames from
    timeline_start on."""

    ring_start: int
    ring_frames: int
    timeline_start: int
    timeline_frames: int
    levels: dict[str, tuple[float, float, float, float]]
    """Track and master levels of this chunk, shown when it is heard."""


class PlaybackFeeder:
    """Fills an output ring from a renderer. Used by the engine thread only."""

    def __init__(self, renderer: Renderer, project_rate: int, device_rate: int,
                 chunk_frames: int = 4096) -> None:
        self.renderer = renderer
        self.project_rate = project_rate
        self.device_rate = device_rate
        self.chunk_frames = chunk_frames
        self.metronome: Metronome | None = None
        self.loop: tuple[int, int] | None = None
        self._chunk = np.zeros((chunk_frames, 2), dtype=np.float32)
        self._resampler: soxr.ResampleStream | None = None
        self._segments: deque[_Segment] = deque()
        self.next_frame = 0
        """The timeline frame the next chunk starts at."""
        self.written = 0
        """Ring frames written since `start`."""
        self.last_render_seconds = 0.0

    def start(self, timeline_frame: int) -> None:
        """Begin again at `timeline_frame` with an empty ring (after a locate or stop)."""
        self.next_frame = timeline_frame
        self.written = 0
        self._segments.clear()
        self.renderer.reset()
        self._resampler = (
            soxr.ResampleStream(self.project_rate, self.device_rate, 2, dtype="float32",
                                quality="HQ")
            if self.device_rate != self.project_rate else None
        )

    def fill(self, write, room: int, buffered: int, target: int) -> int:
        """Render chunks while the ring holds fewer than `target` frames and has room.

        `write(frames) -> int` puts frames into the ring. Returns the frames written.
        """
        total = 0
        while buffered + total < target and room - total >= self.chunk_frames * 2:
            total += self._render_chunk(write)
        return total

    def _render_chunk(self, write) -> int:
        start = self.next_frame
        n = self.chunk_frames
        if self.loop is not None:
            loop_start, loop_end = self.loop
            if start >= loop_end:
                start = loop_start
            n = min(n, loop_end - start)
        block = self._chunk[:n]
        self.renderer.render(start, block)
        if self.metronome is not None:
            self.metronome.add_to(start, block)
        out = block if self._resampler is None else self._resampler.resample_chunk(block)
        out = np.ascontiguousarray(out, dtype=np.float32)
        written = write(out) if len(out) else 0
        meter = self.renderer.meter
        levels = meter.take() if meter is not None else {}
        self._segments.append(_Segment(self.written, written, start, n, levels))
        self.written += written
        self.next_frame = start + n
        if self.loop is not None and self.next_frame >= self.loop[1]:
            self.next_frame = self.loop[0]
        return written

    def levels_at(self, ring_frame: int) -> dict[str, tuple[float, float, float, float]]:
        """The levels of the chunk that ring frame `ring_frame` belongs to (call after
        `timeline_frame_at` for the same frame)."""
        return self._segments[0].levels if self._segments else {}

    def timeline_frame_at(self, ring_frame: int) -> int:
        """The timeline frame that ring frame number `ring_frame` (since start) plays."""
        while len(self._segments) > 1 and (
            self._segments[0].ring_start + self._segments[0].ring_frames <= ring_frame
        ):
            self._segments.popleft()
        if not self._segments:
            return self.next_frame
        seg = self._segments[0]
        offset = ring_frame - seg.ring_start
        if seg.ring_frames == 0:
            return seg.timeline_start
        offset = max(0, min(offset, seg.ring_frames))
        return seg.timeline_start + offset * seg.timeline_frames // seg.ring_frames
