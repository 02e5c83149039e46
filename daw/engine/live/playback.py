"""Rendering ahead of the sound card: the song from a position, looping, with the click.

The feeder renders in chunks of a few thousand frames into the output ring, keeping about a
quarter of a second ahead of what the device is playing. It remembers which timeline frame each
ring frame came from, so the playhead shown to the person is the frame being heard, even across
loop jumps. When the device runs at another rate than the project, each chunk is resampled on
the way (soxr), and frames map back by the ratio of the rates.

A quarter of a second ahead keeps playback safe from a busy machine, but an edit would then be
heard a quarter of a second late. So the feeder keeps, for every chunk still in the ring, the
renderer's state from before it (`Renderer.snapshot`); after an edit, `rewrite` takes back the
chunks the device has not nearly reached, returns the renderer to the state it had there, and
renders them again with the edit: a fader or a knob is heard within a few tens of
milliseconds, and effect tails run on unbroken. Where the processors could only approximate
their old state (pedalboard's reverb, chorus and phaser replay their recent input) a short
crossfade from the withdrawn audio hides any seam.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field, replace

import numpy as np
import soxr

from daw.dsp.click import Metronome
from daw.engine.live.master_meter import MasterMeter, MasterMeterReading
from daw.engine.render.renderer import Renderer, RendererState


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
    state: RendererState | None = None
    """The renderer's state before this chunk (None when chunks cannot be rendered again)."""
    audio: np.ndarray | None = None
    """The chunk as written, to crossfade from where it is rendered again (kept only when
    the state cannot be restored exactly)."""
    gain_reduction: dict[str, float] = field(default_factory=dict)
    """The deepest gain reduction of each dynamics effect in this chunk, by effect id."""
    master: np.ndarray | None = None
    """The chunk's master output (project rate, without the click), for the master meter
    once the chunk has been heard."""


REWRITE_CROSSFADE_FRAMES = 96
"""2 ms at 48 kHz: long enough to hide a seam, short enough not to smear a transient."""


class RingBroken(RuntimeError):
    """The device read past audio being withdrawn; playback must start again from here."""


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
        self.rewrites = 0
        """Times chunks were taken back and rendered again since the feeder was made."""
        self.restore_seconds: float | None = None
        """How long the last return to a saved state took (replaying effects takes longest)."""
        self._fade_from: np.ndarray | None = None
        self.master_meter: MasterMeter | None = None
        """Set for live playback: measures each chunk's master output once it is heard, so
        a chunk rendered again after an edit counts once, as it sounded."""

    def start(self, timeline_frame: int) -> None:
        """Begin again at `timeline_frame` with an empty ring (after a locate or stop)."""
        self.next_frame = timeline_frame
        self.written = 0
        self._segments.clear()
        self._fade_from = None
        self.renderer.reset()
        if self.master_meter is not None:
            self.master_meter.reset()
        self._resampler = (
            soxr.ResampleStream(self.project_rate, self.device_rate, 2, dtype="float32",
                                quality="HQ")
            if self.device_rate != self.project_rate else None
        )

    def fill(self, write, room: int, buffered: int, target: int,
             chunk_frames: int | None = None) -> int:
        """Render chunks while the ring holds fewer than `target` frames and has room.

        `write(frames) -> int` puts frames into the ring. Returns the frames written.
        `chunk_frames` (at most the feeder's own) renders smaller steps, as the engine does
        while the person is editing: each step is a point to render again from.
        """
        chunk = self.chunk_frames if chunk_frames is None else min(chunk_frames,
                                                                     self.chunk_frames)
        total = 0
        while buffered + total < target and room - total >= chunk * 2:
            total += self._render_chunk(write, chunk)
        return total

    def _render_chunk(self, write, chunk: int) -> int:
        start = self.next_frame
        n = chunk
        if self.loop is not None:
            loop_start, loop_end = self.loop
            if start >= loop_end:
                start = loop_start
            n = min(n, loop_end - start)
        block = self._chunk[:n]
        state = self.renderer.snapshot() if self._resampler is None else None
        self.renderer.render(start, block)
        master = block.copy() if self.master_meter is not None else None
        if self.metronome is not None:
            self.metronome.add_to(start, block)
        if self._fade_from is not None:
            self._crossfade(self._fade_from, block)
            self._fade_from = None
        out = block if self._resampler is None else self._resampler.resample_chunk(block)
        out = np.ascontiguousarray(out, dtype=np.float32)
        written = write(out) if len(out) else 0
        meter = self.renderer.meter
        levels = meter.take() if meter is not None else {}
        reductions = meter.take_gain_reduction() if meter is not None else {}
        audio = out.copy() if state is not None and not state.exact else None
        self._segments.append(_Segment(self.written, written, start, n, levels, state, audio,
                                       reductions, master))
        self.written += written
        self.next_frame = start + n
        if self.loop is not None and self.next_frame >= self.loop[1]:
            self.next_frame = self.loop[0]
        return written

    def rewrite(self, earliest_ring_frame: int, take_back) -> bool:
        """Render again, with the current plan, everything from ring frame
        `earliest_ring_frame` (counted since `start`) on.

        The renderer goes back to the state saved before the chunk holding that frame and
        renders the start of that chunk once more, unheard, to come to the frame itself: so
        chunks can stay long (cheap) while an edit is still heard from any frame.
        `take_back(frames) -> int` withdraws that many frames from the end of the ring: the
        frames, 0 if the ring refused (too close to the device), -1 if the ring is broken and
        must be started again. Returns True when audio was withdrawn; the next `fill`
        renders it again. Not possible while resampling (soxr keeps state it cannot give
        back): then the edit is heard after the render-ahead, as before.
        """
        if self._resampler is not None:
            return False
        index = next((i for i, seg in enumerate(self._segments)
                      if earliest_ring_frame < seg.ring_start + seg.ring_frames
                      and seg.state is not None), None)
        if index is None:
            return False
        seg = self._segments[index]
        earliest_ring_frame = max(earliest_ring_frame, seg.ring_start)
        offset = earliest_ring_frame - seg.ring_start
        frames = self.written - earliest_ring_frame
        if frames <= 0:
            return False
        taken = take_back(frames)
        if taken < 0:
            raise RingBroken("the output ring was overtaken while taking audio back")
        if taken != frames:
            return False
        began = time.perf_counter()
        self.renderer.restore(seg.state)
        if offset:
            self._render_unheard(seg.timeline_start, offset)
        self.restore_seconds = time.perf_counter() - began
        self.next_frame = seg.timeline_start + offset
        self.written = earliest_ring_frame
        self._fade_from = (None if seg.audio is None
                           else seg.audio[offset:offset + REWRITE_CROSSFADE_FRAMES])
        while len(self._segments) > index:
            self._segments.pop()
        if offset:
            # Its saved state no longer leads to what was rendered after the edit: a later
            # edit goes back to the next chunk instead.
            self._segments.append(replace(
                seg, ring_frames=offset, timeline_frames=offset, state=None, audio=None,
                master=None if seg.master is None else seg.master[:offset]))
        self.rewrites += 1
        return True

    def _render_unheard(self, start: int, frames: int) -> None:
        """Render frames only to bring the effects' state forward (no meters, no output)."""
        meter, self.renderer.meter = self.renderer.meter, None
        try:
            self.renderer.render(start, self._chunk[:frames])
        finally:
            self.renderer.meter = meter

    @staticmethod
    def _crossfade(old: np.ndarray, block: np.ndarray) -> None:
        """Fade from the withdrawn audio into the new over the first frames of `block`."""
        n = min(len(old), block.shape[0])
        if n == 0:
            return
        ramp = ((np.arange(n, dtype=np.float32) + 1) / np.float32(n + 1))[:, None]
        block[:n] = old[:n] + (block[:n] - old[:n]) * ramp

    def levels_at(self, ring_frame: int) -> dict[str, tuple[float, float, float, float]]:
        """The levels of the chunk that ring frame `ring_frame` belongs to (call after
        `timeline_frame_at` for the same frame)."""
        return self._segments[0].levels if self._segments else {}

    def gain_reduction_at(self, ring_frame: int) -> dict[str, float]:
        """The gain reductions of the chunk that ring frame `ring_frame` belongs to (call
        after `timeline_frame_at` for the same frame)."""
        return self._segments[0].gain_reduction if self._segments else {}

    def master_reading(self) -> MasterMeterReading | None:
        """The master meter's figures for the chunks heard so far (call after
        `timeline_frame_at`, which hands them to the meter)."""
        return None if self.master_meter is None else self.master_meter.reading()

    def timeline_frame_at(self, ring_frame: int) -> int:
        """The timeline frame that ring frame number `ring_frame` (since start) plays."""
        while len(self._segments) > 1 and (
            self._segments[0].ring_start + self._segments[0].ring_frames <= ring_frame
        ):
            heard = self._segments.popleft()
            if self.master_meter is not None and heard.master is not None:
                self.master_meter.process(heard.master)
        if not self._segments:
            return self.next_frame
        seg = self._segments[0]
        offset = ring_frame - seg.ring_start
        if seg.ring_frames == 0:
            return seg.timeline_start
        offset = max(0, min(offset, seg.ring_frames))
        return seg.timeline_start + offset * seg.timeline_frames // seg.ring_frames
