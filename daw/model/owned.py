"""Which paths belong to a project folder and must never be written by a bounce, a stem or an
export: ``project.json``, the ``audio/``, ``backups/`` and ``cache/`` folders, and every media
file the project names (wherever a link in ``audio/`` leads).

A render that wrote over one of them would destroy the song it came from (a mix replacing
``project.json`` or the take it was made of), so every writer asks here first and refuses
before rendering anything.
"""

from __future__ import annotations

import os
from pathlib import Path

from daw.model.project import Project
from daw.model.store import PROJECT_FILE, SUBFOLDERS, project_folder


def _same(a: Path, b: Path) -> bool:
    """Whether two paths name one file or folder: by their resolved names, and, when both
    exist, by the file system itself (hard links, case-insensitive disks)."""
    if a == b:
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def owned_reason(folder: str | os.PathLike[str], project: Project,
                 path: str | os.PathLike[str]) -> str | None:
    """What of the project `path` is ("the project's own file project.json", "inside the
    project's audio/ folder", "the project's media audio/take.wav"), or None when a render
    may write there. A folder for stems or an album is asked about the same way."""
    root = project_folder(folder).resolve()
    target = Path(path).resolve()
    if _same(target, root / PROJECT_FILE):
        return f"the project's own file {PROJECT_FILE}"
    owned = [(root / name, name) for name in SUBFOLDERS]
    for place in (target, *target.parents):
        for sub, name in owned:
            if _same(place, sub):
                return f"inside the project's {name}/ folder"
    for ref in project.media:
        if _same(target, (root / ref.path).resolve()):
            return f"the project's media {ref.path}"
    return None

