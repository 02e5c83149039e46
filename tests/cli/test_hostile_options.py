"""Numbers on the command line that no song can use (NaN, infinity, beyond the longest song,
a sample rate of 5 Hz) give one `daw: error:` line and make nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from daw.cli import main


@pytest.fixture
def song(tmp_path: Path, capsys) -> Path:
    assert main(["new", str(tmp_path / "Song")]) == 0
    capsys.readouterr()
    return tmp_path / "Song.minidaw"


@pytest.mark.parametrize(("argv", "code", "words"), [
    (["render", "{song}", "-o", "{tmp}/x.wav", "--start", "nan"], 2,
     "--start must be a number of seconds (got nan)"),
    (["render", "{song}", "-o", "{tmp}/x.wav", "--end", "1e308"], 2,
     "--end is past 24 hours (got 1e+308 s)"),
    (["render", "{song}", "-o", "{tmp}/x.wav", "--start", "inf"], 2,
     "--start must be a number of seconds (got inf)"),
    (["import", "{song}", "{tmp}/none.wav", "--at=-inf"], 2,
     "--at must be a number of seconds (got -inf)"),
    (["new", "{tmp}/Other", "--rate", "5"], 1,
     "sample rate: 5 Hz is not supported (8000 to 384000 Hz)"),
    (["new", "{tmp}/Other", "--tempo", "nan"], 1, "tempo: expected 20 to 400 BPM, got nan"),
])
def test_a_number_no_song_can_use_is_one_line(song: Path, tmp_path: Path, capsys,
                                              argv: list[str], code: int, words: str) -> None:
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main([a.format(song=song, tmp=tmp_path) for a in argv]) == code
    err = capsys.readouterr().err
    assert err == f"daw: error: {words}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == before
