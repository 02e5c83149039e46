"""import_audio refuses bad files with a message naming the file and why, and writes nothing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from daw.media import MediaError, import_audio

needs_mp3 = pytest.mark.skipif(
    "MP3" not in sf.available_formats(), reason="this libsndfile cannot write MP3"
)


def data_offset(path: Path, chunk: bytes = b"data") -> int:
    """Where the audio bytes of a WAV start: just after the data chunk's header."""
    return path.read_bytes().index(chunk) + 8


def chop(path: Path, keep_bytes: int) -> None:
    path.write_bytes(path.read_bytes()[:keep_bytes])


def assert_nothing_imported(project_dir: Path) -> None:
    audio = project_dir / "audio"
    assert not audio.exists() or list(audio.iterdir()) == []


@pytest.fixture(params=[48000, 44100], ids=["same-rate", "resampled"])
def project_rate(request) -> int:
    return request.param


def test_text_file_renamed_wav(tmp_path, project_dir, project_rate):
    source = tmp_path / "song.wav"
    source.write_text("these are the lyrics, not the recording\n" * 20)

    with pytest.raises(MediaError) as caught:
        import_audio(source, project_dir, project_rate)

    assert str(caught.value) == (
        "song.wav: not an audio file libsndfile can read (Format not recognised)"
    )
    assert_nothing_imported(project_dir)


def test_empty_wav(write_audio, project_dir, project_rate):
    source = write_audio("empty.wav", np.zeros((0, 2), np.float32), 48000, "WAV", "PCM_16")

    with pytest.raises(MediaError, match=r"^empty\.wav: the file holds no audio$"):
        import_audio(source, project_dir, project_rate)

    assert_nothing_imported(project_dir)


def test_truncated_wav_names_promised_and_present_frames(
    write_audio, make_noise, project_dir, project_rate
):
    source = write_audio("take.wav", make_noise(96000, 2), 48000, "WAV", "PCM_16")
    # Keep 41230 whole frames and half of the next one; the header still promises 96000.
    chop(source, data_offset(source) + 41230 * 4 + 2)

    with pytest.raises(MediaError) as caught:
        import_audio(source, project_dir, project_rate)

    assert str(caught.value) == (
        "take.wav: truncated: the header promises 96000 frames but the file holds 41230"
    )
    assert_nothing_imported(project_dir)


@pytest.mark.parametrize(
    ("fmt", "subtype", "name", "chunk", "frame_bytes"),
    [
        ("WAV", "FLOAT", "pad.wav", b"data", 8),  # fmt, fact and PEAK chunks before the data
        ("WAVEX", "PCM_24", "ext.wav", b"data", 6),
        ("RF64", "PCM_16", "long.wav", b"data", 4),  # the size lives in the ds64 chunk
        ("AIFF", "PCM_24", "keys.aiff", b"SSND", 6),
        ("AIFF", "FLOAT", "keys.aifc", b"SSND", 8),  # AIFC with fl32 samples
    ],
)
def test_truncated_wav_and_aiff_variants(
    write_audio, make_noise, project_dir, project_rate, fmt, subtype, name, chunk, frame_bytes
):
    source = write_audio(name, make_noise(10000, 2), 48000, fmt, subtype)
    start = data_offset(source, chunk) + (8 if chunk == b"SSND" else 0)
    chop(source, start + 1234 * frame_bytes)

    with pytest.raises(MediaError) as caught:
        import_audio(source, project_dir, project_rate)

    assert str(caught.value) == (
        f"{name}: truncated: the header promises 10000 frames but the file holds 1234"
    )
    assert_nothing_imported(project_dir)


def test_file_cut_before_its_audio_data(write_audio, make_noise, project_dir, project_rate):
    source = write_audio("stub.wav", make_noise(1000, 1), 48000, "WAV", "PCM_16")
    chop(source, 30)  # inside the fmt chunk

    with pytest.raises(MediaError, match=r"^stub\.wav: "):
        import_audio(source, project_dir, project_rate)

    assert_nothing_imported(project_dir)


@pytest.mark.parametrize(
    ("fmt", "subtype", "name"),
    [
        ("FLAC", "PCM_16", "drums.flac"),
        pytest.param("MP3", "MPEG_LAYER_III", "mix.mp3", marks=needs_mp3),
    ],
)
def test_truncated_compressed_stream(
    write_audio, make_noise, project_dir, project_rate, fmt, subtype, name
):
    source = write_audio(name, make_noise(96000, 2), 48000, fmt, subtype)
    chop(source, source.stat().st_size // 2)

    with pytest.raises(MediaError) as caught:
        import_audio(source, project_dir, project_rate)

    message = str(caught.value)
    assert message.startswith(f"{name}: ")
    assert "truncated" in message or "damaged" in message
    assert_nothing_imported(project_dir)


def test_six_channel_file(write_audio, make_noise, project_dir, project_rate):
    source = write_audio("x.wav", make_noise(1000, 6), 48000, "WAV", "PCM_16")

    with pytest.raises(MediaError) as caught:
        import_audio(source, project_dir, project_rate)

    assert str(caught.value) == "x.wav: 6 channels; MiniDAW imports mono or stereo files"
    assert_nothing_imported(project_dir)


def test_missing_file(tmp_path, project_dir, project_rate):
    with pytest.raises(MediaError, match=r"^missing\.wav: file not found$"):
        import_audio(tmp_path / "missing.wav", project_dir, project_rate)

    assert_nothing_imported(project_dir)


def test_folder_instead_of_file(tmp_path, project_dir, project_rate):
    folder = tmp_path / "Session.wav"
    folder.mkdir()

    with pytest.raises(MediaError, match=r"^Session\.wav: is a folder, not an audio file$"):
        import_audio(folder, project_dir, project_rate)

    assert_nothing_imported(project_dir)


def test_failed_import_leaves_earlier_imports_alone(
    write_audio, make_noise, project_dir, project_rate
):
    good = write_audio("good.wav", make_noise(500, 2), 48000, "WAV", "PCM_16")
    ref = import_audio(good, project_dir, project_rate)
    bad = write_audio("bad.wav", make_noise(5000, 2), 48000, "WAV", "PCM_16")
    chop(bad, data_offset(bad) + 100)

    with pytest.raises(MediaError):
        import_audio(bad, project_dir, project_rate)

    assert [p.name for p in (project_dir / "audio").iterdir()] == [ref.path.split("/")[1]]


def test_rejects_a_nonsense_project_rate(write_audio, make_noise, project_dir):
    source = write_audio("a.wav", make_noise(10, 1), 48000, "WAV", "PCM_16")

    with pytest.raises(ValueError, match="project_rate"):
        import_audio(source, project_dir, 0)
