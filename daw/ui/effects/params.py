"""What an effect's parameters look like to a person: friendly names, the control each one
gets, how a control's travel maps to the value (its taper), and the value's text in real units.

Kept free of Qt so the arithmetic is tested on its own. The ranges and defaults come from the
effect registry (`daw.dsp.effects.PARAMETERS`); nothing here repeats them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from daw.dsp.effects import EFFECT_KINDS, PARAMETERS
from daw.model import EffectSettings

FRIENDLY_NAMES = {
    "eq": "EQ",
    "compressor": "Compressor",
    "gate": "Noise gate",
    "deesser": "De-esser",
    "limiter": "Limiter",
    "truepeak_limiter": "True-peak limiter",
    "reverb": "Reverb",
    "delay": "Delay",
    "chorus": "Chorus",
    "phaser": "Phaser",
    "saturation": "Saturation",
    "width": "Stereo width",
    "gain": "Gain",
}
"""In the order the "+" menu offers them: tone and dynamics first, then time and colour."""

SHORT_NAMES = {"compressor": "Comp", "gate": "Gate", "deesser": "De-ess", "saturation": "Sat",
               "truepeak_limiter": "TP limit", "width": "Width"}
"""Where a name must fit a mixer strip's row; the others are short already."""

DYNAMICS = frozenset({"compressor", "limiter", "gate", "deesser", "truepeak_limiter"})
"""The kinds that reduce gain, and so show a gain-reduction readout."""

_LOG_UNITS = ("Hz", "ms", ":1", "beats")
"""Units a person hears in ratios (an octave, a doubling of time): their controls are log."""


def friendly_name(kind: str) -> str:
    """"Compressor" for "compressor"; an unknown kind reads as its own name."""
    return FRIENDLY_NAMES.get(kind) or kind.replace("_", " ").capitalize()


def short_name(kind: str) -> str:
    """The name on a chain's row in a narrow strip: "Comp" for "compressor"."""
    return SHORT_NAMES.get(kind) or friendly_name(kind)


def menu_kinds() -> list[str]:
    """Every kind the engine can build, in the "+" menu's order."""
    known = [kind for kind in FRIENDLY_NAMES if kind in EFFECT_KINDS]
    return known + sorted(kind for kind in EFFECT_KINDS if kind not in FRIENDLY_NAMES)


def _sig(value: float, digits: int = 3) -> float:
    """`value` rounded to `digits` significant figures (2534 Hz -> 2530 Hz)."""
    if value == 0.0 or not math.isfinite(value):
        return value
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


@dataclass(frozen=True)
class Param:
    """One parameter of an effect as the editor shows it."""

    name: str
    label: str
    unit: str
    minimum: float
    maximum: float
    default: float

    @property
    def control(self) -> str:
        """"switch" (a check box), "choice" (a few whole numbers) or "slider"."""
        if self.unit == "" and (self.minimum, self.maximum) == (0.0, 1.0):
            return "switch"
        whole = all(float(v).is_integer() for v in (self.minimum, self.maximum, self.default))
        if self.unit == "" and whole and self.maximum - self.minimum <= 12:
            return "choice"
        return "slider"

    @property
    def taper(self) -> str:
        """"log" for frequencies, times, ratios and Q; "square" for times that can be zero
        (fine steps near 0 ms, where they matter); "linear" for dB and %."""
        is_q = self.unit == "" and (self.name == "q" or self.name.endswith("_q"))
        if (self.unit in _LOG_UNITS or is_q) and self.minimum > 0:
            return "log"
        if self.unit == "ms":
            return "square"
        return "linear"

    @property
    def bipolar(self) -> bool:
        """A range around zero (a boost or a cut): the bar fills from zero, not from the left."""
        return self.minimum < 0.0 < self.maximum

    def clamp(self, value: float) -> float:
        return min(max(value, self.minimum), self.maximum)

    def to_pos(self, value: float) -> float:
        """Where `value` sits on the control's travel, 0 to 1."""
        value = self.clamp(value)
        low, high = self.minimum, self.maximum
        if high <= low:
            return 0.0
        if self.taper == "log":
            return math.log(value / low) / math.log(high / low)
        along = (value - low) / (high - low)
        return math.sqrt(along) if self.taper == "square" else along

    def from_pos(self, pos: float) -> float:
        """The value at a point of the travel, rounded to what a person can tell apart."""
        pos = min(max(pos, 0.0), 1.0)
        low, high = self.minimum, self.maximum
        if self.taper == "log":
            value = low * (high / low) ** pos
        elif self.taper == "square":
            value = low + (high - low) * pos * pos
        else:
            value = low + (high - low) * pos
        return self.quantize(value)

    def quantize(self, value: float) -> float:
        """0.1 dB, 1 %, 0.1 in a ratio, three significant figures for the log ones."""
        if self.control != "slider":
            value = float(round(value))
        elif self.unit in (":1", "dB"):
            value = round(value, 1)
        elif self.unit == "%":
            value = float(round(value))
        else:
            value = _sig(value)
        value = self.clamp(value)
        return 0.0 if value == 0.0 else value  # no "-0.0"

    def format(self, value: float) -> str:
        """The value as the control shows it: "2.5 kHz", "-12.0 dB", "15 ms", "40 %", "4.0:1"."""
        unit = self.unit
        if self.control == "switch":
            return "On" if value >= 0.5 else "Off"
        if unit == "Hz":
            return f"{value / 1000:.3g} kHz" if value >= 1000 else f"{value:.3g} Hz"
        if unit == "ms":
            return f"{value / 1000:.3g} s" if value >= 1000 else f"{value:.3g} ms"
        if unit == "dB":
            value = 0.0 if round(value, 1) == 0 else value
            return f"{value:+.1f} dB" if self.bipolar and value > 0 else f"{value:.1f} dB"
        if unit == "%":
            return f"{value:.0f} %"
        if unit == ":1":
            return f"{value:.1f}:1"
        if unit == "beats":
            return f"{value:.3g} beat" + ("" if value == 1 else "s")
        if self.taper == "log":  # Q
            return f"{value:.2f}"
        return f"{value:.3g} {unit}".strip()


def params_of(kind: str) -> tuple[Param, ...]:
    """The editor's view of a kind's parameters (none for a kind the engine does not know)."""
    return tuple(Param(*spec) for spec in PARAMETERS.get(kind, ()))


def default_params(kind: str) -> dict[str, float]:
    """Every parameter at its default: what a new effect starts with."""
    return {p.name: p.default for p in params_of(kind)}


def current_values(effect: EffectSettings) -> dict[str, float]:
    """Every parameter's value: the effect's own, or the default where it has none."""
    values = default_params(effect.kind)
    values.update((name, float(value)) for name, value in effect.params)
    return values


def preset_values(kind: str, params: Mapping[str, float]) -> dict[str, float]:
    """A preset's values over the defaults, so loading one sets every parameter."""
    values = default_params(kind)
    values.update(params)
    return values
