"""Automation compiled for the renderer: each envelope as two arrays, read per sample.

An envelope's points become `frames` (int64) and `values` (float64); between points the value
moves in a straight line (in the target's own unit: dB for volume and sends), before the
first point the first value holds and after the last the last. Every value is a function of
the absolute frame alone, computed with `np.interp` over absolute frame numbers, so a frame
gets the same value whatever block it falls in: renders stay bit-identical for any block size.

Effect parameters are not changed every sample (a filter redesigned per sample would cost
far too much): they follow their envelope in steps of `AUTOMATION_STEP` frames, each step
taking the envelope's value at the frame it starts on, an absolute multiple of the step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from daw.dsp.effects import PARAMETERS
from daw.model.project import EFFECT_PREFIX, AutomationPoint, EffectSettings, Envelope

AUTOMATION_STEP = 64
"""Frames between changes of an automated effect parameter (1.3 ms at 48 kHz): short enough
to sound continuous, long enough that redesigning a filter costs little."""


@dataclass(frozen=True, eq=False)
class Curve:
    """One enabled envelope with points, ready for per-sample reads."""

    points: tuple[AutomationPoint, ...]
    """The model's points: plans compare curves by these."""
    frames: np.ndarray = field(init=False)
    values: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        frames = np.array([p.frame for p in self.points], dtype=np.int64)
        values = np.array([p.value for p in self.points], dtype=np.float64)
        frames.setflags(write=False)
        values.setflags(write=False)
        object.__setattr__(self, "frames", frames)
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "_x", frames.astype(np.float64))

    def sample(self, start: int, n: int) -> np.ndarray:
        """The value at each frame of [start, start + n), float64."""
        return self.at(np.arange(start, start + n, dtype=np.float64))

    def at(self, frames: np.ndarray) -> np.ndarray:
        """The value at each of `frames` (absolute frame numbers, float64)."""
        return np.interp(frames, self._x, self.values)


def compile_curve(envelope: Envelope | None) -> Curve | None:
    """A curve for an envelope that applies; None for none, a disabled or an empty one (the
    plain setting then applies, as in REAPER's "read" mode)."""
    if envelope is None or not envelope.enabled or not envelope.points:
        return None
    return Curve(envelope.points)


EffectCurves = tuple[tuple[str, Curve], ...]
"""An effect's automated parameters: (parameter name, curve) pairs, in name order."""


def effect_curves(effects: tuple[EffectSettings, ...], envelopes: tuple[Envelope, ...]
                  ) -> Mapping[str, EffectCurves]:
    """{effect id: its automated parameters} for the effects of one chain.

    Envelopes of effects no longer in the chain (or bypassed, so left out of it), of
    parameters the effect kind does not have, disabled or empty ones are ignored."""
    kinds = {e.id: e.kind for e in effects}
    found: dict[str, list[tuple[str, Curve]]] = {}
    for envelope in envelopes:
        if not envelope.target.startswith(EFFECT_PREFIX) or envelope.target.count(":") != 2:
            continue
        _, effect_id, param = envelope.target.split(":")
        kind = kinds.get(effect_id)
        if kind is None or param not in {spec[0] for spec in PARAMETERS.get(kind, ())}:
            continue
        curve = compile_curve(envelope)
        if curve is not None:
            found.setdefault(effect_id, []).append((param, curve))
    return MappingProxyType({k: tuple(sorted(v, key=lambda pc: pc[0]))
                             for k, v in found.items()})


def step_segments(curves: EffectCurves, start: int, n: int
                  ) -> list[tuple[int, int, tuple[float, ...]]]:
    """Split [start, start + n) where the stepped parameter values change.

    Returns (first frame, frame after, values in `curves` order) per segment, offsets relative
    to `start`. Each step's value is the envelope's at the step's first frame, an absolute
    multiple of AUTOMATION_STEP (for the first segment, possibly a frame before `start`)."""
    first = start - start % AUTOMATION_STEP
    grid = np.arange(first, start + n, AUTOMATION_STEP, dtype=np.float64)
    values = np.stack([curve.at(grid) for _, curve in curves])
    changed = np.flatnonzero(np.any(values[:, 1:] != values[:, :-1], axis=0)) + 1
    bounds = [0, *(int(grid[i]) - start for i in changed), n]
    columns = [0, *changed.tolist()]
    return [(bounds[i], bounds[i + 1], tuple(float(v) for v in values[:, columns[i]]))
            for i in range(len(columns))]
