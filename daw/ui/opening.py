"""Opening a song for the window, so nothing a person did is lost on the way in: a project
whose ``project.json`` will not load is offered its backups (newest loadable first); a song
whose autosave holds changes the save lacks is offered them, saying when and how many edits
(the saved file stays as it is, and undo goes back to it); takes a crash left out of the song
are offered back."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from PySide6.QtWidgets import QMessageBox, QWidget

from daw.dsp.effects import effect_ranges
from daw.engine.live.recovery import find_orphan_takes, recover_takes
from daw.engine.live.transport import Engine
from daw.model import Project, ProjectFileError
from daw.model.backups import Backup, list_backups, pending_autosave
from daw.model.store import load_project, remove_stale_temp_files
from daw.ui.session import Session


class Asker(Protocol):
    """What opening needs to ask the person (the window; tests answer for it)."""

    def confirm(self, title: str, question: str) -> bool: ...

    def choose_backup(self, folder: Path, problem: str,
                      backups: list[Backup]) -> Backup | None: ...


@dataclass(frozen=True)
class OpenedSong:
    folder: Path
    project: Project
    """The song as saved, or the backup chosen for a damaged save."""
    restored: Project | None = None
    """An autosave to put on top of `project` as one undo step."""
    from_backup: Path | None = None
    """The backup `project` came from (then project.json needs a save to be whole again)."""


def read_song(folder: Path, asker: Asker) -> OpenedSong:
    """Load `folder` for the window, offering backups and autosave, and clear what saves
    killed midway left behind. Raises ProjectFileError when the project does not load and no
    backup was taken."""
    folder = Path(folder)
    song = _read_song(folder, asker)
    remove_stale_temp_files(folder)
    return song


def _read_song(folder: Path, asker: Asker) -> OpenedSong:
    try:
        project = load_project(folder, effect_ranges())
    except ProjectFileError as error:
        backups = list_backups(folder, effect_ranges())
        if not any(b.loadable for b in backups):
            raise
        chosen = asker.choose_backup(folder, str(error), backups)
        if chosen is None or chosen.project is None:
            raise
        return OpenedSong(folder, chosen.project, from_backup=chosen.path)
    autosave = pending_autosave(folder, effect_ranges())
    if autosave is None or autosave.project is None:
        return OpenedSong(folder, project)
    if asker.confirm("Restore unsaved changes?", restore_question(folder, autosave)):
        return OpenedSong(folder, project, restored=autosave.project)
    return OpenedSong(folder, project)


def restore_question(folder: Path, autosave: Backup) -> str:
    saved_at = (folder / "project.json").stat().st_mtime
    edits = autosave.edits or 0
    when = time.strftime("%H:%M:%S on %Y-%m-%d", time.localtime(autosave.written))
    saved = time.strftime("%H:%M:%S on %Y-%m-%d", time.localtime(saved_at))
    return (f"“{folder.name}” has changes that were not saved: the autosave from {when} holds "
            f"{edits} edit{'s' * (edits != 1)} made after the last save ({saved}). MiniDAW may "
            "have stopped before you could save them.\n\nRestore them? The saved file is kept "
            "as it is: Undo goes back to it, and nothing is written until you save. "
            "Choose No to open the saved song; the autosave stays in backups/ until the next "
            "one replaces it.")


def session_for(song: OpenedSong, engine: Engine | None) -> Session:
    """A session on the opened song: a restored autosave is one undo step over the save; a
    backup counts as unsaved."""
    session = Session(song.project, song.folder, engine)
    if song.restored is not None:
        restored = song.restored
        session.edit("Restore Autosave", lambda _project: restored)
    elif song.from_backup is not None:
        session.history.mark_unsaved()
        session.historyChanged.emit()
    return session


def offer_recovery(session: Session, asker: Asker) -> None:
    """Takes on disk that the song lacks (a crash, a quit without saving): offer them."""
    if session.folder is None:
        return
    orphans = find_orphan_takes(session.folder, session.project)
    if not orphans:
        return
    names = "\n".join(f"• {o.file.name} (track {o.track_name})" for o in orphans)
    if asker.confirm("Recover recordings?",
                     f"These recordings are in the project's folder but not in the song "
                     f"(MiniDAW may have stopped while recording):\n\n{names}\n\nPut them back "
                     "where they were recorded?"):
        folder = session.folder
        session.edit("Recover Takes", lambda p: recover_takes(folder, p, orphans))


def ask_yes_no(parent: QWidget | None, title: str, question: str) -> bool:
    return QMessageBox.question(parent, title, question) == QMessageBox.StandardButton.Yes
