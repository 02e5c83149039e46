"""A pedalboard plugin as a Processor: streamed exactly, its state rebuilt by replay.

How pedalboard 0.9 streams, measured against one whole-array call with blocks of 1, 2, 64,
65, 8192 and 8193 frames and with changing sizes (50, 100, 50, ...):

- With ``reset=False``, Reverb, Delay, Chorus, Phaser and Distortion are bit-exact for every
  block size, but only with the three precautions `PedalProcessor` takes:
  1. pedalboard prepares a plugin again whenever a call brings a block larger than any
     before, and that wipes Reverb, Delay, Chorus and Phaser state (blocks alternating 50 and
     100 frames differed by up to 0.56 from the whole call). So each plugin is prepared once
     for pedalboard's own chunk size (8192; longer calls are cut into chunks of that size,
     which is harmless to these sample-by-sample plugins) before any audio goes through.
  2. ``reset()`` on a bare plugin also forgets that preparation, while inside a
     ``pedalboard.Pedalboard`` it does not: every plugin is wrapped in one.
  3. ``reset()`` forgets the channel layout pedalboard detected; afterwards a stereo block
     of one frame is read as two mono frames (wrong output) and a 2×2 block raises. A call
     with zero frames shaped (0, channels) pins the layout again.
- pedalboard reads (frames, channels) blocks directly once the layout is pinned and
  de-interleaves them in C; that measured as fast as, or faster than, transposing into a
  reused planar buffer in numpy, so blocks go in as they are. pedalboard allocates its
  output array on every call; nothing else is allocated per block here.
- Some plugins return fewer frames than they are given while streaming (Resample holds
  back about 100 frames, MP3Compressor a few thousand), and how many per call depends on the
  block sizes. `PedalProcessor` finds that out at construction, then feeds such a plugin
  fixed chunks and plays its output through a FIFO, reporting the delay as
  ``latency_frames``; the output is then the same for every block size.

A plugin's state cannot be read or copied, so a snapshot is only a frame count (plus the FIFO
and the part-filled input chunk, copied exactly) and `restore` rebuilds the plugin: it resets
it and replays the input that preceded the snapshot point (`daw.dsp.pedal_state`), all of it
while the history still reaches back to the reset (the result is then exact), else the last
`settle_frames`, long enough for the plugin's memory to forget what came before, with the
length adjusted so that an LFO comes out at the phase it had.
"""

from __future__ import annotations

import numpy as np
import pedalboard

from daw.dsp.pedal_state import InputHistory, LfoPhase
from daw.dsp.processors import Processor

PEDALBOARD_BUFFER_SIZE = 8192
"""The chunk size pedalboard hands its plugins (its default ``buffer_size``)."""

RESTORE_WINDOW_SECONDS = 1.0
"""How far past a snapshot the engine may have rendered when it restores it: the history
keeps this much on top of what a replay needs."""

DEFAULT_SETTLE_SECONDS = 3.0
"""Input replayed to rebuild a plugin that says nothing of its memory."""

DEFAULT_LFO_SEARCH_SECONDS = 2.0
"""Replay lengths tried beyond the settling time to bring an LFO to its phase (an LFO effect
keeps this much more input): the longer, the closer the nearest phase, the dearer the replay."""

MAX_SILENT_LEAD_SECONDS = 10.0
"""At most this much silence is played before the replayed input to bring a slow LFO to its
phase (the LFO runs whatever the input; the plugin's memory forgets the silence)."""


class PedalProcessor(Processor):
    """A pedalboard plugin (or a ``pedalboard.Pedalboard`` chain) as a streaming Processor.

    The plugin is prepared, wrapped and pinned as the module notes explain, so a stream of
    blocks of any sizes gives the same samples as one whole-array call. A plugin that holds
    audio back (returns fewer frames than it is given) is fed fixed chunks of `chunk_frames`
    from an input buffer, so it always sees the same calls, and its output goes through a
    FIFO primed with `latency_frames` of silence: the chunk less one frame, plus the most it
    held back while fed silence, plus one chunk of headroom for jitter later on. Passing
    `chunk_frames` forces that mode for any plugin; None lets the plugin's behaviour decide.

    `settle_seconds` is how much input a replay needs for the plugin to sound as it did (its
    longest memory; `settle_frames` may be changed later within `history_seconds`), and `lfo`
    follows the phase of an LFO the plugin runs, if it has one; replays up to
    `lfo_search_seconds` longer are tried to bring it to its phase.
    """

    exact_state = False

    def __init__(
        self,
        plugin: pedalboard.Plugin,
        channels: int,
        sample_rate: int,
        chunk_frames: int | None = None,
        settle_seconds: float = DEFAULT_SETTLE_SECONDS,
        history_seconds: float | None = None,
        lfo: LfoPhase | None = None,
        lfo_search_seconds: float = DEFAULT_LFO_SEARCH_SECONDS,
    ) -> None:
        if channels < 1:
            raise ValueError(f"an effect needs at least one channel, not {channels}")
        if chunk_frames is not None and not 1 <= chunk_frames <= PEDALBOARD_BUFFER_SIZE:
            raise ValueError(
                f"chunk_frames must be 1 to {PEDALBOARD_BUFFER_SIZE}, not {chunk_frames}"
            )
        self.plugin = plugin
        self._board = (
            plugin if isinstance(plugin, pedalboard.Pedalboard) else pedalboard.Pedalboard([plugin])
        )
        self._channels = channels
        self._rate = float(sample_rate)
        self.lfo = lfo
        self._lfo_search = round(lfo_search_seconds * sample_rate)
        # Prepared once for the largest chunk pedalboard will ever hand the plugin.
        self._call(np.zeros((PEDALBOARD_BUFFER_SIZE, channels), np.float32), reset=True)
        self._restart()
        held = 0
        if chunk_frames is None:
            held = self._held_back(PEDALBOARD_BUFFER_SIZE)
            chunk_frames = PEDALBOARD_BUFFER_SIZE if held else None
        else:
            held = self._held_back(chunk_frames)
        self.chunk_frames = chunk_frames
        self.latency_frames = 0
        if chunk_frames is not None:
            self.latency_frames = chunk_frames - 1 + (held + chunk_frames if held else 0)
        self._input = np.zeros((chunk_frames or 0, channels), np.float32)
        self._input_count = 0
        self._fifo = np.zeros((2 * self.latency_frames, channels), np.float32)
        self._fifo_start = 0
        self._fifo_count = self.latency_frames
        self.settle_frames = round(settle_seconds * sample_rate)
        if history_seconds is None:
            history_seconds = settle_seconds + RESTORE_WINDOW_SECONDS
        self._history = InputHistory(
            round(history_seconds * sample_rate) + (chunk_frames or 0), channels
        )
        self._count = 0  # input frames since the last reset
        self._silence = np.zeros((0, channels), np.float32)

    def _call(self, block: np.ndarray, reset: bool = False) -> np.ndarray:
        return self._board.process(
            block, self._rate, buffer_size=PEDALBOARD_BUFFER_SIZE, reset=reset
        )

    def _restart(self) -> None:
        """Clear the plugin's state and pin the (frames, channels) layout again."""
        self._board.reset()
        self._call(np.zeros((0, self._channels), np.float32))
        if self.lfo is not None:
            self.lfo.reset()

    def _held_back(self, chunk: int) -> int:
        """The most frames the plugin held back while fed silence in chunks of `chunk`, until
        it had returned whole chunks for a while (at most 11 s at 48 kHz); leaves it reset."""
        silence = np.zeros((chunk, self._channels), np.float32)
        shortfall = worst = whole_chunks = 0
        for _ in range(64 * PEDALBOARD_BUFFER_SIZE // chunk):
            returned = self._call(silence).shape[0]
            shortfall += chunk - returned
            worst = max(worst, shortfall)
            whole_chunks = whole_chunks + 1 if returned == chunk else 0
            if worst == 0 or whole_chunks >= 4:
                break
        self._restart()
        return worst

    def process(self, block: np.ndarray) -> None:
        frames = block.shape[0]
        if frames == 0:
            return
        if block.ndim != 2 or block.shape[1] != self._channels:
            raise ValueError(f"expected a block of {self._channels} channels, got {block.shape}")
        self._history.write(self._count, block)
        self._count += frames
        if self.chunk_frames is None:
            out = self._call(block)
            if self.lfo is not None:
                self.lfo.advance(frames)
            if out.shape[0] != frames:
                raise RuntimeError(f"{type(self.plugin).__name__} returned {out.shape[0]} "
                                   f"frames for {frames}; build it with chunk_frames")
            np.copyto(block, out)
            return
        chunk = self.chunk_frames
        done = 0
        while done < frames:
            take = min(frames - done, chunk - self._input_count)
            self._input[self._input_count : self._input_count + take] = block[done : done + take]
            self._input_count += take
            done += take
            if self._input_count == chunk:
                self._push(self._call(self._input))
                if self.lfo is not None:
                    self.lfo.advance(chunk)
                self._input_count = 0
        self._pop(block)

    def _push(self, frames_out: np.ndarray) -> None:
        count = frames_out.shape[0]
        if count == 0:
            return
        size = self._fifo.shape[0]
        if self._fifo_count + count > size:
            # A rare, one-off growth: unroll the ring into a larger one.
            grown = np.zeros((self._fifo_count + count + size, self._channels), np.float32)
            grown[: self._fifo_count] = self._fifo_contents()
            self._fifo, self._fifo_start, size = grown, 0, grown.shape[0]
        at = (self._fifo_start + self._fifo_count) % size
        first = min(count, size - at)
        self._fifo[at : at + first] = frames_out[:first]
        self._fifo[: count - first] = frames_out[first:]
        self._fifo_count += count

    def _pop(self, block: np.ndarray) -> None:
        frames = block.shape[0]
        if frames > self._fifo_count:
            raise RuntimeError(
                f"{type(self.plugin).__name__} held back more audio than its measured latency "
                f"of {self.latency_frames} frames"
            )
        size = self._fifo.shape[0]
        first = min(frames, size - self._fifo_start)
        block[:first] = self._fifo[self._fifo_start : self._fifo_start + first]
        block[first:] = self._fifo[: frames - first]
        self._fifo_start = (self._fifo_start + frames) % size
        self._fifo_count -= frames

    def _fifo_contents(self) -> np.ndarray:
        """The frames waiting in the FIFO, oldest first (a copy)."""
        return np.roll(self._fifo, -self._fifo_start, axis=0)[: self._fifo_count]

    def reset(self) -> None:
        self._restart()
        self._input_count = 0
        self._fifo[:] = 0.0
        self._fifo_start = 0
        self._fifo_count = self.latency_frames
        self._history.clear()
        self._count = 0

    # --- state ------------------------------------------------------------------------------

    def snapshot(self) -> object:
        lfo = self.lfo.state() if self.lfo is not None else None
        buffers = None
        if self.chunk_frames is not None:
            buffers = (self._input[: self._input_count].copy(), self._fifo_contents())
        return (self._count, lfo, buffers)

    def restore(self, state: object) -> None:
        count, lfo, buffers = state  # type: ignore[misc]
        fed = count - (buffers[0].shape[0] if buffers is not None else 0)  # into the plugin
        if count > self._history.high:
            raise ValueError(f"{self._name()}: the snapshot lies ahead of the input given")
        lead, replay = self._replay_plan(fed, lfo)
        self._restart()
        self._feed_silence(lead)
        self._feed_history(fed - replay, fed)
        if self.lfo is not None:
            self.lfo.replayed(lead + replay)
        self._count = count
        if buffers is not None:
            waiting, fifo = buffers
            self._input_count = waiting.shape[0]
            self._input[: self._input_count] = waiting
            self._fifo[:] = 0.0
            if fifo.shape[0] > self._fifo.shape[0]:
                self._fifo = np.zeros((2 * fifo.shape[0], self._channels), np.float32)
            self._fifo[: fifo.shape[0]] = fifo
            self._fifo_start, self._fifo_count = 0, fifo.shape[0]

    def _name(self) -> str:
        return type(self.plugin).__name__

    def _replay_plan(self, fed: int, lfo: tuple[np.float32, int] | None) -> tuple[int, int]:
        """(frames of silence, frames of history) to play into the reset plugin."""
        available = fed - self._history.oldest()
        if fed <= 0 or available >= fed:
            return 0, fed  # everything since the reset: exact
        settle = min(self.settle_frames, fed)
        if available < settle:
            seconds = (self._history.capacity - settle) / self._rate
            raise ValueError(
                f"{self._name()}: the snapshot is older than the {seconds:.1f} s of input "
                "kept to restore it"
            )
        if self.chunk_frames is not None:  # the replay keeps to the chunks the plugin saw
            return 0, settle // self.chunk_frames * self.chunk_frames
        if self.lfo is None or lfo is None:
            return 0, settle
        phase, frames = lfo
        period = self.lfo.period_frames()
        longest = min(
            frames,
            available + round(MAX_SILENT_LEAD_SECONDS * self._rate),
            settle + max(self._lfo_search, period + 2 * self.lfo.tick),
        )
        total = self.lfo.best_replay(phase, frames, settle, longest)
        replay = min(total, available)
        return total - replay, replay

    def _feed_silence(self, frames: int) -> None:
        chunk = self.chunk_frames or PEDALBOARD_BUFFER_SIZE
        if self._silence.shape[0] < chunk:
            self._silence = np.zeros((chunk, self._channels), np.float32)
        while frames > 0:
            take = min(frames, chunk)
            self._call(self._silence[:take])
            frames -= take

    def _feed_history(self, start: int, stop: int) -> None:
        if start >= stop:
            return
        if self.chunk_frames is None:
            for piece in self._history.pieces(start, stop):
                self._call(piece)
            return
        for at in range(start, stop, self.chunk_frames):  # the plugin saw whole chunks
            pieces = self._history.pieces(at, at + self.chunk_frames)
            self._call(pieces[0] if len(pieces) == 1 else np.concatenate(pieces))
