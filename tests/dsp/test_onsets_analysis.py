"""Onset detection in two steps (analyse once, pick at any sensitivity) and its progress
reports, which a worker uses to show how far it got and to stop on Cancel."""

from __future__ import annotations

import numpy as np
import pytest

from daw.dsp.onsets import analyse_onsets, detect_onsets
from tests.dsp.test_onsets import RATE, drum_loop


class Stop(Exception):
    pass


def test_one_analysis_picks_what_detection_finds_at_every_sensitivity() -> None:
    audio, onsets = drum_loop(1)
    stereo = np.stack([audio, 0.5 * audio], axis=1).astype(np.float32)
    analysis = analyse_onsets(stereo, RATE)
    counts = []
    for sensitivity in (0.0, 0.3, 0.5, 0.8, 1.0):
        found = analysis.onsets(sensitivity)
        np.testing.assert_array_equal(found, detect_onsets(stereo, RATE, sensitivity))
        counts.append(len(found))
    assert counts[2] == len(onsets)
    np.testing.assert_array_equal(analysis.onsets(0.9, min_gap_ms=5),
                                  detect_onsets(stereo, RATE, 0.9, min_gap_ms=5))


def test_silence_has_an_empty_analysis() -> None:
    analysis = analyse_onsets(np.zeros((5000, 2)), RATE)
    assert analysis.onsets(1.0).tolist() == []
    with pytest.raises(ValueError, match="outside 0 to 1"):
        analysis.onsets(-0.1)


def test_progress_rises_to_one_block_by_block() -> None:
    audio, _ = drum_loop(0, bars=16)  # about 33 s: several blocks of flux
    heard: list[float] = []
    found = detect_onsets(audio, RATE, progress=heard.append)
    np.testing.assert_array_equal(found, detect_onsets(audio, RATE))
    assert len(heard) >= 3
    assert heard == sorted(heard) and heard[0] > 0.0 and heard[-1] == 1.0


def test_a_progress_report_that_raises_stops_the_analysis() -> None:
    audio, _ = drum_loop(0, bars=16)
    heard: list[float] = []

    def progress(fraction: float) -> None:
        heard.append(fraction)
        if len(heard) == 2:
            raise Stop

    with pytest.raises(Stop):
        analyse_onsets(audio, RATE, progress)
    assert len(heard) == 2 and heard[-1] < 1.0
