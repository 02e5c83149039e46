"""A bounce never writes into the project it comes from: not over project.json, not into
audio/, backups/ or cache/, not over a media file the project names (even one a link in
audio/ leads to outside the folder), neither the mix, its report nor a stem."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from daw.engine.export.bounce import BounceError, BounceSettings, bounce
from daw.mastering.album import AlbumError, master_album
from daw.mastering.targets import DEFAULT_TARGET
from daw.model import ops
from daw.model.project import MediaRef
from daw.model.store import save_project
from tests.engine.songs import RATE, Song, tone


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file under the folder (links followed) with a hash of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def saved(song: Song) -> Song:
    song.media("vox", tone(RATE // 10, 440))
    song.track("Vocal")
    song.clip("Vocal", "vox", 0, "c1")
    save_project(song.folder, song.project)
    return song


@pytest.mark.parametrize("where", [
    "project.json", "audio/vox.wav", "audio/new.wav", "backups/mix.wav", "cache/mix.wav",
    "cache/../audio/sneaky.wav", "audio/deeper/mix.flac",
])
def test_a_bounce_into_the_project_is_refused_and_changes_nothing(saved: Song,
                                                                   where: str) -> None:
    before = fingerprint(saved.folder)
    (saved.folder / "audio" / "deeper").mkdir(exist_ok=True)
    target = saved.folder / where
    with pytest.raises(BounceError, match="a bounce never writes there"):
        bounce(saved.project, saved.folder, BounceSettings(target))
    assert fingerprint(saved.folder) == before
    assert not any(p.name.startswith(".") for p in (saved.folder / "audio").iterdir())


def test_the_same_file_by_another_name_is_refused(saved: Song, tmp_path: Path) -> None:
    link = tmp_path / "looks-harmless.wav"
    link.symlink_to(saved.folder / "project.json")
    before = fingerprint(saved.folder)
    with pytest.raises(BounceError, match=r"project\.json"):
        bounce(saved.project, saved.folder, BounceSettings(link, report=False))
    assert fingerprint(saved.folder) == before


def test_a_media_file_outside_the_folder_is_refused(saved: Song, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    saved.media("drums", tone(RATE // 10, 220))
    moved = outside / "drums.wav"
    (saved.folder / "audio" / "drums.wav").rename(moved)
    (saved.folder / "audio" / "drums.wav").symlink_to(moved)
    before = moved.read_bytes()
    with pytest.raises(BounceError, match=r"media audio/drums\.wav"):
        bounce(saved.project, saved.folder, BounceSettings(moved, report=False))
    assert moved.read_bytes() == before


def test_the_report_would_land_on_a_media_file(saved: Song, tmp_path: Path) -> None:
    """mix.wav's report is mix.loudness.json: a media of that name is refused too."""
    ref = MediaRef("odd", "mix.loudness.json", 1, 10)
    project = ops.add_media(saved.project, ref)
    (saved.folder / "mix.loudness.json").write_text("keep me")
    with pytest.raises(BounceError, match=r"mix\.loudness\.json"):
        bounce(project, saved.folder, BounceSettings(saved.folder / "mix.wav"))
    assert (saved.folder / "mix.loudness.json").read_text() == "keep me"
    assert not (saved.folder / "mix.wav").exists()


@pytest.mark.parametrize("stems", ["audio", "audio/stems", "backups", "cache/x"])
def test_stems_inside_the_project_folders_are_refused(saved: Song, tmp_path: Path,
                                                      stems: str) -> None:
    before = fingerprint(saved.folder)
    out = tmp_path / "mix.wav"
    with pytest.raises(BounceError, match="a bounce never writes there"):
        bounce(saved.project, saved.folder,
               BounceSettings(out, report=False, stems_dir=saved.folder / stems))
    assert fingerprint(saved.folder) == before
    assert not out.exists()


def test_a_bounce_beside_the_project_files_is_still_allowed(saved: Song) -> None:
    """The project folder itself is not forbidden: only its own files and folders are."""
    out = bounce(saved.project, saved.folder,
                 BounceSettings(saved.folder / "mix.wav", report=False,
                                stems_dir=saved.folder / "stems"))
    assert out.is_file() and (saved.folder / "stems" / "Test - Vocal.wav").is_file()


def test_an_album_into_a_song_folder_is_refused_before_anything(saved: Song) -> None:
    before = fingerprint(saved.folder)
    out = saved.folder / "audio" / "album"
    with pytest.raises(AlbumError, match="an album is never written there"):
        master_album([saved.folder], out, DEFAULT_TARGET)
    assert not out.exists()
    assert fingerprint(saved.folder) == before
