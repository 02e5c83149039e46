"""Onset detection on generated parts with hits at known frames: found within 2 ms."""

from __future__ import annotations

import numpy as np
import pytest

from daw.dsp.onsets import detect_onsets

RATE = 48000
TWO_MS = round(0.002 * RATE)


def kick(frames: int = 6000) -> np.ndarray:
    """A sine that sweeps down from 180 Hz to 60 Hz and decays, starting at phase 0."""
    t = np.arange(frames) / RATE
    freq = 60.0 * (1 + 2 * np.exp(-t * 120))
    return 0.9 * np.sin(2 * np.pi * np.cumsum(freq) / RATE) * np.exp(-t * 20)


def snare(rng: np.random.Generator, frames: int = 6000) -> np.ndarray:
    return 0.6 * rng.standard_normal(frames) * np.exp(-np.arange(frames) / 700)


def click() -> np.ndarray:
    return np.array([0.8, -0.6, 0.3, -0.1])


def drum_loop(seed: int = 0, bars: int = 2) -> tuple[np.ndarray, list[int]]:
    """Sixteenth notes at 120 bpm, each played up to 12 ms early or late: kick, hat (a click),
    snare, hat, at levels from -10 to 0 dB, over a faint noise floor."""
    rng = np.random.default_rng(seed)
    sixteenth = RATE // 8
    frames = bars * 16 * sixteenth + RATE // 2
    audio = 1e-4 * rng.standard_normal(frames)
    onsets = []
    for step in range(bars * 16):
        at = 2000 + step * sixteenth + int(rng.integers(-600, 600))
        sound = (kick(), click(), snare(rng), click())[step % 4]
        audio[at:at + len(sound)] += 10 ** (rng.uniform(-10, 0) / 20) * sound
        onsets.append(at)
    return audio, onsets


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_hits_of_a_drum_loop_are_found_within_two_milliseconds(seed: int) -> None:
    audio, onsets = drum_loop(seed)
    found = detect_onsets(audio.astype(np.float32), RATE)
    assert len(found) == len(onsets)
    assert np.abs(found - np.array(onsets)).max() <= TWO_MS
    assert found.dtype == np.int64


def test_stereo_is_analysed_as_its_mix() -> None:
    audio, onsets = drum_loop(4)
    left_only = np.stack([2 * audio, np.zeros_like(audio)], axis=1)
    found = detect_onsets(left_only, RATE)
    np.testing.assert_array_equal(found, detect_onsets(audio, RATE))
    assert np.abs(found - np.array(onsets)).max() <= TWO_MS


def test_a_click_on_silence_is_found_on_its_first_sample() -> None:
    audio = np.zeros(RATE)
    for at in (3000, 17_777, 30_001):
        audio[at:at + 4] += click()
    np.testing.assert_array_equal(detect_onsets(audio, RATE), [3000, 17_777, 30_001])


def test_notes_of_a_tonal_part() -> None:
    """Sine notes with a 1 ms attack, each ringing on under the next, over noise at -50 dB:
    each found within 2 ms."""
    rng = np.random.default_rng(7)
    spacing = 12_000
    audio = 0.003 * rng.standard_normal(12 * spacing)
    onsets = []
    for i, freq in enumerate((220, 330, 247, 440, 392, 262, 294, 523, 196, 349, 440)):
        at = 2000 + i * spacing + int(rng.integers(-300, 300))
        t = np.arange(len(audio) - at)
        envelope = np.minimum(t / 48, 1) * np.exp(-t / 8000)
        audio[at:] += 0.4 * envelope * np.sin(2 * np.pi * freq * t / RATE)
        onsets.append(at)
    found = detect_onsets(audio, RATE)
    assert len(found) == len(onsets)
    assert np.abs(found - np.array(onsets)).max() <= TWO_MS


def test_sensitivity_decides_about_soft_hits() -> None:
    """Over steady noise at -30 dB, two hits rise far above it and two only about 10 dB:
    the soft ones are found only when the detection is sensitive."""
    rng = np.random.default_rng(3)
    audio = 0.03 * rng.standard_normal(2 * RATE)
    loud, soft = (4000, 52_000), (28_000, 76_000)
    for at in loud:
        audio[at:at + 6000] += snare(rng)
    for at in soft:
        audio[at:at + 6000] += 0.15 * snare(rng)
    found = detect_onsets(audio, RATE, 0.1)
    assert len(found) == 2
    assert np.abs(found - np.array(loud)).max() <= TWO_MS
    found = detect_onsets(audio, RATE, 0.7)
    assert len(found) == 4
    assert np.abs(found - np.array(sorted(loud + soft))).max() <= TWO_MS


def test_steady_sounds_have_no_onsets_and_the_start_is_not_one() -> None:
    rng = np.random.default_rng(5)
    assert detect_onsets(np.zeros(RATE), RATE).size == 0
    assert detect_onsets(np.zeros(0), RATE).size == 0
    noise = rng.standard_normal(RATE) * np.exp(-np.arange(RATE) / 100_000)
    assert detect_onsets(noise, RATE).size == 0
    tone = 0.5 * np.sin(2 * np.pi * 440 * np.arange(RATE) / RATE)
    assert detect_onsets(tone, RATE, 1.0).size == 0
    tone[:4800] = 0.0
    found = detect_onsets(tone, RATE)
    assert len(found) == 1 and abs(found[0] - 4800) <= TWO_MS


def test_close_hits_count_once() -> None:
    audio = np.zeros(RATE)
    for at in (10_000, 10_500, 30_000):  # a flam: 10 ms apart
        audio[at:at + 4] += click()
    np.testing.assert_array_equal(detect_onsets(audio, RATE, 0.9), [10_000, 30_000])
    np.testing.assert_array_equal(detect_onsets(audio, RATE, 0.9, min_gap_ms=5),
                                  [10_000, 10_500, 30_000])


def test_bad_sensitivity_is_refused() -> None:
    with pytest.raises(ValueError, match=r"sensitivity 1\.5 is outside 0 to 1"):
        detect_onsets(np.zeros(100), RATE, 1.5)
