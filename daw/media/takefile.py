"""Writing a recorded take to disk as it is played, so a crash never loses it.

A take is a 32-bit float WAV written by us, not by libsndfile, because we need to control
when the header is brought up to date: every `sync` (a few times a second) rewrites the sizes
in the header and flushes the file to the disk, so after a crash the file on disk is a valid WAV
holding everything up to the last sync, and the frames written after it are still in the file,
past what the header promises. `repair_take` brings the header up to the file's real length.
"""

from __future__ import annotations

import errno
import os
import struct
from pathlib import Path

import numpy as np

from daw.media.errors import MediaError, display_name

_FORMAT_IEEE_FLOAT = 3
_HEADER_BYTES = 58
"""RIFF (12) + fmt with cbSize (8 + 18) + fact (8 + 4) + data chunk header (8)."""
_RIFF_SIZE_AT = 4
_FACT_FRAMES_AT = 46
_DATA_SIZE_AT = 54
_BINARY = getattr(os, "O_BINARY", 0)


def _header(channels: int, rate: int, frames: int) -> bytes:
    block_align = 4 * channels
    data_bytes = frames * block_align
    return b"".join([
        b"RIFF", struct.pack("<I", _HEADER_BYTES - 8 + data_bytes), b"WAVE",
        b"fmt ", struct.pack("<IHHIIHHH", 18, _FORMAT_IEEE_FLOAT, channels, rate,
                             rate * block_align, block_align, 32, 0),
        b"fact", struct.pack("<II", 4, frames),
        b"data", struct.pack("<I", data_bytes),
    ])


class TakeWriter:
    """Appends float32 frames to a new WAV file; `sync` makes what was written crash-safe.

    Frames go straight to the file (no buffer in between), so after a failed write (a full
    disk) the writer knows exactly which frames are on disk; `close` then cuts a torn last
    frame and brings the header to those frames, and `frames` says how many they are.

    Used from one thread (the recorder's disk thread).
    """

    def __init__(self, path: Path, channels: int, rate: int) -> None:
        self.path = Path(path)
        self.channels = channels
        self.rate = rate
        self.frames = 0
        """Whole frames on disk after the header."""
        self.header_frames = 0
        """The frames the header on disk promises (what a reader of the file gets)."""
        self._block_align = 4 * channels
        self._audio_bytes = 0
        self._synced_frames = -1
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, 0o666)
        self._closed = False
        try:
            _write_all(self._fd, _header(channels, rate, 0))
        except OSError:
            os.close(self._fd)
            self._closed = True
            self.path.unlink(missing_ok=True)
            raise

    @property
    def closed(self) -> bool:
        return self._closed

    def write(self, block: np.ndarray) -> None:
        """Append frames (frames, channels); raises OSError on a full disk, with `frames`
        counting the whole frames that did reach the file."""
        data = np.ascontiguousarray(block, dtype="<f4")
        if data.ndim != 2 or data.shape[1] != self.channels:
            raise ValueError(f"expected (frames, {self.channels}), got {block.shape}")
        try:
            done = _write_all(self._fd, memoryview(data).cast("B"))
        except _PartialWrite as partial:
            self._audio_bytes += partial.done
            self.frames = self._audio_bytes // self._block_align
            raise partial.error from None
        self._audio_bytes += done
        self.frames = self._audio_bytes // self._block_align

    def sync(self) -> None:
        """Bring the header up to date and push everything to the disk."""
        if self._synced_frames == self.frames and not self._torn:
            return
        if self._torn:  # a write cut short mid-frame: the header never promises half a frame
            os.ftruncate(self._fd, _HEADER_BYTES + self.frames * self._block_align)
            self._audio_bytes = self.frames * self._block_align
        self._write_sizes(self.frames)
        os.fsync(self._fd)
        self._synced_frames = self.frames

    @property
    def _torn(self) -> bool:
        return self._audio_bytes % self._block_align != 0

    def _write_sizes(self, frames: int) -> None:
        """Rewrite the sizes in place: it overwrites bytes the file already has, so it works
        on a full disk too."""
        data_bytes = frames * self._block_align
        for at, value in ((_RIFF_SIZE_AT, _HEADER_BYTES - 8 + data_bytes),
                          (_FACT_FRAMES_AT, frames), (_DATA_SIZE_AT, data_bytes)):
            os.lseek(self._fd, at, os.SEEK_SET)
            _write_all(self._fd, struct.pack("<I", value))
        self.header_frames = frames
        os.lseek(self._fd, _HEADER_BYTES + self._audio_bytes, os.SEEK_SET)

    def close(self) -> None:
        """Sync and close; safe to call twice, and after a write error (keeps what is there)."""
        if self._closed:
            return
        try:
            self.sync()
        finally:
            self._closed = True
            os.close(self._fd)


class _PartialWrite(OSError):
    """A write that failed after `done` bytes reached the file (`error` is why)."""

    def __init__(self, done: int, error: OSError) -> None:
        super().__init__(error.errno, error.strerror)
        self.done = done
        self.error = error


def _write_all(fd: int, data: bytes | memoryview) -> int:
    """Write all of `data` (the system may take it in parts); raises `_PartialWrite` saying
    how much got there when it fails."""
    view = memoryview(data)
    done = 0
    while done < len(view):
        try:
            written = os.write(fd, view[done:])
        except OSError as error:
            raise _PartialWrite(done, error) from error
        if written == 0:
            raise _PartialWrite(done, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
        done += written
    return done


def repair_take(path: Path) -> int:
    """Make a take's header agree with the audio in the file (after a crash); returns frames.

    Only takes written by `TakeWriter` are repaired: anything else raises MediaError.
    """
    name = display_name(Path(path))
    with open(path, "r+b") as handle:
        head = handle.read(_HEADER_BYTES)
        if len(head) < _HEADER_BYTES or head[:4] != b"RIFF" or head[8:16] != b"WAVEfmt ":
            raise MediaError(f"{name}: not a MiniDAW take (no WAV header)")
        fmt_tag, channels, rate = struct.unpack_from("<HHI", head, 20)
        if fmt_tag != _FORMAT_IEEE_FLOAT or head[50:54] != b"data" or channels < 1:
            raise MediaError(f"{name}: not a MiniDAW take (unexpected header)")
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        frames = (size - _HEADER_BYTES) // (4 * channels)
        handle.truncate(_HEADER_BYTES + frames * 4 * channels)  # drop a torn last frame
        handle.seek(0)
        handle.write(_header(channels, rate, frames))
        handle.flush()
        os.fsync(handle.fileno())
    return frames
