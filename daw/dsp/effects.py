"""Every effect kind MiniDAW knows, by name, with its parameters; the engine builds processors
from the project's effect settings here. A kind it does not know is refused with the list of
the ones it does."""

from __future__ import annotations

from collections.abc import Mapping

from daw.dsp import dynamics, eq, pedal_effects, processors, truepeak_limiter, width
from daw.dsp.processors import Processor, ProcessorFactory

EFFECT_KINDS: dict[str, ProcessorFactory] = {
    **processors.EFFECTS,
    **eq.EFFECTS,
    **dynamics.EFFECTS,
    **pedal_effects.EFFECTS,
    **truepeak_limiter.EFFECTS,
    **width.EFFECTS,
}
PARAMETERS: dict[str, tuple[tuple[str, str, str, float, float, float], ...]] = {
    **processors.PARAMETERS,
    **eq.PARAMETERS,
    **dynamics.PARAMETERS,
    **pedal_effects.PARAMETERS,
    **truepeak_limiter.PARAMETERS,
    **width.PARAMETERS,
}
"""Per kind: (name, label, unit, minimum, maximum, default) of each parameter."""

TEMPO_PARAM = pedal_effects.TEMPO_PARAM
"""Filled in by the engine from the project's tempo, for effects synced to it."""
TEMPO_AWARE = frozenset(pedal_effects.EFFECTS)
"""The kinds that take the tempo."""


class UnknownEffectError(ValueError):
    """An effect kind this version of MiniDAW cannot build."""


def create_processor(kind: str, params: Mapping[str, float], channels: int,
                     sample_rate: int) -> Processor:
    """Build the processor for an effect kind, or say which kinds exist."""
    try:
        factory = EFFECT_KINDS[kind]
    except KeyError:
        known = ", ".join(sorted(EFFECT_KINDS))
        raise UnknownEffectError(f"unknown effect {kind!r} (known: {known})") from None
    return factory(params, channels, sample_rate)


def effect_ranges() -> dict[str, dict[str, tuple[float, float]]]:
    """Every kind with each parameter's (lowest, highest) value: what the project loader
    checks a song's effects against (the model cannot import this module)."""
    return {kind: {spec[0]: (spec[3], spec[4]) for spec in PARAMETERS.get(kind, ())}
            for kind in EFFECT_KINDS}
