"""True-peak meters written apart from MiniDAW's, for tests that must not trust the code they
check: an ideal 4× interpolation by FFT (zero-padded, so the ends do not wrap) and the
48-tap interpolator printed in ITU-R BS.1770-4 Annex 2, applied by plain convolution."""

from __future__ import annotations

import numpy as np

_BS1770_FIRST_HALF = np.array([
    [0.0017089843750, 0.0109863281250, -0.0196533203125, 0.0332031250000,
     -0.0594482421875, 0.1373291015625, 0.9721679687500, -0.1022949218750,
     0.0476074218750, -0.0266113281250, 0.0148925781250, -0.0083007812500],
    [-0.0291748046875, 0.0292968750000, -0.0517578125000, 0.0891113281250,
     -0.1665039062500, 0.4650878906250, 0.7797851562500, -0.2003173828125,
     0.1015625000000, -0.0582275390625, 0.0330810546875, -0.0189208984375],
])
BS1770_PHASES = np.vstack([_BS1770_FIRST_HALF, _BS1770_FIRST_HALF[::-1, ::-1]])


def _as_2d(audio: np.ndarray) -> np.ndarray:
    wide = np.asarray(audio, dtype=np.float64)
    return wide[:, None] if wide.ndim == 1 else wide


def fft_true_peak_dbtp(audio: np.ndarray) -> float:
    """The ideal band-limited waveform at 4 points a sample, silence before and after."""
    wide = _as_2d(audio)
    padded = np.concatenate([wide, np.zeros_like(wide)])
    n = padded.shape[0]
    spectrum = np.fft.rfft(padded, axis=0)
    wider = np.zeros((2 * n + 1, wide.shape[1]), dtype=complex)
    wider[: spectrum.shape[0]] = spectrum
    if n % 2 == 0:
        wider[n // 2] *= 0.5  # the Nyquist bin splits between its two images
    upsampled = np.fft.irfft(wider, 4 * n, axis=0) * 4
    return float(20 * np.log10(np.abs(upsampled).max()))


def bs1770_true_peak_dbtp(audio: np.ndarray) -> float:
    """The standard's meter: the four phases of its interpolator over the samples, with
    silence before and after."""
    wide = _as_2d(audio)
    padded = np.concatenate([np.zeros((12, wide.shape[1])), wide, np.zeros((12, wide.shape[1]))])
    peak = 0.0
    for phase in BS1770_PHASES:
        for channel in range(wide.shape[1]):
            peak = max(peak, float(np.abs(np.convolve(padded[:, channel], phase)).max()))
    return float(20 * np.log10(peak))
