"""File ▸ Clean Up Project: delete the audio files nothing in the song uses any more (deleted
takes, removed clips), after showing them with their sizes and asking.

Deleting takes and clips never deletes audio, so undo can always bring them back; this is the
one explicit step that frees the disk. The cleaned project is saved before any file goes, so
the project on disk never names a file that is gone, and the clean-up is an undo barrier: the
edits before it can no longer be undone, since undoing them would bring back takes and clips
whose files are deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from daw.model.store import delete_unused_audio, unused_audio_files
from daw.model.takes import remove_unused_media, unused_media
from daw.ui.session import Session

LISTED = 12
"""Files named one by one in the question; more are counted."""


def size_text(size: int) -> str:
    for unit, scale in (("GB", 2**30), ("MB", 2**20), ("KB", 2**10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


def question(folder: Path, files: list[Path], unused_count: int) -> str:
    """What the clean-up would delete, file by file with sizes, and that it cannot be undone."""
    if not files:
        one = unused_count == 1
        return (f"{unused_count} audio file{'' if one else 's'} the song no longer uses "
                f"{'is' if one else 'are'} already gone from the audio folder. "
                f"Forget {'it' if one else 'them'} and save the project? The edits made "
                "before the clean-up can no longer be undone.")
    sizes = [(path, path.lstat().st_size) for path in files]
    lines = [f"{path.relative_to(folder).as_posix()}  ({size_text(size)})"
             for path, size in sizes[:LISTED]]
    if len(sizes) > LISTED:
        lines.append(f"… and {len(sizes) - LISTED} more")
    total = size_text(sum(size for _path, size in sizes))
    return (f"Delete {len(files)} audio file{'s' * (len(files) != 1)} the song no longer uses "
            f"({total})?\n\n" + "\n".join(lines) + "\n\nThe project is saved first. The files "
            "cannot be brought back, and the edits made before the clean-up can no longer be "
            "undone.")


def clean_up_project(session: Session, ask: Callable[[str, str], bool],
                     report: Callable[[str], None]) -> list[str]:
    """Ask, then forget the unused media, save, delete their files from `audio/`, and forget
    the undo history before the clean-up. Returns the deleted paths (relative to the
    project folder)."""
    folder = session.folder
    if folder is None:
        session.errorRaised.emit("save the project first: a clean-up works on its folder")
        return []
    before = session.project
    unused = unused_media(before)
    if not unused:
        report("Nothing to clean up: the song uses every audio file it names")
        return []
    if not ask("Clean Up Project", question(folder, unused_audio_files(folder, before),
                                            len(unused))):
        return []
    session.edit("Clean Up Project", remove_unused_media)
    try:
        session.save()
        deleted = delete_unused_audio(folder, before)
    except OSError as error:
        session.errorRaised.emit(f"clean-up of {folder} stopped: {error}")
        forget_past(session)  # some files may be gone already: never undo past them
        return []
    forget_past(session)
    report(f"Cleaned up: deleted {len(deleted)} unused audio file"
           f"{'s' * (len(deleted) != 1)}")
    return deleted


def forget_past(session: Session) -> None:
    """Make the cleaned song the oldest state: an undo past the clean-up would bring back
    takes and clips whose files it deleted."""
    session.history.forget_past()
    session.historyChanged.emit()
