"""`daw import` and `daw analyze` on a float file holding NaN and infinite samples."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from daw.cli import main
from daw.model import EffectSettings
from daw.model.store import load_project, save_project

RATE = 48000


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def poisoned_sine(path: Path) -> Path:
    """3 s of a stereo 997 Hz sine at −6 dBFS, with a NaN at 1.5 s (left) and ±inf later."""
    t = np.arange(3 * RATE) / RATE
    wave = 10 ** (-6 / 20) * np.sin(2 * np.pi * 997 * t)
    data = np.stack([wave, wave], axis=1).astype(np.float32)
    data[72_000, 0] = np.nan
    data[72_010, 1] = np.inf
    data[100_000, 0] = -np.inf
    sf.write(path, data, RATE, subtype="FLOAT")
    return path


def test_analyze_reports_bad_samples_and_measures_the_rest(tmp_path: Path, capsys) -> None:
    path = poisoned_sine(tmp_path / "bad.wav")
    code, text, err = run(capsys, "analyze", str(path))
    assert code == 0
    assert err == (f"daw: warning: {path}: 3 samples are NaN or infinite (first at 1.500 s, "
                   "left channel); the figures count them as silence\n")
    lines = {line.split(":")[0].strip(): line for line in text.splitlines()}
    assert "3 samples are NaN or infinite" in lines["bad samples"]
    assert float(text.split("peak:")[1].split("dBFS")[0]) == pytest.approx(-6.0, abs=0.01)
    # a stereo 1 kHz sine reads its level in LUFS (EBU Tech 3341 case 1)
    assert float(lines["loudness"].split()[1]) == pytest.approx(-6.0, abs=0.1)

    code, text, _ = run(capsys, "analyze", str(path), "--json")
    report = json.loads(text)
    assert report["nonfinite"] == {"samples": 3, "first_frame": 72_000, "first_seconds": 1.5,
                                   "first_channel": 0}
    assert report["sample_peak_dbfs"] == pytest.approx(-6.0, abs=0.01)
    assert math.isfinite(report["loudness"]["integrated_lufs"])
    # Every figure is that of the same file with those samples zeroed.
    data, _ = sf.read(path, dtype="float32")
    data[~np.isfinite(data)] = 0.0
    sf.write(tmp_path / "zeroed.wav", data, RATE, subtype="FLOAT")
    _, text, _ = run(capsys, "analyze", str(tmp_path / "zeroed.wav"), "--json")
    zeroed = json.loads(text)
    for key in ("levels", "loudness", "true_peak_dbtp", "stereo", "spectrum"):
        assert report[key] == zeroed[key]


def test_import_warns_and_keeps_a_clean_copy(tmp_path: Path, capsys) -> None:
    code, out, _ = run(capsys, "new", str(tmp_path / "Song"))
    folder = Path(out.strip())
    path = poisoned_sine(tmp_path / "bad.wav")
    code, out, err = run(capsys, "import", str(folder), str(path))
    assert code == 0
    assert err == ("daw: warning: bad.wav: 3 samples were NaN or infinite (first at 1.500 s, "
                   "left channel); replaced by silence\n")
    assert out == f"imported {path}\n"
    media = load_project(folder).media[0]
    copy, _ = sf.read(folder / media.path, dtype="float32")
    original, _ = sf.read(path, dtype="float32")
    assert np.isfinite(copy).all()
    bad = ~np.isfinite(original)
    assert np.count_nonzero(bad) == 3 and np.all(copy[bad] == 0.0)
    np.testing.assert_array_equal(copy[~bad], original[~bad])


def test_clean_analysis_has_no_bad_samples_line(tmp_path: Path, capsys) -> None:
    path = tmp_path / "ok.wav"
    sf.write(path, np.full((4800, 1), 0.25), RATE, subtype="FLOAT")
    code, text, err = run(capsys, "analyze", str(path))
    assert code == 0 and err == "" and "bad samples" not in text


def test_render_warns_of_a_silenced_strip(tmp_path: Path, capsys) -> None:
    code, out, _ = run(capsys, "new", str(tmp_path / "Song"))
    folder = Path(out.strip())
    loud = tmp_path / "loud.wav"
    sf.write(loud, np.full((4800, 2), 3e38, dtype=np.float32), RATE, subtype="FLOAT")
    quiet = tmp_path / "quiet.wav"
    sf.write(quiet, np.full((4800, 2), 0.25, dtype=np.float32), RATE, subtype="FLOAT")
    assert run(capsys, "import", str(folder), str(loud), str(quiet))[0] == 0
    project = load_project(folder)
    track = project.tracks[0]
    boosted = replace(track, effects=(EffectSettings("fx-1", "gain", (("gain_db", 24.0),)),))
    save_project(folder, project.with_tracks((boosted, *project.tracks[1:])))
    with np.errstate(over="ignore", invalid="ignore"):
        code, out, err = run(capsys, "render", str(folder), "-o", str(tmp_path / "mix.wav"),
                             "--bit-depth", "32f")
    assert code == 0
    assert ("daw: warning: loud: its effects produced NaN or infinite samples at 0.000 s; the "
            "strip was muted") in err
    assert "Silenced:            loud at 0:00.000" in out
    mix, _ = sf.read(tmp_path / "mix.wav", dtype="float32")
    assert np.all(mix == np.float32(0.25))
