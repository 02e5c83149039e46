"""Sequential block reads straight from libsndfile, without soundfile's seek after each read.

`soundfile.SoundFile.read` asks libsndfile for its position before every read and seeks there
again after it. Measured here (libsndfile 1.2.2, soundfile 0.14): that makes 256-frame reads
of a FLAC file 25 times slower and of a WAV file 8 times slower, and on MP3 the seek restarts
the decoder, so the frames after every block boundary come out as silence and wrong values.
Calling libsndfile's ``sf_readf_float`` through soundfile's own cffi handle avoids both. It
relies on ``soundfile._snd``, ``soundfile._ffi`` and ``SoundFile._file``, which soundfile has
had since 0.8; the tests compare block reads with whole-file reads, so a change shows at once.
"""

from __future__ import annotations

import numpy as np
import soundfile as sf


def read_frames(f: sf.SoundFile, out: np.ndarray) -> int:
    """Decodes up to ``len(out)`` frames from the file's position into ``out``; returns how many.

    ``out`` is a C-contiguous float32 array shaped (frames, f.channels). The position moves on
    by the frames read; 0 means the end of the file. Raises `soundfile.LibsndfileError` if
    libsndfile reports an error (a damaged stream).
    """
    if out.dtype != np.float32 or out.ndim != 2:
        raise ValueError("out must be a float32 array of shape (frames, channels)")
    if not (out.flags.c_contiguous and out.flags.writeable):
        raise ValueError("out must be writeable and C-contiguous")
    if out.shape[1] != f.channels:
        raise ValueError(f"out has {out.shape[1]} channels, the file has {f.channels}")
    if out.shape[0] == 0:
        return 0
    handle = f._file
    if handle is None:
        raise ValueError(f"{f.name}: the file is closed")
    pointer = sf._ffi.cast("float *", sf._ffi.from_buffer(out))
    frames = int(sf._snd.sf_readf_float(handle, pointer, out.shape[0]))
    error = sf._snd.sf_error(handle)
    if error:
        raise sf.LibsndfileError(error)
    return frames


_PCM16_SCALE = np.float32(1.0 / 32768.0)


def read_frames_pcm16(f: sf.SoundFile, out: np.ndarray, scratch: np.ndarray) -> int:
    """Like `read_frames` for 16-bit PCM files, but several times faster, with equal floats.

    libsndfile's own int16-to-float conversion costs more than the read itself (measured: 4.7×
    the time of reading int16). Reading the integers and scaling by 2^-15 in numpy gives the
    same float32 values, since the scale is a power of two. ``scratch`` is an int16 array of
    at least ``out.size`` elements, reused between calls.
    """
    if out.dtype != np.float32 or out.ndim != 2 or out.shape[1] != f.channels:
        raise ValueError("out must be a float32 array of shape (frames, channels)")
    if not (out.flags.c_contiguous and out.flags.writeable):
        raise ValueError("out must be writeable and C-contiguous")
    frames = out.shape[0]
    if frames == 0:
        return 0
    handle = f._file
    if handle is None:
        raise ValueError(f"{f.name}: the file is closed")
    ints = scratch[: out.size].reshape(out.shape)
    pointer = sf._ffi.cast("short *", sf._ffi.from_buffer(ints))
    got = int(sf._snd.sf_readf_short(handle, pointer, frames))
    error = sf._snd.sf_error(handle)
    if error:
        raise sf.LibsndfileError(error)
    np.multiply(ints[:got], _PCM16_SCALE, out=out[:got])
    return got
