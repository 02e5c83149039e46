"""Where New, Open and Save As start: a projects folder (Documents/MiniDAW, made when first
used, as GarageBand and REAPER keep theirs), then the folder of the last song made, opened or
saved there, remembered across runs. Never the process's working directory, which for an app
started from a menu is wherever the desktop happened to be."""

from __future__ import annotations

from pathlib import Path

import platformdirs
from PySide6.QtCore import QSettings

PROJECTS_FOLDER_KEY = "projectsFolder"
DEFAULT_NAME = "MiniDAW"


def default_projects_folder() -> Path:
    return Path(platformdirs.user_documents_dir()) / DEFAULT_NAME


def projects_folder(settings: QSettings) -> Path:
    """The folder to start a file dialog in: the remembered one while it exists, else the
    default, made now (the home folder if it cannot be)."""
    remembered = settings.value(PROJECTS_FOLDER_KEY)
    if remembered and Path(str(remembered)).is_dir():
        return Path(str(remembered))
    folder = default_projects_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return Path.home()
    return folder


def remember_projects_folder(settings: QSettings, song_folder: Path) -> None:
    """The folder holding this song is where the next dialog starts."""
    settings.setValue(PROJECTS_FOLDER_KEY, str(Path(song_folder).resolve().parent))


def start_path(settings: QSettings, name: str) -> str:
    """A dialog's starting path: `name` inside the projects folder."""
    return str(projects_folder(settings) / name)
