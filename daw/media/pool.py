"""The project's media files, open for block reads by the renderer; whole files never load.

Files are opened on first use and kept open, one handle per media, so the common case, reading
a clip block after block, costs one libsndfile call per block with no seek (see `sfread` for
why that call bypasses `soundfile.SoundFile.read`).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import TracebackType

import numpy as np
import soundfile as sf

from daw.media.errors import MediaError, libsndfile_reason
from daw.media.finite import FLOAT_SUBTYPES, zero_nonfinite
from daw.media.sfread import read_frames, read_frames_pcm16
from daw.model.project import MediaRef


@dataclass
class _OpenFile:
    file: sf.SoundFile
    frames: int
    """Frames that may be read: the file's, but never more than its MediaRef promises."""
    position: int
    """Where the last read ended, so sequential reads skip the seek."""
    pcm16: bool = False
    """16-bit PCM: read as integers and scaled in numpy (much faster, same values)."""
    floating: bool = False
    """Float samples, which may be NaN or infinite: those are read as silence."""


class MediaPool:
    """Reads blocks of the project's media for the renderer.

    Not thread-safe: a pool is used from one thread at a time (the render thread, or an offline
    bounce); give each thread its own pool. At most ``max_open_files`` files are open at once;
    the least recently read is closed first and reopened when needed. If ``sample_rate`` is
    given, `check` also reports files at another rate.

    With ``missing_ok`` a media whose file is not there plays as silence instead of raising,
    so one lost file does not silence the whole song: which are missing is looked up once,
    when the pool is made (and again by `check`), never per block, and kept in `missing`.
    """

    def __init__(
        self,
        project_dir: Path,
        media: Iterable[MediaRef],
        *,
        sample_rate: int | None = None,
        max_open_files: int = 128,
        missing_ok: bool = False,
    ) -> None:
        if max_open_files < 1:
            raise ValueError(f"max_open_files must be at least 1, not {max_open_files}")
        self._project_dir = Path(project_dir)
        self._refs: dict[str, MediaRef] = {}
        for ref in media:
            if ref.id in self._refs:
                raise ValueError(f"media id {ref.id!r} appears twice")
            self._refs[ref.id] = ref
        self._sample_rate = sample_rate
        self._max_open_files = max_open_files
        self._open: OrderedDict[str, _OpenFile] = OrderedDict()
        self._scratch = np.empty(0, dtype=np.int16)
        self._missing_ok = missing_ok
        self._missing: frozenset[str] = frozenset()
        if missing_ok:
            self._missing = frozenset(i for i in self._refs if not self.path_of(i).is_file())

    @property
    def missing(self) -> frozenset[str]:
        """Ids of the media whose file was not there (only with ``missing_ok``): they play as
        silence."""
        return self._missing

    def __contains__(self, media_id: object) -> bool:
        return media_id in self._refs

    def media(self, media_id: str) -> MediaRef:
        """The MediaRef with this id; KeyError if the pool does not hold it."""
        try:
            return self._refs[media_id]
        except KeyError:
            raise KeyError(f"no media with id {media_id!r} in the pool") from None

    def path_of(self, media_id: str) -> Path:
        """Where the media's file is on disk."""
        return self._project_dir.joinpath(*PurePosixPath(self.media(media_id).path).parts)

    def read_into(self, media_id: str, offset_frames: int, out: np.ndarray) -> None:
        """Fills ``out`` with frames ``[offset_frames, offset_frames + len(out))`` of the media.

        ``out`` is float32, C-contiguous, shaped (frames, channels of the media); mono media
        fill shape (n, 1). Frames before the start or past the end of the media are zeros, and
        so are NaN and infinite samples (they would poison every filter downstream).
        Raises MediaError if the file cannot be opened or read, ValueError for a wrong ``out``.
        """
        ref = self.media(media_id)
        if out.ndim != 2 or out.shape[1] != ref.channels:
            raise ValueError(
                f"out has shape {out.shape}; media {media_id} needs (frames, {ref.channels})"
            )
        if out.dtype != np.float32 or not out.flags.c_contiguous or not out.flags.writeable:
            raise ValueError("out must be a writeable, C-contiguous float32 array")
        count = out.shape[0]
        if count == 0:
            return
        handle = None if media_id in self._missing else self._handle(ref)
        if handle is None:  # a missing file, with missing_ok: silence
            out.fill(0.0)
            return
        start = max(offset_frames, 0)
        end = min(offset_frames + count, handle.frames)
        if start >= end:
            out.fill(0.0)
            return
        lo = start - offset_frames
        hi = end - offset_frames
        if lo:
            out[:lo] = 0.0
        try:
            if handle.position != start:
                handle.file.seek(start)
            if handle.pcm16:
                if self._scratch.size < out.size:
                    self._scratch = np.empty(out.size, dtype=np.int16)
                got = read_frames_pcm16(handle.file, out[lo:hi], self._scratch)
            else:
                got = read_frames(handle.file, out[lo:hi])
        except (sf.SoundFileError, RuntimeError) as exc:
            self._forget(media_id)
            raise MediaError(
                f"{ref.path} (media {media_id}): cannot be read at frame {start} "
                f"({libsndfile_reason(exc)})"
            ) from exc
        handle.position = start + got
        if handle.floating:
            zero_nonfinite(out[lo:lo + got])
        if lo + got < count:
            out[lo + got :] = 0.0

    def check(self) -> None:
        """Raises MediaError listing every media file that is missing, unreadable or changed.

        A file has changed when its channel count or length (or, if the pool knows the project
        rate, its sample rate) no longer matches its MediaRef. Open files are closed, so reads
        after a check see the files as they are now. With ``missing_ok``, missing files are
        not problems: they are listed in `missing` again, and play as silence.
        """
        self.close()
        problems: list[str] = []
        missing: set[str] = set()
        for ref in self._refs.values():
            where = f"{ref.path} (media {ref.id})"
            path = self.path_of(ref.id)
            if not path.is_file():
                if self._missing_ok:
                    missing.add(ref.id)
                else:
                    problems.append(f"{where}: missing")
                continue
            try:
                info = sf.info(str(path))
            except (sf.SoundFileError, RuntimeError) as exc:
                problems.append(f"{where}: unreadable ({libsndfile_reason(exc)})")
                continue
            if info.channels != ref.channels:
                problems.append(f"{where}: {_channels_differ(info.channels, ref.channels)}")
            if info.frames != ref.length_frames:
                problems.append(
                    f"{where}: {info.frames} frames, the project expects {ref.length_frames}"
                )
            if self._sample_rate is not None and info.samplerate != self._sample_rate:
                problems.append(
                    f"{where}: {info.samplerate} Hz, the project runs at {self._sample_rate} Hz"
                )
        self._missing = frozenset(missing)
        if problems:
            heading = "1 media file has a problem" if len(problems) == 1 else (
                f"{len(problems)} media problems"
            )
            raise MediaError(f"{heading}: " + "; ".join(problems), tuple(problems))

    def close(self) -> None:
        """Closes every open file; later reads open them again."""
        while self._open:
            _, handle = self._open.popitem(last=False)
            handle.file.close()

    def __enter__(self) -> MediaPool:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _handle(self, ref: MediaRef) -> _OpenFile | None:
        """The open file of `ref`, opened if need be; None when it has gone missing since the
        pool was made and ``missing_ok`` is set (it is then silent from here on)."""
        handle = self._open.get(ref.id)
        if handle is not None:
            self._open.move_to_end(ref.id)
            return handle
        path = self.path_of(ref.id)
        where = f"{ref.path} (media {ref.id})"
        if not path.is_file():
            if self._missing_ok:
                self._missing = self._missing | {ref.id}
                return None
            raise MediaError(f"{where}: missing")
        try:
            f = sf.SoundFile(str(path))
        except (sf.SoundFileError, RuntimeError) as exc:
            raise MediaError(f"{where}: unreadable ({libsndfile_reason(exc)})") from exc
        if f.channels != ref.channels:
            f.close()
            raise MediaError(f"{where}: {_channels_differ(f.channels, ref.channels)}")
        handle = _OpenFile(file=f, frames=min(f.frames, ref.length_frames), position=0,
                           pcm16=f.subtype == "PCM_16", floating=f.subtype in FLOAT_SUBTYPES)
        self._open[ref.id] = handle
        while len(self._open) > self._max_open_files:
            _, oldest = self._open.popitem(last=False)
            oldest.file.close()
        return handle

    def _forget(self, media_id: str) -> None:
        handle = self._open.pop(media_id, None)
        if handle is not None:
            handle.file.close()


def _channels_differ(found: int, expected: int) -> str:
    noun = "channel" if found == 1 else "channels"
    return f"{found} {noun}, the project expects {expected}"
