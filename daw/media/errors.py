"""The one error the media layer raises for files a person can fix: it names the file and why."""

from __future__ import annotations

from pathlib import Path


class MediaError(Exception):
    """An audio file that cannot be imported or read, with a one-line reason.

    The message always starts with the file (``take.wav: truncated: ...``) so it can be shown
    to the person as it is. ``problems`` holds one line per file when several are reported at
    once (as `MediaPool.check` does).
    """

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems or (message,)


def libsndfile_reason(exc: BaseException) -> str:
    """libsndfile's own words for an error (``Format not recognised``), without the full stop."""
    text = (getattr(exc, "error_string", None) or str(exc)).strip()
    for prefix in ("Error :", "Error:"):
        text = text.removeprefix(prefix).strip()
    if text.startswith(_MISLEADING):
        return DAMAGED
    return text.rstrip(".")


_MISLEADING = "File does not exist or is not a regular file"
"""What libsndfile says when its MP3 decoder finds no audio in a file that is there (an empty
or damaged MP3, or text named .mp3): the callers have already found the file, so it misleads."""
DAMAGED = "no audio could be decoded from it: it may be damaged, or not audio at all"


def display_name(path: Path) -> str:
    """The name to show for a file in a message: its name, or the whole path if it has none."""
    return path.name or str(path)
