"""Finding a missing media's file again: a file the person picks, or a search through a folder.

A file found is only taken if it is the same sound: the channel count and the length at the
project rate must match the MediaRef, so every clip and take that uses it stays where it was.
It is copied (or converted) into the project's ``audio/`` by the importer, so the project
stays self-contained; the MediaRef keeps its id and points at the copy.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from daw.media.errors import MediaError, display_name
from daw.media.importer import AudioInfo, import_file, probe
from daw.model.project import MediaRef

AUDIO_SUFFIXES = frozenset({".wav", ".wave", ".flac", ".ogg", ".oga", ".aif", ".aiff", ".aifc",
                            ".mp3", ".w64", ".rf64", ".caf"})
"""What a folder search looks at: the file types the importer reads."""
_READ_AS_IS = frozenset({"WAV", "WAVEX", "RF64", "AIFF", "FLAC"})
"""Formats a file already in ``audio/`` at the project rate may be played from as it is."""


def frames_at(info: AudioInfo, project_rate: int) -> int:
    """The file's length once converted to the project rate (as the importer writes it)."""
    return -(-info.frames * project_rate // info.sample_rate)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' * (count != 1)}"


def difference(info: AudioInfo, ref: MediaRef, project_rate: int) -> str | None:
    """Why the file cannot stand in for `ref` (one line), or None when it can."""
    frames = frames_at(info, project_rate)
    if info.channels == ref.channels and frames == ref.length_frames:
        return None
    found = f"{_plural(info.channels, 'channel')}, {frames / project_rate:.3f} s ({frames} frames)"
    wanted = (f"{_plural(ref.channels, 'channel')}, {ref.length_frames / project_rate:.3f} s "
              f"({ref.length_frames} frames)")
    return f"{display_name(info.path)} is not {ref.path}: it has {found}, the song needs {wanted}"


def locate_file(found: Path, project_dir: Path, project_rate: int, ref: MediaRef) -> MediaRef:
    """`ref` pointed at a copy of `found` in the project's ``audio/``. Raises MediaError with
    one line saying what differs (or why the file cannot be read); nothing is left behind."""
    found = Path(found)
    info = probe(found)
    why = difference(info, ref, project_rate)
    if why is not None:
        raise MediaError(why)
    project_dir = Path(project_dir)
    audio = (project_dir / "audio").resolve()
    if (info.sample_rate == project_rate and info.format in _READ_AS_IS
            and found.resolve().parent == audio):
        return replace(ref, path=f"audio/{found.name}")  # already in the project: no copy
    imported = import_file(found, project_dir, project_rate).media
    if (imported.channels, imported.length_frames) != (ref.channels, ref.length_frames):
        (project_dir / imported.path).unlink(missing_ok=True)
        raise MediaError(f"{display_name(found)} is not {ref.path}: converted, it has "
                         f"{imported.length_frames} frames, the song needs {ref.length_frames}")
    return replace(ref, path=imported.path)


@dataclass
class SearchResult:
    """What a folder search found: refs to put in the song, and what is still missing."""

    found: list[MediaRef] = field(default_factory=list)
    still_missing: list[MediaRef] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    """Files with the right name that could not stand in, one line each."""


def _names(ref: MediaRef) -> set[str]:
    """The base names a media's file may have: its own, and the file it was imported from."""
    names = {PurePosixPath(ref.path).stem.lower()}
    if ref.source_name:
        names.add(PurePosixPath(ref.source_name).stem.lower())
    return names


def _index(folder: Path) -> dict[str, list[Path]]:
    """Audio files under `folder` by lower-case base name, in a stable order."""
    index: dict[str, list[Path]] = {}
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            path = Path(root) / name
            if path.suffix.lower() in AUDIO_SUFFIXES and not name.startswith("."):
                index.setdefault(path.stem.lower(), []).append(path)
    return index


def search_folder(folder: Path, refs: Iterable[MediaRef], project_dir: Path,
                  project_rate: int) -> SearchResult:
    """Look under `folder` (recursively) for each ref's file by base name, any audio suffix,
    and take the first one of the right channels and length."""
    folder = Path(folder)
    if not folder.is_dir():
        raise MediaError(f"{display_name(folder)}: no such folder")
    index = _index(folder)
    result = SearchResult()
    for ref in refs:
        candidates = [p for name in sorted(_names(ref)) for p in index.get(name, ())]
        located = None
        for path in candidates:
            try:
                located = locate_file(path, project_dir, project_rate, ref)
                break
            except MediaError as error:
                result.problems.append(str(error))
        if located is None:
            result.still_missing.append(ref)
        else:
            result.found.append(located)
    return result
