"""The waveform peak cache: min and max per channel at several zooms, so the timeline can draw
an hour of audio in a fraction of a millisecond per clip.

Level k holds each channel's min and max for every window of ``FINEST_WINDOW * 4**k`` frames,
in float32, so the values equal the samples exactly. Only the finest level reads the audio;
each coarser one reduces the one below by four, up to a level whose one window covers the file,
so a query at any zoom reduces fewer than ~5 windows a pixel. Zooms finer than the finest level
read the samples themselves (`PeakReader`): at most ``FINEST_WINDOW`` frames a pixel.

Why 128 frames: an hour of stereo at 48 kHz is 21.6 MB at that level (28.8 MB with the coarser
ones; 64 would double it), while the sample read left to `PeakReader` stays under 256 k frames
for 2000 pixels, under a millisecond from a WAV. Why float32 and not int16: exact for every
source format, and the cache file is memory-mapped, so only the pages a view touches are read.

The build reads blocks through `sfread`, copies each into one contiguous row per channel and
reduces with ``np.minimum.reduceat``: 0.5-0.7 s an hour of 16-bit stereo here, a quarter of it
decoding, 20 times faster than reducing the interleaved block (``bench/peaks.py``).
"""

from __future__ import annotations

import contextlib
import math
import os
import struct
import threading
import uuid
import zlib
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import numpy as np
import soundfile as sf

from daw.media.errors import MediaError, display_name, libsndfile_reason
from daw.media.sfread import read_frames, read_frames_pcm16
from daw.model.disk import DiskWriteError
from daw.model.project import MediaRef

FINEST_WINDOW = 128
"""Frames a peak at the finest level; finer zooms read samples."""
LEVEL_FACTOR = 4
BLOCK_FRAMES = 1 << 18
"""Frames decoded at a time by the build: a multiple of FINEST_WINDOW, 2 MB of stereo float."""

_MAGIC = b"MDAWPEAK"
_VERSION = 1
_HEAD = struct.Struct("<8sIIIIQQq")  # magic, version, channels, rate, levels, frames, size, mtime
_DATA_ALIGN = 64


class PeakBuildCancelled(Exception):
    """The build was stopped through its cancel flag; nothing was saved."""


def level_windows(length_frames: int) -> tuple[int, ...]:
    """The window of each level for a file of this length: 128, 512, ... up to one window."""
    windows = [FINEST_WINDOW]
    while windows[-1] < length_frames:
        windows.append(windows[-1] * LEVEL_FACTOR)
    return tuple(windows)


class Peaks:
    """The levels of one audio file, read-only; safe to share between threads.

    ``levels[k]`` is a (mins, maxs) pair of float32 arrays shaped (channels, windows of level k);
    the last window of a level may be partial.
    """

    def __init__(self, levels: list[tuple[np.ndarray, np.ndarray]], length_frames: int,
                 sample_rate: int, source_size: int = 0, source_mtime_ns: int = 0) -> None:
        self.windows = level_windows(length_frames)
        if len(levels) != len(self.windows):
            raise ValueError(f"{len(levels)} levels given, a file of this length has "
                             f"{len(self.windows)}")
        for pair in levels:
            for array in pair:
                array.flags.writeable = False
        self.levels = tuple(levels)
        self.channels = levels[0][0].shape[0]
        self.length_frames = length_frames
        self.sample_rate = sample_rate
        self.source_size = source_size
        self.source_mtime_ns = source_mtime_ns
        """The audio file's size and modification time when it was read, to spot a change."""

    @property
    def nbytes(self) -> int:
        return sum(mins.nbytes + maxs.nbytes for mins, maxs in self.levels)

    def level_for(self, frames_per_pixel: float) -> int:
        """The coarsest level whose window is at most ``frames_per_pixel`` (0 if none is)."""
        level = 0
        while level + 1 < len(self.windows) and self.windows[level + 1] <= frames_per_pixel:
            level += 1
        return level

    def query(self, start_frame: float, frames_per_pixel: float,
              pixels: int) -> tuple[np.ndarray, np.ndarray]:
        """Min and max of the audio under each pixel column, float32 shaped (channels, pixels).

        Column p starts at frame ``x = start_frame + p * frames_per_pixel``; with W the window of
        ``level_for(frames_per_pixel)``, it covers the windows from ``floor(x / W)`` up to the
        one where column p + 1 starts (at least one window). So the columns split the audio
        between them exactly, snapped to the window grid (less than a pixel off), and a click
        shows in exactly one column. Columns with no audio under them (before frame 0 or past
        the end) are NaN; a column partly past the end covers the part inside. Below
        ``FINEST_WINDOW`` frames a pixel the finest level is used, so neighbouring columns
        repeat a window: use `PeakReader.query` there to see samples.
        """
        level = self.level_for(frames_per_pixel)
        mins, maxs = self.levels[level]
        edges = _column_edges(start_frame, frames_per_pixel, pixels, self.windows[level])
        return _reduce_columns(mins, maxs, 0, edges)


def _column_edges(start: float, frames_per_pixel: float, pixels: int, window: int) -> np.ndarray:
    """Index of the window where each column, and the one after the last, starts."""
    if not (frames_per_pixel > 0 and math.isfinite(frames_per_pixel)):
        raise ValueError(f"frames_per_pixel must be positive, not {frames_per_pixel}")
    if pixels < 0 or not math.isfinite(start):
        raise ValueError(f"cannot show {pixels} pixels from frame {start}")
    x = start + frames_per_pixel * np.arange(pixels + 1, dtype=np.float64)
    return np.floor(x / window).astype(np.int64)


def _reduce_columns(
    mins: np.ndarray, maxs: np.ndarray, first: int, edges: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Reduces windows ``[edges[p], max(edges[p + 1], edges[p] + 1))`` per column, vectorised.

    ``mins`` and ``maxs`` are (channels, m) and hold windows ``first .. first + m``. The columns
    with audio are one run; within it each column's range ends where the next starts, or is one
    window when they start together, which is exactly how ``reduceat`` splits an array.
    """
    channels, m = mins.shape
    pixels = len(edges) - 1
    lo = edges[:-1]
    a = np.clip(lo - first, 0, m)
    b = np.clip(np.maximum(edges[1:], lo + 1) - first, 0, m)
    out_min = np.full((channels, pixels), np.nan, dtype=np.float32)
    out_max = np.full((channels, pixels), np.nan, dtype=np.float32)
    valid = np.flatnonzero(a < b)
    if valid.size:
        p0, p1 = int(valid[0]), int(valid[-1]) + 1
        starts, end = a[p0:p1], int(b[p1 - 1])
        out_min[:, p0:p1] = np.minimum.reduceat(mins[:, :end], starts, axis=1)
        out_max[:, p0:p1] = np.maximum.reduceat(maxs[:, :end], starts, axis=1)
    return out_min, out_max


class _Decoder:
    """An open audio file read block by block through `sfread`, as float32."""

    def __init__(self, path: Path, name: str) -> None:
        self.name = name
        try:
            self.file = sf.SoundFile(str(path))
        except FileNotFoundError:
            raise MediaError(f"{name}: missing") from None
        except (sf.SoundFileError, RuntimeError) as exc:
            raise MediaError(f"{name}: unreadable ({libsndfile_reason(exc)})") from exc
        self.pcm16 = self.file.subtype == "PCM_16"
        self.scratch = np.empty(0, dtype=np.int16)

    def fill(self, out: np.ndarray, at_frame: int) -> int:
        """Reads into ``out`` until it is full or the file ends; returns the frames read."""
        if self.pcm16 and self.scratch.size < out.size:
            self.scratch = np.empty(out.size, dtype=np.int16)
        filled = 0
        try:
            while filled < len(out):
                if self.pcm16:
                    got = read_frames_pcm16(self.file, out[filled:], self.scratch)
                else:
                    got = read_frames(self.file, out[filled:])
                if got == 0:
                    break
                filled += got
        except (sf.SoundFileError, RuntimeError) as exc:
            raise MediaError(f"{self.name}: cannot be read at frame {at_frame + filled} "
                             f"({libsndfile_reason(exc)})") from exc
        return filled


def build_peaks(
    path: Path,
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
    *,
    name: str | None = None,
) -> Peaks:
    """Reads the whole audio file once and returns its peaks.

    ``progress`` gets the fraction done (0 to 1) after each block of ``BLOCK_FRAMES``; when
    ``cancel`` is set the build stops at the next block and raises `PeakBuildCancelled`. Meant
    for a worker thread: libsndfile and numpy release the GIL for most of the work. Raises
    MediaError (naming ``name``, or the file) if the file is missing or cannot be decoded.
    """
    path = Path(path)
    name = name or display_name(path)
    try:
        stat = path.stat()
    except OSError:
        raise MediaError(f"{name}: missing") from None
    decoder = _Decoder(path, name)
    with decoder.file as f:
        channels, expected = f.channels, max(f.frames, 1)
        block = np.empty((BLOCK_FRAMES, channels), dtype=np.float32)
        planar = np.empty((channels, BLOCK_FRAMES), dtype=np.float32)
        starts = np.arange(0, BLOCK_FRAMES, FINEST_WINDOW)
        mins: list[np.ndarray] = []
        maxs: list[np.ndarray] = []
        done = 0
        while True:
            if cancel is not None and cancel.is_set():
                raise PeakBuildCancelled(f"{name}: peak build cancelled")
            got = decoder.fill(block, done)
            if got == 0:
                break
            rows = planar[:, :got]
            np.copyto(rows, block[:got].T)
            index = starts[: -(-got // FINEST_WINDOW)]
            mins.append(np.minimum.reduceat(rows, index, axis=1))
            maxs.append(np.maximum.reduceat(rows, index, axis=1))
            done += got
            if progress is not None:
                progress(min(done / expected, 1.0))
            if got < BLOCK_FRAMES:
                break
        samplerate = f.samplerate
    empty = np.empty((channels, 0), dtype=np.float32)
    levels = [(np.concatenate(mins, axis=1) if mins else empty,
               np.concatenate(maxs, axis=1) if maxs else empty)]
    while len(levels) < len(level_windows(done)):
        lo, hi = levels[-1]
        index = np.arange(0, lo.shape[1], LEVEL_FACTOR)
        levels.append((np.minimum.reduceat(lo, index, axis=1),
                       np.maximum.reduceat(hi, index, axis=1)))
    if progress is not None:
        progress(1.0)
    return Peaks(levels, done, samplerate, stat.st_size, stat.st_mtime_ns)


def _header(peaks: Peaks) -> bytes:
    head = _HEAD.pack(_MAGIC, _VERSION, peaks.channels, peaks.sample_rate, len(peaks.windows),
                      peaks.length_frames, peaks.source_size, peaks.source_mtime_ns)
    head += struct.pack(f"<{len(peaks.windows)}Q", *peaks.windows)
    head += struct.pack("<I", zlib.crc32(head))
    return head + bytes(-len(head) % _DATA_ALIGN)


def save_peaks(peaks: Peaks, cache_file: Path) -> None:
    """Writes the peaks to ``cache_file`` atomically (a temporary file renamed over it).

    Not synced to disk: a cache file cut short by a crash fails `load_peaks`'s size check and
    is rebuilt, which is cheaper than a sync after every build. A disk that refuses it raises
    `DiskWriteError` naming the cache file and why; the old cache file and the disk are then
    as they were.
    """
    cache_file = Path(cache_file)
    temp = cache_file.with_name(f".{cache_file.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        with temp.open("wb") as out:
            out.write(_header(peaks))
            for mins, maxs in peaks.levels:
                out.write(np.ascontiguousarray(mins, dtype="<f4").data)
                out.write(np.ascontiguousarray(maxs, dtype="<f4").data)
        os.replace(temp, cache_file)
    except BaseException as error:
        temp.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise DiskWriteError(cache_file, error) from error
        raise


def load_peaks(cache_file: Path, source: Path) -> Peaks | None:
    """The peaks saved in ``cache_file`` if they were built from ``source`` as it is now.

    None when the cache file is missing, damaged, truncated, from another version, or the audio
    file's size or modification time has changed since: the caller rebuilds. The arrays are
    memory-mapped, so loading costs a header read whatever the length.
    """
    try:
        stat = Path(source).stat()
        with open(cache_file, "rb") as f:
            head = f.read(_HEAD.size)
            magic, version, channels, rate, count, frames, size, mtime = _HEAD.unpack(head)
            if magic != _MAGIC or version != _VERSION or not 0 < count <= 64:
                return None
            table = f.read(8 * count + 4)
            file_size = f.seek(0, os.SEEK_END)
        *windows, crc = struct.unpack(f"<{count}QI", table)
    except (OSError, struct.error):
        return None
    if zlib.crc32(head + table[:-4]) != crc or not 0 < channels <= 1024:
        return None
    if (size, mtime) != (stat.st_size, stat.st_mtime_ns):
        return None
    if tuple(windows) != level_windows(frames):
        return None
    counts = [-(-frames // w) for w in windows]
    offset = len(head) + len(table) + (-(len(head) + len(table)) % _DATA_ALIGN)
    total = 2 * channels * sum(counts)
    if file_size != offset + 4 * total:
        return None
    try:
        data = np.memmap(cache_file, dtype="<f4", mode="r", offset=offset, shape=(total,))
    except (OSError, ValueError):  # a file changed since its size was read
        return None
    data, levels = data.view(np.ndarray), []
    for n in counts:
        level = data[: 2 * channels * n].reshape(2, channels, n)
        levels.append((level[0], level[1]))
        data = data[2 * channels * n :]
    return Peaks(levels, frames, rate, size, mtime)


def media_file(project_dir: Path, ref: MediaRef) -> Path:
    """Where a media's audio file is on disk."""
    return Path(project_dir).joinpath(*PurePosixPath(ref.path).parts)


def cache_file(project_dir: Path, media_id: str) -> Path:
    """``cache/peaks/<media id>.peaks`` in the project folder."""
    if not media_id or any(c in media_id for c in "/\\:") or media_id.startswith("."):
        raise ValueError(f"media id {media_id!r} cannot name a cache file")
    return Path(project_dir) / "cache" / "peaks" / f"{media_id}.peaks"


def load_or_build(
    project_dir: Path,
    ref: MediaRef,
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
) -> Peaks:
    """The media's peaks from its cache file, or built from the audio (and saved) if the cache
    is missing, damaged or older than the audio file.

    Call it from a worker thread: a build reads the whole file (under a second an hour of
    16-bit stereo here). A cache that cannot be written (read-only project) is not an error:
    the peaks are returned and built again next time. Raises MediaError if the audio file
    is missing or unreadable, and `PeakBuildCancelled` if ``cancel`` is set during a build.
    """
    target = cache_file(project_dir, ref.id)
    source = media_file(project_dir, ref)
    peaks = load_peaks(target, source)
    if peaks is not None:
        return peaks
    peaks = build_peaks(source, progress, cancel, name=f"{ref.path} (media {ref.id})")
    with contextlib.suppress(OSError):
        save_peaks(peaks, target)
    return peaks


class PeakReader:
    """What the timeline draws one media file from: its peaks, and its samples when zoomed in
    finer than the finest level.

    Holds the audio file open after the first sample read. Not thread-safe: one reader per
    thread (the UI thread's paint). Raises MediaError if the file cannot be read then.
    """

    def __init__(self, path: Path, peaks: Peaks, *, name: str | None = None) -> None:
        self.path = Path(path)
        self.peaks = peaks
        self._name = name or display_name(self.path)
        self._decoder: _Decoder | None = None
        self._position = -1
        self._buffer = np.empty((0, peaks.channels), dtype=np.float32)

    def query(self, start_frame: float, frames_per_pixel: float,
              pixels: int) -> tuple[np.ndarray, np.ndarray]:
        """As `Peaks.query`, but below ``FINEST_WINDOW`` frames a pixel from the samples, with a
        window of one frame: column p covers frames ``floor(x_p)`` to ``floor(x_p+1)`` (at least
        one, so at several pixels a frame each column shows the frame its left edge is in).
        """
        if frames_per_pixel >= FINEST_WINDOW:
            return self.peaks.query(start_frame, frames_per_pixel, pixels)
        edges = _column_edges(start_frame, frames_per_pixel, pixels, 1)
        first = max(int(edges[0]), 0)
        end = min(max(int(edges[-1]), int(edges[-2]) + 1) if pixels else 0,
                  self.peaks.length_frames)
        samples = self._read(first, max(end - first, 0))
        return _reduce_columns(samples, samples, first, edges)

    def samples(self, start_frame: int, count: int) -> np.ndarray:
        """Frames ``[start_frame, start_frame + count)`` as float32 (channels, count); zeros
        outside the audio, for drawing single samples.
        """
        out = np.zeros((self.peaks.channels, count), dtype=np.float32)
        first = max(start_frame, 0)
        got = self._read(first, max(min(start_frame + count, self.peaks.length_frames) - first, 0))
        out[:, first - start_frame : first - start_frame + got.shape[1]] = got
        return out

    def _read(self, start: int, count: int) -> np.ndarray:
        """Up to ``count`` frames from ``start`` as (channels, frames read); fewer if the file
        has shrunk since the peaks were built."""
        if count <= 0:
            return np.empty((self.peaks.channels, 0), dtype=np.float32)
        if self._decoder is None:
            decoder = _Decoder(self.path, self._name)
            if decoder.file.channels != self.peaks.channels:
                decoder.file.close()
                raise MediaError(f"{self._name}: has {decoder.file.channels} channels now, "
                                 f"{self.peaks.channels} when its peaks were built")
            self._decoder, self._position = decoder, 0
        if len(self._buffer) < count:
            self._buffer = np.empty((count, self._decoder.file.channels), dtype=np.float32)
        try:
            if self._position != start:
                self._decoder.file.seek(start)
        except (sf.SoundFileError, RuntimeError) as exc:
            self.close()
            raise MediaError(f"{self._name}: cannot seek to frame {start} "
                             f"({libsndfile_reason(exc)})") from exc
        self._position = -1
        got = self._decoder.fill(self._buffer[:count], start)
        self._position = start + got
        return np.ascontiguousarray(self._buffer[:got].T)

    def close(self) -> None:
        if self._decoder is not None:
            self._decoder.file.close()
            self._decoder = None

    def __enter__(self) -> PeakReader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
