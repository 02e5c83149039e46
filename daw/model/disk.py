"""Writing files safely, and disk faults in words a person can act on: which file, and why
("no space left on device: 4 MB free"). Shared by every write path (saves, takes, bounces,
stems, peaks, renditions, autosave, settings) so a crash leaves the old file or the new one,
and the same fault reads the same everywhere."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from pathlib import Path

REASONS = {
    errno.ENOSPC: "no space left on device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EIO: "input/output error (the disk or its connection may be failing)",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EROFS: "the disk is read-only",
    errno.ENOENT: "no such file or folder",
    errno.EFBIG: "the file is too large for this file system",
}


def free_bytes(path: str | os.PathLike[str]) -> int | None:
    """Free space on the file system that holds `path` (or its nearest existing parent)."""
    place = Path(path)
    while not place.exists() and place != place.parent:
        place = place.parent
    try:
        return shutil.disk_usage(place).free
    except OSError:
        return None


def size_text(size: int) -> str:
    """A byte count as a person reads it: 512 bytes, 4 MB, 1.2 GB."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024**2:
        return f"{size / 1024:.0f} KB"
    if size < 1024**3:
        return f"{size / 1024**2:.0f} MB"
    return f"{size / 1024**3:.1f} GB"


def reason(error: OSError, path: str | os.PathLike[str] | None = None) -> str:
    """Why a write failed, without the path: "no space left on device: 4 MB free"."""
    text = REASONS.get(error.errno or 0) or error.strerror or str(error) or type(error).__name__
    if error.errno in (errno.ENOSPC, errno.EDQUOT) and path is not None:
        free = free_bytes(path)
        if free is not None:
            text += f": {size_text(free)} free"
    return text


def describe_write_error(path: str | os.PathLike[str], error: OSError) -> str:
    """One line for a failed write: "cannot write /x/take.wav: no space left on device:
    4 MB free"."""
    return f"cannot write {path}: {reason(error, path)}"


def write_text_atomically(path: Path, text: str) -> None:
    """Write a small file so that a crash leaves either the old file or the new one: a
    temporary file beside it, synced, renamed over it, and the folder synced. Makes the
    folder if needed; raises OSError."""
    temp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
        temp = None
        sync_folder(path.parent)
    finally:
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)


def sync_folder(folder: Path) -> None:
    """Make the rename itself durable where the system allows syncing a folder."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


class DiskWriteError(OSError):
    """A failed write told as `describe_write_error` tells it. Still an OSError with the
    system's errno, so code that catches OSError keeps working; its text is the one line."""

    def __init__(self, path: str | os.PathLike[str], error: OSError, note: str = "") -> None:
        original = error.original if isinstance(error, DiskWriteError) else error
        message = describe_write_error(path, original) + (f"; {note}" if note else "")
        super().__init__(original.errno, message)
        self.path = Path(path)
        self.original = original
        """The system's error, to tell again with another note."""

    def __str__(self) -> str:
        return str(self.strerror)
