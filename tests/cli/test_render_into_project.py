"""`daw render` and `daw master-album` refuse to write into a project's own files, with one
line, before rendering, and leave every file of the project as it was."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from daw.cli import main


def fingerprint(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def song(tmp_path: Path, capsys) -> Path:
    t = np.arange(4800) / 48000
    sf.write(tmp_path / "take.wav", 0.3 * np.sin(2 * np.pi * 440 * t), 48000)
    assert main(["new", str(tmp_path / "Song")]) == 0
    folder = tmp_path / "Song.minidaw"
    assert main(["import", str(folder), str(tmp_path / "take.wav"), "--track", "Vocal"]) == 0
    capsys.readouterr()
    return folder


@pytest.mark.parametrize("args", [
    ["-o", "{p}/project.json"],
    ["-o", "{p}/audio/take.wav"],
    ["-o", "{p}/backups/mix.wav"],
    ["-o", "{t}/mix.wav", "--stems", "{p}/audio/stems"],
    ["-o", "{t}/mix.wav", "--stems", "{p}/cache"],
])
def test_render_into_the_project_is_refused(song: Path, tmp_path: Path, capsys,
                                            args: list[str]) -> None:
    before = fingerprint(song)
    argv = [a.format(p=song, t=tmp_path) for a in args]
    code = main(["render", str(song), *argv])
    err = capsys.readouterr().err
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("daw: error: ")
    assert "a bounce never writes there" in lines[0]
    assert fingerprint(song) == before
    assert not (tmp_path / "mix.wav").exists()


def test_master_album_into_a_song_is_refused(song: Path, capsys) -> None:
    before = fingerprint(song)
    code = main(["master-album", str(song), "-o", str(song / "audio" / "album")])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("daw: error:") == 1 and "an album is never written there" in err
    assert fingerprint(song) == before
