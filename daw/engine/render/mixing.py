"""A strip's gains block by block: fader, pan, sends and their automation, and the ramps that
make a change made while playing click-free.

Signal flow of a strip (an audio track or a bus), as in Ardour and REAPER:

    chain ─┬─ pre-fader sends (level only: neither the fader nor the pan touches them)
           └─ fader ─ pan ─┬─ main output, to the master
                           └─ post-fader sends (level times the stereo, panned signal)

A mono track reaches every stereo destination through the −3 dB pan law: its main output
and post-fader sends at its pan, its pre-fader sends at the centre (a cue or reverb feed that
stays put whatever the mix does). Every output of a strip is therefore the chain's output
times a pair of (left, right) gains, which `strip_gains` computes: float32 scalars when
nothing moves, float32 arrays of one gain per frame when automation or a ramp does.

Gains are worked out in float64 and rounded to float32 once. Automated values come from
`np.interp` over absolute frame numbers, so every frame gets the same gain in any block.

When a new plan brings other settings for a strip (a fader moved, a track muted or soloed),
the renderer does not jump: it crossfades from the gains it was using to the new ones over
`RAMP_FRAMES`, linearly per sample, starting at the first frame rendered with the new plan.
A ramp is a `Ramp` value kept per strip by the renderer (immutable, so a saved renderer state
is a plain copy of the dict); a ramp that meets another change becomes the start of the next.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from daw.dsp.gain import db_to_gain
from daw.dsp.pan import mono_pan_gains, stereo_balance_gains
from daw.engine.render.automation_plan import Curve

RAMP_FRAMES = 480
"""10 ms at 48 kHz: long enough to take the click out of a jump, short enough to feel
immediate (Ardour's declick is of the same order)."""

MAIN = "main"
"""The key of a strip's main output among its gains."""

TapKey = tuple[str, bool]
"""(bus id, pre-fader) of a send."""

Gain = np.float32 | np.ndarray
Pair = tuple[Gain, Gain]


@dataclass(frozen=True, eq=False)
class SendPlan:
    """One send of a strip: its level, tap point, whether solo/mute let it through, and the
    automation of its level."""

    bus_id: str
    level_db: float
    pre_fader: bool
    on: bool = True
    level: Curve | None = None

    @property
    def key(self) -> tuple:
        return (self.bus_id, self.level_db, self.pre_fader, self.on,
                None if self.level is None else self.level.points)


@dataclass(frozen=True, eq=False)
class MixPlan:
    """The gain settings of one strip, as the plan compiled them."""

    channels: int
    gain_db: float = 0.0
    pan: float = 0.0
    main_on: bool = True
    """False when mute or solo silence the strip's own output (its sends may still feed a
    soloed bus)."""
    sends: tuple[SendPlan, ...] = ()
    volume: Curve | None = None
    pan_curve: Curve | None = None
    key: tuple = field(init=False)
    """Everything above, comparable: equal keys mean equal gains at every frame."""
    static: dict[object, Pair] | None = field(init=False)
    """The float32 gains when nothing is automated, worked out once."""
    silent: bool = field(init=False)
    """Nothing of this strip can be heard: it need not be rendered at all."""

    def __post_init__(self) -> None:
        key = (self.channels, self.gain_db, self.pan, self.main_on,
               tuple(s.key for s in self.sends),
               None if self.volume is None else self.volume.points,
               None if self.pan_curve is None else self.pan_curve.points)
        object.__setattr__(self, "key", key)
        dynamic = (self.volume is not None or self.pan_curve is not None
                   or any(s.level is not None for s in self.sends))
        static = None if dynamic else _to_float32(_gains64(self, 0, 0))
        object.__setattr__(self, "static", static)
        object.__setattr__(self, "silent",
                           not self.main_on and not any(s.on for s in self.sends))


@dataclass(frozen=True, eq=False)
class MasterMix:
    """The master fader and its automation."""

    gain_db: float = 0.0
    volume: Curve | None = None
    key: tuple = field(init=False)
    static: np.float32 | None = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", (self.gain_db, None if self.volume is None
                                         else self.volume.points))
        object.__setattr__(self, "static", None if self.volume is not None
                           else np.float32(db_to_gain(self.gain_db)))


@dataclass(frozen=True, eq=False)
class Ramp:
    """A crossfade in progress from `source` (a plan or an earlier ramp) to `target`, `done`
    frames into its RAMP_FRAMES."""

    source: MixPlan | MasterMix | Ramp
    target: MixPlan | MasterMix
    done: int = 0
    silent = False


Source = MixPlan | MasterMix | Ramp


def settle(source: Source | None, target: MixPlan | MasterMix, started: bool) -> Source:
    """What to render a strip with, given what it was rendered with last (`source`) and what
    the plan now says: the plan itself when nothing changed, else a ramp to it. Before the
    first block (`started` False) nothing ramps."""
    if source is target:
        return target
    if source is None:
        if not started or isinstance(target, MasterMix):
            return target
        source = SILENT
    if isinstance(source, Ramp):
        if source.target.key == target.key:
            return Ramp(source.source, target, source.done)
        return Ramp(source, target)
    if source.key == target.key:
        return target
    return Ramp(source, target)


def advance(source: Source, frames: int) -> Source:
    """The source after `frames` more frames: ramps move on, a finished ramp is its target."""
    if not isinstance(source, Ramp):
        return source
    if source.done + frames >= RAMP_FRAMES:
        return source.target
    return Ramp(advance(source.source, frames), source.target, source.done + frames)


def is_silent(source: Source) -> bool:
    """A strip rendered with this source makes no sound (a ramp always does)."""
    return isinstance(source, MixPlan) and source.silent


# --- strips ---------------------------------------------------------------------------------


def strip_gains(source: Source, start: int, n: int) -> dict[object, Pair]:
    """{MAIN or (bus id, pre-fader): (left, right) float32 gains} for frames
    [start, start + n) of a strip; outputs that are off are left out."""
    if isinstance(source, MixPlan) and source.static is not None:
        return source.static
    return _to_float32(_gains64_of(source, start, n))


def _gains64_of(source: Source, start: int, n: int) -> dict[object, tuple]:
    if not isinstance(source, Ramp):
        return _gains64(source, start, n)
    old = _gains64_of(source.source, start, n)
    new = _gains64(source.target, start, n)
    weight = _ramp_weight(source, n)
    keep = 1.0 - weight
    mixed: dict[object, tuple] = {}
    for key in dict.fromkeys([*old, *new]):  # both orders kept: the tap order is plan order
        a = old.get(key, (0.0, 0.0))
        b = new.get(key, (0.0, 0.0))
        mixed[key] = (a[0] * keep + b[0] * weight, a[1] * keep + b[1] * weight)
    return mixed


def _ramp_weight(ramp: Ramp, n: int) -> np.ndarray:
    """The target's share at each of the next n frames of the ramp, float64."""
    return np.minimum((np.arange(1, n + 1, dtype=np.float64) + ramp.done) / RAMP_FRAMES, 1.0)


def _db_gain(level_db: float, curve: Curve | None, start: int, n: int):
    if curve is None:
        return db_to_gain(level_db)
    return np.power(10.0, curve.sample(start, n) / 20.0)


def _pan_gains(channels: int, pan: float, curve: Curve | None, start: int, n: int):
    """(left, right) of the pan law: floats for a fixed pan, arrays for an automated one."""
    if curve is None:
        return mono_pan_gains(pan) if channels == 1 else stereo_balance_gains(pan)
    theta = (curve.sample(start, n) + 1.0) * (math.pi / 4.0)
    left, right = np.cos(theta), np.sin(theta)
    if channels == 1:
        return left, right
    root2 = math.sqrt(2.0)
    return np.minimum(1.0, root2 * left), np.minimum(1.0, root2 * right)


_CENTRE = mono_pan_gains(0.0)


def _gains64(mix: MixPlan, start: int, n: int) -> dict[object, tuple]:
    fader = _db_gain(mix.gain_db, mix.volume, start, n)
    pan_l, pan_r = _pan_gains(mix.channels, mix.pan, mix.pan_curve, start, n)
    out_l, out_r = fader * pan_l, fader * pan_r
    gains: dict[object, tuple] = {}
    if mix.main_on:
        gains[MAIN] = (out_l, out_r)
    for send in mix.sends:
        if not send.on:
            continue
        level = _db_gain(send.level_db, send.level, start, n)
        if send.pre_fader:
            if mix.channels == 1:
                gains[(send.bus_id, True)] = (level * _CENTRE[0], level * _CENTRE[1])
            else:
                gains[(send.bus_id, True)] = (level, level)
        else:
            gains[(send.bus_id, False)] = (out_l * level, out_r * level)
    return gains


def _to_float32(gains: dict[object, tuple]) -> dict[object, Pair]:
    return {key: (_f32(left), _f32(right)) for key, (left, right) in gains.items()}


def _f32(value) -> Gain:
    if isinstance(value, np.ndarray):
        return value.astype(np.float32)
    return np.float32(value)


# --- the master -----------------------------------------------------------------------------


def master_gain(source: Source, start: int, n: int) -> Gain:
    """The master fader's float32 gain: a scalar when fixed, one a frame otherwise."""
    if isinstance(source, MasterMix) and source.static is not None:
        return source.static
    return _f32(_master64(source, start, n))


def _master64(source: Source, start: int, n: int):
    if isinstance(source, MasterMix):
        return _db_gain(source.gain_db, source.volume, start, n)
    assert isinstance(source, Ramp)
    weight = _ramp_weight(source, n)
    return (_master64(source.source, start, n) * (1.0 - weight)
            + _master64(source.target, start, n) * weight)


SILENT = MixPlan(channels=2, main_on=False)
"""What a strip that was not there sounded like: a strip that appears while playing fades
in from it."""
