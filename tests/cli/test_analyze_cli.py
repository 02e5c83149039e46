"""`daw analyze`: loudness, true peak and stereo figures in the text and in `--json`."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from daw.cli import main

RATE = 48000


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def tech_3341_case_1(path: Path) -> Path:
    """20 s of a stereo 1 kHz sine at −23 dBFS: −23 LUFS, LRA 0; its samples at 1 kHz sit
    close to the crest, so the true peak is the sample peak, −23 dBTP."""
    t = np.arange(20 * RATE) / RATE
    wave = 10 ** (-23 / 20) * np.sin(2 * np.pi * 1000 * t)
    sf.write(path, np.stack([wave, wave], axis=1), RATE, subtype="FLOAT")
    return path


def test_text_output_names_the_figures_and_units(tmp_path: Path, capsys) -> None:
    code, text, _ = run(capsys, "analyze", str(tech_3341_case_1(tmp_path / "case1.wav")))
    assert code == 0
    lines = {line.split(":")[0].strip(): line for line in text.splitlines()}
    loudness = lines["loudness"]
    integrated = float(loudness.split()[1])
    assert integrated == pytest.approx(-23.0, abs=0.1)
    assert "LUFS integrated" in loudness and "range 0.00 LU" in loudness
    assert "LUFS" in lines["momentary"] and "short-term max" in lines["momentary"]
    true_peak = lines["true peak"]
    assert float(true_peak.split()[2]) == pytest.approx(-23.0, abs=0.01)
    assert "dBTP" in true_peak and "left" in true_peak and "right" in true_peak
    assert "correlation +1.000" in lines["stereo"]
    assert text.split("peak:")[1].split("dBFS")[0].strip() == "-23.00"  # sample peak first


def test_json_output_has_every_figure(tmp_path: Path, capsys) -> None:
    code, text, _ = run(capsys, "analyze", str(tech_3341_case_1(tmp_path / "case1.wav")),
                        "--json")
    assert code == 0
    report = json.loads(text)
    assert report["loudness"]["integrated_lufs"] == pytest.approx(-23.0, abs=0.1)
    assert report["loudness"]["loudness_range_lu"] == pytest.approx(0.0, abs=0.05)
    assert report["loudness"]["max_momentary_lufs"] == pytest.approx(-23.0, abs=0.1)
    assert report["loudness"]["max_short_term_lufs"] == pytest.approx(-23.0, abs=0.1)
    assert report["true_peak_dbtp"] == pytest.approx([-23.0, -23.0], abs=0.01)
    assert report["true_peak_max_dbtp"] == pytest.approx(-23.0, abs=0.01)
    assert report["sample_peak_dbfs"] == pytest.approx(-23.0, abs=0.01)
    assert report["stereo"]["correlation"] == pytest.approx(1.0, abs=1e-9)
    assert report["levels"]["rms_dbfs"][0] == pytest.approx(-23 - 10 * math.log10(2), abs=1e-3)
    bands = dict(zip(report["spectrum"]["centres_hz"], report["spectrum"]["levels_db"],
                     strict=True))
    assert bands[1000.0] == pytest.approx(-23.0, abs=0.01)


def test_json_gives_null_for_silence(tmp_path: Path, capsys) -> None:
    path = tmp_path / "silence.wav"
    sf.write(path, np.zeros((RATE, 2)), RATE, subtype="PCM_16")
    code, text, _ = run(capsys, "analyze", str(path), "--json")
    assert code == 0
    report = json.loads(text)
    assert report["loudness"]["integrated_lufs"] is None
    assert report["true_peak_max_dbtp"] is None
    assert report["true_peak_dbtp"] == [None, None]
    code, text, _ = run(capsys, "analyze", str(path))
    assert "loudness:    -inf LUFS integrated" in text
    assert "true peak:   -inf dBTP" in text
