"""`analyze_file`: one pass over a file gives the levels, loudness, true peak, stereo figures
and spectrum, equal to measuring the whole array at once."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
import soundfile as sf

from daw.dsp.loudness import measure_loudness
from daw.dsp.spectrum import average_spectrum
from daw.dsp.true_peak import true_peak_dbtp
from daw.engine.export.analyze import analyze_file

RATE = 48000


def write(path: Path, data: np.ndarray, rate: int = RATE) -> Path:
    sf.write(path, data, rate, subtype="FLOAT")
    return path


def song_like(seconds: float, rate: int = RATE) -> np.ndarray:
    """Two sides, partly correlated, louder in the middle, with a fs/4 inter-sample peak."""
    rng = np.random.default_rng(11)
    n = round(seconds * rate)
    t = np.arange(n) / rate
    left = 0.2 * np.sin(2 * np.pi * 220 * t) + 0.05 * rng.standard_normal(n)
    right = 0.15 * np.sin(2 * np.pi * 330 * t) + 0.5 * left
    swell = (0.4 + 0.6 * np.sin(np.pi * t / seconds))
    data = np.stack([left, right], axis=1) * swell[:, None]
    envelope = np.hanning(4800)
    burst = 0.7 * np.sin(2 * np.pi * np.arange(4800) / 4 + math.pi / 4) * envelope
    region = data[n // 2 : n // 2 + 4800, 0]
    region[:] = region * (1 - envelope) + burst
    return data.astype(np.float32)


def test_one_pass_equals_the_whole_array_measurements(tmp_path: Path) -> None:
    data = song_like(12.0)
    result = analyze_file(write(tmp_path / "song.wav", data))
    wide = data.astype(np.float64)

    loudness = measure_loudness(wide, RATE)
    assert result.integrated_lufs == pytest.approx(loudness.integrated_lufs, abs=1e-9)
    assert result.loudness_range_lu == pytest.approx(loudness.loudness_range_lu, abs=1e-9)
    assert result.max_momentary_lufs == pytest.approx(loudness.max_momentary_lufs, abs=1e-9)
    assert result.max_short_term_lufs == pytest.approx(loudness.max_short_term_lufs,
                                                       abs=1e-9)
    assert result.integrated_lufs == pytest.approx(
        pyloudnorm.Meter(RATE).integrated_loudness(wide), abs=0.1)

    per_channel, highest = true_peak_dbtp(wide, RATE)
    np.testing.assert_allclose(result.true_peak_dbtp, per_channel, atol=1e-9)
    assert result.true_peak_max_dbtp == pytest.approx(highest, abs=1e-9)
    # The burst's crest lies between samples: the true peak reads 0.7, the samples 0.7 sin 45°.
    assert result.true_peak_dbtp[0] == pytest.approx(20 * math.log10(0.7), abs=0.1)
    assert result.sample_peak_dbfs == pytest.approx(
        20 * math.log10(np.abs(data).max()), abs=1e-6)

    left, right = wide[:, 0], wide[:, 1]
    expected_r = (left @ right) / math.sqrt((left @ left) * (right @ right))
    assert result.correlation == pytest.approx(expected_r, abs=1e-9)
    assert result.stereo is not None
    assert result.stereo.balance_db == pytest.approx(
        10 * math.log10((right @ right) / (left @ left)), abs=1e-9)

    spectrum = average_spectrum(wide, RATE)
    assert result.spectrum is not None
    np.testing.assert_allclose(result.spectrum.levels_db, spectrum.levels_db, atol=1e-9)
    np.testing.assert_allclose(result.levels.dc_offset, wide.mean(axis=0), atol=1e-9)


def test_as_dict_is_json_with_null_for_silence(tmp_path: Path) -> None:
    data = np.zeros((RATE * 4, 2), dtype=np.float32)
    data[:, 0] = 0.25 * np.sin(2 * np.pi * 1000 * np.arange(RATE * 4) / RATE)
    report = json.loads(json.dumps(analyze_file(write(tmp_path / "half.wav", data)).as_dict(),
                                   allow_nan=False))
    assert report["frames"] == RATE * 4
    assert report["levels"]["peak_dbfs"][1] is None  # the silent right channel
    assert report["true_peak_dbtp"][1] is None
    assert report["true_peak_dbtp"][0] == pytest.approx(20 * math.log10(0.25), abs=0.01)
    assert report["true_peak_max_dbtp"] == report["true_peak_dbtp"][0]
    expected = pyloudnorm.Meter(RATE).integrated_loudness(data.astype(np.float64))
    assert report["loudness"]["integrated_lufs"] == pytest.approx(expected, abs=0.1)
    assert report["loudness"]["loudness_range_lu"] == pytest.approx(0.0, abs=0.05)
    assert report["stereo"]["correlation"] == 0.0
    assert report["stereo"]["balance_db"] is None  # −inf: nothing on the right
    assert len(report["spectrum"]["centres_hz"]) == len(report["spectrum"]["levels_db"]) == 31


def test_a_silent_file_has_no_loudness(tmp_path: Path) -> None:
    result = analyze_file(write(tmp_path / "quiet.wav", np.zeros((RATE, 2), np.float32)))
    report = result.as_dict()
    assert result.integrated_lufs == -math.inf
    assert report["loudness"]["integrated_lufs"] is None
    assert report["loudness"]["max_momentary_lufs"] is None
    assert report["true_peak_max_dbtp"] is None
    assert report["sample_peak_dbfs"] is None


def test_a_mono_file_has_no_stereo_figures(tmp_path: Path) -> None:
    rate = 44100
    t = np.arange(rate * 3) / rate
    data = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    result = analyze_file(write(tmp_path / "mono.wav", data, rate))
    assert result.channels == 1 and result.stereo is None and result.correlation is None
    assert result.as_dict()["stereo"] is None
    assert result.integrated_lufs == pytest.approx(
        pyloudnorm.Meter(rate).integrated_loudness(data.astype(np.float64)), abs=0.1)
    assert result.true_peak_dbtp[0] == pytest.approx(20 * math.log10(0.5), abs=0.05)
