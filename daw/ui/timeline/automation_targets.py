"""What an envelope can drive, and where its values sit on a lane: the targets a track (or the
master) offers for automation, their names for menus, their plain settings, and the value axis
each one is drawn and edited on.

An axis maps a value to a fraction of the lane's height (0 at the bottom, 1 at the top) and
back. Volume and send levels use the mixer fader's law, so a point at the height of a fader
position means the same gain; pan has right at the top and left at the bottom; frequencies and
times are logarithmic, as the ear and the knobs of effect editors count them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from daw.dsp.effects import PARAMETERS
from daw.model import EffectSettings, Project
from daw.model.project import (
    EFFECT_PREFIX,
    MASTER,
    PAN,
    SEND_PREFIX,
    VOLUME,
    effect_target,
    send_target,
)
from daw.ui.mixer.controls import pan_text
from daw.ui.mixer.taper import (
    FADER_MAX_DB,
    LINEAR_FLOOR_DB,
    db_to_position,
    format_db,
    position_to_db,
    quantize_db,
)

FLOOR_DB = -100.0
"""The bottom of a volume lane: the fader's stretch below -60 dB ends here instead of at -inf,
because an envelope holds finite numbers; at -100 dB a track is as good as silent."""

_EFFECT_NAMES = {"eq": "EQ", "deesser": "De-esser"}
_position_of = np.frompyfunc(db_to_position, 1, 1)


@dataclass(frozen=True)
class Axis:
    """How the values of a target spread over a lane's height.

    `scale` is "fader" (the mixer's gain law), "linear" or "log"; `reference` is the value a
    thin line marks (0 dB, pan centre), if any."""

    low: float
    high: float
    scale: str
    unit: str = ""
    reference: float | None = None

    def curved(self, values: np.ndarray) -> bool:
        """Whether straight lines between these values are curves on this axis (so drawing
        them takes more than their ends): on a log axis, or on the fader's law below -60 dB."""
        if self.scale == "fader":
            return bool(values.size) and float(values.min()) < LINEAR_FLOOR_DB
        return self.scale == "log"

    def fraction(self, value: float) -> float:
        return float(self.fractions(np.array([value], dtype=np.float64))[0])

    def fractions(self, values: np.ndarray) -> np.ndarray:
        """Heights (0 bottom, 1 top) of many values at once, clamped to the axis."""
        values = np.clip(np.asarray(values, dtype=np.float64), self.low, self.high)
        if self.scale == "fader":
            floor = db_to_position(self.low)
            return (_position_of(values).astype(np.float64) - floor) / (1.0 - floor)
        if self.scale == "log":
            return np.log(values / self.low) / math.log(self.high / self.low)
        return (values - self.low) / (self.high - self.low)

    def value(self, fraction: float) -> float:
        """The value at a height, rounded to what a mouse can pick (0.1 dB, 1 % of pan, three
        significant digits of a frequency)."""
        f = min(1.0, max(0.0, fraction))
        if self.scale == "fader":
            floor = db_to_position(self.low)
            return max(self.low, quantize_db(position_to_db(floor + f * (1.0 - floor))))
        if self.scale == "log":
            raw = self.low * (self.high / self.low) ** f
            digits = 2 - math.floor(math.log10(raw))
            return min(self.high, max(self.low, round(raw, digits)))
        raw = self.low + f * (self.high - self.low)
        digits = max(0, 2 - math.floor(math.log10(self.high - self.low)))
        value = round(raw, digits)
        return 0.0 if value == 0 else value  # no "-0.0"

    def text(self, value: float) -> str:
        """A value as the lane's labels show it."""
        if self.unit == "pan":
            return pan_text(value * 100.0)
        if self.scale == "fader":
            return f"{format_db(value)} dB"
        if self.unit == "Hz" and value >= 1000:
            return f"{value / 1000:.3g} kHz"
        shown = f"{value:.3g}" if self.scale == "log" else f"{value:g}"
        return f"{shown} {self.unit}".strip()


GAIN_AXIS = Axis(FLOOR_DB, FADER_MAX_DB, "fader", "dB", 0.0)
PAN_AXIS = Axis(-1.0, 1.0, "linear", "pan", 0.0)


@dataclass(frozen=True)
class Target:
    """One automatable setting of an owner, as the automation menu offers it."""

    key: str
    """The model's target (``volume``, ``send:<bus>``, ``effect:<id>:<param>``)."""
    label: str
    group: str
    """The menu section: "" for the mixer's settings, else the effect's name."""
    axis: Axis

    @property
    def title(self) -> str:
        """The name shown on the lane: "Volume", "2 · EQ: Band 1 gain"."""
        return f"{self.group}: {self.label}" if self.group else self.label


def effect_name(effect: EffectSettings, position: int) -> str:
    """"2 · EQ": an effect's place in its chain and its kind, so two alike can be told apart."""
    kind = _EFFECT_NAMES.get(effect.kind, effect.kind.replace("_", " ").capitalize())
    return f"{position + 1} · {kind}"


def _param_axis(unit: str, low: float, high: float) -> Axis:
    scale = "log" if unit in ("Hz", "ms") and low > 0 else "linear"
    reference = 0.0 if unit == "dB" and low < 0 < high else None
    return Axis(low, high, scale, unit, reference)


def _is_switch(unit: str, low: float, high: float) -> bool:
    """On/off settings (a filter on, tempo sync) are not drawn as envelopes."""
    return unit == "" and low == 0.0 and high == 1.0


def _chain(project: Project, owner: str) -> tuple[EffectSettings, ...]:
    return project.master.effects if owner == MASTER else project.track(owner).effects


def targets(project: Project, owner: str) -> list[Target]:
    """Everything of `owner` (a track id or MASTER) an envelope can drive, in menu order:
    volume, pan, the sends, then each effect's numeric parameters."""
    found = [Target(VOLUME, "Volume", "", GAIN_AXIS)]
    if owner != MASTER:
        found.append(Target(PAN, "Pan", "", PAN_AXIS))
        for send in project.track(owner).sends:
            bus = next((t.name for t in project.tracks if t.id == send.bus_id), send.bus_id)
            found.append(Target(send_target(send.bus_id), f"Send → {bus}", "", GAIN_AXIS))
    for position, effect in enumerate(_chain(project, owner)):
        group = effect_name(effect, position)
        for name, label, unit, low, high, _default in PARAMETERS.get(effect.kind, ()):
            if not _is_switch(unit, low, high):
                found.append(Target(effect_target(effect.id, name), label, group,
                                    _param_axis(unit, low, high)))
    return found


def find_target(project: Project, owner: str, key: str) -> Target | None:
    """The target `key` of `owner`, or None when it is gone (a removed send or effect)."""
    for target in targets(project, owner):
        if target.key == key:
            return target
    return None


def plain_value(project: Project, owner: str, key: str) -> float:
    """The setting an envelope on `key` would replace: the fader, the pan knob, the send
    level, the effect's parameter (its default when not set)."""
    if owner == MASTER:
        if key == VOLUME:
            return project.master.gain_db
    else:
        track = project.track(owner)
        if key == VOLUME:
            return track.gain_db
        if key == PAN:
            return track.pan
        if key.startswith(SEND_PREFIX):
            send = track.send(key[len(SEND_PREFIX):])
            return send.level_db if send is not None else 0.0
    if key.startswith(EFFECT_PREFIX):
        _prefix, effect_id, param = key.split(":")
        for effect in _chain(project, owner):
            if effect.id == effect_id:
                specs = {p[0]: p for p in PARAMETERS.get(effect.kind, ())}
                default = specs[param][5] if param in specs else 0.0
                value = effect.param(param, default)
                return default if value is None else value
    return 0.0
