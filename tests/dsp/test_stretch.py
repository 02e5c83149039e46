"""Clip time stretch: the length changes by the factor, the frequency stays; with a pitch shift
as well, the frequency moves by the interval."""

from __future__ import annotations

import numpy as np
import pytest

from daw.dsp.stretch import stretched_length, time_stretch
from tests.dsp.test_pitch import RATE, measured_frequency, tone


@pytest.mark.parametrize("stretch", [1.5, 0.5, 2.0, 0.8])
def test_stretch_changes_the_length_and_keeps_the_frequency(stretch: float) -> None:
    source = tone(440.0, RATE)
    out = time_stretch(source, RATE, stretch)
    assert out.shape == (round(RATE * stretch), 2) and out.dtype == np.float32
    for channel in range(2):
        np.testing.assert_allclose(measured_frequency(out[:, channel]), 440.0, rtol=0.01)


def test_one_and_a_half_times_as_long_within_one_percent_of_the_pitch() -> None:
    source = tone(330.0, 100_001)
    out = time_stretch(source, RATE, 1.5)
    assert out.shape[0] == stretched_length(100_001, 1.5) == 150_002
    np.testing.assert_allclose(measured_frequency(out[:, 0]), 330.0, rtol=0.01)
    # A steady tone keeps its level.
    np.testing.assert_allclose(np.abs(out[40_000:110_000]).max(), 0.5, rtol=0.1)


def test_stretch_and_pitch_together() -> None:
    out = time_stretch(tone(440.0, RATE), RATE, 1.25, 12.0, 0.0)
    assert out.shape == (60_000, 2)
    np.testing.assert_allclose(measured_frequency(out[:, 0]), 880.0, rtol=0.01)
    out = time_stretch(tone(440.0, RATE), RATE, 0.75, -5.0, 30.0)
    assert out.shape == (36_000, 2)
    np.testing.assert_allclose(measured_frequency(out[:, 0]), 440.0 * 2 ** (-4.7 / 12),
                               rtol=0.01)


def test_the_length_asked_for_is_the_length_given() -> None:
    source = tone(440.0, 12_345, channels=1)[:, 0]
    for frames in (18_517, 18_518, 18_519, 0, 5):
        out = time_stretch(source, RATE, 1.5, out_frames=frames)
        assert out.shape == (frames,)


def test_onsets_move_with_the_stretch() -> None:
    """A burst at frame f sounds near f × stretch (the stretcher smears attacks a few ms)."""
    rng = np.random.default_rng(3)
    audio = np.zeros(RATE, np.float32)
    onsets = (4800, 20_000, 33_333)
    for at in onsets:
        audio[at:at + 2000] += (rng.standard_normal(2000) * np.exp(-np.arange(2000) / 300)
                                ).astype(np.float32)
    out = time_stretch(audio, RATE, 1.5)
    level = np.abs(out)
    for at in onsets:
        where = round(at * 1.5)
        window = level[where - 1500:where + 1500]
        found = where - 1500 + int(np.argmax(window > 0.1 * window.max()))
        assert abs(found - where) <= 0.008 * RATE


def test_stretch_of_one_is_a_pitch_shift_and_unprocessed_is_a_copy() -> None:
    source = tone(440.0, 5000)
    np.testing.assert_array_equal(time_stretch(source, RATE, 1.0), source)
    shifted = time_stretch(tone(440.0), RATE, 1.0, 12.0)
    assert shifted.shape == (2 * RATE, 2)
    np.testing.assert_allclose(measured_frequency(shifted[:, 0]), 880.0, rtol=0.01)


def test_short_and_empty_clips() -> None:
    for frames in (1, 3, 70, 500):
        out = time_stretch(tone(440.0, frames), RATE, 2.0)
        assert out.shape == (2 * frames, 2)
    assert time_stretch(np.zeros((0, 2), np.float32), RATE, 2.0).shape == (1, 2)


def test_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match=r"time stretch of 5 is outside 0\.25 to 4"):
        time_stretch(tone(440.0, 100), RATE, 5)
    with pytest.raises(ValueError, match=r"30\.0 semitones is outside ±24"):
        time_stretch(tone(440.0, 100), RATE, 1.5, 30.0)
