"""Spectrum in fractional-octave bands from 20 Hz to 20 kHz: a live analyser for the master and
the long-term average of a whole file (the tonal balance the mastering assistant compares).

Frames of `fft_size` samples, Hann-windowed, overlapping by half (or not at all, for the live
display, where the smoothing hides the difference and it halves the cost); each frame's power
spectrum is the mean over the channels (so content in opposite phase on the two sides does
not cancel, as it would in a mono sum). A band's power is the sum of the FFT bins it covers,
a bin counted by the fraction of its width inside the band, so every bin's power lands in
some band and neighbouring bands share a bin they split. The scale is AES17's: a full-scale
sine reads 0 dB in its band, whatever the window and the FFT size.

Band centres are the base-10 series of IEC 61260 (1000 Hz · 10^(3k / 10b) for b bands an
octave), edges halfway between centres on a log scale. At 4096 points and 48 kHz a bin is
11.7 Hz wide, wider than the bands below about 50 Hz: those bands then share the power of the
bins they overlap and read as a smoothed curve, not a finer one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

FFT_SIZE = 4096
_BATCH = 16  # frames transformed at once when a long block comes in
LOWEST_HZ = 20.0
HIGHEST_HZ = 20000.0
_FLOOR_DB = -150.0  # what an empty band reads; keeps the numbers finite for plotting and JSON


def band_centres(bands_per_octave: int = 3) -> np.ndarray:
    """Nominal-exact centres (Hz) from 20 Hz to 20 kHz."""
    step = 3.0 / (10.0 * bands_per_octave)  # in decades
    # Nominal 20 Hz and 20 kHz are the exact 19.95 Hz and 19.95 kHz of the series.
    first = math.ceil(math.log10(LOWEST_HZ / 1000.0) / step - 0.1)
    last = math.floor(math.log10(HIGHEST_HZ / 1000.0) / step + 0.1)
    return 1000.0 * 10.0 ** (step * np.arange(first, last + 1))


def _band_matrix(sample_rate: int, fft_size: int, centres: np.ndarray,
                 bands_per_octave: int) -> np.ndarray:
    """(bins, bands): the fraction of each FFT bin's width that lies inside each band."""
    half = 10.0 ** (3.0 / (20.0 * bands_per_octave))  # a centre to its edges
    lower, upper = centres / half, centres * half
    width = sample_rate / fft_size
    bins = np.arange(fft_size // 2 + 1)
    bin_low = np.maximum((bins - 0.5) * width, 0.0)
    bin_high = np.minimum((bins + 0.5) * width, sample_rate / 2.0)
    overlap = (np.minimum(bin_high[:, None], upper[None, :])
               - np.maximum(bin_low[:, None], lower[None, :]))
    return np.clip(overlap, 0.0, None) / width


@dataclass(frozen=True)
class SpectrumReading:
    centres_hz: tuple[float, ...]
    levels_db: tuple[float, ...]
    """Band levels in dB relative to a full-scale sine."""


class SpectrumAnalyser:
    """Band levels of a (frames, channels) stream: smoothed with a time constant for the live
    display, and averaged plainly since the start for a whole file."""

    def __init__(self, sample_rate: int, fft_size: int = FFT_SIZE, bands_per_octave: int = 3,
                 time_constant_s: float = 0.3, overlap: bool = True) -> None:
        if fft_size < 16 or fft_size & (fft_size - 1):
            raise ValueError("the FFT size must be a power of two of at least 16")
        self.sample_rate = sample_rate
        self.fft_size = fft_size
        self._hop = fft_size // 2 if overlap else fft_size
        self._window = np.hanning(fft_size + 1)[:-1]  # periodic Hann: halves overlap-add flat
        # Parseval: the bins of a frame hold fft_size · Σ(x·w)²; a sine of amplitude A gives
        # A²/2 · fft_size · Σw² over both halves, so this scale makes a full-scale sine 1.
        self._scale = 2.0 / (fft_size * float(self._window @ self._window))
        centres = band_centres(bands_per_octave)
        self._centres = centres[centres < sample_rate / 2.0]
        self._centres_tuple = tuple(float(c) for c in self._centres)
        self._matrix = _band_matrix(sample_rate, fft_size, self._centres, bands_per_octave)
        self._smoothing = math.exp(-self._hop / (time_constant_s * sample_rate))
        self.reset()

    @property
    def centres_hz(self) -> tuple[float, ...]:
        return self._centres_tuple

    def reset(self) -> None:
        self._buffer = np.zeros((2 * self.fft_size, 0))  # frames not yet transformed, first
        self._filled = 0
        self._smoothed = np.zeros(len(self._centres))
        self._sum = np.zeros(len(self._centres))
        self._frames_counted = 0
        self._started = False
        self._levels: tuple[float, ...] | None = None

    def process(self, block: np.ndarray) -> None:
        """Take in a (frames, channels) block (or a (frames,) one)."""
        wide = np.asarray(block)
        if wide.ndim == 1:
            wide = wide[:, None]
        frames, channels = wide.shape
        if frames == 0:
            return
        if self._buffer.shape[1] != channels:
            self._buffer = np.zeros((2 * self.fft_size, channels))
            self._filled = 0
        if self._filled + frames > self._buffer.shape[0]:
            grown = np.zeros((max(2 * self._buffer.shape[0], self._filled + frames), channels))
            grown[: self._filled] = self._buffer[: self._filled]
            self._buffer = grown
        self._buffer[self._filled : self._filled + frames] = wide
        self._filled += frames
        count = (self._filled - self.fft_size) // self._hop + 1
        if count <= 0:
            return
        buffer = self._buffer
        step, across = buffer.strides
        for first in range(0, count, _BATCH):
            # Frames first..first+n as a strided view (channels, fft_size) each, no copy.
            n = min(_BATCH, count - first)
            frames_view = np.lib.stride_tricks.as_strided(
                buffer[first * self._hop :], shape=(n, channels, self.fft_size),
                strides=(self._hop * step, across, step), writeable=False)
            powers = self._band_powers(frames_view)
            self._sum += powers.sum(axis=0)
            self._frames_counted += n
            self._levels = None
            for power in powers:
                if self._started:
                    self._smoothed *= self._smoothing
                    self._smoothed += (1.0 - self._smoothing) * power
                else:
                    self._smoothed[:] = power
                    self._started = True
        used = count * self._hop
        rest = self._filled - used
        buffer[:rest] = buffer[used : self._filled].copy()
        self._filled = rest

    def _band_powers(self, frames: np.ndarray) -> np.ndarray:
        """frames (count, channels, fft_size) → band powers (count, bands), channel mean."""
        spectrum = np.fft.rfft(frames * self._window, axis=-1)
        power = (spectrum.real**2 + spectrum.imag**2).mean(axis=1) * self._scale
        power[:, 1:-1] *= 2.0  # the negative frequencies
        return power @ self._matrix

    def levels_db(self) -> tuple[float, ...]:
        """The smoothed band levels, for a live display (kept until the next frame)."""
        if self._levels is None:
            self._levels = _db(self._smoothed)
        return self._levels

    def average_levels_db(self) -> tuple[float, ...]:
        """The mean band levels since the start; a signal shorter than one FFT frame is
        measured as one frame padded with silence."""
        if self._frames_counted:
            return _db(self._sum / self._frames_counted)
        if self._filled:
            padded = np.zeros((self.fft_size, self._buffer.shape[1]))
            padded[: self._filled] = self._buffer[: self._filled]
            return _db(self._band_powers(padded.T[None])[0])
        return _db(np.zeros(len(self._centres)))

    def reading(self) -> SpectrumReading:
        return SpectrumReading(self.centres_hz, self.levels_db())

    def average(self) -> SpectrumReading:
        return SpectrumReading(self.centres_hz, self.average_levels_db())


def _db(power: np.ndarray) -> tuple[float, ...]:
    floor = 10.0 ** (_FLOOR_DB / 10.0)
    return tuple((10.0 * np.log10(np.maximum(power, floor))).tolist())


def average_spectrum(audio: np.ndarray, sample_rate: int, bands_per_octave: int = 3,
                     fft_size: int = FFT_SIZE) -> SpectrumReading:
    """Long-term average band levels of a whole signal."""
    analyser = SpectrumAnalyser(sample_rate, fft_size, bands_per_octave)
    wide = np.asarray(audio)
    for start in range(0, wide.shape[0], 65536):
        analyser.process(wide[start : start + 65536])
    return analyser.average()
