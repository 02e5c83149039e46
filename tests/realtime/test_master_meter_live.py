"""The master meter while playing on the JACK device: the engine state carries the figures of
the audio heard so far, equal to measuring the offline render of that stretch."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from daw.engine.live.master_meter import MasterMeter
from tests.engine.songs import RATE
from tests.realtime.engine_helpers import (
    backing_song,
    new_song,
    offline_render,
    running_engine,
    wait_until,
)


def measured(audio: np.ndarray) -> MasterMeter:
    meter = MasterMeter(RATE)
    meter.process(audio)
    return meter


def test_the_state_carries_the_figures_of_what_was_heard(tmp_path: Path, jack_device) -> None:
    song = new_song(tmp_path)
    backing_song(song, seconds=6.0)
    with running_engine(song.project, song.folder, jack_device) as engine:
        assert engine.state.master_meter is None  # nothing played yet
        engine.play()
        wait_until(lambda: (engine.state.master_meter is not None
                            and engine.state.master_meter.seconds > 3.5))
        engine.stop()
        kept = engine.state.master_meter
        assert kept is not None and kept.seconds > 3.5  # the figures stay after stop
        heard = round(kept.seconds * RATE)
        expected = measured(offline_render(song, 0, heard)).reading()
        assert math.isfinite(kept.integrated_lufs)
        np.testing.assert_allclose(
            [kept.integrated_lufs, kept.momentary_lufs, kept.short_term_lufs,
             kept.max_momentary_lufs, kept.loudness_range_lu, *kept.sample_peak_dbfs,
             kept.correlation],
            [expected.integrated_lufs, expected.momentary_lufs, expected.short_term_lufs,
             expected.max_momentary_lufs, expected.loudness_range_lu,
             *expected.sample_peak_dbfs, expected.correlation], atol=1e-6)
        np.testing.assert_allclose(kept.true_peak_dbtp, expected.true_peak_dbtp, atol=0.05)
        np.testing.assert_allclose(kept.spectrum_db, expected.spectrum_db, atol=1e-6)

        engine.locate(2 * RATE)  # while stopped: no play, the figures wait
        engine.play()  # play starts them again from here
        wait_until(lambda: engine.state.master_meter.seconds > 1.0)
        engine.reset_master_peaks()
        engine.stop()
        again = engine.state.master_meter
        assert again.seconds < kept.seconds
        assert again.true_peak_max_dbtp <= expected.true_peak_max_dbtp + 0.05
        assert engine.state.error is None
