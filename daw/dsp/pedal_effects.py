"""Time-based and colour effects (reverb, delay, chorus, phaser, saturation) behind Processor.

Reverb, chorus and phaser are pedalboard plugins run through `PedalProcessor`; the delay and
the saturation are our own numpy code, because pedalboard's versions cannot give what the
mixer promises (a delay exact to the sample, tempo sync, a drive that keeps the level).

How pedalboard plugins are streamed exactly, and how their state is rebuilt for `restore`,
is told in `daw.dsp.pedal_adapter`. Two more findings from pedalboard 0.9:

- PitchShift cannot stream in 0.9.26: with ``reset=False`` it returns only silence (pedalboard
  issue #415; a fix is proposed in pull request #486), after holding back about 52,000
  frames. Clip pitch changes render offline with `daw.dsp.pitch` instead.
- pedalboard.Delay truncates its length to ``int(float32(seconds) * rate)`` (10.7 ms at
  48 kHz gives 513 frames, not 514) and mixes dry/wet linearly; hence our own delay line.

Parameters are clamped to the ranges in `PARAMETERS`; an unknown name or a value that is not
a finite number is refused. Every kind also accepts ``tempo_bpm``, which the engine fills in
from the project's tempo: the delay uses it when ``sync`` is on and the others ignore it.

State: the delay and the saturation restore a snapshot exactly (the delay line keeps a second
more than its delay, so a snapshot is only the write position); reverb, chorus and phaser
rebuild theirs by replay, each with a replay as long as its memory needs (`_PedalKind`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pedalboard

from daw.dsp.gain import db_to_gain
from daw.dsp.pedal_adapter import (
    PEDALBOARD_BUFFER_SIZE,
    RESTORE_WINDOW_SECONDS,
    PedalProcessor,
)
from daw.dsp.pedal_state import LfoPhase
from daw.dsp.processors import Processor, ProcessorFactory

__all__ = [
    "EFFECTS",
    "PARAMETERS",
    "PEDALBOARD_BUFFER_SIZE",
    "SATURATION_REFERENCE",
    "TEMPO_PARAM",
    "DelayLine",
    "PedalProcessor",
    "Saturation",
    "delay_frames",
    "resolve_params",
]

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


# How long each plugin remembers, for the replay that rebuilds its state after `restore`.

_REVERB_FEEDBACK = (0.7, 0.28)
"""JUCE's reverb (Freeverb): comb feedback = 0.7 + 0.28 · room size."""
_REVERB_LONGEST_COMB_SECONDS = (1617 + 23) / 44100
"""Its longest comb (right channel), in seconds whatever the sample rate."""
_FORGOTTEN = 1e-4
"""−80 dB: how far a replay lets what came before it die away."""
_CHORUS_MODULATION_MS = 20.0
"""JUCE's chorus sweeps its delay by up to this much around the centre."""


def _reverb_settle(p: dict[str, float]) -> float:
    """Seconds for the reverb's slowest comb to fall by 80 dB, from 1 s to at most 4 s (room
    sizes above about 80 % ring longer, and a replay of 4 s leaves their tail at −74 dB at
    80 % and −19 dB at 100 %)."""
    feedback = _REVERB_FEEDBACK[0] + _REVERB_FEEDBACK[1] * p["room_size_percent"] / 100.0
    passes = math.log(_FORGOTTEN) / math.log(feedback)
    return min(max(passes * _REVERB_LONGEST_COMB_SECONDS, 1.0), 4.0)


def _chorus_settle(p: dict[str, float]) -> float:
    """Seconds for the chorus's feedback loop to fall by 80 dB, from 0.25 s to at most 2 s."""
    loop = (p["centre_delay_ms"] + _CHORUS_MODULATION_MS) / 1000.0
    feedback = abs(p["feedback_percent"]) / 100.0
    passes = math.log(_FORGOTTEN) / math.log(feedback) if feedback > 0.0 else 1.0
    return min(max(passes * loop, 0.25), 2.0)


def _phaser_settle(p: dict[str, float]) -> float:
    """Its all-pass stages forget within milliseconds, even near 20 Hz; a second is ample."""
    return 1.0


@dataclass(frozen=True)
class _PedalKind:
    """One of our kinds built on a pedalboard plugin, and what its replay needs."""

    name: str
    plugin: Callable[[], pedalboard.Plugin]
    apply: Callable[[pedalboard.Plugin, dict[str, float], float], None]
    settle_seconds: Callable[[dict[str, float]], float]
    most_settle_seconds: float
    lfo_tick: int = 0
    """Frames per step of the plugin's LFO (JUCE's phaser steps it every 4); 0: no LFO."""
    lfo_search_seconds: float = 0.0
    """Longer replays tried to land the LFO on its phase (`PedalProcessor`)."""


_KINDS = {
    "reverb": _PedalKind("reverb", pedalboard.Reverb, _apply_reverb, _reverb_settle, 4.0),
    # The chorus is cheap to replay (about 700× real time) and its sweep of the delay makes
    # a phase error heard on bright input: it searches longer. The phaser (about 180×)
    # lands within −75 dB with the default search.
    "chorus": _PedalKind(
        "chorus", pedalboard.Chorus, _apply_chorus, _chorus_settle, 2.0, 1, 4.0
    ),
    "phaser": _PedalKind(
        "phaser", pedalboard.Phaser, _apply_phaser, _phaser_settle, 1.0, 4, 2.0
    ),
}


class _PedalEffect(PedalProcessor):
    """One of our kinds built on a pedalboard plugin: takes new settings in place."""

    def __init__(
        self, kind: _PedalKind, params: Mapping[str, float], channels: int, sample_rate: int
    ) -> None:
        self._kind = kind
        p = resolve_params(kind.name, params)
        plugin = kind.plugin()
        kind.apply(plugin, p, float(sample_rate))
        lfo = LfoPhase(sample_rate, kind.lfo_tick, p["rate_hz"]) if kind.lfo_tick else None
        history = kind.most_settle_seconds + RESTORE_WINDOW_SECONDS + kind.lfo_search_seconds
        super().__init__(
            plugin,
            channels,
            sample_rate,
            settle_seconds=kind.settle_seconds(p),
            history_seconds=history,
            lfo=lfo,
            lfo_search_seconds=kind.lfo_search_seconds,
        )

    def set_params(self, params: Mapping[str, float]) -> bool:
        p = resolve_params(self._kind.name, params)
        self._kind.apply(self.plugin, p, self._rate)
        self.settle_frames = round(self._kind.settle_seconds(p) * self._rate)
        if self.lfo is not None:
            self.lfo.set_rate(p["rate_hz"])
        return True


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


_NEVER = -(1 << 62)


class DelayLine(Processor):
    """An echo exact to the sample, with feedback and a linear dry/wet mix.

    The line holds d[n] = x[n] + feedback·d[n − D]; the output is (1 − mix)·x[n] + mix·d[n − D],
    so the k-th repeat of an impulse sits at k·D frames with gain mix·feedback^(k−1). The line
    is a ring addressed by frame number (frame n at n mod its length), worked in slices of at
    most D frames (each slice only reads what earlier slices wrote), which keeps it vectorised
    and bit-identical for any block size.

    The ring is a second longer than the delay, and slices never write over what they read,
    so the frames before any point of the last second are still there: a snapshot is only
    the frame count, and `restore` is exact for a re-render of up to a second. A new delay
    time keeps the frame numbers, so the echoes in flight carry on; a longer one than ever
    before grows the ring once.
    """

    def __init__(self, params: Mapping[str, float], channels: int, sample_rate: int) -> None:
        self._channels = channels
        self._rate = sample_rate
        self._margin = round(RESTORE_WINDOW_SECONDS * sample_rate)
        self._ring = np.zeros((0, channels), np.float32)
        self._count = 0  # frames written since the last reset: the next is frame _count
        self._high = 0  # the most ever written since the last reset (a restore goes back)
        self._kept_from = _NEVER  # frames from 0 up to this one were lost when the ring grew
        self._scratch = np.zeros((0, channels), np.float32)
        self.set_params(params)

    def set_params(self, params: Mapping[str, float]) -> bool:
        p = resolve_params("delay", params)
        mix = p["mix_percent"] / 100.0
        self._feedback = np.float32(p["feedback_percent"] / 100.0)
        self._dry = np.float32(1.0 - mix)
        self._wet = np.float32(mix)
        self._length = delay_frames(params, self._rate)
        if self._length + self._margin > self._ring.shape[0]:
            self._grow(self._length + self._margin)
        return True

    def _grow(self, size: int) -> None:
        """A longer ring; the frames held keep their numbers (older ones read as silence)."""
        old = self._ring
        ring = np.zeros((size, self._channels), np.float32)
        oldest = self._high - old.shape[0]
        held = np.arange(max(0, oldest), self._high)
        if len(held):
            ring[held % size] = old[held % old.shape[0]]
        self._ring = ring
        if oldest > 0:
            self._kept_from = max(self._kept_from, oldest)

    def reset(self) -> None:
        self._ring[:] = 0.0
        self._count = self._high = 0
        self._kept_from = _NEVER

    def snapshot(self) -> object:
        return (self._count, self._length)

    def restore(self, state: object) -> None:
        count, length = state  # type: ignore[misc]
        # The frames the line read at the snapshot (count − D .. count − 1) must still be
        # there: not written over since, nor lost when the ring grew. A delay made longer
        # since then reaches further back, into what the line may no longer hold (silence).
        oldest = max(self._high - self._ring.shape[0], self._kept_from)
        if count > self._high or count - min(length, self._length) < oldest:
            seconds = (self._ring.shape[0] - self._length) / self._rate
            raise ValueError(
                f"delay: the snapshot is older than the {seconds:.1f} s the delay line keeps"
            )
        self._count = count

    def process(self, block: np.ndarray) -> None:
        frames = block.shape[0]
        if self._scratch.shape[0] < min(frames, self._length):
            self._scratch = np.zeros((min(frames, self._length), self._channels), np.float32)
        size, length = self._ring.shape[0], self._length
        done = 0
        while done < frames:
            # One slice: contiguous in the ring where it reads and where it writes, and short
            # enough that it neither reads its own output nor overwrites what it reads.
            write = self._count % size
            read = (self._count - length) % size
            count = min(frames - done, length, size - length, size - write, size - read)
            self._slice(
                block[done : done + count],
                self._ring[read : read + count],
                self._ring[write : write + count],
            )
            done += count
            self._count += count
        self._high = max(self._high, self._count)

    def _slice(self, x: np.ndarray, delayed: np.ndarray, line: np.ndarray) -> None:
        """`delayed` holds d[n − D] for the frames of `x`; `line` receives d[n]."""
        new = self._scratch[: x.shape[0]]
        np.multiply(delayed, self._feedback, out=new)
        new += x  # d[n] = x[n] + feedback·d[n − D]
        x *= self._dry
        np.multiply(delayed, self._wet, out=line)
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

    def snapshot(self) -> object:
        return None  # memoryless

    def restore(self, state: object) -> None:
        pass


def _pedal_factory(kind: _PedalKind) -> ProcessorFactory:
    def build(params: Mapping[str, float], channels: int, sample_rate: int) -> Processor:
        return _PedalEffect(kind, params, channels, sample_rate)

    return build


EFFECTS: dict[str, ProcessorFactory] = {
    "reverb": _pedal_factory(_KINDS["reverb"]),
    "delay": DelayLine,
    "chorus": _pedal_factory(_KINDS["chorus"]),
    "phaser": _pedal_factory(_KINDS["phaser"]),
    "saturation": Saturation,
}
"""Effect kinds by name, for the registry in `daw.dsp.processors`."""
