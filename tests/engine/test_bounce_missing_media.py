"""A song that names a file that is gone bounces the rest, with the missing file as silence,
named in the report and in a warning; a file that changed still refuses the bounce."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from daw.engine.export.bounce import BounceSettings, bounce
from daw.engine.export.bounce_report import report_paths
from daw.media import MediaError
from daw.model import EffectSettings, ops
from tests.engine.songs import RATE, Song, tone

END = RATE


def two_tracks(song: Song) -> Song:
    song.media("drums", tone(RATE, 110, channels=2, amp=0.4, seed=1))
    song.media("vox", tone(RATE // 2, 330, amp=0.5, seed=2))
    song.track("Drums", gain=-3.0, pan=0.2)
    song.track("Vocal", gain=-1.5)
    song.clip("Drums", "drums", 0, "c-drums")
    song.clip("Vocal", "vox", RATE // 4, "c-vox")
    return song


def render(song: Song, project, path: Path, **kw) -> tuple[np.ndarray, list[str]]:
    warnings: list[str] = []
    bounce(project, song.folder, BounceSettings(path, end_frame=END, bit_depth="32f", **kw),
           warn=warnings.append)
    return sf.read(path, dtype="float32", always_2d=True)[0], warnings


@pytest.mark.parametrize("workers", [1, 2])
def test_a_missing_file_plays_as_silence_and_the_rest_is_bounced(song: Song, tmp_path: Path,
                                                                  workers: int) -> None:
    two_tracks(song)
    song.effects("Vocal", EffectSettings("verb", "reverb", (("room_size_percent", 60.0),)))
    without_vocal = ops.remove_track(song.project, "Vocal")
    expected, none = render(song, without_vocal, tmp_path / "expected.wav", workers=workers)
    assert none == [] and np.abs(expected).max() > 0.1
    (song.folder / "audio" / "vox.wav").unlink()

    mix, warnings = render(song, song.project, tmp_path / "mix.wav", workers=workers)
    np.testing.assert_array_equal(mix, expected)
    assert warnings == ['1 media file is missing and plays as silence: audio/vox.wav '
                        '(track "Vocal")']
    json_path, text_path = report_paths(tmp_path / "mix.wav")
    report = json.loads(json_path.read_text())
    assert report["bounce"]["missing_media"] == [
        {"path": "audio/vox.wav", "media_id": "vox", "tracks": ["Vocal"], "clips": ["c-vox"]}]
    assert "Missing:             audio/vox.wav (track \"Vocal\"" in text_path.read_text()


def test_a_missing_file_outside_the_range_is_not_reported(song: Song, tmp_path: Path) -> None:
    two_tracks(song)
    (song.folder / "audio" / "vox.wav").unlink()
    warnings: list[str] = []
    bounce(song.project, song.folder, BounceSettings(tmp_path / "a.wav", end_frame=RATE // 8),
           warn=warnings.append)
    assert warnings == []


def test_every_missing_file_is_named_in_one_line(song: Song, tmp_path: Path) -> None:
    two_tracks(song)
    song.clip("Drums", "vox", RATE // 2, "c-vox2")
    for name in ("vox", "drums"):
        (song.folder / "audio" / f"{name}.wav").unlink()
    mix, warnings = render(song, song.project, tmp_path / "mix.wav")
    assert not mix.any()
    assert warnings == ['2 media files are missing and play as silence: audio/drums.wav '
                        '(track "Drums"), audio/vox.wav (tracks "Drums", "Vocal")']


def test_a_file_that_changed_still_refuses_the_bounce(song: Song, tmp_path: Path) -> None:
    two_tracks(song)
    (song.folder / "audio" / "drums.wav").unlink()
    sf.write(song.folder / "audio" / "vox.wav", tone(100, 330), RATE, subtype="FLOAT")
    with pytest.raises(MediaError, match=r"audio/vox\.wav \(media vox\): 100 frames, the "
                                          r"project expects 24000"):
        bounce(song.project, song.folder, BounceSettings(tmp_path / "mix.wav"))
    assert not (tmp_path / "mix.wav").exists()
