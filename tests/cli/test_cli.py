"""The `daw` command, headless: make a project, import, render, analyze; and clear errors."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from daw.cli import main
from daw.model import chains, ops
from daw.model.project import MASTER
from daw.model.store import load_project, save_project


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def sine(path: Path, rate: int, seconds: float, freq: float, amp: float = 0.5,
         channels: int = 1, dc: float = 0.0) -> np.ndarray:
    t = np.arange(round(rate * seconds)) / rate
    data = np.repeat((amp * np.sin(2 * np.pi * freq * t) + dc)[:, None], channels, axis=1)
    sf.write(path, data, rate, subtype="FLOAT")
    return data


@pytest.fixture
def project(tmp_path: Path, capsys) -> Path:
    code, out, _ = run(capsys, "new", str(tmp_path / "Song"), "--tempo", "90")
    assert code == 0
    folder = Path(out.strip())
    assert folder == tmp_path / "Song.minidaw"
    return folder


def test_new_import_render_analyze(project: Path, tmp_path: Path, capsys) -> None:
    sine(tmp_path / "vox.wav", 44100, 1.0, 440)
    sine(tmp_path / "gtr.wav", 48000, 0.5, 220, channels=2)
    code, _, err = run(capsys, "import", str(project), str(tmp_path / "vox.wav"),
                       str(tmp_path / "gtr.wav"), "--at", "0.25")
    assert code == 0, err
    song = load_project(project)
    assert [t.name for t in song.tracks] == ["vox", "gtr"]
    assert song.tempo_bpm == 90
    assert all(t.clips[0].start_frame == 12000 for t in song.tracks)

    out = tmp_path / "mix.wav"
    code, _, err = run(capsys, "render", str(project), "-o", str(out), "--bit-depth", "32f")
    assert code == 0, err
    assert "render" in err  # the progress bar went to stderr
    mix, rate = sf.read(out, always_2d=True)
    assert rate == 48000
    vox, _ = sf.read(project / song.media[0].path, always_2d=True)  # resampled on import
    gtr, _ = sf.read(project / song.media[1].path, always_2d=True)
    expected = np.zeros((12000 + len(vox), 2))
    expected[12000:] += vox * math.cos(math.pi / 4)
    expected[12000:12000 + len(gtr)] += gtr
    assert np.abs(mix - expected).max() < 1e-6

    code, text, _ = run(capsys, "analyze", str(out))
    assert code == 0
    assert "sample rate: 48000 Hz" in text and "channels:    2" in text
    code, text, _ = run(capsys, "analyze", str(out), "--json")
    report = json.loads(text)
    assert report["frames"] == len(expected)
    assert report["levels"]["peak_dbfs"][0] == pytest.approx(
        20 * math.log10(np.abs(expected[:, 0]).max()), abs=1e-4)


def test_import_onto_one_track_one_after_another(project: Path, tmp_path: Path, capsys) -> None:
    sine(tmp_path / "a.wav", 48000, 0.5, 300)
    sine(tmp_path / "b.wav", 48000, 0.25, 600)
    code, _, err = run(capsys, "import", str(project), str(tmp_path / "a.wav"),
                       str(tmp_path / "b.wav"), "--track", "Takes", "--at", "1")
    assert code == 0, err
    (track,) = load_project(project).tracks
    assert track.name == "Takes"
    assert [(c.start_frame, c.length_frames) for c in track.clips] == [(48000, 24000),
                                                                       (72000, 12000)]


def test_analyze_measures_a_known_signal(tmp_path: Path, capsys) -> None:
    sine(tmp_path / "s.wav", 48000, 2.0, 1000, amp=0.5, dc=0.1)
    code, text, _ = run(capsys, "analyze", str(tmp_path / "s.wav"), "--json")
    assert code == 0
    report = json.loads(text)
    levels = report["levels"]
    assert report["duration_seconds"] == 2.0
    assert levels["peak_dbfs"][0] == pytest.approx(20 * math.log10(0.6), abs=1e-3)
    rms = math.sqrt(0.5**2 / 2 + 0.1**2)
    assert levels["rms_dbfs"][0] == pytest.approx(20 * math.log10(rms), abs=1e-3)
    assert levels["dc_offset"][0] == pytest.approx(0.1, abs=1e-6)


def test_render_ranges_bit_depth_and_rate(project: Path, tmp_path: Path, capsys) -> None:
    sine(tmp_path / "a.wav", 48000, 2.0, 500)
    run(capsys, "import", str(project), str(tmp_path / "a.wav"))
    out = tmp_path / "part.wav"
    code, _, err = run(capsys, "render", str(project), "-o", str(out), "--start", "0.5",
                       "--end", "1.5", "--bit-depth", "16", "--rate", "96000", "-q")
    assert code == 0, err
    info = sf.info(out)
    assert (info.samplerate, info.subtype, info.channels) == (96000, "PCM_16", 2)
    assert abs(info.frames - 96000) <= 1


def test_render_flac_unmastered_with_stems_and_a_report(project: Path, tmp_path: Path,
                                                        capsys) -> None:
    sine(tmp_path / "a.wav", 48000, 1.0, 500)
    sine(tmp_path / "b.wav", 48000, 0.5, 300, amp=0.25, channels=2)
    run(capsys, "import", str(project), str(tmp_path / "a.wav"), str(tmp_path / "b.wav"),
        "--at", "0.5")
    save_project(project, chains.add_effect(load_project(project), MASTER, "gain",
                                            {"gain_db": 6.0}))
    render = ["render", str(project), "--no-report", "-q", "--bit-depth", "32f", "-o"]
    assert run(capsys, *render, str(tmp_path / "raw.wav"), "--unmastered")[0] == 0
    assert run(capsys, *render, str(tmp_path / "mastered.wav"))[0] == 0
    raw, _ = sf.read(tmp_path / "raw.wav", dtype="float32", always_2d=True)
    mastered, _ = sf.read(tmp_path / "mastered.wav", dtype="float32", always_2d=True)
    np.testing.assert_allclose(mastered, raw * 10 ** (6 / 20), rtol=1e-6, atol=0)

    out = tmp_path / "mix.flac"
    code, text, err = run(capsys, "render", str(project), "-o", str(out), "--bit-depth", "16",
                          "--no-dither", "--unmastered", "--stems", str(tmp_path / "stems"))
    assert code == 0, err
    info = sf.info(out)
    assert (info.format, info.subtype, info.samplerate) == ("FLAC", "PCM_16", 48000)
    ints, _ = sf.read(out, dtype="int16", always_2d=True)
    np.testing.assert_array_equal(ints, np.rint(raw.astype(np.float64) * 2**15))
    assert np.count_nonzero(ints[:24000]) == 0  # silence stays silent without dither
    stems = sorted(p.name for p in (tmp_path / "stems").iterdir())
    assert stems == ["Song - a.flac", "Song - b.flac"]
    assert all(sf.info(tmp_path / "stems" / n).frames == len(ints) for n in stems)
    assert f"wrote {out}" in err and "wrote 2 stems into" in err
    report = json.loads((tmp_path / "mix.loudness.json").read_text())
    assert report["bounce"]["mastered"] is False and report["bounce"]["dither"] is False
    assert report["bounce"]["stems"] == stems and report["frames"] == len(ints)
    assert text == (tmp_path / "mix.loudness.txt").read_text()
    assert text.startswith("mix.flac: 16-bit FLAC, unmastered\nIntegrated loudness: ")
    assert not (tmp_path / "raw.loudness.json").exists()


@pytest.mark.parametrize(
    ("argv", "message", "status"),
    [
        (["render", "{missing}", "-o", "{tmp}/x.wav"], "no such project", 1),
        (["render", "{project}", "-o", "{tmp}/x.wav"], "nothing to render", 1),
        (["render", "{project}", "-o", "{tmp}/x.wav", "--marker", "Chorus"], "no marker", 1),
        (["render", "{project}", "-o", "{tmp}/x.wav", "--marker", "A", "--start", "1"],
         "either --marker", 2),
        (["render", "{project}", "-o", "{tmp}/x.wav", "--format", "flac"],
         "a FLAC file should not end in .wav", 2),
        (["render", "{project}", "-o", "{tmp}/x.flac", "--bit-depth", "32f"],
         "FLAC holds 16 or 24 bit", 2),
        (["render", "{project}", "-o", "{tmp}/x.wav", "--rate", "1000"],
         "sample rate 1000 Hz is not supported", 2),
        (["render", "{project}", "-o", "{tmp}/x.wav", "--start", "-1"],
         "--start must not be negative", 2),
        (["render", "{project}", "-o", "{tmp}/x.wav", "--start", "2", "--end", "1"],
         "the range ends where it starts or before", 2),
        (["render", "{project}", "-o", "{tmp}/x.wav", "--stems", "{tmp}/notes.txt"],
         "notes.txt: not a folder", 1),
        (["analyze", "{tmp}/nothing.wav"], "nothing.wav: file not found", 1),
        (["analyze", "{tmp}/notes.txt"], "notes.txt: not an audio file", 1),
        (["import", "{project}", "{tmp}/notes.txt"], "notes.txt", 1),
        (["new", "{project}"], "already there", 1),
        (["new", "{tmp}/Odd", "--time-signature", "four"], "time signature", 1),
        (["new", "{tmp}/Odd", "--tempo", "1000"], "tempo", 1),
    ],
)
def test_user_errors_are_one_clear_line(project: Path, tmp_path: Path, capsys, argv,
                                        message: str, status: int) -> None:
    (tmp_path / "notes.txt").write_text("not audio")
    if "--stems" in argv:  # something to render, so that the stems are what fails
        sine(tmp_path / "a.wav", 48000, 0.5, 500)
        run(capsys, "import", str(project), str(tmp_path / "a.wav"))
    before = sorted(p.name for p in (project / "audio").iterdir())
    subs = {"missing": str(tmp_path / "Missing.minidaw"), "tmp": str(tmp_path),
            "project": str(project)}
    code, _, err = run(capsys, *(a.format(**subs) for a in argv))
    assert code == status
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("daw: error: ")
    assert message in lines[0]
    assert "Traceback" not in err
    assert sorted(p.name for p in (project / "audio").iterdir()) == before


def test_options_refused_by_argparse_are_one_line_too(project: Path, tmp_path: Path,
                                                      capsys) -> None:
    with pytest.raises(SystemExit) as leaving:
        main(["render", str(project), "-o", str(tmp_path / "x.mp3"), "--format", "mp3"])
    assert leaving.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("daw: error: argument --format: invalid")
    assert lines[0].endswith("(see daw render --help)")


def test_damaged_project_and_missing_media(project: Path, tmp_path: Path, capsys) -> None:
    sine(tmp_path / "a.wav", 48000, 0.5, 500)
    run(capsys, "import", str(project), str(tmp_path / "a.wav"))
    (project / "audio" / "a.wav").unlink()
    code, _, err = run(capsys, "render", str(project), "-o", str(tmp_path / "x.wav"))
    assert code == 0 and "daw: warning: 1 media file is missing" in err and "audio/a.wav" in err
    text = (project / "project.json").read_text().replace('"gain_db": 0.0', '"gain_db": "x"', 1)
    (project / "project.json").write_text(text)
    code, _, err = run(capsys, "render", str(project), "-o", str(tmp_path / "x.wav"))
    assert code == 1 and "project.json" in err and "gain_db" in err
    assert (project / "project.json").read_text() == text


def test_the_console_entry_runs_as_a_program(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "daw", "--help"], capture_output=True,
                            text=True, check=True)
    for command in ("render", "analyze", "new", "import", "demo"):
        assert command in result.stdout
    bad = subprocess.run([sys.executable, "-m", "daw", "render", str(tmp_path / "No.minidaw"),
                          "-o", str(tmp_path / "x.wav")], capture_output=True, text=True)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr


def test_demo_renders_the_bundled_song_and_prints_its_analysis(tmp_path: Path, capsys) -> None:
    out = tmp_path / "demo.wav"
    code, text, err = run(capsys, "demo", "-o", str(out))
    assert code == 0, err
    assert "5 tracks, 1 bus" in text and "Intro, Verse, Chorus, Outro" in text
    info = sf.info(out)
    assert info.frames == 32 * 48000 and info.subtype == "PCM_24"
    peak = float(text.split("peak:")[1].split("dBFS")[0])
    assert -12.0 < peak < -1.0  # audible, and not clipping


def test_render_plays_a_missing_file_as_silence_with_one_warning(project: Path, tmp_path: Path,
                                                                 capsys) -> None:
    sine(tmp_path / "drums.wav", 48000, 1.0, 110, channels=2)
    sine(tmp_path / "Vocal.wav", 48000, 0.5, 330)
    assert run(capsys, "import", str(project), str(tmp_path / "drums.wav"),
               str(tmp_path / "Vocal.wav"))[0] == 0
    song = load_project(project)
    vocal = song.tracks[1]
    render = ["render", str(project), "-q", "--bit-depth", "32f", "-o"]
    save_project(project, ops.remove_track(song, vocal.id))
    assert run(capsys, *render, str(tmp_path / "expected.wav"))[0] == 0
    save_project(project, song)
    (project / song.media_ref(vocal.clips[0].media_id).path).unlink()

    code, _, err = run(capsys, *render, str(tmp_path / "mix.wav"))
    assert code == 0
    assert err.splitlines() == [
        'daw: warning: 1 media file is missing and plays as silence: audio/Vocal.wav '
        '(track "Vocal")']
    mix, _ = sf.read(tmp_path / "mix.wav", dtype="float32", always_2d=True)
    expected, _ = sf.read(tmp_path / "expected.wav", dtype="float32", always_2d=True)
    assert np.abs(expected).max() > 0.1
    np.testing.assert_array_equal(mix, expected)
    assert "audio/Vocal.wav" in (tmp_path / "mix.loudness.txt").read_text()
