"""Locate: a file found again stands in for a missing media only if it is the same length and
channel count at the project rate; it is copied into the project, and a folder is searched by
name."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from daw.media import MediaError
from daw.media.relink import locate_file, search_folder
from daw.model.project import MediaRef

RATE = 48000
VOX = MediaRef("vox", "audio/vox.wav", 1, RATE, "vox.wav")
DRUMS = MediaRef("drums", "audio/drums.wav", 2, 1000, "drums.wav")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "Song.minidaw" / "audio").mkdir(parents=True)
    return tmp_path / "Song.minidaw"


def test_a_file_at_another_rate_is_converted_into_the_project(folder: Path, tmp_path: Path,
                                                             make_sine) -> None:
    source = tmp_path / "elsewhere.wav"
    sf.write(source, make_sine(440, 44100, 44100), 44100, subtype="FLOAT")
    found = locate_file(source, folder, RATE, VOX)
    assert (found.id, found.channels, found.length_frames) == ("vox", 1, RATE)
    assert found.path == "audio/elsewhere.wav"
    info = sf.info(folder / found.path)
    assert (info.samplerate, info.frames) == (RATE, RATE)
    data, _ = sf.read(folder / found.path, dtype="float32")
    expected = make_sine(440, RATE, RATE)
    assert np.abs(data[1000:-1000] - expected[1000:-1000]).max() < 1e-3


def test_a_file_of_another_shape_is_refused_in_one_line_and_nothing_is_copied(
        folder: Path, tmp_path: Path, make_noise) -> None:
    source = tmp_path / "vox.wav"
    sf.write(source, make_noise(RATE, 2), RATE, subtype="FLOAT")
    with pytest.raises(MediaError) as caught:
        locate_file(source, folder, RATE, VOX)
    assert str(caught.value) == ("vox.wav is not audio/vox.wav: it has 2 channels, 1.000 s "
                                 "(48000 frames), the song needs 1 channel, 1.000 s "
                                 "(48000 frames)")
    assert list((folder / "audio").iterdir()) == []


def test_a_folder_search_finds_by_name_and_length(folder: Path, tmp_path: Path,
                                                  make_noise) -> None:
    search = tmp_path / "backup"
    (search / "a" / "b").mkdir(parents=True)
    (search / "c").mkdir()
    sf.write(search / "a" / "Vox.wav", make_noise(RATE - 1, 1), RATE)  # name fits, length not
    sf.write(search / "c" / "vox.flac", make_noise(RATE, 1, seed=3), RATE)
    sf.write(search / "a" / "b" / "other.wav", make_noise(1000, 2), RATE)
    result = search_folder(search, [VOX, DRUMS], folder, RATE)
    assert [(r.id, r.path) for r in result.found] == [("vox", "audio/vox.flac")]
    assert result.still_missing == [DRUMS]
    assert len(result.problems) == 1 and result.problems[0].startswith("Vox.wav is not")
    data, _ = sf.read(folder / "audio" / "vox.flac", dtype="float32")
    np.testing.assert_allclose(data, make_noise(RATE, 1, seed=3)[:, 0], atol=1 / 2**15)
