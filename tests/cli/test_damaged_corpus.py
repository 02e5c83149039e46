"""The damaged-input corpus (tests/data/damaged/, made by make_corpus.py there) through
`daw render`, `daw analyze` and `daw import`: each file gives exactly one line (an error, or
a warning where the song can still be rendered), exit status 0, 1 or 2 as it should, never a
traceback, and the project is left byte for byte as it was."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from daw.cli import main

CORPUS = Path(__file__).resolve().parents[1] / "data" / "damaged"
ROOT = Path(__file__).resolve().parents[2]

PROJECTS = {  # file: (exit status, the one line's start, words it must hold)
    "valid": (0, None, ""),
    "unknown-target": (0, "daw: warning: ", "master.target: no target called 'Moon Radio'"),
    "clip-at-1e13": (1, "daw: error: ", "clip c1 end: frame 10000000000800 is past 24 hours"),
    "negative-frame": (1, "daw: error: ", "start_frame: must be at least 0, got -48000"),
    "gain-1e308": (1, "daw: error: ", "track 'Vocal' gain: 1e+308 dB is out of range"),
    "effect-gain-1e308": (1, "daw: error: ", "track 'Vocal', effect 1 (eq): p1_gain_db: "
                                             "1e+308 is out of range (-24 to 24)"),
    "effect-gain-nan": (1, "daw: error: ", "p1_gain_db: expected a finite number"),
    "pan-infinity": (1, "daw: error: ", "tracks[0].pan: expected a finite number"),
    "tempo-nan": (1, "daw: error: ", "tempo_bpm: expected a finite number"),
    "sample-rate-5": (1, "daw: error: ", "sample_rate: 5 Hz is not supported"),
    "automation-1e308": (1, "daw: error: ", "volume automation: 1e+308 dB is out of range"),
    "unknown-effect": (1, "daw: error: ", "track 'Vocal', effect 1: unknown kind "
                                          "'fuzzbox-9000'"),
    "huge-whole-number": (1, "daw: error: ", "a number of 401 digits is out of range"),
    "schema-from-the-future": (1, "daw: error: ", "written by a newer MiniDAW"),
    "tracks-not-a-list": (1, "daw: error: ", "tracks: expected a list"),
    "a-list-at-the-top": (1, "daw: error: ", "expected a JSON object at the top"),
    "nested-too-deeply": (1, "daw: error: ", "nested too deeply"),
    "truncated": (1, "daw: error: ", "not valid JSON"),
    "empty": (1, "daw: error: ", "not valid JSON"),
    "garbage": (1, "daw: error: ", "is not text (UTF-8)"),
}

GOOD_AUDIO = {"tone.wav", "flac-named.wav"}
"""A FLAC named .wav is still audio: libsndfile reads what the file holds."""


def audio_files() -> list[str]:
    return sorted(p.name for p in (CORPUS / "audio").iterdir())


def fingerprint(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def song_from(name: str, tmp_path: Path) -> Path:
    folder = tmp_path / f"{name}.minidaw"
    (folder / "audio").mkdir(parents=True)
    shutil.copyfile(CORPUS / "projects" / f"{name}.json", folder / "project.json")
    shutil.copyfile(CORPUS / "audio" / "tone.wav", folder / "audio" / "tone.wav")
    return folder


def one_line(err: str, start: str) -> str:
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith(start)
    return lines[0]


def test_every_file_of_the_corpus_is_small_and_has_an_expected_outcome() -> None:
    names = {p.stem for p in (CORPUS / "projects").glob("*.json")}
    assert names == set(PROJECTS)
    assert len(audio_files()) >= 5 * 5 + len(GOOD_AUDIO)
    for path in CORPUS.rglob("*"):
        if path.is_file() and path.suffix != ".py":
            assert path.stat().st_size <= 8192, path


@pytest.mark.parametrize("name", sorted(PROJECTS))
def test_render_of_a_damaged_project(name: str, tmp_path: Path, capsys) -> None:
    code, start, words = PROJECTS[name]
    folder = song_from(name, tmp_path)
    before = fingerprint(folder)
    out = tmp_path / "out.wav"
    assert main(["render", str(folder), "-o", str(out), "-q", "--no-report"]) == code
    err = capsys.readouterr().err
    if start is None:
        assert err == ""
    else:
        assert words in one_line(err, start)
    assert out.exists() == (code == 0)
    assert fingerprint(folder) == before


@pytest.mark.parametrize("name", audio_files())
def test_analyze_of_damaged_audio(name: str, capsys) -> None:
    code = main(["analyze", str(CORPUS / "audio" / name), "--json"])
    captured = capsys.readouterr()
    if name in GOOD_AUDIO:
        assert code == 0 and '"frames": 800' in captured.out
        return
    assert code == 1 and captured.out == ""
    line = one_line(captured.err, f"daw: error: {name}: ")
    if name.startswith(("truncated.", "header-only.")) and name.endswith((".wav", ".aiff")):
        assert "truncated: the header promises 800 frames" in line


@pytest.mark.parametrize("name", audio_files())
def test_import_of_damaged_audio(name: str, tmp_path: Path, capsys) -> None:
    folder = song_from("valid", tmp_path)
    before = fingerprint(folder)
    code = main(["import", str(folder), str(CORPUS / "audio" / name)])
    captured = capsys.readouterr()
    if name in GOOD_AUDIO:
        assert code == 0 and captured.out == f"imported {CORPUS / 'audio' / name}\n"
        assert len(fingerprint(folder)) == len(before) + 2  # the copy, and a backup
        return
    assert code == 1
    one_line(captured.err, f"daw: error: {name}: ")
    assert fingerprint(folder) == before


def test_the_daw_command_itself_refuses_in_one_line(tmp_path: Path) -> None:
    """A real process, as a person runs it; a generous timeout guards against a hang."""
    damaged, valid = song_from("unknown-effect", tmp_path), song_from("valid", tmp_path)
    for argv, words in (
        (["render", str(damaged), "-o", str(tmp_path / "out.wav")], "unknown kind"),
        (["analyze", str(CORPUS / "audio" / "truncated.wav")], "truncated"),
        (["import", str(valid), str(CORPUS / "audio" / "garbage.flac")], "garbage.flac"),
    ):
        result = subprocess.run([sys.executable, "-m", "daw", *argv], capture_output=True,
                                text=True, timeout=300, cwd=ROOT)
        assert result.returncode == 1, result.stderr
        assert words in one_line(result.stderr, "daw: error: ")
