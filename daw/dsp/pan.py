"""Pan laws.

Mono sources use the −3 dB equal-power law: left = cos θ, right = sin θ with
θ = (pan + 1)·π/4, so the centre is −3.01 dB on each side and the power is the same at every
position. Stereo sources use balance with the same curve, normalised so the centre is unity:
each side is min(1, √2·cos θ) or min(1, √2·sin θ); hard left silences the right channel.
"""

from __future__ import annotations

import math


def mono_pan_gains(pan: float) -> tuple[float, float]:
    """(left, right) gains for a mono source at `pan` in [-1, +1]."""
    theta = (pan + 1.0) * math.pi / 4.0
    return math.cos(theta), math.sin(theta)


def stereo_balance_gains(pan: float) -> tuple[float, float]:
    """(left, right) gains for a stereo source: unity at centre, one side fading out."""
    left, right = mono_pan_gains(pan)
    return min(1.0, math.sqrt(2.0) * left), min(1.0, math.sqrt(2.0) * right)
