"""Clip pitch shift: the frequency moves by 2^(semitones/12 + cents/1200), the length stays."""

from __future__ import annotations

import numpy as np
import pytest

from daw.dsp.pitch import pitch_shift

RATE = 48000


def tone(freq_hz: float, frames: int = 2 * RATE, channels: int = 2) -> np.ndarray:
    wave = (0.5 * np.sin(2 * np.pi * freq_hz * np.arange(frames) / RATE)).astype(np.float32)
    return np.repeat(wave[:, None], channels, axis=1)


def measured_frequency(signal: np.ndarray) -> float:
    """The strongest frequency in the middle half, from a zero-padded, windowed FFT with the
    peak refined by a parabola through its log magnitudes."""
    middle = signal[len(signal) // 4 : 3 * len(signal) // 4].astype(np.float64)
    size = 8 * len(middle)
    spectrum = np.abs(np.fft.rfft(middle * np.hanning(len(middle)), size))
    k = int(np.argmax(spectrum))
    left, centre, right = np.log(spectrum[k - 1 : k + 2])
    offset = 0.5 * (left - right) / (left - 2 * centre + right)
    return (k + offset) * RATE / size


@pytest.mark.parametrize(
    ("semitones", "cents"),
    [(12.0, 0.0), (-7.0, 0.0), (0.0, 50.0), (1.0, -50.0), (-2.0, -13.0)],
)
def test_frequency_moves_by_the_interval_and_the_length_stays(
    semitones: float, cents: float
) -> None:
    source = tone(440.0)
    shifted = pitch_shift(source, RATE, semitones, cents)
    assert shifted.shape == source.shape and shifted.dtype == np.float32
    ratio = 2.0 ** (semitones / 12.0 + cents / 1200.0)
    for channel in range(2):
        np.testing.assert_allclose(measured_frequency(shifted[:, channel]), 440.0 * ratio,
                                   rtol=1e-3)


def test_an_octave_up_doubles_the_frequency_within_one_percent() -> None:
    source = tone(330.0, 100_001)  # an odd length, kept to the frame
    shifted = pitch_shift(source, RATE, 12.0)
    assert shifted.shape == (100_001, 2)
    np.testing.assert_allclose(measured_frequency(shifted[:, 0]), 660.0, rtol=0.01)
    # The level of a steady tone is kept, too.
    middle = slice(25_000, 75_000)
    np.testing.assert_allclose(np.abs(shifted[middle]).max(), 0.5, rtol=0.1)


def test_formants_can_be_kept_for_a_voice() -> None:
    shifted = pitch_shift(tone(440.0), RATE, -4.0, 0.0, preserve_formants=True)
    np.testing.assert_allclose(measured_frequency(shifted[:, 0]), 440.0 * 2 ** (-4 / 12),
                               rtol=1e-3)


def test_no_shift_returns_the_input_unchanged() -> None:
    source = tone(440.0, 5000)
    same = pitch_shift(source, RATE, 0.0, 0.0)
    np.testing.assert_array_equal(same, source)
    assert same is not source
    np.testing.assert_array_equal(pitch_shift(source, RATE, 1.0, -100.0), source)


def test_mono_and_very_short_clips_keep_their_shape() -> None:
    mono = tone(440.0, RATE, channels=1)[:, 0]
    shifted = pitch_shift(mono, RATE, -3.0)
    assert shifted.shape == mono.shape
    np.testing.assert_allclose(measured_frequency(shifted), 440.0 * 2 ** (-3 / 12), rtol=1e-3)
    for frames in (1, 2, 10, 100):
        assert pitch_shift(tone(440.0, frames), RATE, 2.0).shape == (frames, 2)


def test_shifts_out_of_range_are_refused() -> None:
    with pytest.raises(ValueError, match=r"30\.0 semitones is outside ±24"):
        pitch_shift(tone(440.0, 100), RATE, 30.0)
    with pytest.raises(ValueError, match=r"150\.0 cents is outside ±100"):
        pitch_shift(tone(440.0, 100), RATE, 0.0, 150.0)
