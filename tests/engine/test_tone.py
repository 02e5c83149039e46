"""The test tone: a sine at the asked level on every output, ramped at both ends."""

from __future__ import annotations

import numpy as np
import pytest

from daw.engine.live.tone import make_test_tone


def test_a_second_of_1khz_at_minus_20_dbfs() -> None:
    tone = make_test_tone(48000, 1000.0, -20.0, 1.0, channels=2)
    assert tone.shape == (48000, 2) and tone.dtype == np.float32
    np.testing.assert_array_equal(tone[:, 0], tone[:, 1])
    t = np.arange(48000) / 48000
    expected = 0.1 * np.sin(2 * np.pi * 1000.0 * t)
    ramp = np.linspace(0.0, 1.0, 240, endpoint=False)
    expected[:240] *= ramp
    expected[-240:] *= ramp[::-1]
    np.testing.assert_allclose(tone[:, 0], expected, atol=1e-7)
    middle = tone[240:-240, 0]
    np.testing.assert_allclose(np.abs(middle).max(), 0.1, rtol=1e-4)  # −20 dBFS peak
    spectrum = np.abs(np.fft.rfft(tone[:, 0]))
    assert spectrum.argmax() == 1000  # one bin a hertz


def test_other_rates_and_channel_counts() -> None:
    tone = make_test_tone(44100, 440.0, -6.0, 0.5, channels=1)
    assert tone.shape == (22050, 1)
    np.testing.assert_allclose(np.abs(tone).max(), 10 ** (-6 / 20), rtol=1e-3)
    assert tone[0, 0] == 0.0


@pytest.mark.parametrize(("rate", "freq", "seconds", "channels"), [
    (48000, 30000.0, 1.0, 2), (48000, 0.0, 1.0, 2), (48000, 1000.0, 0.0, 2),
    (48000, 1000.0, 1.0, 0)])
def test_impossible_tones_are_refused(rate, freq, seconds, channels) -> None:
    with pytest.raises(ValueError):
        make_test_tone(rate, freq, -20.0, seconds, channels)
