"""Time-based and colour effects (reverb, delay, chorus, phaser, saturation) behind Processor.

Reverb, chorus and phaser are pedalboard plugins run through `PedalProcessor`; the delay and
the saturation are our own numpy code, because pedalboard's versions cannot give what the
mixer promises (a delay exact to the sample, tempo sync, a drive that keeps the level).

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
- PitchShift cannot stream in 0.9.26: with ``reset=False`` it returns only silence (pedalboard
  issue #415; a fix is proposed in pull request #486), after holding back about 52,000
  frames. Clip pitch changes render offline with `daw.dsp.pitch` instead.
- pedalboard.Delay truncates its length to ``int(float32(seconds) * rate)`` (10.7 ms at
  48 kHz gives 513 frames, not 514) and mixes dry/wet linearly; hence our own delay line.

Parameters are clamped to the ranges in `PARAMETERS`; an unknown name or a value that is not
a finite number is refused. Every kind also accepts ``tempo_bpm``, which the engine fills in
from the project's tempo: the delay uses it when ``sync`` is on and the others ignore it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np
import pedalboard

from daw.dsp.gain import db_to_gain
from daw.dsp.processors import Processor, ProcessorFactory

PEDALBOARD_BUFFER_SIZE = 8192
"""The chunk size pedalboard hands its plugins (its default ``buffer_size``)."""

TEMPO_PARAM = "tempo_bpm"
"""Filled in by the engine for every effect; the tempo-synced delay reads it."""

DEFAULT_TEMPO_BPM = 120.0
TEMPO_RANGE_BPM = (20.0, 400.0)

SATURATION_REFERENCE = 10.0 ** (-12.0 / 20.0)
"""A peak at this level (−12 dBFS) leaves the saturation at the same level, whatever the drive."""

PARAMETERS: dict[str, tuple[tuple[str, str, str, float, float, float], ...]] = {
    # (name, label, unit, minimum, maximum, default)
    "reverb": (  # defaults: a short, bright plate tucked in behind a vocal
        ("room_size_percent", "Room size", "%", 0.0, 100.0, 35.0),
        ("damping_percent", "Damping", "%", 0.0, 100.0, 40.0),
        ("wet_percent", "Wet", "%", 0.0, 100.0, 25.0),
        ("dry_percent", "Dry", "%", 0.0, 100.0, 100.0),
        ("width_percent", "Width", "%", 0.0, 100.0, 100.0),
    ),
    "delay": (  # defaults: a 375 ms echo with a few quieter repeats
        ("delay_ms", "Time", "ms", 1.0, 5000.0, 375.0),
        ("sync", "Sync to tempo", "", 0.0, 1.0, 0.0),
        ("note_beats", "Note", "beats", 0.0625, 8.0, 1.0),
        ("feedback_percent", "Feedback", "%", 0.0, 99.0, 30.0),
        ("mix_percent", "Mix", "%", 0.0, 100.0, 25.0),
    ),
    "chorus": (
        ("rate_hz", "Rate", "Hz", 0.01, 10.0, 1.0),
        ("depth_percent", "Depth", "%", 0.0, 100.0, 25.0),
        ("centre_delay_ms", "Centre delay", "ms", 1.0, 50.0, 7.0),
        ("feedback_percent", "Feedback", "%", -95.0, 95.0, 0.0),
        ("mix_percent", "Mix", "%", 0.0, 100.0, 50.0),
    ),
    "phaser": (
        ("rate_hz", "Rate", "Hz", 0.01, 10.0, 0.5),
        ("depth_percent", "Depth", "%", 0.0, 100.0, 50.0),
        ("centre_frequency_hz", "Centre frequency", "Hz", 20.0, 18000.0, 1300.0),
        ("feedback_percent", "Feedback", "%", -95.0, 95.0, 0.0),
        ("mix_percent", "Mix", "%", 0.0, 100.0, 50.0),
    ),
    "saturation": (
        ("drive_db", "Drive", "dB", 0.0, 36.0, 6.0),
        ("mix_percent", "Mix", "%", 0.0, 100.0, 100.0),
    ),
}


def resolve_params(kind: str, params: Mapping[str, float]) -> dict[str, float]:
    """Every parameter of `kind`: given values clamped to range, defaults for the rest.

    Refuses unknown names (a misspelt name would otherwise be silently ignored) and values
    that are not finite numbers.
    """
    specs = PARAMETERS[kind]
    known = {spec[0] for spec in specs}
    for name, value in params.items():
        if name not in known and name != TEMPO_PARAM:
            names = ", ".join(sorted(known))
            raise ValueError(f"{kind}: unknown parameter {name!r} (known: {names})")
        if not math.isfinite(value):
            raise ValueError(f"{kind}: parameter {name!r} must be a finite number, not {value}")
    return {
        name: min(max(float(params.get(name, default)), low), high)
        for name, _label, _unit, low, high, default in specs
    }


class PedalProcessor(Processor):
    """A pedalboard plugin (or a ``pedalboard.Pedalboard`` chain) as a streaming Processor.

    The plugin is prepared, wrapped and pinned as the module notes explain, so a stream of
    blocks of any sizes gives the same samples as one whole-array call. A plugin that holds
    audio back (returns fewer frames than it is given) is fed fixed chunks of `chunk_frames`
    from an input buffer, so it always sees the same calls, and its output goes through a
    FIFO primed with `latency_frames` of silence: the chunk less one frame, plus the most it
    held back while fed silence, plus one chunk of headroom for jitter later on. Passing
    `chunk_frames` forces that mode for any plugin; None lets the plugin's behaviour decide.
    """

    def __init__(
        self,
        plugin: pedalboard.Plugin,
        channels: int,
        sample_rate: int,
        chunk_frames: int | None = None,
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

    def _call(self, block: np.ndarray, reset: bool = False) -> np.ndarray:
        return self._board.process(
            block, self._rate, buffer_size=PEDALBOARD_BUFFER_SIZE, reset=reset
        )

    def _restart(self) -> None:
        """Clear the plugin's state and pin the (frames, channels) layout again."""
        self._board.reset()
        self._call(np.zeros((0, self._channels), np.float32))

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
        if self.chunk_frames is None:
            out = self._call(block)
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
            grown[: self._fifo_count] = np.roll(self._fifo, -self._fifo_start, axis=0)[
                : self._fifo_count
            ]
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

    def reset(self) -> None:
        self._restart()
        self._input_count = 0
        self._fifo[:] = 0.0
        self._fifo_start = 0
        self._fifo_count = self.latency_frames


class _PedalEffect(PedalProcessor):
    """One of our kinds built on a pedalboard plugin: takes new settings in place."""

    def __init__(
        self,
        kind: str,
        plugin: pedalboard.Plugin,
        apply: Callable[[pedalboard.Plugin, dict[str, float], float], None],
        params: Mapping[str, float],
        channels: int,
        sample_rate: int,
    ) -> None:
        self._kind = kind
        self._apply = apply
        apply(plugin, resolve_params(kind, params), float(sample_rate))
        super().__init__(plugin, channels, sample_rate)

    def set_params(self, params: Mapping[str, float]) -> bool:
        self._apply(self.plugin, resolve_params(self._kind, params), self._rate)
        return True


def _apply_reverb(plugin: pedalboard.Plugin, p: dict[str, float], rate: float) -> None:
    # JUCE's reverb scales dry by 2 and wet by 3: 100 % means unity gain on both.
    plugin.room_size = p["room_size_percent"] / 100.0
    plugin.damping = p["damping_percent"] / 100.0
    plugin.wet_level = p["wet_percent"] / 300.0
    plugin.dry_level = p["dry_percent"] / 200.0
    plugin.width = p["width_percent"] / 100.0


def _apply_chorus(plugin: pedalboard.Plugin, p: dict[str, float], rate: float) -> None:
    plugin.rate_hz = p["rate_hz"]
    plugin.depth = p["depth_percent"] / 100.0
    plugin.centre_delay_ms = p["centre_delay_ms"]
    plugin.feedback = p["feedback_percent"] / 100.0
    plugin.mix = p["mix_percent"] / 100.0


def _apply_phaser(plugin: pedalboard.Plugin, p: dict[str, float], rate: float) -> None:
    plugin.rate_hz = p["rate_hz"]
    plugin.depth = p["depth_percent"] / 100.0
    plugin.centre_frequency_hz = min(p["centre_frequency_hz"], 0.45 * rate)
    plugin.feedback = p["feedback_percent"] / 100.0
    plugin.mix = p["mix_percent"] / 100.0


def delay_frames(params: Mapping[str, float], sample_rate: int) -> int:
    """The delay's length in frames: delay_ms, or note_beats at tempo_bpm when synced."""
    p = resolve_params("delay", params)
    if p["sync"] >= 0.5:
        low, high = TEMPO_RANGE_BPM
        tempo = min(max(float(params.get(TEMPO_PARAM, DEFAULT_TEMPO_BPM)), low), high)
        seconds = p["note_beats"] * 60.0 / tempo
    else:
        seconds = p["delay_ms"] / 1000.0
    return max(1, round(seconds * sample_rate))


class DelayLine(Processor):
    """An echo exact to the sample, with feedback and a linear dry/wet mix.

    The line holds d[n] = x[n] + feedback·d[n − D]; the output is (1 − mix)·x[n] + mix·d[n − D],
    so the k-th repeat of an impulse sits at k·D frames with gain mix·feedback^(k−1). The line
    is a ring of D frames, worked in slices of at most D frames (each slice only reads what
    earlier slices wrote), which keeps it vectorised and bit-identical for any block size.
    """

    def __init__(self, params: Mapping[str, float], channels: int, sample_rate: int) -> None:
        self._channels = channels
        self._rate = sample_rate
        self._ring = np.zeros((0, channels), np.float32)
        self._pos = 0
        self._scratch = np.zeros((0, channels), np.float32)
        self.set_params(params)

    def set_params(self, params: Mapping[str, float]) -> bool:
        p = resolve_params("delay", params)
        mix = p["mix_percent"] / 100.0
        self._feedback = np.float32(p["feedback_percent"] / 100.0)
        self._dry = np.float32(1.0 - mix)
        self._wet = np.float32(mix)
        length = delay_frames(params, self._rate)
        if length != self._ring.shape[0]:
            # Keep the most recent history, so a turned time knob does not cut the echoes.
            history = np.roll(self._ring, -self._pos, axis=0)  # oldest first
            ring = np.zeros((length, self._channels), np.float32)
            keep = min(length, history.shape[0])
            if keep:
                ring[length - keep :] = history[history.shape[0] - keep :]
            self._ring, self._pos = ring, 0
        return True

    def reset(self) -> None:
        self._ring[:] = 0.0
        self._pos = 0

    def process(self, block: np.ndarray) -> None:
        frames = block.shape[0]
        if self._scratch.shape[0] < frames:
            self._scratch = np.zeros((frames, self._channels), np.float32)
        length = self._ring.shape[0]
        done = 0
        while done < frames:
            # One slice: at most to the end of the ring, so it reads one contiguous stretch.
            count = min(frames - done, length - self._pos)
            self._slice(block[done : done + count], self._ring[self._pos : self._pos + count])
            done += count
            self._pos = (self._pos + count) % length

    def _slice(self, x: np.ndarray, line: np.ndarray) -> None:
        """`line` holds d[n − D] for the frames of `x`; it leaves holding d[n]."""
        new = self._scratch[: x.shape[0]]
        np.multiply(line, self._feedback, out=new)
        new += x  # d[n] = x[n] + feedback·d[n − D]
        x *= self._dry
        line *= self._wet
        x += line  # y[n] = dry·x[n] + wet·d[n − D]
        line[:] = new


class Saturation(Processor):
    """A tanh waveshaper with drive, level compensation and a dry/wet mix.

    shaped = tanh(g·x) · r / tanh(g·r) with g the drive gain and r = −12 dBFS: a peak at −12 dBFS
    comes out at −12 dBFS whatever the drive, quieter parts get louder and louder parts are
    rounded off, so turning the drive changes the colour more than the level. Output is
    (1 − mix)·x + mix·shaped; memoryless, so every block size gives the same samples.
    (pedalboard.Distortion is the bare tanh(g·x), whose level jumps with the drive.)
    """

    def __init__(self, params: Mapping[str, float], channels: int, sample_rate: int) -> None:
        self._dry_copy = np.zeros((0, channels), np.float32)
        self.set_params(params)

    def set_params(self, params: Mapping[str, float]) -> bool:
        p = resolve_params("saturation", params)
        drive = db_to_gain(p["drive_db"])
        mix = p["mix_percent"] / 100.0
        self._drive = np.float32(drive)
        self._makeup = np.float32(SATURATION_REFERENCE / math.tanh(drive * SATURATION_REFERENCE))
        self._dry = np.float32(1.0 - mix)
        self._wet = np.float32(mix)
        return True

    def process(self, block: np.ndarray) -> None:
        if self._wet == 0.0:
            return
        frames = block.shape[0]
        dry = None
        if self._dry != 0.0:
            if self._dry_copy.shape[0] < frames:
                self._dry_copy = np.zeros((frames, block.shape[1]), np.float32)
            dry = self._dry_copy[:frames]
            np.multiply(block, self._dry, out=dry)
        block *= self._drive
        np.tanh(block, out=block)
        block *= self._makeup * self._wet
        if dry is not None:
            block += dry


def _pedal_factory(
    kind: str,
    plugin_class: Callable[[], pedalboard.Plugin],
    apply: Callable[[pedalboard.Plugin, dict[str, float], float], None],
) -> ProcessorFactory:
    def build(params: Mapping[str, float], channels: int, sample_rate: int) -> Processor:
        return _PedalEffect(kind, plugin_class(), apply, params, channels, sample_rate)

    return build


EFFECTS: dict[str, ProcessorFactory] = {
    "reverb": _pedal_factory("reverb", pedalboard.Reverb, _apply_reverb),
    "delay": DelayLine,
    "chorus": _pedal_factory("chorus", pedalboard.Chorus, _apply_chorus),
    "phaser": _pedal_factory("phaser", pedalboard.Phaser, _apply_phaser),
    "saturation": Saturation,
}
"""Effect kinds by name, for the registry in `daw.dsp.processors`."""
