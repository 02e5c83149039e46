"""The fader law and the dB text of the mixer: where a gain sits on a fader, and how it reads.

A fader's travel is a position from 0 (bottom) to 1 (top). Above `LINEAR_FLOOR_POS` the
position is linear in dB from -60 to +12, which is where mixing happens and where a pixel must
mean the same number of dB everywhere. Below it the position is linear in amplitude down to
silence (-inf at the very bottom), so the last stretch fades out smoothly instead of spending
half the travel on levels nobody can hear.
"""

from __future__ import annotations

import math

FADER_MAX_DB = 12.0
"""The top of the fader."""
LINEAR_FLOOR_DB = -60.0
"""Below this the fader is linear in amplitude, down to -inf."""
LINEAR_FLOOR_POS = 0.08
"""Where -60 dB sits on the travel (8 % above the bottom)."""
SILENCE_DB = -math.inf

_FLOOR_AMPLITUDE = 10.0 ** (LINEAR_FLOOR_DB / 20.0)


def db_to_position(gain_db: float) -> float:
    """Where a gain sits on the fader's travel (0 bottom, 1 top); beyond the ends it clamps."""
    if gain_db >= FADER_MAX_DB:
        return 1.0
    if gain_db >= LINEAR_FLOOR_DB:
        span = FADER_MAX_DB - LINEAR_FLOOR_DB
        return LINEAR_FLOOR_POS + (gain_db - LINEAR_FLOOR_DB) / span * (1.0 - LINEAR_FLOOR_POS)
    if gain_db == SILENCE_DB or math.isnan(gain_db):
        return 0.0
    amplitude = 10.0 ** (gain_db / 20.0)
    return LINEAR_FLOOR_POS * amplitude / _FLOOR_AMPLITUDE


def position_to_db(position: float) -> float:
    """The gain at a point of the fader's travel; the bottom is -inf (silence)."""
    position = min(1.0, max(0.0, position))
    if position <= 0.0:
        return SILENCE_DB
    if position >= LINEAR_FLOOR_POS:
        span = FADER_MAX_DB - LINEAR_FLOOR_DB
        return LINEAR_FLOOR_DB + (position - LINEAR_FLOOR_POS) / (1.0 - LINEAR_FLOOR_POS) * span
    return LINEAR_FLOOR_DB + 20.0 * math.log10(position / LINEAR_FLOOR_POS)


def quantize_db(gain_db: float) -> float:
    """Round a gain picked with the mouse to 0.1 dB, so the project holds readable numbers."""
    if gain_db == SILENCE_DB:
        return SILENCE_DB
    value = round(gain_db, 1)
    return 0.0 if value == 0.0 else value  # no "-0.0"


def format_db(gain_db: float) -> str:
    """A gain as the entry box shows it: "0.0", "-6.5", "+3.0", "-inf"."""
    if gain_db == SILENCE_DB:
        return "-inf"
    value = quantize_db(gain_db)
    return f"{value:+.1f}" if value > 0 else f"{value:.1f}"


def parse_db(text: str) -> float:
    """Read a gain typed by a person ("-6.5", "-6.5 dB", "+3", "-inf"); clamps to the fader.

    Raises ValueError with a one-line reason when the text is not a gain."""
    cleaned = text.strip().lower().replace("−", "-").replace(",", ".")
    if cleaned.endswith("db"):
        cleaned = cleaned[:-2].strip()
    if cleaned in ("-∞", "off"):
        return SILENCE_DB
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not a gain in dB (e.g. -6.5, or -inf)") from None
    if math.isnan(value) or value == math.inf:  # "-inf" is silence, "inf" and "nan" are not
        raise ValueError(f"{text.strip()!r} is not a gain in dB (e.g. -6.5, or -inf)")
    return min(value, FADER_MAX_DB)
