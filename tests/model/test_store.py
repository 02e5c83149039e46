"""The project folder: atomic saves with backups, and loads that say what is wrong."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import pytest

from daw.model import Fade, MediaRef, Project, ProjectFileError, ops
from daw.model.project import SCHEMA_VERSION
from daw.model.store import (
    create_project,
    delete_unused_audio,
    load_project,
    missing_media,
    save_project,
    unused_audio_files,
)
from daw.model.takes import add_take, delete_take, remove_unused_media


def sample_project() -> Project:
    p = Project(name="Demo", tempo_bpm=98.5, time_signature=(3, 4), notes="Take 3 is best")
    p = ops.add_media(p, MediaRef("m1", "audio/a.wav", 2, 48000, "a.wav"))
    p = ops.add_track(p, "Drums", track_id="t1")
    p = ops.add_clip(p, "t1", "m1", 10, clip_id="c1")
    p = ops.set_fades(p, "c1", Fade(100, "equal_power"), Fade(50, "exponential"))
    p = ops.add_marker(p, "Verse", 0, notes="Am F C G", marker_id="k1")
    return p


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    folder = create_project(tmp_path / "Song", sample_project())
    assert folder.name == "Song.minidaw"
    for sub in ("audio", "cache", "backups"):
        assert (folder / sub).is_dir()
    data = json.loads((folder / "project.json").read_text())
    assert data["schema_version"] == SCHEMA_VERSION
    assert load_project(folder) == sample_project()
    assert load_project(folder / "project.json") == sample_project()


def test_create_refuses_to_overwrite(tmp_path: Path) -> None:
    create_project(tmp_path / "Song.minidaw", sample_project())
    with pytest.raises(FileExistsError):
        create_project(tmp_path / "Song.minidaw", Project())


def test_save_keeps_previous_save_as_backup(tmp_path: Path) -> None:
    folder = create_project(tmp_path / "Song", sample_project())
    first = (folder / "project.json").read_bytes()
    save_project(folder, ops.set_tempo(sample_project(), 140))
    backups = list((folder / "backups").glob("project-*.json"))
    assert [b.read_bytes() for b in backups] == [first]
    assert load_project(folder).tempo_bpm == 140
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_failed_save_leaves_old_file_intact(tmp_path: Path, monkeypatch) -> None:
    folder = create_project(tmp_path / "Song", sample_project())
    before = (folder / "project.json").read_bytes()

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match=r"project\.json: no space left on device"):
        save_project(folder, ops.set_tempo(sample_project(), 60))
    assert (folder / "project.json").read_bytes() == before
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def damage(folder: Path, change) -> None:
    data = json.loads((folder / "project.json").read_text())
    change(data)
    (folder / "project.json").write_text(json.dumps(data))


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        (lambda d: d["tracks"][0].__setitem__("gain_db", "loud"), "tracks[0].gain_db",
         "expected a number"),
        (lambda d: d["tracks"][0]["clips"][0].__setitem__("length_frames", -5),
         "tracks[0].clips[0].length_frames", "at least 1"),
        (lambda d: d["tracks"][0]["clips"][0].__setitem__("length_frames", 999999),
         "tracks[0].clips[0]", "only 48000 frames"),
        (lambda d: d["tracks"][0]["clips"][0].__setitem__("media_id", "ghost"),
         "tracks[0].clips[0]", "no media"),
        (lambda d: d["tracks"][0]["clips"][0]["fade_in"].__setitem__("shape", "zigzag"),
         "tracks[0].clips[0]", "not one of"),
        (lambda d: d["tracks"][0].pop("name"), "tracks[0].name", "missing"),
        (lambda d: d["tracks"][0].__setitem__("pan", 3), "tracks[0]", "pan"),
        (lambda d: d.__setitem__("sample_rate", "fast"), "sample_rate", "whole number"),
        (lambda d: d.__setitem__("time_signature", [4]), "time_signature", "beats"),
        (lambda d: d["markers"][0].__setitem__("frame", 1.5), "markers[0].frame", "whole"),
        (lambda d: d["media"][0].__setitem__("path", "../../etc/passwd"), "media[0].path",
         "inside the project"),
        (lambda d: d.__setitem__("tracks", {"a": 1}), "tracks", "expected a list"),
        (lambda d: d.__setitem__("schema_version", 99), "schema_version", "newer MiniDAW"),
        (lambda d: d.pop("schema_version"), "schema_version", "missing"),
        (lambda d: d["tracks"].append(dict(d["tracks"][0])), "", "used twice"),
    ],
)
def test_damaged_file_names_file_and_field_and_touches_nothing(
    tmp_path: Path, change, field: str, problem: str
) -> None:
    folder = create_project(tmp_path / "Song", sample_project())
    damage(folder, change)
    snapshot = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    with pytest.raises(ProjectFileError) as caught:
        load_project(folder)
    message = str(caught.value)
    assert str(folder / "project.json") in message
    assert field in message and problem in message
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == snapshot


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"{\"schema_version\": 1, \"tracks\": [", "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not text"),
        (b"[1, 2, 3]", "JSON object"),
        (b"", "not valid JSON"),
    ],
)
def test_corrupt_file_is_reported(tmp_path: Path, content: bytes, problem: str) -> None:
    folder = create_project(tmp_path / "Song", sample_project())
    (folder / "project.json").write_bytes(content)
    with pytest.raises(ProjectFileError, match=problem):
        load_project(folder)
    assert (folder / "project.json").read_bytes() == content


def test_missing_project_and_missing_media(tmp_path: Path) -> None:
    with pytest.raises(ProjectFileError, match="no such project"):
        load_project(tmp_path / "Nothing.minidaw")
    folder = create_project(tmp_path / "Song", sample_project())
    assert missing_media(folder, load_project(folder)) == ["audio/a.wav"]
    (folder / "audio" / "a.wav").write_bytes(b"x")
    assert missing_media(folder, load_project(folder)) == []


def test_silent_faders_survive_save_and_load(tmp_path: Path) -> None:
    p = ops.set_track_gain(sample_project(), "t1", float("-inf"))
    p = ops.set_master_gain(p, float("-inf"))
    p = ops.set_clip_gain(p, "c1", float("-inf"))
    folder = create_project(tmp_path / "Song", p)
    text = (folder / "project.json").read_text()
    assert "Infinity" not in text  # plain JSON: silence is null
    assert json.loads(text)["tracks"][0]["gain_db"] is None
    assert load_project(folder) == p


def cleanup_song(tmp_path: Path) -> tuple[Path, Project]:
    """A song whose deleted take left audio/k2.wav unused; audio/k1.wav is a take's, a.wav a
    clip's; a stray file nothing names and a file outside the project sit beside them."""
    p = sample_project()
    p = ops.add_media(p, MediaRef("mk1", "audio/k1.wav", 1, 4800))
    p = ops.add_media(p, MediaRef("mk2", "audio/k2.wav", 1, 4800))
    p = add_take(p, "t1", "mk1", 0, 4800, take_id="take1")
    p = add_take(p, "t1", "mk2", 0, 4800, take_id="take2")
    p = delete_take(p, "take2")
    folder = create_project(tmp_path / "Song", p)
    for name in ("a.wav", "k1.wav", "k2.wav", "stray.wav"):
        (folder / "audio" / name).write_bytes(name.encode())
    (tmp_path / "outside.wav").write_bytes(b"outside")
    return folder, p


def test_delete_unused_audio_deletes_exactly_the_unused_media_files(tmp_path: Path) -> None:
    folder, p = cleanup_song(tmp_path)
    assert unused_audio_files(folder, p) == [folder / "audio" / "k2.wav"]
    assert delete_unused_audio(folder, p) == ["audio/k2.wav"]
    assert sorted(f.name for f in (folder / "audio").iterdir()) == ["a.wav", "k1.wav",
                                                                   "stray.wav"]
    assert (tmp_path / "outside.wav").read_bytes() == b"outside"
    assert delete_unused_audio(folder, p) == []  # already gone: nothing to do
    assert delete_unused_audio(folder, remove_unused_media(p)) == []


def test_delete_unused_audio_never_leaves_the_audio_folder(tmp_path: Path) -> None:
    folder, p = cleanup_song(tmp_path)
    (folder / "elsewhere").mkdir()
    (folder / "elsewhere" / "x.wav").write_bytes(b"x")
    (folder / "audio" / "linked").symlink_to(tmp_path, target_is_directory=True)
    (folder / "audio" / "link.wav").symlink_to(tmp_path / "outside.wav")
    odd = [MediaRef("e1", "../outside.wav", 1, 10), MediaRef("e2", "audio/../elsewhere/x.wav",
                                                             1, 10),
           MediaRef("e3", "elsewhere/x.wav", 1, 10), MediaRef("e4", "/etc/hostname", 1, 10),
           MediaRef("e5", "audio/linked/outside.wav", 1, 10), MediaRef("e6", "audio", 1, 10),
           MediaRef("e7", "audio/a.wav", 1, 10),  # a used media's file: kept
           MediaRef("e8", "audio/link.wav", 1, 10)]  # a link: it goes, its target stays
    p = replace(p, media=(*p.media, *odd))
    assert delete_unused_audio(folder, p) == ["audio/k2.wav", "audio/link.wav"]
    assert (tmp_path / "outside.wav").read_bytes() == b"outside"
    assert (folder / "elsewhere" / "x.wav").exists() and (folder / "audio" / "a.wav").exists()
    assert sorted(f.name for f in (folder / "audio").iterdir()) == ["a.wav", "k1.wav",
                                                                   "linked", "stray.wav"]
