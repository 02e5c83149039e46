"""Onset detection: where the hits of a drum part (or the notes of a played part) begin, so a
clip can be split at them and the pieces moved onto the grid.

Two steps. Finding: spectral flux (how much louder each frequency band got since the last
analysis frame, on a log scale, summed), normalised to its largest value, with an adaptive
threshold (the local median plus a margin set by the sensitivity) and peak picking (a local
maximum, at least `min_gap_ms` after the last onset kept). Flux finds the notes of tonal parts
as well as hits, but only to within an analysis hop and window (a few to twenty ms).
Refining: near each peak, the sample where the attack starts. A short energy envelope (1 ms,
looking back) is compared with the 10 ms before it; the largest rise marks the attack, and the
onset is where the envelope last stood at the level before it, plus a tenth of the way up to
the attack's level. On clicks and noise bursts this lands on the first sample of the hit; on a
sine-shaped kick, within half a millisecond of where it starts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

WINDOW = 1024
HOP = 256
"""Analysis frame and hop for the flux: 21 ms and 5.3 ms at 48 kHz."""
BANDS = 24
BAND_BOTTOM_HZ = 30.0
BAND_TOP_HZ = 16000.0
"""The flux is summed over log-spaced bands (below the bottom goes into the first band)."""
LOG_COMPRESSION = 100.0
"""Flux is taken on log(1 + C·|X|): soft onsets count, loud ones do not drown them."""
MEDIAN_FRAMES = 8
"""Half the span of the adaptive threshold's median, in hops (about ±40 ms at 48 kHz)."""
PEAK_FRAMES = 3
"""A flux peak must be the largest within this many hops either side (fewer when the
minimum gap between onsets is shorter)."""
ENVELOPE_MS = 1.0
BEFORE_MS = 10.0
"""The refining envelope and the stretch before it that an attack is compared with."""
ATTACK_FRACTION = 0.1
MIN_RISE_DB = (9.0, 3.0)
"""How much the energy must jump at an attack, at sensitivity 0 and at 1."""
FLOOR_DB = -70.0
"""Energy below this (relative to the loudest sample of the clip) counts as silence."""


Progress = Callable[[float], None]
"""progress(fraction done): called between blocks of the analysis; it may raise to stop it
(a Cancel), and the exception passes through unchanged."""


def detect_onsets(
    audio: np.ndarray,
    sample_rate: int,
    sensitivity: float = 0.5,
    *,
    min_gap_ms: float = 50.0,
    progress: Progress | None = None,
) -> np.ndarray:
    """The frames where the onsets in `audio` ((frames,) or (frames, channels)) start, in
    order, as int64.

    `sensitivity` from 0 (only the strongest hits) to 1 (every small rise): it sets the margin
    of the threshold above the local median of the flux. Onsets closer than `min_gap_ms` to
    the one before are dropped (a flam counts once). The start of the audio is never an onset:
    a clip begins there anyway. `progress` hears how far the flux has got (the long part).
    """
    check_sensitivity(sensitivity)
    analysis = analyse_onsets(audio, sample_rate, progress)
    return analysis.onsets(sensitivity, min_gap_ms=min_gap_ms)


def check_sensitivity(sensitivity: float) -> None:
    if not 0.0 <= sensitivity <= 1.0:
        raise ValueError(f"sensitivity {sensitivity} is outside 0 to 1")


@dataclass(frozen=True, eq=False)
class OnsetAnalysis:
    """What every sensitivity shares: the flux and the signals the attacks are refined on.
    Made once (the slow part), then picking at any sensitivity is quick, so a dialog can count
    the cuts as the sensitivity changes without reading or analysing the audio again."""

    sample_rate: int
    flux: np.ndarray
    signals: tuple[np.ndarray, ...]
    floors: tuple[float, ...]

    def onsets(self, sensitivity: float, *, min_gap_ms: float = 50.0) -> np.ndarray:
        """The onset frames at this sensitivity: see `detect_onsets`."""
        check_sensitivity(sensitivity)
        if not self.signals:
            return np.zeros(0, dtype=np.int64)
        rate = self.sample_rate
        min_rise_db = MIN_RISE_DB[1] + (MIN_RISE_DB[0] - MIN_RISE_DB[1]) * (1.0 - sensitivity)
        gap = max(1, round(min_gap_ms * rate / 1000))
        found: list[int] = []
        for index in pick_peaks(self.flux, sensitivity, max(1, min(PEAK_FRAMES, gap // HOP))):
            # Flux frame t is centred on sample t·HOP and compares it with frame t − 1: the
            # rise it saw lies between half a window before and half a window after. Not
            # before the last onset's gap, so a peak next to it never finds the same attack.
            centre = int(index) * HOP
            lo = centre - WINDOW // 2 - HOP
            if found:
                lo = max(lo, found[-1] + gap)
            onset = refine_onset(self.signals, self.floors, rate, lo, centre + WINDOW // 2,
                                 min_rise_db)
            if onset is not None and (not found or onset - found[-1] >= gap):
                found.append(onset)
        return np.array(found, dtype=np.int64)


def analyse_onsets(audio: np.ndarray, sample_rate: int,
                   progress: Progress | None = None) -> OnsetAnalysis:
    """The analysis of `audio` that `OnsetAnalysis.onsets` picks from; silence has none."""
    mono = _mono(audio)
    if mono.size == 0 or not np.any(mono):
        return OnsetAnalysis(sample_rate, np.zeros(0), (), ())
    flux = spectral_flux(mono, sample_rate, progress=progress)
    signals = (mono, np.diff(mono, prepend=0.0))
    floors = tuple(silence_floor(signal) for signal in signals)
    return OnsetAnalysis(sample_rate, flux, signals, floors)


def _mono(audio: np.ndarray) -> np.ndarray:
    if audio.ndim == 2:
        return audio.astype(np.float64).mean(axis=1)
    if audio.ndim == 1:
        return audio.astype(np.float64)
    raise ValueError(f"audio must be (frames,) or (frames, channels), got {audio.shape}")


def band_matrix(sample_rate: int) -> np.ndarray:
    """(bins, BANDS): sums the FFT bins into bands spaced evenly in log frequency, so a
    kick's few low bins weigh as much as a cymbal's thousand high ones."""
    bins = WINDOW // 2 + 1
    freqs = np.arange(bins) * sample_rate / WINDOW
    top = min(BAND_TOP_HZ, sample_rate / 2)
    edges = np.geomspace(BAND_BOTTOM_HZ, top, BANDS + 1)
    index = np.clip(np.searchsorted(edges, freqs, side="right") - 1, 0, BANDS - 1)
    matrix = np.zeros((bins, BANDS))
    matrix[np.arange(bins), index] = 1.0
    used = matrix.sum(axis=0) > 0
    return matrix[:, used] / matrix[:, used].sum(axis=0)


def spectral_flux(mono: np.ndarray, sample_rate: int, chunk: int = 2048,
                  progress: Progress | None = None) -> np.ndarray:
    """Positive log-magnitude flux per hop, normalised so its largest value is 1.

    Frame t is centred on sample t·HOP (the signal is padded with half a window at each
    end). Computed `chunk` frames at a time, so a long clip needs little memory, and
    `progress` hears the fraction done after each chunk (and may raise to stop)."""
    # Mirrored at the start, so the audio starting is no rise; silence after the end.
    head = mono[1:WINDOW // 2 + 1][::-1]
    head = np.concatenate([np.zeros(WINDOW // 2 - len(head)), head])
    padded = np.concatenate([head, mono, np.zeros(WINDOW // 2 + HOP)])
    count = 1 + (len(padded) - WINDOW) // HOP
    window = np.hanning(WINDOW)
    bands = band_matrix(sample_rate)
    flux = np.zeros(count)
    previous: np.ndarray | None = None
    for first in range(0, count, chunk):
        last = min(count, first + chunk)
        starts = np.arange(first, last) * HOP
        frames = padded[starts[:, None] + np.arange(WINDOW)[None, :]] * window
        spectrum = np.abs(np.fft.rfft(frames, axis=1)) @ bands
        magnitude = np.log1p(LOG_COMPRESSION * spectrum)
        before = np.vstack([magnitude[:1] if previous is None else previous, magnitude[:-1]])
        flux[first:last] = np.maximum(magnitude - before, 0.0).sum(axis=1)
        previous = magnitude[-1:]
        if progress is not None:
            progress(last / count)
    top = flux.max()
    return flux / top if top > 0 else flux


def pick_peaks(flux: np.ndarray, sensitivity: float, spread: int = PEAK_FRAMES) -> np.ndarray:
    """Indices of flux peaks above the adaptive threshold (the local median plus a margin
    that shrinks as the sensitivity grows: 0.32 of the largest flux at 0, 0.02 at 1) that are
    the largest within `spread` frames either side."""
    n = len(flux)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    margin = 0.02 + 0.3 * (1.0 - sensitivity)
    padded = np.pad(flux, MEDIAN_FRAMES, mode="edge")
    spans = np.lib.stride_tricks.sliding_window_view(padded, 2 * MEDIAN_FRAMES + 1)
    threshold = np.median(spans, axis=1) + margin
    around = np.lib.stride_tricks.sliding_window_view(
        np.pad(flux, spread, mode="constant", constant_values=-1.0), 2 * spread + 1)
    local_max = flux >= around.max(axis=1)
    # Among equal neighbours (a flat top), keep the first.
    first_of_run = np.concatenate([[True], flux[1:] != flux[:-1]])
    return np.flatnonzero((flux > threshold) & local_max & first_of_run)


def refine_onset(signals: tuple[np.ndarray, ...], floors: tuple[float, ...],
                 sample_rate: int, lo: int, hi: int, min_rise_db: float = 3.0) -> int | None:
    """The sample where the attack that starts within [lo, hi) begins; None when no signal's
    energy rises there by more than `min_rise_db` over the 10 ms before, or above its floor
    (an energy: see `silence_floor`).

    `signals` are views of the same audio (the mix, and its first difference, in which a
    hi-hat over the tail of a kick stands out); the one whose energy rises most is used."""
    short = max(1, round(ENVELOPE_MS * sample_rate / 1000))
    before = max(1, round(BEFORE_MS * sample_rate / 1000))
    lo, hi = max(0, lo), min(len(signals[0]), hi + short)
    if hi <= lo:
        return None
    best = None
    for signal, floor in zip(signals, floors, strict=True):
        env, prior = _envelopes(signal, lo, hi, short, before)
        rise = np.log((env + floor) / (prior + floor))
        k = int(np.argmax(rise))
        if env[k] > floor and (best is None or rise[k] > best[0]):
            best = (float(rise[k]), k, env, prior)
    if best is None or best[0] <= min_rise_db * np.log(10.0) / 10.0:
        return None
    _rise, k, env, prior = best
    level = np.sqrt(env)
    peak_at = k + int(np.argmax(level[k:k + short]))
    base = np.sqrt(prior[k])
    threshold = base + ATTACK_FRACTION * (level[peak_at] - base)
    below = np.flatnonzero(level[:peak_at + 1] <= threshold)
    return lo + (int(below[-1]) + 1 if below.size else 0)


def _envelopes(signal: np.ndarray, lo: int, hi: int, short: int,
               before: int) -> tuple[np.ndarray, np.ndarray]:
    """For each sample i in [lo, hi): the mean energy of [i − short + 1, i] and of the
    `before` samples ahead of that."""
    first = max(0, lo - short - before)
    segment = signal[first:hi]
    energy = np.concatenate([[0.0], np.cumsum(segment * segment)])
    idx = np.arange(lo, hi) - first
    env = (energy[idx + 1] - energy[np.maximum(idx + 1 - short, 0)]) / short
    # Near the start of the audio the stretch before is shorter: the mean of what there is
    # (and no rise at all in the first millisecond: the start of a clip is not an onset).
    prior_start = np.maximum(idx + 1 - short - before, 0)
    prior_end = np.maximum(idx + 1 - short, 0)
    known = prior_end - prior_start
    prior = (energy[prior_end] - energy[prior_start]) / np.maximum(known, 1)
    return env, np.where(known >= short, prior, env)


def silence_floor(signal: np.ndarray) -> float:
    """The energy that counts as silence: FLOOR_DB under the loudest sample's."""
    loudest = float(np.max(signal * signal))
    return max(loudest * 10 ** (FLOOR_DB / 10), 1e-20)
