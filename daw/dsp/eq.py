"""Parametric EQ: high-pass, low shelf, three peaking bands, high shelf and low-pass.

Every band is a biquad designed per Robert Bristow-Johnson's "Audio EQ Cookbook" (shelves with
slope S = 1, so a shelf has half its gain in dB at its frequency). The bands run as one cascade
with float64 state, the state being that of transposed direct form II sections.

Why our own filters and not pedalboard's: pedalboard 0.9's `HighpassFilter` and `LowpassFilter`
are first order (6 dB/oct, no Q); against the RBJ 12 dB/oct high-pass at 80 Hz they are off by
11.8 dB at 20 Hz and 3.3 dB at 50 Hz, far outside the 0.5 dB the editor's curve may differ from
the sound. Its peak filter does match RBJ (within 0.02 dB), but it runs in float32.

Why not a per-sample loop: in plain Python the seven bands run only about 6× faster than real
time on a stereo track, too slow for a mix of sixteen. The cascade is a linear system, so it
is run `CHUNK` frames at a time with matrix products, exactly: a chunk's output is its input
convolved with the first `CHUNK` samples of the impulse response (a Toeplitz matrix product)
plus the response to the state it started with; the state it ends with is again a matrix
product, and the hand-over of states from chunk to chunk, a linear recurrence, is solved for
all chunks of a block at once by recursive doubling. The result equals a sample-by-sample
TDF-II cascade to about 1e-11 of full scale (3e-8 at the extreme of 20 Hz bands at the
highest Q, still below float32 resolution), and any block size gives the same output to
within one float32 step.

Measured on this machine (two cores shared with other work, best of three), a 3-minute stereo
48 kHz signal in 4096-frame blocks: all seven bands run about 330× faster than real time, one
band about 400× (the cost hardly depends on the number of bands), a flat EQ costs nothing;
pedalboard's seven filters ran about 300× under the same conditions.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from daw.dsp.processors import Processor, ProcessorFactory

ParamSpec = tuple[str, str, str, float, float, float]
"""(name, label, unit, minimum, maximum, default): one parameter as the editor shows it."""

CHUNK = 128
"""Frames per matrix step: a frame costs about CHUNK multiply-adds, and the hand-over between
chunks gets cheaper as chunks grow; 128 was the fastest of 64, 128 and 256 in 4096-frame
blocks."""

_SEGMENT = 16384
"""Longest stretch processed at once, so a long call does not build huge temporaries."""

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


def eq_sections(params: Mapping[str, float], sample_rate: int) -> list[np.ndarray]:
    """The biquads of the bands that do something, low to high; a flat EQ has none."""
    p = resolve_params("eq", EQ_PARAMETERS, params)
    sections = []
    if p["hp_on"] >= 0.5:
        sections.append(highpass(p["hp_freq_hz"], p["hp_q"], sample_rate))
    if p["low_gain_db"] != 0.0:
        sections.append(low_shelf(p["low_freq_hz"], p["low_gain_db"], sample_rate))
    for band in ("p1", "p2", "p3"):
        if p[f"{band}_gain_db"] != 0.0:
            sections.append(
                peaking(p[f"{band}_freq_hz"], p[f"{band}_gain_db"], p[f"{band}_q"], sample_rate)
            )
    if p["high_gain_db"] != 0.0:
        sections.append(high_shelf(p["high_freq_hz"], p["high_gain_db"], sample_rate))
    if p["lp_on"] >= 0.5:
        sections.append(lowpass(p["lp_freq_hz"], p["lp_q"], sample_rate))
    return sections


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


# --- Processing ---------------------------------------------------------------------------


def _state_space(
    sections: Sequence[np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """(A, B, C, D) of the cascade, its state the TDF-II states (s1, s2) of each section."""
    order = 2 * len(sections)
    a_mat = np.zeros((order, order))
    b_vec = np.zeros(order)
    c_vec = np.zeros(order)
    d = 1.0
    for i, (b0, b1, b2, a1, a2) in enumerate(sections):
        # One section: y = s1 + b0 u; s1' = s2 + (b1 - a1 b0) u - a1 s1;
        # s2' = (b2 - a2 b0) u - a2 s1; fed with u = C s + D x, the sections before it.
        j = 2 * i
        b_i = np.array([b1 - a1 * b0, b2 - a2 * b0])
        a_mat[j : j + 2, :j] = np.outer(b_i, c_vec[:j])
        a_mat[j : j + 2, j : j + 2] = [[-a1, 1.0], [-a2, 0.0]]
        b_vec[j : j + 2] = b_i * d
        c_vec *= b0
        c_vec[j] = 1.0
        d *= b0
    return a_mat, b_vec, c_vec, d


class BiquadCascade:
    """A chain of biquads run on (channels, frames) float64 arrays, state kept between calls."""

    def __init__(self, sections: Sequence[np.ndarray], channels: int) -> None:
        if not sections:
            raise ValueError("a biquad cascade needs at least one section")
        a_mat, b_vec, c_vec, d = _state_space(sections)
        order = len(b_vec)
        powers = np.empty((CHUNK + 1, order, order))  # A^0 .. A^CHUNK
        powers[0] = np.eye(order)
        for n in range(CHUNK):
            powers[n + 1] = powers[n] @ a_mat
        impulse = np.empty(CHUNK)
        impulse[0] = d
        impulse[1:] = c_vec @ powers[: CHUNK - 1] @ b_vec
        lag = np.arange(CHUNK)[:, None] - np.arange(CHUNK)[None, :]
        toeplitz = np.where(lag >= 0, impulse[np.maximum(lag, 0)], 0.0)
        self._toeplitz_t = np.ascontiguousarray(toeplitz.T)  # y = x @ T^T within a chunk
        self._from_state_t = np.ascontiguousarray((c_vec @ powers[:CHUNK]).T)  # (order, CHUNK)
        # Row k of `_drive_t` carries input frame k of a chunk into the state after the chunk.
        self._drive_t = np.ascontiguousarray(powers[CHUNK - 1 :: -1] @ b_vec)  # (CHUNK, order)
        self._powers_t = np.ascontiguousarray(np.transpose(powers, (0, 2, 1)))
        self._state = np.zeros((channels, order))

    def reset(self) -> None:
        self._state[:] = 0.0

    def process(self, x: np.ndarray) -> np.ndarray:
        """Filter x (channels, frames) float64; returns a new array of the same shape."""
        out = np.empty_like(x)
        for start in range(0, x.shape[1], _SEGMENT):
            stop = min(start + _SEGMENT, x.shape[1])
            out[:, start:stop] = self._segment(x[:, start:stop])
        return out

    def _segment(self, x: np.ndarray) -> np.ndarray:
        channels, frames = x.shape
        whole = frames // CHUNK * CHUNK
        out = np.empty((channels, frames))
        state = self._state
        if whole:
            chunks = x[:, :whole].reshape(channels, -1, CHUNK)
            y = chunks @ self._toeplitz_t
            drive = chunks @ self._drive_t  # (channels, chunks, order)
            # The state after chunk k is A^CHUNK times the state before it plus drive[k]: a
            # linear recurrence, solved for all chunks at once by recursive doubling.
            after = drive
            after[:, 0] += state @ self._powers_t[CHUNK]
            step = self._powers_t[CHUNK]
            span = 1
            while span < after.shape[1]:
                after[:, span:] = after[:, span:] + after[:, :-span] @ step
                step = step @ step
                span *= 2
            y[:, 0] += state @ self._from_state_t
            y[:, 1:] += after[:, :-1] @ self._from_state_t
            state = after[:, -1].copy()
            out[:, :whole] = y.reshape(channels, whole)
        rest = frames - whole
        if rest:
            tail = x[:, whole:]
            out[:, whole:] = (
                tail @ self._toeplitz_t[:rest, :rest] + state @ self._from_state_t[:, :rest]
            )
            state = state @ self._powers_t[rest] + tail @ self._drive_t[CHUNK - rest :]
        self._state = state
        return out


class ParametricEQ(Processor):
    """The "eq" effect. Bands at 0 dB and a switched-off high- or low-pass are left out, so a
    flat EQ returns its input untouched, bit for bit."""

    def __init__(self, params: Mapping[str, float], channels: int, sample_rate: int) -> None:
        sections = eq_sections(params, sample_rate)
        self._cascade = BiquadCascade(sections, channels) if sections else None

    def process(self, block: np.ndarray) -> None:
        if self._cascade is None or block.shape[0] == 0:
            return
        x = np.ascontiguousarray(block.T, dtype=np.float64)
        block[...] = self._cascade.process(x).T

    def reset(self) -> None:
        if self._cascade is not None:
            self._cascade.reset()


def make_eq(params: Mapping[str, float], channels: int, sample_rate: int) -> Processor:
    """Factory for the "eq" kind."""
    return ParametricEQ(params, channels, sample_rate)


EFFECTS: dict[str, ProcessorFactory] = {"eq": make_eq}
PARAMETERS: dict[str, tuple[ParamSpec, ...]] = {"eq": EQ_PARAMETERS}
