"""Parametric EQ: high-pass, low shelf, three peaking bands, high shelf and low-pass.

Every band is a biquad designed per Robert Bristow-Johnson's "Audio EQ Cookbook" (shelves with
slope S = 1, so a shelf has half its gain in dB at its frequency). The bands run as one cascade
with float64 state, the state being that of transposed direct form II sections.

Why our own filters and not pedalboard's: pedalboard 0.9's `HighpassFilter` and `LowpassFilter`
are first order (6 dB/oct, no Q); against the RBJ 12 dB/oct high-pass at 80 Hz they are off by
11.8 dB at 20 Hz and 3.3 dB at 50 Hz, far outside the 0.5 dB the editor's curve may differ from
the sound. Its peak filter does match RBJ (within 0.02 dB), but it runs in float32.

The cascade runs in `daw.dsp.biquad` (why matrix products, how exact, how fast).

New settings (`ParametricEQ.set_params`, every 64 frames while a band is automated) keep each
band's filter memory and rebuild the chunk matrices by doubling, without allocating while the
bands in use stay the same: about 0.14 ms for seven bands on this machine, against about
0.012 ms to filter 64 stereo frames. A snapshot is the filter memory (two floats per band and
channel), restored exactly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from daw.dsp.biquad import BiquadCascade
from daw.dsp.processors import Processor, ProcessorFactory

ParamSpec = tuple[str, str, str, float, float, float]
"""(name, label, unit, minimum, maximum, default): one parameter as the editor shows it."""

_FREQ = (20.0, 20000.0)
_GAIN = (-24.0, 24.0)
_BUTTERWORTH_Q = 1.0 / math.sqrt(2.0)

EQ_PARAMETERS: tuple[ParamSpec, ...] = (
    ("hp_on", "High-pass on", "", 0.0, 1.0, 0.0),
    ("hp_freq_hz", "High-pass frequency", "Hz", *_FREQ, 20.0),
    ("hp_q", "High-pass Q", "", 0.1, 10.0, _BUTTERWORTH_Q),
    ("low_freq_hz", "Low shelf frequency", "Hz", *_FREQ, 100.0),
    ("low_gain_db", "Low shelf gain", "dB", *_GAIN, 0.0),
    ("p1_freq_hz", "Band 1 frequency", "Hz", *_FREQ, 250.0),
    ("p1_gain_db", "Band 1 gain", "dB", *_GAIN, 0.0),
    ("p1_q", "Band 1 Q", "", 0.1, 18.0, 1.0),
    ("p2_freq_hz", "Band 2 frequency", "Hz", *_FREQ, 1000.0),
    ("p2_gain_db", "Band 2 gain", "dB", *_GAIN, 0.0),
    ("p2_q", "Band 2 Q", "", 0.1, 18.0, 1.0),
    ("p3_freq_hz", "Band 3 frequency", "Hz", *_FREQ, 4000.0),
    ("p3_gain_db", "Band 3 gain", "dB", *_GAIN, 0.0),
    ("p3_q", "Band 3 Q", "", 0.1, 18.0, 1.0),
    ("high_freq_hz", "High shelf frequency", "Hz", *_FREQ, 8000.0),
    ("high_gain_db", "High shelf gain", "dB", *_GAIN, 0.0),
    ("lp_on", "Low-pass on", "", 0.0, 1.0, 0.0),
    ("lp_freq_hz", "Low-pass frequency", "Hz", *_FREQ, 20000.0),
    ("lp_q", "Low-pass Q", "", 0.1, 10.0, _BUTTERWORTH_Q),
)


def resolve_params(
    kind: str, specs: Sequence[ParamSpec], params: Mapping[str, float]
) -> dict[str, float]:
    """Every parameter of `specs` with a value: the given one clamped to its range, or the
    default. A name the effect does not have is refused, so a typo does not go unnoticed."""
    known = {spec[0] for spec in specs}
    for name in params:
        if name not in known:
            raise ValueError(
                f"{kind}: unknown parameter {name!r} (known: {', '.join(sorted(known))})"
            )
    values = {}
    for name, _label, _unit, low, high, default in specs:
        value = float(params.get(name, default))
        if math.isnan(value):
            raise ValueError(f"{kind}: parameter {name!r} is not a number")
        values[name] = min(max(value, low), high)
    return values


# --- Design: RBJ cookbook biquads, normalised to a0 = 1: (b0, b1, b2, a1, a2) ----------------


def _normalise(b0: float, b1: float, b2: float, a0: float, a1: float, a2: float) -> np.ndarray:
    return np.array([b0 / a0, b1 / a0, b2 / a0, a1 / a0, a2 / a0])


def _angle(freq_hz: float, sample_rate: int) -> float:
    """ω0, with the frequency kept below Nyquist so a 20 kHz band still works at 44.1 kHz."""
    return 2.0 * math.pi * min(freq_hz, 0.45 * sample_rate) / sample_rate


def highpass(freq_hz: float, q: float, sample_rate: int) -> np.ndarray:
    """12 dB/oct high-pass; |H| = Q at freq_hz."""
    w0 = _angle(freq_hz, sample_rate)
    cos, alpha = math.cos(w0), math.sin(w0) / (2.0 * q)
    return _normalise((1 + cos) / 2, -(1 + cos), (1 + cos) / 2, 1 + alpha, -2 * cos, 1 - alpha)


def lowpass(freq_hz: float, q: float, sample_rate: int) -> np.ndarray:
    """12 dB/oct low-pass; |H| = Q at freq_hz."""
    w0 = _angle(freq_hz, sample_rate)
    cos, alpha = math.cos(w0), math.sin(w0) / (2.0 * q)
    return _normalise((1 - cos) / 2, 1 - cos, (1 - cos) / 2, 1 + alpha, -2 * cos, 1 - alpha)


def bandpass(freq_hz: float, q: float, sample_rate: int) -> np.ndarray:
    """Band-pass with 0 dB at freq_hz (the cookbook's "constant 0 dB peak gain" form)."""
    w0 = _angle(freq_hz, sample_rate)
    cos, alpha = math.cos(w0), math.sin(w0) / (2.0 * q)
    return _normalise(alpha, 0.0, -alpha, 1 + alpha, -2 * cos, 1 - alpha)


def peaking(freq_hz: float, gain_db: float, q: float, sample_rate: int) -> np.ndarray:
    """Bell; exactly gain_db at freq_hz."""
    w0 = _angle(freq_hz, sample_rate)
    a = 10.0 ** (gain_db / 40.0)
    cos, alpha = math.cos(w0), math.sin(w0) / (2.0 * q)
    return _normalise(
        1 + alpha * a, -2 * cos, 1 - alpha * a, 1 + alpha / a, -2 * cos, 1 - alpha / a
    )


def _shelf_terms(freq_hz: float, gain_db: float, sample_rate: int) -> tuple[float, ...]:
    w0 = _angle(freq_hz, sample_rate)
    a = 10.0 ** (gain_db / 40.0)
    # The cookbook's alpha = sin(w0)/2 * sqrt((A + 1/A)(1/S - 1) + 2), here with S = 1.
    two_sqrt_a_alpha = 2.0 * math.sqrt(a) * math.sin(w0) / 2.0 * math.sqrt(2.0)
    return a, math.cos(w0), two_sqrt_a_alpha


def low_shelf(freq_hz: float, gain_db: float, sample_rate: int) -> np.ndarray:
    """Low shelf, slope S = 1: gain_db far below freq_hz, gain_db / 2 at it."""
    a, cos, k = _shelf_terms(freq_hz, gain_db, sample_rate)
    return _normalise(
        a * ((a + 1) - (a - 1) * cos + k),
        2 * a * ((a - 1) - (a + 1) * cos),
        a * ((a + 1) - (a - 1) * cos - k),
        (a + 1) + (a - 1) * cos + k,
        -2 * ((a - 1) + (a + 1) * cos),
        (a + 1) + (a - 1) * cos - k,
    )


def high_shelf(freq_hz: float, gain_db: float, sample_rate: int) -> np.ndarray:
    """High shelf, slope S = 1: gain_db far above freq_hz, gain_db / 2 at it."""
    a, cos, k = _shelf_terms(freq_hz, gain_db, sample_rate)
    return _normalise(
        a * ((a + 1) + (a - 1) * cos + k),
        -2 * a * ((a - 1) + (a + 1) * cos),
        a * ((a + 1) + (a - 1) * cos - k),
        (a + 1) - (a - 1) * cos + k,
        2 * ((a - 1) - (a + 1) * cos),
        (a + 1) - (a - 1) * cos - k,
    )


def eq_bands(params: Mapping[str, float], sample_rate: int) -> list[tuple[str, np.ndarray]]:
    """(band name, biquad) of the bands that do something, low to high; a flat EQ has none.
    The names let a processor given new settings keep each band's filter memory."""
    p = resolve_params("eq", EQ_PARAMETERS, params)
    bands = []
    if p["hp_on"] >= 0.5:
        bands.append(("hp", highpass(p["hp_freq_hz"], p["hp_q"], sample_rate)))
    if p["low_gain_db"] != 0.0:
        bands.append(("low", low_shelf(p["low_freq_hz"], p["low_gain_db"], sample_rate)))
    for band in ("p1", "p2", "p3"):
        if p[f"{band}_gain_db"] != 0.0:
            bands.append((band, peaking(
                p[f"{band}_freq_hz"], p[f"{band}_gain_db"], p[f"{band}_q"], sample_rate
            )))
    if p["high_gain_db"] != 0.0:
        bands.append(("high", high_shelf(p["high_freq_hz"], p["high_gain_db"], sample_rate)))
    if p["lp_on"] >= 0.5:
        bands.append(("lp", lowpass(p["lp_freq_hz"], p["lp_q"], sample_rate)))
    return bands


def eq_sections(params: Mapping[str, float], sample_rate: int) -> list[np.ndarray]:
    """The biquads of the bands that do something, low to high; a flat EQ has none."""
    return [section for _name, section in eq_bands(params, sample_rate)]


def sections_response(
    sections: Sequence[np.ndarray], sample_rate: int, freqs_hz: np.ndarray
) -> np.ndarray:
    """Magnitude in dB of a cascade at the given frequencies, from H(e^jω) evaluated exactly."""
    z1 = np.exp(-2j * np.pi * np.asarray(freqs_hz, dtype=np.float64) / sample_rate)
    response = np.ones_like(z1)
    for b0, b1, b2, a1, a2 in sections:
        response *= (b0 + z1 * (b1 + z1 * b2)) / (1.0 + z1 * (a1 + z1 * a2))
    with np.errstate(divide="ignore"):
        return 20.0 * np.log10(np.abs(response))


def eq_response(
    params: Mapping[str, float], sample_rate: int, freqs_hz: np.ndarray
) -> np.ndarray:
    """The EQ's design magnitude in dB at `freqs_hz`, the curve the editor draws."""
    return sections_response(eq_sections(params, sample_rate), sample_rate, freqs_hz)


class ParametricEQ(Processor):
    """The "eq" effect. Bands at 0 dB and a switched-off high- or low-pass are left out, so a
    flat EQ returns its input untouched, bit for bit. New settings keep the memory of every
    band that stays in; a band that comes in starts from rest, one that goes out is dropped
    (a bell or shelf at 0 dB is the identity, so automation passing through 0 dB hardly
    notices)."""

    def __init__(self, params: Mapping[str, float], channels: int, sample_rate: int) -> None:
        self._channels = channels
        self._rate = sample_rate
        self._names: tuple[str, ...] = ()
        self._sections: list[np.ndarray] = []
        self._cascade: BiquadCascade | None = None
        self.set_params(params)

    def set_params(self, params: Mapping[str, float]) -> bool:
        bands = eq_bands(params, self._rate)
        names = tuple(name for name, _section in bands)
        sections = [section for _name, section in bands]
        if names == self._names and all(
            np.array_equal(new, old) for new, old in zip(sections, self._sections, strict=True)
        ):
            return True
        if not sections:
            self._cascade = None
        elif self._cascade is None:
            self._cascade = BiquadCascade(sections, self._channels)
        else:
            self._cascade.set_sections(sections, _carried(self._names, names))
        self._names, self._sections = names, sections
        return True

    def process(self, block: np.ndarray) -> None:
        if self._cascade is None or block.shape[0] == 0:
            return
        self._cascade.process_block(block)

    def reset(self) -> None:
        if self._cascade is not None:
            self._cascade.reset()

    def snapshot(self) -> object:
        if self._cascade is None:
            return (self._names, None)
        return (self._names, self._cascade.snapshot())

    def restore(self, state: object) -> None:
        names, memories = state  # type: ignore[misc]
        if self._cascade is None:
            return
        if memories is None:
            self._cascade.reset()
            return
        # Settings changed since the snapshot: each band still in takes its own memory.
        restored = np.zeros((self._channels, 2 * len(self._names)))
        for i, k in enumerate(_carried(names, self._names)):
            if k is not None:
                restored[:, 2 * i : 2 * i + 2] = memories[:, 2 * k : 2 * k + 2]
        self._cascade.restore(restored)


def _carried(old: Sequence[str], new: Sequence[str]) -> list[int | None]:
    """For each band of `new`, its index in `old`, or None if it is new."""
    return [old.index(name) if name in old else None for name in new]


def make_eq(params: Mapping[str, float], channels: int, sample_rate: int) -> Processor:
    """Factory for the "eq" kind."""
    return ParametricEQ(params, channels, sample_rate)


EFFECTS: dict[str, ProcessorFactory] = {"eq": make_eq}
PARAMETERS: dict[str, tuple[ParamSpec, ...]] = {"eq": EQ_PARAMETERS}
