"""Save As: the song saved into a new project folder with copies of its audio, all or
nothing. A copy the disk cannot hold removes everything this Save As made (and only that),
so the old folder stays the song's home and trying again after freeing space just works.

project.json is written last: until it is there, the new folder is not a project, so even a
Save As killed midway never leaves a folder that "already holds a project".
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path, PurePosixPath

from daw.model.disk import DiskWriteError
from daw.model.project import Project
from daw.model.store import (
    FOLDER_SUFFIX,
    PROJECT_FILE,
    SUBFOLDERS,
    project_folder,
    save_project,
)


class _Made:
    """What one Save As created, to remove it again when it fails."""

    def __init__(self) -> None:
        self.files: list[Path] = []
        self.folders: list[Path] = []

    def folder(self, path: Path) -> None:
        """Make `path` and its missing parents, remembering the ones made here."""
        missing = []
        place = path
        while not place.exists():
            missing.append(place)
            place = place.parent
        for each in reversed(missing):
            each.mkdir()
            self.folders.append(each)

    def undo(self) -> None:
        """Remove what was made, quietly: an error is already on its way to the person."""
        for file in reversed(self.files):
            with contextlib.suppress(OSError):
                file.unlink(missing_ok=True)
        for folder in reversed(self.folders):
            shutil.rmtree(folder, ignore_errors=True)


def new_folder(path: str | os.PathLike[str]) -> Path:
    """The project folder a person's Save As name means (``.minidaw`` added when missing)."""
    folder = project_folder(path)
    if folder.suffix != FOLDER_SUFFIX:
        folder = folder.with_name(folder.name + FOLDER_SUFFIX)
    return folder


def save_project_as(project: Project, source: Path, path: str | os.PathLike[str]) -> Path:
    """Save `project` as a new project at `path` with a copy of every audio file it uses
    from the folder `source`; return the new folder.

    Refuses (FileExistsError) when a project is already there. A failed copy or save raises
    `DiskWriteError` naming the file and why, after removing every file and folder this call
    made."""
    target = new_folder(path)
    if (target / PROJECT_FILE).exists():
        raise FileExistsError(f"{target}: a project is already there")
    made = _Made()
    note = f"nothing was saved there; the song is still in {source}"
    try:
        for sub in ("", *SUBFOLDERS):
            made.folder(target / sub)
        for ref in project.media:
            _copy(source, target, PurePosixPath(ref.path), made)
        save_project(target, project)
    except OSError as error:
        made.undo()
        where = error.path if isinstance(error, DiskWriteError) else error.filename or target
        raise DiskWriteError(where, error, note) from error
    except BaseException:
        made.undo()
        raise
    return target


def _copy(source: Path, target: Path, relative: PurePosixPath, made: _Made) -> None:
    """Copy one media file into the new folder (once, when it exists in the old one)."""
    if relative.is_absolute() or ".." in relative.parts:
        return  # not a file inside the project folder: nothing of the project to copy
    origin = source.joinpath(*relative.parts)
    destination = target.joinpath(*relative.parts)
    if not origin.is_file() or destination.exists():
        return
    try:
        made.folder(destination.parent)
        made.files.append(destination)
        shutil.copyfile(origin, destination)
    except OSError as error:
        raise DiskWriteError(destination, error) from error
