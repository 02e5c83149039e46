"""One output file of a bounce: written under a hidden partial name and renamed when complete.

The writer resamples (soxr, very high quality) and quantises (with TPDF dither when asked) on
the way, and makes the file exactly round(frames × out_rate / rate) frames long, so the main
file and its stems line up sample for sample whatever the rate. Every failure is told
in one line naming the file and the system's reason ("cannot write /x/mix.wav: no space left on
device: 4 MB free"), also when libsndfile only said "System error.".
"""

from __future__ import annotations

import contextlib
import errno
import os
from fractions import Fraction
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from daw.dsp.dither import DITHER_SEED, Quantizer
from daw.model.disk import describe_write_error, free_bytes

BIT_DEPTHS = {"16": "PCM_16", "24": "PCM_24", "32f": "FLOAT"}
FORMATS = {"wav": "WAV", "flac": "FLAC"}
FLAC_DEPTHS = ("16", "24")
"""FLAC stores integers only."""


class BounceError(Exception):
    """A bounce that cannot be done, with a reason a person can act on."""


class BounceCancelled(BounceError):
    """The person cancelled; nothing was left behind."""


def output_frames(frames: int, rate: int, out_rate: int) -> int:
    """How long `frames` at `rate` is at `out_rate`: round(frames × out_rate / rate), exactly."""
    return round(Fraction(frames * out_rate, rate))


def partial_path(target: Path) -> Path:
    """The hidden name a file is written under until it is complete."""
    return target.with_name(f".{target.name}.partial")


LOW_SPACE_BYTES = 1 << 20
"""Free space below which a write libsndfile refused is taken for a full disk."""


def os_error(target: Path, error: BaseException) -> OSError:
    """The system's reason behind a failed write. libsndfile only says "System error.", so
    when it refused, ask the disk: nearly no space left, read-only, no permission, or else
    an input/output error."""
    if isinstance(error, OSError):
        return error
    folder = Path(target).parent
    free = free_bytes(folder)
    code = errno.EIO
    if free is not None and free < LOW_SPACE_BYTES:
        code = errno.ENOSPC
    elif _read_only(folder):
        code = errno.EROFS
    elif not os.access(folder, os.W_OK):
        code = errno.EACCES
    return OSError(code, os.strerror(code))


def _read_only(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & getattr(os, "ST_RDONLY", 1))
    except (OSError, AttributeError):
        return False


def file_error(target: Path, error: BaseException) -> BounceError:
    """A one-line error naming the file and the system's reason: "cannot write /x/mix.wav: no
    space left on device: 4 MB free"."""
    return BounceError(describe_write_error(target, os_error(target, error)))


WRITE_ERRORS = (OSError, RuntimeError)
"""What a write can raise: the system's errors, and libsndfile's (`LibsndfileError` is a
`RuntimeError`)."""


class AudioWriter:
    """Writes one stereo file of the bounce, block by block; `commit` puts it under its name,
    `discard` removes every trace of it.

    A file that cannot be written does not stop the others: its partial file goes at once
    (freeing its space for them), `error` says which file and why, and later writes to it do
    nothing."""

    def __init__(self, target: Path, file_format: str, bit_depth: str, rate: int,
                 out_rate: int, frames: int, dither: bool, seed: int = DITHER_SEED) -> None:
        self.target = target
        self.partial = partial_path(target)
        self.expected = output_frames(frames, rate, out_rate)
        self._rates = (rate, out_rate)
        self.written = 0
        self.error: str | None = None
        self._quantizer = (None if bit_depth == "32f"
                           else Quantizer(int(bit_depth), 2, dither, seed=seed))
        self._resampler = (
            soxr.ResampleStream(rate, out_rate, 2, dtype="float32", quality="VHQ")
            if out_rate != rate else None)
        self._file: sf.SoundFile | None = None
        try:
            self.partial.open("wb").close()  # an OSError here says why (libsndfile would not)
            self._file = sf.SoundFile(self.partial, "w", samplerate=out_rate, channels=2,
                                      subtype=BIT_DEPTHS[bit_depth],
                                      format=FORMATS[file_format])
        except WRITE_ERRORS as error:
            self._fail(error)

    def write(self, block: np.ndarray, last: bool) -> None:
        """Add the next rendered block (float32, at the project rate); `last` flushes the
        resampler and pads or trims the end so the file has its exact length."""
        if self.error is not None:
            return
        samples = block
        if self._resampler is not None:
            samples = self._resampler.resample_chunk(np.ascontiguousarray(block), last=last)
        room = self.expected - self.written
        if len(samples) > room:
            samples = samples[:room]
        if last and len(samples) < room:
            tail = np.zeros((room - len(samples), 2), dtype=np.float32)
            samples = np.concatenate([samples, tail]) if len(samples) else tail
        if not len(samples):
            return
        if self._quantizer is not None:
            samples = self._quantizer.quantize(samples)
        try:
            self._file.write(samples)
        except WRITE_ERRORS as error:
            self._fail(error)
            return
        self.written += len(samples)

    def shorten(self, frames: int) -> None:
        """Make the file `frames` long (at the project rate) instead of the length it was
        made for: a bounce's tail that died out before its cap. Call before the last write."""
        self.expected = output_frames(frames, *self._rates)

    def close(self) -> None:
        """Finish the partial file (its header is written on close, which can fail too)."""
        if self._file is None:
            return
        file, self._file = self._file, None
        try:
            file.close()
        except WRITE_ERRORS as error:
            self._fail(error)

    def commit(self) -> None:
        """Put the complete file under its name (unless it failed)."""
        self.close()
        if self.error is not None:
            return
        try:
            os.replace(self.partial, self.target)
        except OSError as error:
            self._fail(error)

    def discard(self) -> None:
        """Close and remove the partial file, quietly: this runs while another error is on
        its way to the person."""
        self.close()
        self.partial.unlink(missing_ok=True)

    def _fail(self, error: BaseException) -> None:
        """Remember why, and remove the partial file (the reason is read before, so the free
        space it tells is the space that was missing)."""
        self.error = self.error or str(file_error(self.target, error))
        file, self._file = self._file, None
        if file is not None:
            with contextlib.suppress(*WRITE_ERRORS):
                file.close()
        with contextlib.suppress(OSError):
            self.partial.unlink(missing_ok=True)
