"""`daw render` keeps the reverb and echo tails of a whole-song bounce: --tail caps them,
--no-tail ends at the last clip."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from daw.cli import main
from daw.engine.export.tail import TAIL_FLOOR
from daw.model.store import save_project
from tests.engine.songs import Song
from tests.engine.test_bounce_tail import SONG, delayed_song

RATE = 48000


@pytest.fixture
def echo(tmp_path: Path) -> Path:
    song = delayed_song(Song(tmp_path / "Echo.minidaw"), feedback=90.0)
    save_project(song.folder, song.project)
    return song.folder


def render(folder: Path, out: Path, *options: str) -> np.ndarray:
    assert main(["render", str(folder), "-o", str(out), "--bit-depth", "32f", "-q",
                 "--no-report", *options]) == 0
    return sf.read(out, dtype="float32", always_2d=True)[0]


def test_render_keeps_the_tail_caps_it_and_can_leave_it_out(echo: Path, tmp_path: Path) -> None:
    whole = render(echo, tmp_path / "whole.wav")
    assert len(whole) > SONG + RATE  # 90 % feedback rings for seconds
    seconds = len(whole) / RATE + 1.0
    longer = render(echo, tmp_path / "longer.wav", "--end", f"{seconds!r}")
    np.testing.assert_array_equal(whole, longer[:len(whole)])
    assert np.abs(longer[len(whole):]).max() < TAIL_FLOOR
    capped = render(echo, tmp_path / "capped.wav", "--tail", "0.5")
    assert len(capped) == SONG + RATE // 2
    np.testing.assert_array_equal(capped, whole[:len(capped)])
    cut = render(echo, tmp_path / "cut.wav", "--no-tail")
    assert len(cut) == SONG
    np.testing.assert_array_equal(cut, whole[:SONG])


def test_render_refuses_a_tail_it_cannot_use(echo: Path, tmp_path: Path, capsys) -> None:
    out = str(tmp_path / "x.wav")
    assert main(["render", str(echo), "-o", out, "--tail", "-1"]) != 0
    assert "the tail must be 0 to 600 seconds" in capsys.readouterr().err
    assert main(["render", str(echo), "-o", out, "--tail", "2", "--no-tail"]) != 0
    assert "either --tail or --no-tail" in capsys.readouterr().err
