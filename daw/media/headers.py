"""Finds truncated WAV and AIFF files by comparing the audio size the header promises with the
bytes actually on disk.

libsndfile quietly shortens a truncated WAV or AIFF to the frames present, so a take cut off by
a full disk or a crash would import as if nothing were wrong. Walking the chunks ourselves is
the only way to notice.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

_RIFF_MAGICS = {b"RIFF": "<", b"RIFX": ">", b"RF64": "<", b"BW64": "<"}
_AIFF_FORMS = (b"AIFF", b"AIFC")

# WAV format tags whose block align is exactly one frame: PCM, IEEE float, A-law, mu-law.
_WAV_FRAME_TAGS = {0x0001, 0x0003, 0x0006, 0x0007}
_WAVE_FORMAT_EXTENSIBLE = 0xFFFE

# AIFC compression types with a fixed size per sample, in bytes (None: from the sample size).
_AIFC_SAMPLE_BYTES: dict[bytes, int | None] = {
    b"NONE": None,
    b"twos": None,
    b"sowt": None,
    b"raw ": None,
    b"in24": 3,
    b"in32": 4,
    b"fl32": 4,
    b"FL32": 4,
    b"fl64": 8,
    b"FL64": 8,
    b"ulaw": 1,
    b"ULAW": 1,
    b"alaw": 1,
    b"ALAW": 1,
}

# A RIFF data size of 0xFFFFFFFF without a ds64 chunk is the placeholder written by programs
# that stream a WAV of unknown length; it promises nothing.
_UNKNOWN_SIZE = 0xFFFFFFFF


@dataclass(frozen=True)
class DataExtent:
    """How many bytes of audio the header promises and how many the file holds.

    ``promised_bytes`` is None when the header leaves the size open (a streamed WAV).
    ``frame_bytes`` is the size of one frame when the encoding has a fixed one (PCM, float,
    A-law, mu-law), else None and sizes can only be compared in bytes.
    """

    promised_bytes: int | None
    present_bytes: int
    frame_bytes: int | None


def truncation_reason(path: Path) -> str | None:
    """Why a WAV or AIFF file is truncated (``truncated: the header promises ...``), or None.

    Files of other formats, and WAV headers that promise no particular size, give None.
    """
    with path.open("rb") as f:
        size = f.seek(0, 2)
        f.seek(0)
        head = f.read(12)
        if len(head) < 12:
            return None
        magic, form = head[:4], head[8:12]
        if magic in _RIFF_MAGICS and form == b"WAVE":
            extent = _wav_extent(f, size, _RIFF_MAGICS[magic])
        elif magic == b"FORM" and form in _AIFF_FORMS:
            extent = _aiff_extent(f, size, aifc=form == b"AIFC")
        else:
            return None
    if extent is None:
        return "truncated: the file ends before its audio data begins"
    promised, present = extent.promised_bytes, extent.present_bytes
    if promised is None or present >= promised:
        return None
    if extent.frame_bytes:
        return (
            f"truncated: the header promises {promised // extent.frame_bytes} frames "
            f"but the file holds {present // extent.frame_bytes}"
        )
    return f"truncated: the header promises {promised} bytes of audio but the file holds {present}"


def _chunks(f: BinaryIO, size: int, start: int, endian: str) -> Iterator[tuple[bytes, int, int]]:
    """Yields (chunk id, payload offset, payload size) until the file or the chunks run out."""
    pos = start
    while pos + 8 <= size:
        f.seek(pos)
        header = f.read(8)
        if len(header) < 8:
            return
        (csize,) = struct.unpack(endian + "I", header[4:])
        yield header[:4], pos + 8, csize
        pos += 8 + csize + (csize & 1)


def _wav_extent(f: BinaryIO, size: int, endian: str) -> DataExtent | None:
    """The data chunk of a RIFF/RIFX/RF64 WAVE file, or None if the file ends before it."""
    frame_bytes: int | None = None
    ds64_data_size: int | None = None
    for cid, offset, csize in _chunks(f, size, 12, endian):
        if cid == b"ds64" and csize >= 16:
            f.seek(offset)
            raw = f.read(16)
            if len(raw) == 16:
                _riff_size, ds64_data_size = struct.unpack(endian + "QQ", raw)
        elif cid == b"fmt " and csize >= 16:
            f.seek(offset)
            raw = f.read(min(csize, 26))
            if len(raw) < 16:
                return None
            tag, _channels, _rate, _byte_rate, block_align = struct.unpack(
                endian + "HHIIH", raw[:14]
            )
            if tag == _WAVE_FORMAT_EXTENSIBLE and len(raw) >= 26:
                # The sub-format GUID starts with the plain format tag.
                (tag,) = struct.unpack(endian + "H", raw[24:26])
            frame_bytes = block_align if tag in _WAV_FRAME_TAGS and block_align > 0 else None
        elif cid == b"data":
            promised: int | None = csize
            if csize == _UNKNOWN_SIZE:
                promised = ds64_data_size
            return DataExtent(promised, max(size - offset, 0), frame_bytes)
    return None


def _aiff_extent(f: BinaryIO, size: int, *, aifc: bool) -> DataExtent | None:
    """The SSND chunk of an AIFF/AIFC file, or None if the file ends before it."""
    frame_bytes: int | None = None
    comm_seen = False
    for cid, offset, csize in _chunks(f, size, 12, ">"):
        if cid == b"COMM":
            frame_bytes = _aiff_frame_bytes(f, offset, csize, aifc=aifc)
            comm_seen = True
        elif cid == b"SSND" and csize >= 8:
            f.seek(offset)
            raw = f.read(8)
            if len(raw) < 8:
                return None
            data_offset, _block_size = struct.unpack(">II", raw)
            start = offset + 8 + data_offset
            promised = max(csize - 8 - data_offset, 0)
            if not comm_seen:
                # COMM usually comes first, but may follow the sound data.
                end = offset + csize + (csize & 1)
                for cid2, offset2, csize2 in _chunks(f, size, end, ">"):
                    if cid2 == b"COMM":
                        frame_bytes = _aiff_frame_bytes(f, offset2, csize2, aifc=aifc)
                        break
            return DataExtent(promised, max(size - start, 0), frame_bytes)
    return None


def _aiff_frame_bytes(f: BinaryIO, offset: int, csize: int, *, aifc: bool) -> int | None:
    """The bytes per frame a COMM chunk describes, if its encoding has a fixed frame size."""
    if csize < 18:
        return None
    f.seek(offset)
    raw = f.read(22 if aifc and csize >= 22 else 18)
    if len(raw) < 18:
        return None
    channels, _frames, bits = struct.unpack(">hIh", raw[:8])
    compression = raw[18:22] if len(raw) >= 22 else b"NONE"
    if compression not in _AIFC_SAMPLE_BYTES or channels <= 0 or bits <= 0:
        return None
    return channels * (_AIFC_SAMPLE_BYTES[compression] or (bits + 7) // 8)
