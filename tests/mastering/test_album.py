"""Album mode: three songs of very different loudness come out within 0.5 LU of each other
and of the target, measured on the written files with pyloudnorm and an independent true-peak
meter; the report says what the files hold; the projects are left as they were."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
import soundfile as sf

from daw.mastering.album import REPORT_JSON, REPORT_TEXT, AlbumError, master_album
from daw.mastering.mix_analysis import integrated_lufs
from daw.mastering.targets import find_target
from daw.model.store import load_project, save_project
from tests.dsp.independent_meters import bs1770_true_peak_dbtp, fft_true_peak_dbtp
from tests.engine.songs import RATE, Song
from tests.mastering import mastering_songs


def saved_song(kind: str, folder: Path, name: str) -> Path:
    song = mastering_songs.make(kind, folder)
    save_project(song.folder, replace(song.project, name=name))
    return song.folder


@pytest.fixture
def three_songs(tmp_path: Path) -> list[Path]:
    return [saved_song("quiet", tmp_path / "a.minidaw", "Whisper"),
            saved_song("loud", tmp_path / "b.minidaw", "Wall of Sound"),
            saved_song("dynamic", tmp_path / "c.minidaw", "Verse / Chorus")]


@pytest.mark.parametrize("target_name", ["streaming", "club"])
def test_three_songs_land_within_half_a_lu(tmp_path: Path, three_songs: list[Path],
                                           target_name: str) -> None:
    target = find_target(target_name, tmp_path / "config")
    before = [(folder / "project.json").read_bytes() for folder in three_songs]
    out = tmp_path / "album"
    report = master_album(three_songs, out, target)

    files = [out / "01 Whisper.wav", out / "02 Wall of Sound.wav", out / "03 Verse _ Chorus.wav"]
    assert [Path(s.output) for s in report.songs] == files
    levels = []
    for song, path in zip(report.songs, files, strict=True):
        data, rate = sf.read(path, always_2d=True)
        assert rate == RATE and sf.info(path).subtype == "PCM_24"
        level = pyloudnorm.Meter(rate).integrated_loudness(data)
        levels.append(level)
        assert level == pytest.approx(target.integrated_lufs, abs=0.5)
        assert fft_true_peak_dbtp(data) <= target.true_peak_dbtp
        assert bs1770_true_peak_dbtp(data) <= target.true_peak_dbtp
        # The report gives what MiniDAW's own meters read in the file.
        assert song.integrated_lufs == pytest.approx(integrated_lufs(data, rate), abs=1e-6)
        assert song.true_peak_dbtp <= target.true_peak_dbtp
    assert max(levels) - min(levels) <= 0.5
    assert report.spread_lu <= 0.5 and report.consistent

    saved = json.loads((out / REPORT_JSON).read_text())
    assert saved["consistent"] is True
    assert saved["spread_lu"] == pytest.approx(report.spread_lu, abs=1e-3)
    assert [s["name"] for s in saved["songs"]] == ["Whisper", "Wall of Sound", "Verse / Chorus"]
    assert [s["integrated_lufs"] for s in saved["songs"]] == [
        round(s.integrated_lufs, 2) for s in report.songs]
    text = (out / REPORT_TEXT).read_text()
    assert text == report.text()
    assert f"Spread: {report.spread_lu:.2f} LU (within the 0.5 LU allowed)" in text
    assert [(folder / "project.json").read_bytes() for folder in three_songs] == before
    assert sorted(p.name for p in out.iterdir()) == sorted([*(f.name for f in files),
                                                            REPORT_JSON, REPORT_TEXT])


def test_a_silent_song_stops_the_album_naming_its_project(tmp_path: Path) -> None:
    song = Song(tmp_path / "Silent.minidaw")
    song.media("nothing", np.zeros((RATE, 2), np.float32))
    song.track("Nothing")
    song.clip("Nothing", "nothing", 0, "clip-nothing")
    save_project(song.folder, song.project)
    assert load_project(song.folder).end_frame == RATE
    with pytest.raises(AlbumError, match=r"Silent\.minidaw: the mix is silent"):
        master_album([song.folder], tmp_path / "out", find_target("streaming", tmp_path))


def test_no_songs_is_refused(tmp_path: Path) -> None:
    with pytest.raises(AlbumError, match="no songs given"):
        master_album([], tmp_path / "out", find_target("streaming", tmp_path))
