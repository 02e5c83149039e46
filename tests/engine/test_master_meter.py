"""The live master meter: its figures equal the dsp meters', and the playback feeder hands it
each chunk once it is heard: without the click, once after a rewrite, from zero after start."""

from __future__ import annotations

import math

import numpy as np
import pytest

from daw.dsp.click import Metronome
from daw.dsp.loudness import measure_loudness
from daw.dsp.spectrum import SpectrumAnalyser
from daw.dsp.stereo import CorrelationMeter
from daw.dsp.true_peak import true_peak_dbtp
from daw.engine.live.master_meter import MasterMeter, MasterMeterReading
from daw.engine.live.playback import PlaybackFeeder
from daw.engine.render.plan import compile_plan
from daw.engine.render.renderer import Renderer
from daw.media import MediaPool
from tests.engine.songs import Song, tone

RATE = 48000
CHUNK = 1000


class Ring:
    """Stands in for the output ring: keeps what is written, gives back from the end."""

    def __init__(self) -> None:
        self.frames = np.zeros((0, 2), dtype=np.float32)

    def write(self, frames: np.ndarray) -> int:
        self.frames = np.concatenate([self.frames, frames])
        return len(frames)

    def take_back(self, count: int) -> int:
        self.frames = self.frames[: len(self.frames) - count]
        return count


def make_feeder(song: Song) -> tuple[PlaybackFeeder, MediaPool]:
    pool = MediaPool(song.folder, song.project.media)
    renderer = Renderer(compile_plan(song.project), pool, max_block=CHUNK)
    feeder = PlaybackFeeder(renderer, RATE, RATE, chunk_frames=CHUNK)
    feeder.master_meter = MasterMeter(RATE)
    return feeder, pool


def offline(song: Song, start: int, frames: int) -> np.ndarray:
    with MediaPool(song.folder, song.project.media) as pool:
        out = np.zeros((frames, 2), dtype=np.float32)
        Renderer(compile_plan(song.project), pool).render(start, out)
        return out


def a_song(song: Song) -> Song:
    song.media("a", tone(6 * RATE, 440, channels=2, amp=0.4))
    song.track("A", pan=0.3)
    song.clip("A", "a", 0, "c")
    return song


def figures(reading: MasterMeterReading) -> list[float]:
    return [reading.momentary_lufs, reading.short_term_lufs, reading.integrated_lufs,
            reading.loudness_range_lu, reading.max_momentary_lufs, reading.max_short_term_lufs,
            *reading.true_peak_dbtp, reading.true_peak_max_dbtp, *reading.sample_peak_dbfs,
            reading.correlation, *reading.spectrum_db, reading.seconds]


def metered(audio: np.ndarray) -> MasterMeterReading:
    meter = MasterMeter(RATE)
    for start in range(0, len(audio), CHUNK):
        meter.process(audio[start : start + CHUNK])
    return meter.reading()


def test_reading_equals_the_dsp_meters() -> None:
    rng = np.random.default_rng(4)
    n = 5 * RATE
    left = 0.3 * np.sin(2 * np.pi * 220 * np.arange(n) / RATE) + 0.05 * rng.standard_normal(n)
    audio = np.stack([left, 0.5 * left + 0.1 * rng.standard_normal(n)], axis=1)
    audio = audio.astype(np.float32)
    reading = metered(audio)
    wide = audio.astype(np.float64)
    loudness = measure_loudness(wide, RATE)
    np.testing.assert_allclose(
        [reading.momentary_lufs, reading.short_term_lufs, reading.integrated_lufs,
         reading.loudness_range_lu, reading.max_momentary_lufs, reading.max_short_term_lufs],
        [loudness.momentary_lufs, loudness.short_term_lufs, loudness.integrated_lufs,
         loudness.loudness_range_lu, loudness.max_momentary_lufs, loudness.max_short_term_lufs],
        atol=1e-9)
    # The live true peak leaves out the last 16 frames (they come with the next chunk).
    per_channel, _ = true_peak_dbtp(wide[:-16], RATE)
    np.testing.assert_allclose(reading.true_peak_dbtp, per_channel, atol=0.01)
    np.testing.assert_allclose(reading.sample_peak_dbfs,
                               20 * np.log10(np.abs(wide).max(axis=0)), atol=1e-6)
    correlation = CorrelationMeter(RATE)
    correlation.process(wide)
    assert reading.correlation == pytest.approx(correlation.correlation, abs=1e-9)
    spectrum = SpectrumAnalyser(RATE, overlap=False)
    spectrum.process(wide)
    np.testing.assert_allclose(reading.spectrum_db, spectrum.levels_db(), atol=1e-6)
    assert reading.spectrum_centres_hz == spectrum.centres_hz
    assert reading.seconds == 5.0


def test_peaks_reset_alone() -> None:
    """`reset_peaks` forgets the held peaks (even the true peak still inside the
    interpolator) and the loudness maxima; the loudness since play started stays."""
    t = np.arange(RATE) / RATE
    loud = np.repeat(0.8 * np.sin(2 * np.pi * 997 * t)[:, None], 2, axis=1)
    quiet = loud * 0.1
    meter = MasterMeter(RATE)
    meter.process(loud)
    meter.reset_peaks()
    cleared = meter.reading()
    assert cleared.true_peak_max_dbtp == cleared.max_momentary_lufs == -math.inf
    assert cleared.integrated_lufs > -3.0
    meter.process(quiet)
    reading = meter.reading()
    assert reading.sample_peak_dbfs == pytest.approx((20 * math.log10(0.08),) * 2, abs=1e-6)
    assert reading.true_peak_max_dbtp == pytest.approx(20 * math.log10(0.08), abs=0.01)
    both = measure_loudness(np.concatenate([loud, quiet]), RATE)
    assert reading.integrated_lufs == pytest.approx(both.integrated_lufs, abs=1e-9)
    # The windows ending after the reset still reach back into the loud second.
    assert reading.momentary_lufs <= reading.max_momentary_lufs <= both.max_momentary_lufs
    assert reading.seconds == 2.0


def test_feeder_meters_the_chunks_heard(song: Song) -> None:
    a_song(song)
    feeder, pool = make_feeder(song)
    ring = Ring()
    feeder.start(2000)
    feeder.fill(ring.write, room=1 << 22, buffered=0, target=5 * RATE)
    assert feeder.master_reading().seconds == 0.0  # rendered, not heard yet
    heard = 3 * RATE + 500  # mid-chunk: the chunk being played is not measured yet
    feeder.timeline_frame_at(heard)
    whole_chunks = heard // CHUNK * CHUNK
    expected = metered(offline(song, 2000, whole_chunks))
    np.testing.assert_allclose(figures(feeder.master_reading()), figures(expected), atol=1e-9)
    pool.close()


def test_the_click_is_heard_but_not_metered(song: Song) -> None:
    a_song(song)
    feeder, pool = make_feeder(song)
    feeder.metronome = Metronome(RATE, 120.0, 4, 4, -6.0, None)
    ring = Ring()
    feeder.start(0)
    feeder.fill(ring.write, room=1 << 22, buffered=0, target=2 * RATE)
    feeder.timeline_frame_at(2 * RATE)
    expected = metered(offline(song, 0, 2 * RATE - CHUNK))
    np.testing.assert_allclose(figures(feeder.master_reading()), figures(expected), atol=1e-9)
    assert np.abs(ring.frames - offline(song, 0, len(ring.frames))).max() > 0.01  # clicks
    pool.close()


def test_chunks_rendered_again_are_metered_once(song: Song) -> None:
    a_song(song)
    feeder, pool = make_feeder(song)
    ring = Ring()
    feeder.start(0)
    feeder.fill(ring.write, room=1 << 22, buffered=0, target=3 * RATE)
    feeder.timeline_frame_at(RATE)  # the first second is heard
    assert feeder.rewrite(RATE + 5 * CHUNK, ring.take_back)
    feeder.fill(ring.write, room=1 << 22, buffered=len(ring.frames), target=4 * RATE)
    feeder.timeline_frame_at(4 * RATE)
    expected = metered(offline(song, 0, 4 * RATE - CHUNK))
    np.testing.assert_allclose(figures(feeder.master_reading()), figures(expected), atol=1e-9)
    pool.close()


def test_start_begins_the_figures_again(song: Song) -> None:
    a_song(song)
    feeder, pool = make_feeder(song)
    ring = Ring()
    feeder.start(0)
    feeder.fill(ring.write, room=1 << 22, buffered=0, target=2 * RATE)
    feeder.timeline_frame_at(2 * RATE)
    assert feeder.master_reading().seconds > 1.9
    feeder.start(RATE)  # a locate
    assert feeder.master_reading() == MasterMeter(RATE).reading()
    ring = Ring()
    feeder.fill(ring.write, room=1 << 22, buffered=0, target=RATE)
    feeder.timeline_frame_at(RATE)
    expected = metered(offline(song, RATE, RATE - CHUNK))
    np.testing.assert_allclose(figures(feeder.master_reading()), figures(expected), atol=1e-9)
    pool.close()
