"""Short sounds read whole into memory (the metronome's clicks): mono, at the rate asked for.

Song audio streams block by block through the media pool; a sample of a few milliseconds is
simply read at once and kept.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from daw.media.errors import MediaError, display_name, libsndfile_reason
from daw.media.finite import zero_nonfinite

MAX_SAMPLE_SECONDS = 10.0
"""Longer files are not samples: refusing them keeps a wrong file from filling memory."""


def read_sample(path: Path, rate: int) -> np.ndarray:
    """The sound in `path` as float32 mono at `rate` (channels averaged, resampled with soxr).

    Raises MediaError naming the file when it is missing, unreadable, empty or too long."""
    name = display_name(Path(path))
    if not Path(path).is_file():  # libsndfile would only say "System error"
        raise MediaError(f"{name}: file not found")
    try:
        info = sf.info(str(path))
    except (sf.SoundFileError, RuntimeError) as exc:
        raise MediaError(f"{name}: not an audio file MiniDAW can read "
                         f"({libsndfile_reason(exc)})") from exc
    if info.frames == 0:
        raise MediaError(f"{name}: the file holds no sound")
    if info.frames > MAX_SAMPLE_SECONDS * info.samplerate:
        raise MediaError(f"{name}: {info.frames / info.samplerate:.1f} s is too long for a "
                         f"sample (at most {MAX_SAMPLE_SECONDS:g} s)")
    try:
        data, file_rate = sf.read(str(path), dtype="float32", always_2d=True)
    except (sf.SoundFileError, RuntimeError) as exc:
        raise MediaError(f"{name}: cannot be decoded ({libsndfile_reason(exc)})") from exc
    zero_nonfinite(data)  # a NaN would silence the click for good once filtered
    mono = data.mean(axis=1, dtype=np.float32) if data.shape[1] > 1 else data[:, 0]
    if file_rate != rate:
        mono = soxr.resample(mono, file_rate, rate, quality="VHQ").astype(np.float32)
    return np.ascontiguousarray(mono, dtype=np.float32)
