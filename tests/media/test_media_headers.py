"""truncation_reason: the RIFF/FORM chunk walk that finds WAV and AIFF files cut short."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
import soundfile as sf

from daw.media.headers import truncation_reason


def chop(path: Path, keep_bytes: int) -> None:
    path.write_bytes(path.read_bytes()[:keep_bytes])


@pytest.mark.parametrize(
    ("fmt", "subtype", "name"),
    [
        ("WAV", "PCM_16", "a.wav"),
        ("WAV", "PCM_U8", "a8.wav"),
        ("WAV", "FLOAT", "f.wav"),
        ("WAVEX", "PCM_24", "x.wav"),
        ("RF64", "PCM_16", "r.wav"),
        ("AIFF", "PCM_16", "a.aiff"),
        ("AIFF", "FLOAT", "f.aifc"),
        ("FLAC", "PCM_16", "a.flac"),
        ("OGG", "VORBIS", "a.ogg"),
    ],
)
def test_intact_files_are_not_truncated(write_audio, make_noise, fmt, subtype, name):
    source = write_audio(name, make_noise(1001, 1), 44100, fmt, subtype)

    assert truncation_reason(source) is None


def test_big_endian_rifx_is_walked_too(tmp_path, make_noise):
    path = tmp_path / "big.wav"
    sf.write(str(path), make_noise(3000, 2), 48000, subtype="PCM_16", endian="BIG")
    assert path.read_bytes()[:4] == b"RIFX"
    start = path.read_bytes().index(b"data") + 8
    chop(path, start + 2500 * 4)

    assert truncation_reason(path) == (
        "truncated: the header promises 3000 frames but the file holds 2500"
    )


def _wav(fmt_tag: int, channels: int, block_align: int, data: bytes, data_size: int) -> bytes:
    """A hand-built RIFF WAVE with a chosen data size and a LIST chunk after the data."""
    fmt = struct.pack("<HHIIHH", fmt_tag, channels, 48000, 48000 * block_align, block_align, 16)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"data" + struct.pack("<I", data_size) + data
    if len(data) % 2:
        body += b"\0"
    body += b"LIST" + struct.pack("<I", 4) + b"INFO"
    return b"RIFF" + struct.pack("<I", len(body)) + body


def test_chunks_after_the_data_do_not_count_as_audio(tmp_path):
    path = tmp_path / "tagged.wav"
    path.write_bytes(_wav(1, 2, 4, bytes(400), 400))

    assert truncation_reason(path) is None


def test_chunks_after_the_data_do_not_hide_truncation(tmp_path):
    path = tmp_path / "cut.wav"
    # The header promises 100 frames; 60 are there, and the LIST chunk follows at once.
    path.write_bytes(_wav(1, 2, 4, bytes(240), 400))

    reason = truncation_reason(path)

    # The LIST chunk's 12 bytes sit where frames 60-62 should be; they count as present.
    assert reason == "truncated: the header promises 100 frames but the file holds 63"


def test_streamed_wav_of_unknown_length_promises_nothing(tmp_path):
    path = tmp_path / "stream.wav"
    path.write_bytes(_wav(1, 1, 2, bytes(1000), 0xFFFFFFFF))

    assert truncation_reason(path) is None


def test_compressed_wav_is_compared_in_bytes(tmp_path):
    path = tmp_path / "adpcm.wav"
    data = _wav(0x0011, 1, 256, bytes(512), 2048)  # IMA ADPCM: a block is not a frame
    path.write_bytes(data[: data.index(b"LIST")])

    assert truncation_reason(path) == (
        "truncated: the header promises 2048 bytes of audio but the file holds 512"
    )


def test_file_ending_inside_the_header(write_audio, make_noise):
    source = write_audio("stub.wav", make_noise(100, 1), 48000, "WAV", "PCM_16")
    chop(source, 30)

    assert truncation_reason(source) == "truncated: the file ends before its audio data begins"


def test_aiff_with_comm_after_the_sound_data(tmp_path):
    frames, channels = 50, 2
    comm = struct.pack(">hIh", channels, frames, 16) + b"\x40\x0e\xbb\x80" + bytes(6)
    ssnd_payload = struct.pack(">II", 0, 0) + bytes(frames * channels * 2)
    body = b"AIFF" + b"SSND" + struct.pack(">I", len(ssnd_payload)) + ssnd_payload
    body += b"COMM" + struct.pack(">I", len(comm)) + comm
    path = tmp_path / "late.aiff"
    path.write_bytes(b"FORM" + struct.pack(">I", len(body)) + body)

    assert truncation_reason(path) is None

    # Cut inside the sound data: COMM is lost with the tail, so only bytes can be compared.
    chop(path, 12 + 8 + 8 + 120)
    assert truncation_reason(path) == (
        "truncated: the header promises 200 bytes of audio but the file holds 120"
    )


def test_other_formats_and_tiny_files_are_left_to_the_decoder(tmp_path):
    tiny = tmp_path / "tiny.wav"
    tiny.write_bytes(b"RIFF")
    text = tmp_path / "text.wav"
    text.write_text("hello, this is not audio")

    assert truncation_reason(tiny) is None
    assert truncation_reason(text) is None

