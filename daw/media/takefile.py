"""Writing a recorded take to disk as it is played, so a crash never loses it.

A take is a 32-bit float WAV written by us, not by libsndfile, because we need to control
when the header is brought up to date: every `sync` (a few times a second) rewrites the sizes
in the header and flushes the file to the disk, so after a crash the file on disk is a valid WAV
holding everything up to the last sync, and the frames written after it are still in the file,
past what the header promises. `repair_take` brings the header up to the file's real length.
"""

from __future__ import annotations

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

    Used from one thread (the recorder's disk thread).
    """

    def __init__(self, path: Path, channels: int, rate: int) -> None:
        self.path = Path(path)
        self.channels = channels
        self.rate = rate
        self.frames = 0
        self._synced_frames = -1
        self._file = open(self.path, "xb")  # noqa: SIM115 - closed by close()
        self._file.write(_header(channels, rate, 0))

    def write(self, block: np.ndarray) -> None:
        """Append frames (frames, channels); raises OSError on a full disk, as written so far."""
        data = np.ascontiguousarray(block, dtype="<f4")
        if data.ndim != 2 or data.shape[1] != self.channels:
            raise ValueError(f"expected (frames, {self.channels}), got {block.shape}")
        self._file.write(data.tobytes())
        self.frames += data.shape[0]

    def sync(self) -> None:
        """Bring the header up to date and push everything to the disk."""
        if self._synced_frames == self.frames:
            return
        self._file.flush()
        end = self._file.tell()
        self._write_sizes(self.frames)
        self._file.seek(end)
        self._file.flush()
        os.fsync(self._file.fileno())
        self._synced_frames = self.frames

    def _write_sizes(self, frames: int) -> None:
        data_bytes = frames * 4 * self.channels
        self._file.seek(_RIFF_SIZE_AT)
        self._file.write(struct.pack("<I", _HEADER_BYTES - 8 + data_bytes))
        self._file.seek(_FACT_FRAMES_AT)
        self._file.write(struct.pack("<I", frames))
        self._file.seek(_DATA_SIZE_AT)
        self._file.write(struct.pack("<I", data_bytes))

    def close(self) -> None:
        """Sync and close; safe to call twice, and after a write error (keeps what is there)."""
        if self._file.closed:
            return
        try:
            self.sync()
        finally:
            self._file.close()


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
