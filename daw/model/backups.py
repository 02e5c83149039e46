"""Autosaves and backups of a project folder: the state of the song written in the background
while the person works (``backups/autosave.json``), the earlier saves that `save_project`
keeps (``backups/project-*.json``), and which of them can bring a song back.

The autosave never touches ``project.json``: only a save by the person does. It is offered on
the next open when it holds changes the saved file lacks (a crash, a kill, a power cut), and
a project whose ``project.json`` will not load is offered its newest backup that does.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from daw.model.disk import write_text_atomically
from daw.model.errors import ProjectFileError
from daw.model.project import Project
from daw.model.serialize import project_to_dict
from daw.model.store import PROJECT_FILE, load_project, project_folder, project_from_json_data
from daw.model.validate import EffectRanges

AUTOSAVE_FILE = "autosave.json"
AUTOSAVE_KIND = "minidaw-autosave"


@dataclass(frozen=True)
class Backup:
    """One file that may bring the song back: an autosave or an earlier save."""

    path: Path
    written: float
    """When it was written (seconds since the epoch)."""
    autosave: bool
    edits: int | None = None
    """For an autosave: the edits it holds beyond the save it started from."""
    project: Project | None = None
    """The song it holds, or None when it will not load (`problem` says why)."""
    problem: str | None = None

    @property
    def loadable(self) -> bool:
        return self.project is not None

    def describe(self) -> str:
        """"2026-12-08 14:02:11 · autosave, 7 edits after the last save"."""
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.written))
        if self.autosave:
            what = "autosave" if self.edits is None else (
                f"autosave, {self.edits} edit{'s' * (self.edits != 1)} after the last save")
        else:
            what = "an earlier save"
        return f"{when} · {what}" + (f" · will not load: {self.problem}" if self.problem
                                     else "")


def autosave_path(folder: str | os.PathLike[str]) -> Path:
    return project_folder(folder) / "backups" / AUTOSAVE_FILE


def autosave_text(project: Project, edits: int, written: float | None = None) -> str:
    """The autosave file's text: the project as in project.json, with when and how many edits
    beyond the last save. Pure, so a worker thread can make it."""
    data = {"kind": AUTOSAVE_KIND, "written": time.time() if written is None else written,
            "edits_since_save": int(edits), "project": project_to_dict(project)}
    return json.dumps(data, ensure_ascii=False) + "\n"


def write_autosave(folder: str | os.PathLike[str], project: Project, edits: int) -> Path:
    """Write the autosave atomically (a crash leaves the old one or the new one); raises
    OSError."""
    path = autosave_path(folder)
    write_text_atomically(path, autosave_text(project, edits))
    return path


def read_autosave(folder: str | os.PathLike[str],
                  kinds: EffectRanges | None = None) -> Backup | None:
    """The autosave of `folder`, or None when there is none (a damaged one comes back with
    its problem). `kinds` checks effects as `load_project` does."""
    path = autosave_path(folder)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        return Backup(path, _mtime(path), True, problem=f"cannot be read ({error})")
    try:
        data = json.loads(raw)
        if not isinstance(data, dict) or data.get("kind") != AUTOSAVE_KIND:
            raise ValueError("not an autosave")
        written, edits = float(data["written"]), int(data["edits_since_save"])
    except (ValueError, KeyError, TypeError) as error:
        return Backup(path, _mtime(path), True, problem=f"damaged ({error})")
    try:
        project = project_from_json_data(data["project"], str(path), kinds)
    except ProjectFileError as error:
        return Backup(path, written, True, edits, problem=_problem(error))
    return Backup(path, written, True, edits, project)


def pending_autosave(folder: str | os.PathLike[str],
                     kinds: EffectRanges | None = None) -> Backup | None:
    """The autosave when it holds changes that project.json lacks: written after the last
    save, and a different song. None otherwise (nothing to offer)."""
    autosave = read_autosave(folder, kinds)
    if autosave is None or autosave.project is None:
        return None
    saved_file = project_folder(folder) / PROJECT_FILE
    try:
        saved = load_project(folder, kinds)
    except ProjectFileError:
        return autosave  # the save is damaged: the autosave is worth offering
    if autosave.project == saved or _mtime(saved_file) > autosave.written:
        return None
    return autosave


def discard_autosave(folder: str | os.PathLike[str]) -> None:
    autosave_path(folder).unlink(missing_ok=True)


def list_backups(folder: str | os.PathLike[str],
                 kinds: EffectRanges | None = None) -> list[Backup]:
    """The autosave and the earlier saves, newest first, each loaded (or with its problem)."""
    root = project_folder(folder)
    found: list[Backup] = []
    autosave = read_autosave(root, kinds)
    if autosave is not None:
        found.append(autosave)
    for path in (root / "backups").glob("project-*.json"):
        found.append(_read_backup(path, kinds))
    return sorted(found, key=lambda b: b.written, reverse=True)


def newest_loadable_backup(folder: str | os.PathLike[str],
                           kinds: EffectRanges | None = None) -> Backup | None:
    return next((b for b in list_backups(folder, kinds) if b.loadable), None)


def _read_backup(path: Path, kinds: EffectRanges | None) -> Backup:
    written = _mtime(path)
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        return Backup(path, written, False, problem=f"cannot be read ({error})")
    try:
        return Backup(path, written, False, project=project_from_json_data(data, str(path), kinds))
    except ProjectFileError as error:
        return Backup(path, written, False, problem=_problem(error))


def _problem(error: ProjectFileError) -> str:
    return f"{error.field}: {error.problem}" if error.field else error.problem


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
