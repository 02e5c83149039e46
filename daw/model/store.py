"""The project folder on disk: ``Name.minidaw/`` with ``project.json``, ``audio/``,
``cache/`` and ``backups/``.

Saving never leaves a half-written file under the real name (temp file, fsync, rename) and
keeps earlier saves in ``backups/``. Loading never writes anything: a file that cannot be read
raises `ProjectFileError` naming the file and the field.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

from daw.model.disk import DiskWriteError, sync_folder
from daw.model.errors import ProjectFileError
from daw.model.project import SCHEMA_VERSION, Project
from daw.model.serialize import (
    FieldError,
    describe_value,
    project_from_dict,
    project_to_dict,
)
from daw.model.takes import unused_media
from daw.model.validate import EffectRanges

PROJECT_FILE = "project.json"
FOLDER_SUFFIX = ".minidaw"
SUBFOLDERS = ("audio", "cache", "backups")
BACKUPS_KEPT = 20
TEMP_PREFIX, TEMP_SUFFIX = ".project-", ".tmp"
"""How `save_project` names its temporary file (tempfile adds 8 random characters)."""
_TEMP_NAME = re.compile(re.escape(TEMP_PREFIX) + r"[a-z0-9_]{8}" + re.escape(TEMP_SUFFIX))
STALE_SECONDS = 30.0
"""A temporary file older than this is a killed save's, not one under way."""

def _from_v1(data: dict[str, Any]) -> dict[str, Any]:
    """Version 2 added track kinds, sends and automation; a version 1 song has none, and the
    defaults (audio tracks, no sends, no envelopes) say exactly that."""
    return data


def _from_v2(data: dict[str, Any]) -> dict[str, Any]:
    """Version 3 added takes and clip pitch and stretch; a version 2 song has none."""
    return data


def _from_v3(data: dict[str, Any]) -> dict[str, Any]:
    """Version 4 saves the metronome switch with the song; an older song had it off."""
    return {**data, "metronome": False}


MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {
    1: _from_v1, 2: _from_v2, 3: _from_v3}
"""Upgrades from schema version N to N + 1; each takes and returns the raw dict."""


def project_folder(path: str | os.PathLike[str]) -> Path:
    """The project folder for a path given by a person: the folder itself or its project.json."""
    path = Path(path)
    if path.name == PROJECT_FILE:
        return path.parent
    return path


def create_project(path: str | os.PathLike[str], project: Project) -> Path:
    """Make a new project folder and save `project` in it; refuses to overwrite."""
    folder = project_folder(path)
    if folder.suffix != FOLDER_SUFFIX:
        folder = folder.with_name(folder.name + FOLDER_SUFFIX)
    if (folder / PROJECT_FILE).exists():
        raise FileExistsError(f"{folder}: a project is already there")
    save_project(folder, project)
    return folder


def save_project(folder: str | os.PathLike[str], project: Project) -> Path:
    """Write project.json atomically, keeping the previous save in backups/.

    A disk that refuses the write (full, read-only, failing) raises `DiskWriteError` naming
    project.json and why; the previous project.json is then untouched and no temporary file
    is left behind."""
    folder = Path(folder)
    target = folder / PROJECT_FILE
    text = json.dumps(project_to_dict(project), indent=2, ensure_ascii=False) + "\n"
    kept = "the last save is unchanged" if target.exists() else "nothing was saved"
    try:
        for sub in SUBFOLDERS:
            (folder / sub).mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=folder)
    except OSError as error:
        raise DiskWriteError(target, error, kept) from error
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:  # closes fd whatever happens
            os.fchmod(handle.fileno(),
                      target.stat().st_mode & 0o777 if target.exists() else 0o644)
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():
            _keep_backup(folder, target)
        os.replace(temp_name, target)
    except BaseException as error:
        Path(temp_name).unlink(missing_ok=True)
        if isinstance(error, OSError) and not isinstance(error, DiskWriteError):
            raise DiskWriteError(target, error, kept) from error
        raise
    sync_folder(folder)
    return target


def remove_stale_temp_files(folder: str | os.PathLike[str],
                            older_than_seconds: float = STALE_SECONDS) -> list[Path]:
    """Delete the temporary files that saves killed midway left in the project folder; return
    them. Only names `save_project` makes, and only files older than `older_than_seconds`, so
    a save under way in another process keeps its file. Call it where a project is opened for
    editing (loading stays read-only)."""
    root = project_folder(folder)
    now = time.time()
    removed = []
    try:
        names = [entry for entry in os.scandir(root) if _TEMP_NAME.fullmatch(entry.name)]
    except OSError:
        return []
    for entry in names:
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            if now - entry.stat(follow_symlinks=False).st_mtime < older_than_seconds:
                continue
            os.unlink(entry.path)
        except OSError:
            continue  # gone already, or not ours to delete: the next open tries again
        removed.append(Path(entry.path))
    return removed


def _keep_backup(folder: Path, current: Path) -> None:
    """Copy the current save into backups/ (a hard link when the file system allows); a copy
    the disk cannot hold is removed and the save refused, naming the backup."""
    backups = folder / "backups"
    stamp = time.strftime("%Y%m%d-%H%M%S")
    backup = backups / f"project-{stamp}.json"
    counter = 1
    while backup.exists():
        counter += 1
        backup = backups / f"project-{stamp}-{counter}.json"
    try:
        os.link(current, backup)
    except OSError:
        try:
            backup.write_bytes(current.read_bytes())
        except OSError as error:
            backup.unlink(missing_ok=True)
            raise DiskWriteError(backup, error, "the last save is unchanged") from error
    old = sorted(backups.glob("project-*.json"), key=lambda p: p.stat().st_mtime_ns)
    for stale in old[:-BACKUPS_KEPT]:
        stale.unlink(missing_ok=True)


def load_project(path: str | os.PathLike[str], kinds: EffectRanges | None = None) -> Project:
    """Read a project folder (or its project.json). Touches nothing on disk. With `kinds`
    (the engine's `effect_ranges()`), an unknown effect or a parameter out of its range is
    refused here, naming the track and the effect."""
    file = project_folder(path) / PROJECT_FILE
    shown = str(file)
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise ProjectFileError(shown, "", "no such project (project.json is missing)") from None
    except OSError as error:
        raise ProjectFileError(shown, "", f"cannot be read ({error.strerror})") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ProjectFileError(shown, "", "is not text (UTF-8); it may be damaged") from None
    except json.JSONDecodeError as error:
        raise ProjectFileError(
            shown, f"line {error.lineno} column {error.colno}", f"not valid JSON ({error.msg})"
        ) from None
    except RecursionError:
        raise ProjectFileError(shown, "", "not a project: its JSON is nested too deeply") \
            from None
    except ValueError as error:  # a number of thousands of digits, say
        raise ProjectFileError(shown, "", f"not valid JSON ({error})") from None
    return project_from_json_data(data, shown, kinds)


def project_from_json_data(data: Any, shown: str, kinds: EffectRanges | None = None) -> Project:
    """Migrate raw data to the current schema and build the project, or say what is wrong."""
    if not isinstance(data, dict):
        raise ProjectFileError(shown, "", "expected a JSON object at the top")
    version = data.get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ProjectFileError(shown, "schema_version",
                               f"missing or not a version: {describe_value(version)}")
    if version > SCHEMA_VERSION:
        raise ProjectFileError(
            shown,
            "schema_version",
            f"written by a newer MiniDAW (schema {version}; this one reads up to "
            f"{SCHEMA_VERSION}). Update MiniDAW to open it.",
        )
    while version < SCHEMA_VERSION:
        data = MIGRATIONS[version](data)
        version += 1
        data["schema_version"] = version
    try:
        return project_from_dict(data, kinds)
    except FieldError as error:
        raise ProjectFileError(shown, error.field, error.problem) from None


def missing_media(folder: str | os.PathLike[str], project: Project) -> list[str]:
    """Media paths the project names that are not in its folder."""
    root = project_folder(folder)
    return [ref.path for ref in project.media if not (root / ref.path).is_file()]


def unused_audio_files(folder: str | os.PathLike[str], project: Project) -> list[Path]:
    """The files of the media nothing in `project` uses, that a clean-up would delete: only
    plain files (or links) inside the project's ``audio/`` folder, and none that a used media
    still names."""
    root = project_folder(folder)
    audio = (root / "audio").resolve()
    unused = unused_media(project)
    dropped = {ref.id for ref in unused}
    kept = {ref.path for ref in project.media if ref.id not in dropped}
    files: list[Path] = []
    for ref in unused:
        relative = PurePosixPath(ref.path)
        if (ref.path in kept or relative.is_absolute() or len(relative.parts) < 2
                or relative.parts[0] != "audio" or ".." in relative.parts):
            continue
        path = root.joinpath(*relative.parts)
        if not path.parent.resolve().is_relative_to(audio):
            continue  # a folder under audio/ that leads elsewhere
        if (path.is_symlink() or path.is_file()) and path not in files:
            files.append(path)
    return files


def delete_unused_audio(folder: str | os.PathLike[str], project: Project) -> list[str]:
    """Delete the files of the media nothing in `project` uses (the explicit clean-up, after
    `takes.remove_unused_media` has been saved). Returns the deleted paths, relative to the
    project folder with forward slashes; touches nothing outside ``audio/``."""
    root = project_folder(folder)
    deleted = []
    for path in unused_audio_files(root, project):
        path.unlink()
        deleted.append(path.relative_to(root).as_posix())
    return deleted
