"""Brings audio files into a project: checks them, then copies or converts them into ``audio/``.

Every file in ``audio/`` is mono or stereo at the project's rate and cheap to seek, so the
renderer can read any block of it directly. WAV, AIFF and FLAC already at that rate are copied
byte for byte; everything else (another rate, or a format that is lossy and slow to seek, such
as MP3 and Ogg Vorbis) is decoded and resampled block by block into a 32-bit float WAV, so
memory stays flat however long the file is.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from daw.media.errors import MediaError, display_name, libsndfile_reason
from daw.media.finite import FLOAT_SUBTYPES, NonFiniteTally
from daw.media.headers import truncation_reason
from daw.media.sfread import read_frames
from daw.model.project import MediaRef, new_id

BLOCK_FRAMES = 65536
"""Frames decoded and resampled at a time: large enough to be fast, small enough to stay flat."""

RESAMPLE_QUALITY = "VHQ"

# Formats that are copied unchanged when already at the project rate, with the suffix to use.
_COPY_FORMATS = {"WAV": ".wav", "WAVEX": ".wav", "RF64": ".wav", "AIFF": ".aiff", "FLAC": ".flac"}
_AIFF_SUFFIXES = (".aif", ".aiff", ".aifc")
# Encodings libsndfile seeks in exactly and cheaply; ADPCM, GSM and the like are converted.
_COPY_SUBTYPES = frozenset(
    {"PCM_S8", "PCM_U8", "PCM_16", "PCM_24", "PCM_32", "FLOAT", "DOUBLE", "ULAW", "ALAW"}
)

# A plain WAV cannot hold more than 4 GiB of data; longer conversions are written as RF64.
_WAV_DATA_LIMIT = 0xFFFFFFFF - (1 << 20)

_UNSAFE_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
# Names Windows keeps for devices, even with a suffix ("aux.wav").
_RESERVED_NAMES = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)
_MAX_STEM_BYTES = 150


@dataclass(frozen=True)
class AudioInfo:
    """What libsndfile says about an audio file, before any of its audio is read."""

    path: Path
    sample_rate: int
    channels: int
    frames: int
    format: str
    """libsndfile's major format name: ``WAV``, ``FLAC``, ``OGG``, ``MP3``, ``AIFF`` ..."""
    subtype: str
    """libsndfile's encoding name: ``PCM_16``, ``FLOAT``, ``VORBIS``, ``MPEG_LAYER_III`` ..."""

    @property
    def duration_seconds(self) -> float:
        return self.frames / self.sample_rate


def probe(path: Path) -> AudioInfo:
    """Reads an audio file's header; raises MediaError if libsndfile cannot open the file."""
    path = Path(path)
    name = display_name(path)
    if not path.exists():
        raise MediaError(f"{name}: file not found")
    if path.is_dir():
        raise MediaError(f"{name}: is a folder, not an audio file")
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        raise MediaError(f"{name}: cannot be opened ({exc.strerror or exc})") from exc
    try:
        info = sf.info(str(path))
    except (sf.SoundFileError, RuntimeError) as exc:
        raise MediaError(
            f"{name}: not an audio file libsndfile can read ({libsndfile_reason(exc)})"
        ) from exc
    return AudioInfo(
        path=path,
        sample_rate=int(info.samplerate),
        channels=int(info.channels),
        frames=int(info.frames),
        format=str(info.format),
        subtype=str(info.subtype),
    )


@dataclass(frozen=True)
class Imported:
    """An imported file's MediaRef, and what the person should hear about it (one line each,
    naming the file), such as non-finite samples replaced by silence."""

    media: MediaRef
    warnings: tuple[str, ...] = ()


def import_audio(
    source: Path,
    project_dir: Path,
    project_rate: int,
    media_id: str | None = None,
    *,
    progress: Callable[[float], None] | None = None,
) -> MediaRef:
    """`import_file` for callers that show no warnings (a recorded take, a recovery)."""
    return import_file(source, project_dir, project_rate, media_id, progress=progress).media


def import_file(
    source: Path,
    project_dir: Path,
    project_rate: int,
    media_id: str | None = None,
    *,
    progress: Callable[[float], None] | None = None,
) -> Imported:
    """Checks an audio file and puts a copy at the project rate into ``project_dir/audio/``.

    Raises MediaError, naming the file and the reason, for a file that is missing, unreadable,
    empty, truncated, damaged, or not mono or stereo; ``audio/`` is then left as it was. The
    new file gets a readable name after the source (``Guitar take.wav``, ``Guitar take-2.wav``)
    and is written under a temporary name first, so a crash never leaves half a file behind
    under a real name. ``progress``, if given, is called with the fraction done (0 to 1).

    NaN and infinite samples are replaced by silence in the project's copy (a float file that
    holds any is converted, not copied) and reported in the result's warnings.
    """
    source = Path(source)
    project_dir = Path(project_dir)
    if project_rate <= 0:
        raise ValueError(f"project_rate must be positive, not {project_rate}")
    name = display_name(source)
    info = _checked_header(source)
    copy = (
        info.sample_rate == project_rate
        and info.format in _COPY_FORMATS
        and info.subtype in _COPY_SUBTYPES
    )
    tally = NonFiniteTally()
    if copy:
        # A copied file is never decoded on import otherwise, so decode it once here to be
        # sure every frame the header announces is really there (and finite).
        with _open_for_reading(source) as src:
            for _ in _decoded_blocks(src, name, info.frames, progress, tally):
                pass
        if tally.count:
            copy = False  # converted instead, with the bad samples zeroed
            tally = NonFiniteTally()

    audio_dir = project_dir / "audio"
    try:
        audio_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise MediaError(f"{name}: cannot create {audio_dir} ({exc.strerror or exc})") from exc

    # For converted files, the decode checks run during the one conversion pass (decoding a
    # long MP3 twice would double the wait); the temporary file is removed if they fail.
    temp = audio_dir / f".import-{uuid.uuid4().hex}.part"
    try:
        if copy:
            shutil.copyfile(source, temp)
            written = sf.info(str(temp)).frames
            if written != info.frames:
                raise MediaError(
                    f"{name}: the copy in {audio_dir} holds {written} frames instead of "
                    f"{info.frames}; is the disk full?"
                )
            suffix = _copy_suffix(source, info)
        else:
            written = _convert(source, info, temp, project_rate, progress, tally)
            suffix = ".wav"
        final = _claim_name(temp, audio_dir, _safe_stem(source.stem), suffix)
    except (OSError, sf.SoundFileError, RuntimeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else libsndfile_reason(exc)
        raise MediaError(f"{name}: could not be written into {audio_dir} ({why})") from exc
    finally:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)

    if progress is not None:
        progress(1.0)
    media = MediaRef(
        id=media_id or new_id("media"),
        path=f"audio/{final.name}",
        channels=info.channels,
        length_frames=int(written),
        source_name=source.name,
    )
    found = tally.describe(name, info.sample_rate, info.channels)
    return Imported(media, () if found is None else (found,))


def _checked_header(source: Path) -> AudioInfo:
    """The source's header, once it is known to be a mono or stereo file, complete and not empty.

    Only headers are read here; the decode checks follow when the audio is read.
    """
    name = display_name(source)
    info = probe(source)
    if info.channels not in (1, 2):
        raise MediaError(f"{name}: {info.channels} channels; MiniDAW imports mono or stereo files")
    try:
        truncated = truncation_reason(source)
    except OSError as exc:
        raise MediaError(f"{name}: cannot be read ({exc.strerror or exc})") from exc
    if truncated:
        raise MediaError(f"{name}: {truncated}")
    if info.frames <= 0:
        raise MediaError(f"{name}: the file holds no audio")
    return info


def _convert(
    source: Path,
    info: AudioInfo,
    target: Path,
    project_rate: int,
    progress: Callable[[float], None] | None,
    tally: NonFiniteTally | None = None,
) -> int:
    """Decodes ``source`` block by block into a float WAV at the project rate; returns its frames.

    The resampler is streamed, so the result equals resampling the whole file at once.
    Non-finite samples are zeroed before resampling (and counted in ``tally``).
    """
    channels = info.channels
    expected_frames = -(-info.frames * project_rate // info.sample_rate)
    wav_format = "RF64" if expected_frames * channels * 4 > _WAV_DATA_LIMIT else "WAV"
    stream = None
    if info.sample_rate != project_rate:
        stream = soxr.ResampleStream(
            info.sample_rate, project_rate, channels, dtype="float32", quality=RESAMPLE_QUALITY
        )
    written = 0
    with (
        _open_for_reading(source) as src,
        sf.SoundFile(
            str(target),
            "w",
            samplerate=project_rate,
            channels=channels,
            format=wav_format,
            subtype="FLOAT",
        ) as dst,
    ):
        for block in _decoded_blocks(src, display_name(source), info.frames, progress, tally):
            out = block if stream is None else stream.resample_chunk(block)
            if len(out):
                dst.write(out)
                written += len(out)
        if stream is not None:
            tail = stream.resample_chunk(np.zeros((0, channels), dtype=np.float32), last=True)
            if len(tail):
                dst.write(tail)
                written += len(tail)
    return written


@contextlib.contextmanager
def _open_for_reading(path: Path) -> Iterator[sf.SoundFile]:
    try:
        f = sf.SoundFile(str(path))
    except (sf.SoundFileError, RuntimeError) as exc:
        why = libsndfile_reason(exc)
        raise MediaError(
            f"{display_name(path)}: not an audio file libsndfile can read ({why})"
        ) from exc
    with f:
        yield f


def _decoded_blocks(
    f: sf.SoundFile,
    name: str,
    expected_frames: int,
    progress: Callable[[float], None] | None,
    tally: NonFiniteTally | None = None,
) -> Iterator[np.ndarray]:
    """Yields the whole stream as float32 blocks of shape (n, channels), reusing one buffer.

    With ``tally``, non-finite samples are zeroed and counted (only float encodings can hold
    them, so integer files skip the look). Raises MediaError if decoding fails or ends before
    the frames the header announced.
    """
    if f.subtype not in FLOAT_SUBTYPES:
        tally = None
    buffer = np.empty((BLOCK_FRAMES, f.channels), dtype=np.float32)
    decoded = 0
    while True:
        try:
            count = read_frames(f, buffer)
        except (sf.SoundFileError, RuntimeError) as exc:
            raise MediaError(
                f"{name}: damaged audio: decoding failed after {decoded} of {expected_frames} "
                f"frames ({libsndfile_reason(exc)})"
            ) from exc
        if count == 0:
            break
        if tally is not None:
            tally.repair(buffer[:count], decoded)
        decoded += count
        yield buffer[:count]
        if progress is not None:
            progress(min(decoded / expected_frames, 1.0))
    if decoded < expected_frames:
        raise MediaError(
            f"{name}: truncated: the header promises {expected_frames} frames "
            f"but only {decoded} could be decoded"
        )


def _copy_suffix(source: Path, info: AudioInfo) -> str:
    suffix = source.suffix.lower()
    if info.format == "AIFF" and suffix in _AIFF_SUFFIXES:
        return suffix
    return _COPY_FORMATS[info.format]


def _safe_stem(stem: str) -> str:
    """A file name stem that is legal on every desktop system and still reads like the source."""
    clean = " ".join(_UNSAFE_CHARS.sub("_", stem).split()).strip(" .")
    while len(clean.encode("utf-8")) > _MAX_STEM_BYTES:
        clean = clean[:-1]
    clean = clean.rstrip(" .")
    if not clean:
        return "audio"
    if clean.split(".")[0].lower() in _RESERVED_NAMES:
        clean += "_"
    return clean


def _claim_name(temp: Path, audio_dir: Path, stem: str, suffix: str) -> Path:
    """Gives ``temp`` the first free name ``stem``, ``stem-2``, ... in ``audio_dir``.

    Names are compared without case, so a project stays valid on case-insensitive disks. A hard
    link claims the name atomically, so two imports never pick the same name; where links are
    not supported, a rename after an existence check does.
    """
    taken = {entry.casefold() for entry in os.listdir(audio_dir)}
    number = 1
    while True:
        candidate = stem + suffix if number == 1 else f"{stem}-{number}{suffix}"
        number += 1
        if candidate.casefold() in taken:
            continue
        target = audio_dir / candidate
        try:
            os.link(temp, target)
        except FileExistsError:
            continue
        except OSError:
            if target.exists():
                continue
            os.rename(temp, target)
            return target
        temp.unlink()
        return target
