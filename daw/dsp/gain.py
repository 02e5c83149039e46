"""Decibels and linear gain."""

from __future__ import annotations

import math

SILENCE_DB = -math.inf


def db_to_gain(gain_db: float) -> float:
    """Linear amplitude factor for a gain in dB (−inf dB is silence)."""
    if gain_db == -math.inf:
        return 0.0
    return 10.0 ** (gain_db / 20.0)


def gain_to_db(gain: float) -> float:
    """dB for a linear amplitude; 0 gives −inf."""
    return 20.0 * math.log10(gain) if gain > 0.0 else SILENCE_DB
