"""`daw master-album`: three songs mastered to one target from the command line, the table
printed, the files and the report written; mistakes as one-line errors."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pyloudnorm
import pytest
import soundfile as sf

from daw.cli import main
from daw.model.store import save_project
from tests.mastering import mastering_songs


@pytest.fixture(autouse=True)
def own_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MINIDAW_CONFIG_DIR", str(tmp_path / "config"))


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def songs(folder: Path) -> list[str]:
    made = []
    for kind in ("quiet", "loud", "dynamic"):
        song = mastering_songs.make(kind, folder / f"{kind}.minidaw")
        save_project(song.folder, replace(song.project, name=kind.capitalize()))
        made.append(str(song.folder))
    return made


def test_master_album_writes_the_songs_and_the_report(tmp_path: Path, capsys) -> None:
    out = tmp_path / "Album"
    code, printed, err = run(capsys, "master-album", *songs(tmp_path), "-o", str(out),
                             "--target", "apple", "--bit-depth", "16")
    assert code == 0, err
    assert printed.startswith("Album master: 3 songs, target Apple Music (-16 LUFS, -1 dBTP)")
    assert "Spread:" in printed and "within the 0.5 LU allowed" in printed
    assert "daw: mastering Quiet (1/3)" in err
    report = json.loads((out / "album-report.json").read_text())
    assert report["target"] == {"name": "Apple Music", "integrated_lufs": -16.0,
                                "true_peak_dbtp": -1.0}
    levels = []
    for entry in report["songs"]:
        data, rate = sf.read(entry["output"], always_2d=True)
        assert sf.info(entry["output"]).subtype == "PCM_16"
        levels.append(pyloudnorm.Meter(rate).integrated_loudness(data))
    assert [Path(e["output"]).name for e in report["songs"]] == [
        "01 Quiet.wav", "02 Loud.wav", "03 Dynamic.wav"]
    assert max(levels) - min(levels) <= 0.5
    assert all(abs(level + 16.0) <= 0.5 for level in levels)


def test_an_unknown_target_is_one_line(tmp_path: Path, capsys) -> None:
    code, printed, err = run(capsys, "master-album", str(tmp_path / "x.minidaw"), "-o",
                             str(tmp_path / "out"), "--target", "radio")
    assert code == 1 and printed == ""
    assert err.startswith("daw: error: no target called 'radio' (targets: streaming, ")
    assert err.count("\n") == 1


def test_a_missing_project_is_one_line(tmp_path: Path, capsys) -> None:
    code, _printed, err = run(capsys, "master-album", str(tmp_path / "Nowhere.minidaw"), "-o",
                              str(tmp_path / "out"), "-q")
    assert code == 1
    assert err.startswith("daw: error: ") and "Nowhere.minidaw" in err
    assert err.count("\n") == 1
