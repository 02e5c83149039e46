"""The bundled demo song: its shape, its files, its levels, and that its script rebuilds it."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
import soundfile as sf

from daw.model import ops
from daw.model.project import Project
from daw.model.store import load_project

REPO = Path(__file__).resolve().parents[1]
DEMO_DIR = REPO / "resources" / "demo"
DEMO = DEMO_DIR / "Demo.minidaw"
SCRIPT = DEMO_DIR / "make_demo.py"
SECTIONS = ("Intro", "Verse", "Chorus", "Outro")
PARTS = ("Drums", "Bass", "Chords", "Lead", "Vocal")


def rms_db(x: np.ndarray) -> float:
    rms = float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))
    return 20.0 * np.log10(rms) if rms > 0 else -np.inf


@pytest.fixture(scope="module")
def project() -> Project:
    return load_project(DEMO)


@pytest.fixture(scope="module")
def make_demo() -> ModuleType:
    """The generator script, imported as a module to reach its mixer and its voices."""
    spec = importlib.util.spec_from_file_location("make_demo", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_song_has_five_parts_and_lasts_over_30_seconds(project: Project) -> None:
    assert [t.name for t in project.tracks if not t.is_bus] == list(PARTS)
    assert project.sample_rate == 48000
    assert (project.tempo_bpm, project.time_signature) == (120.0, (4, 4))
    assert project.end_frame == 16 * project.frames_per_bar() == 32 * 48000
    assert project.notes.strip()


def test_every_section_has_a_marker_with_its_chords(project: Project) -> None:
    by_name = {m.name: m for m in project.markers}
    assert set(SECTIONS) <= set(by_name)
    frames = [by_name[name].frame for name in SECTIONS]
    assert frames == sorted(frames) and frames[0] == 0 and frames[-1] < project.end_frame
    for name in SECTIONS:
        assert by_name[name].notes.startswith("Chords: "), name
    assert "Words: Welcome to MiniDAW. Record, edit, mix, and master." in by_name["Verse"].notes


def test_the_arrangement_uses_fades_splits_offsets_and_a_mix(project: Project) -> None:
    chords = project.track("track-chords")
    lead = project.track("track-lead")
    assert chords.pan < 0.0 < lead.pan
    assert all(t.gain_db <= 0.0 for t in project.tracks)
    assert chords.clips[0].fade_in.length_frames > 0
    drums = project.track("track-drums").clips
    assert len(drums) == 2 and drums[0].end_frame == drums[1].start_frame
    assert drums[1].source_offset_frames == drums[1].start_frame
    vocal = project.track("track-vocal").clips
    assert len(vocal) == 2 and vocal[0].media_id == vocal[1].media_id
    assert vocal[0].source_offset_frames != vocal[1].source_offset_frames
    ending = [c for t in project.tracks for c in t.clips if c.end_frame == project.end_frame]
    assert len(ending) == 4
    assert all(c.fade_out.length_frames == 2 * project.frames_per_bar() for c in ending)


def test_media_files_are_there_and_match_the_project(project: Project) -> None:
    for ref in project.media:
        path = DEMO / ref.path
        assert ref.path.startswith("audio/") and path.is_file(), ref.path
        info = sf.info(str(path))
        assert (info.channels, info.frames) == (ref.channels, ref.length_frames), ref.path
        assert info.samplerate == project.sample_rate
        assert (info.format, info.subtype) == ("OGG", "VORBIS")


def test_the_demo_folder_is_small_and_clean() -> None:
    size = sum(p.stat().st_size for p in DEMO_DIR.rglob("*") if p.is_file())
    assert size < 3 * 1024 * 1024
    for rebuildable in ("cache", "backups"):
        folder = DEMO / rebuildable
        assert not folder.exists() or not any(folder.iterdir()), rebuildable


@pytest.mark.parametrize("part", PARTS)
def test_each_part_is_audible_where_it_plays(project: Project, part: str) -> None:
    (track,) = [t for t in project.tracks if t.name == part]
    heard = []
    for clip in track.clips:
        ref = project.media_ref(clip.media_id)
        audio, _ = sf.read(str(DEMO / ref.path), start=clip.source_offset_frames,
                           frames=clip.length_frames, dtype="float64")
        assert len(audio) == clip.length_frames
        heard.append(audio.reshape(-1))
    assert rms_db(np.concatenate(heard)) > -40.0


def test_the_mix_does_not_clip(project: Project, make_demo: ModuleType) -> None:
    tracks = make_demo.render_tracks(DEMO, project)
    mix = sum(tracks.values())
    assert mix.shape == (project.end_frame, 2)
    assert 20.0 * np.log10(np.max(np.abs(mix))) < -1.0
    for name, audio in tracks.items():
        assert rms_db(audio) > -45.0, name


def test_the_song_comes_mixed(project: Project, make_demo: ModuleType) -> None:
    """A chain on each part, a reverb bus fed by sends, a limiter on the master: the real
    render stays under the limiter's ceiling and the reverb is clearly heard."""
    (bus,) = [t for t in project.tracks if t.is_bus]
    feeding = [t.name for t in project.tracks if t.send(bus.id)]
    assert bus.effects and len(feeding) >= 3
    assert [e.kind for e in project.master.effects] == ["limiter"]
    mix = make_demo.render_mix(DEMO, project)
    assert 20.0 * np.log10(np.max(np.abs(mix))) <= -1.0 + 1e-3
    dry = make_demo.render_mix(DEMO, ops.set_track_mute(project, bus.id, True))
    assert rms_db(mix - dry) > rms_db(mix) - 20.0


def test_the_script_rebuilds_the_shipped_project(tmp_path: Path, project: Project) -> None:
    """Ids and lengths are fixed by the script, so the project is exactly the shipped one.

    The audio is compared loosely: Vorbis encodes with floating point, which may round
    differently elsewhere, so the difference must stay 40 dB under the part. The voice comes
    from the espeak-ng installed here (or the sung stand-in), so only its length is compared;
    the fallback test below covers the other voice.
    """
    out = tmp_path / "Demo.minidaw"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # it finds daw itself
    run = subprocess.run([sys.executable, str(SCRIPT), str(out)], capture_output=True,
                         text=True, cwd=tmp_path, env=env)
    assert run.returncode == 0, run.stderr
    rebuilt = load_project(out)
    assert rebuilt == project
    assert not any((out / "backups").iterdir())
    for ref in project.media:
        if ref.id == "media-vocal":
            continue
        shipped, _ = sf.read(str(DEMO / ref.path), dtype="float64")
        fresh, _ = sf.read(str(out / ref.path), dtype="float64")
        assert fresh.shape == shipped.shape
        assert rms_db(fresh - shipped) < rms_db(shipped) - 40.0, ref.path


def test_the_sung_voice_fills_the_same_slots(project: Project, make_demo: ModuleType) -> None:
    """Without espeak-ng the vocal file has the same length, so the project is unchanged."""
    vocal, how = make_demo.make_vocal(speech=False)
    assert how == "sung by a formant synth"
    assert len(vocal) == project.media_ref("media-vocal").length_frames
    np.testing.assert_allclose(np.max(np.abs(vocal)), 10 ** (-6 / 20))
    for clip in project.track("track-vocal").clips:
        start = clip.source_offset_frames
        assert rms_db(vocal[start : start + clip.length_frames]) > -40.0


def test_stems_are_written_byte_for_byte_the_same(tmp_path: Path, make_demo: ModuleType) -> None:
    """The Ogg serial is fixed, so rebuilding the demo leaves unchanged files unchanged."""
    t = np.arange(24000) / 48000
    tone = 0.5 * np.sin(2 * np.pi * 440 * t)
    first = make_demo.write_stem(tmp_path / "a", "tone", tone)
    second = make_demo.write_stem(tmp_path / "b", "tone", tone)
    assert first == second
    assert (first.channels, first.length_frames) == (1, 24000)
    data = (tmp_path / "a" / first.path).read_bytes()
    assert data == (tmp_path / "b" / second.path).read_bytes()
    assert data[14:18] == make_demo.OGG_SERIAL.to_bytes(4, "little")
    decoded, rate = sf.read(str(tmp_path / "a" / first.path))
    assert rate == 48000
    assert rms_db(decoded - tone) < rms_db(tone) - 30.0
