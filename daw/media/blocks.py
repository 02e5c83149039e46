"""Reading any audio file block by block, for analysis of files outside a project."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import soundfile as sf

from daw.media.errors import MediaError, display_name, libsndfile_reason
from daw.media.sfread import read_frames

BLOCK_FRAMES = 65536


def read_blocks(path: Path, block_frames: int = BLOCK_FRAMES) -> Iterator[np.ndarray]:
    """Yield float32 blocks of shape (frames, channels); the whole file never loads at once.

    Each block is a view of one reused buffer: use it before asking for the next.
    """
    name = display_name(Path(path))
    try:
        handle = sf.SoundFile(str(path))
    except FileNotFoundError:
        raise MediaError(f"{name}: file not found") from None
    except (sf.SoundFileError, RuntimeError) as exc:
        raise MediaError(f"{name}: not an audio file MiniDAW can read "
                         f"({libsndfile_reason(exc)})") from exc
    with handle:
        buffer = np.empty((block_frames, handle.channels), dtype=np.float32)
        done = 0
        while True:
            try:
                got = read_frames(handle, buffer)
            except (sf.SoundFileError, RuntimeError) as exc:
                raise MediaError(f"{name}: cannot be decoded past frame {done} "
                                 f"({libsndfile_reason(exc)})") from exc
            if got == 0:
                return
            done += got
            yield buffer[:got]
