"""import_audio: copies, conversions and resampling compared sample by sample with the source."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import soxr

from daw.media import AudioInfo, MediaError, import_audio, probe
from daw.media.importer import BLOCK_FRAMES

needs_mp3 = pytest.mark.skipif(
    "MP3" not in sf.available_formats(), reason="this libsndfile cannot write MP3"
)

LOSSLESS = [
    ("WAV", "PCM_16", "wav"),
    ("WAV", "PCM_24", "wav"),
    ("WAV", "FLOAT", "wav"),
    ("FLAC", "PCM_16", "flac"),
    ("FLAC", "PCM_24", "flac"),
    ("AIFF", "PCM_16", "aiff"),
    ("AIFF", "PCM_24", "aif"),
]
LOSSY = [
    ("OGG", "VORBIS", "ogg"),
    pytest.param("MP3", "MPEG_LAYER_III", "mp3", marks=needs_mp3),
]
ALL_FORMATS = [pytest.param(*f, id=f"{f[0]}-{f[1]}") for f in LOSSLESS] + LOSSY


def read_all(path: Path) -> np.ndarray:
    data, _rate = sf.read(str(path), dtype="float32", always_2d=True)
    return data


def fit_sine(signal: np.ndarray, freq_hz: float, rate: int) -> tuple[float, float]:
    """Amplitude of ``freq_hz`` in ``signal`` and the RMS of what is left, by least squares."""
    t = np.arange(len(signal)) / rate
    basis = np.stack([np.sin(2 * np.pi * freq_hz * t), np.cos(2 * np.pi * freq_hz * t)], axis=1)
    coeffs, *_ = np.linalg.lstsq(basis, signal.astype(np.float64), rcond=None)
    residual = signal - basis @ coeffs
    return float(np.hypot(*coeffs)), float(np.sqrt(np.mean(residual**2)))


def audio_files(project_dir: Path) -> list[str]:
    folder = project_dir / "audio"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize("channels", [1, 2])
@pytest.mark.parametrize(("fmt", "subtype", "ext"), LOSSLESS)
def test_lossless_file_at_project_rate_is_copied_unchanged(
    write_audio, make_noise, project_dir, fmt, subtype, ext, channels
):
    source = write_audio(f"Guitar take.{ext}", make_noise(20000, channels), 44100, fmt, subtype)

    ref = import_audio(source, project_dir, 44100)

    assert ref.path == f"audio/Guitar take.{ext}"
    assert ref.id.startswith("media-")
    assert (ref.channels, ref.length_frames, ref.source_name) == (channels, 20000, source.name)
    copied = project_dir / ref.path
    assert copied.read_bytes() == source.read_bytes()
    np.testing.assert_array_equal(read_all(copied), read_all(source))
    assert audio_files(project_dir) == [f"Guitar take.{ext}"]


def test_float_wav_copy_holds_the_generated_samples(write_audio, make_noise, project_dir):
    data = make_noise(5000, 2, seed=7)
    source = write_audio("pad.wav", data, 48000, "WAV", "FLOAT")

    ref = import_audio(source, project_dir, 48000)

    np.testing.assert_array_equal(read_all(project_dir / ref.path), data)


@pytest.mark.parametrize("channels", [1, 2])
@pytest.mark.parametrize(("fmt", "subtype", "ext"), LOSSY)
def test_lossy_file_at_project_rate_is_decoded_to_float_wav(
    write_audio, make_sine, project_dir, fmt, subtype, ext, channels
):
    data = np.stack([make_sine(440, 44100, 30000, 0.4)] * channels, axis=1)
    source = write_audio(f"vocal.{ext}", data, 44100, fmt, subtype)

    ref = import_audio(source, project_dir, 44100)

    assert ref.path == "audio/vocal.wav"
    written = sf.info(str(project_dir / ref.path))
    assert (written.format, written.subtype, written.samplerate) == ("WAV", "FLOAT", 44100)
    assert written.channels == channels
    assert ref.length_frames == written.frames == sf.info(str(source)).frames
    # Decoding once more gives the very same floats that were written.
    np.testing.assert_array_equal(read_all(project_dir / ref.path), read_all(source))


@pytest.mark.parametrize("channels", [1, 2])
@pytest.mark.parametrize(("fmt", "subtype", "ext"), ALL_FORMATS)
def test_resampled_import_equals_whole_file_resampling(
    write_audio, make_sine, project_dir, fmt, subtype, ext, channels
):
    frames = 3 * 44100  # longer than two decode blocks, so block joins are exercised
    left = make_sine(1000, 44100, frames, 0.5)
    data = np.stack([left, 0.5 * left][:channels], axis=1)
    source = write_audio(f"Sine 1k.{ext}", data, 44100, fmt, subtype)

    ref = import_audio(source, project_dir, 48000)

    assert ref.path == "audio/Sine 1k.wav"
    written_path = project_dir / ref.path
    written = sf.info(str(written_path))
    assert (written.format, written.subtype, written.samplerate) == ("WAV", "FLOAT", 48000)
    got = read_all(written_path)
    expected = soxr.resample(read_all(source), 44100, 48000, quality="VHQ")
    assert got.shape == expected.shape
    assert ref.length_frames == len(got)
    assert ref.channels == channels
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-6)

    # The tone keeps its pitch and level: 1 kHz, amplitude 0.5 (and 0.25 on the right).
    middle = got[48000:96000]
    spectrum = np.abs(np.fft.rfft(middle[:, 0]))
    assert np.argmax(spectrum) == 1000  # bins are 1 Hz wide over one second
    lossy = fmt in ("OGG", "MP3")
    for channel, amplitude in zip(range(channels), (0.5, 0.25), strict=False):
        level, residual = fit_sine(middle[:, channel], 1000, 48000)
        assert level == pytest.approx(amplitude, abs=0.02 if lossy else 1e-3)
        assert residual < (0.02 if lossy else 1e-3)


def test_downsampling_equals_whole_file_resampling(write_audio, make_noise, project_dir):
    data = make_noise(100_000, 2, seed=99)
    source = write_audio("room.flac", data, 48000, "FLAC", "PCM_24")

    ref = import_audio(source, project_dir, 44100)

    got = read_all(project_dir / ref.path)
    expected = soxr.resample(read_all(source), 48000, 44100, quality="VHQ")
    assert got.shape == expected.shape == (ref.length_frames, 2)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-6)


@pytest.mark.parametrize(
    "frames", [1, 1000, BLOCK_FRAMES - 1, BLOCK_FRAMES, BLOCK_FRAMES + 1, 2 * BLOCK_FRAMES + 5]
)
def test_block_boundaries_do_not_change_the_resampled_result(
    write_audio, make_noise, project_dir, frames
):
    source = write_audio("edge.wav", make_noise(frames, 1, seed=frames), 44100, "WAV", "FLOAT")

    ref = import_audio(source, project_dir, 48000)

    got = read_all(project_dir / ref.path)
    expected = soxr.resample(read_all(source), 44100, 48000, quality="VHQ")
    assert got.shape == expected.shape == (ref.length_frames, 1)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-6)


def test_repeated_imports_get_numbered_names(write_audio, make_noise, project_dir):
    source = write_audio("Guitar take.wav", make_noise(100, 2), 48000, "WAV", "PCM_16")

    paths = [import_audio(source, project_dir, 48000).path for _ in range(3)]

    assert paths == ["audio/Guitar take.wav", "audio/Guitar take-2.wav", "audio/Guitar take-3.wav"]
    assert audio_files(project_dir) == ["Guitar take-2.wav", "Guitar take-3.wav", "Guitar take.wav"]


def test_names_differing_only_in_case_count_as_taken(write_audio, make_noise, project_dir):
    (project_dir / "audio").mkdir()
    (project_dir / "audio" / "KICK.WAV").write_bytes(b"already here")
    source = write_audio("kick.wav", make_noise(100, 1), 48000, "WAV", "PCM_16")

    ref = import_audio(source, project_dir, 48000)

    assert ref.path == "audio/kick-2.wav"
    assert (project_dir / "audio" / "KICK.WAV").read_bytes() == b"already here"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Take: 1?.wav", "audio/Take_ 1_.wav"),
        (".hidden.wav", "audio/hidden.wav"),
        ("aux.wav", "audio/aux_.wav"),
        ("Bass   DI .wav", "audio/Bass DI.wav"),
        ("...wav", "audio/audio.wav"),
    ],
)
def test_names_are_made_safe_for_every_disk(
    write_audio, make_noise, project_dir, name, expected
):
    source = write_audio(name, make_noise(100, 1), 48000, "WAV", "PCM_16")

    ref = import_audio(source, project_dir, 48000)

    assert ref.path == expected
    assert ref.source_name == name


def test_given_media_id_is_used(write_audio, make_noise, project_dir):
    source = write_audio("a.wav", make_noise(100, 1), 48000, "WAV", "PCM_16")

    ref = import_audio(source, project_dir, 48000, media_id="media-fixed")

    assert ref.id == "media-fixed"


@pytest.mark.parametrize("rate", [44100, 48000])
def test_progress_rises_to_one(write_audio, make_noise, project_dir, rate):
    source = write_audio("long.wav", make_noise(3 * BLOCK_FRAMES, 2), 44100, "WAV", "PCM_16")
    seen: list[float] = []

    import_audio(source, project_dir, rate, progress=seen.append)

    assert len(seen) >= 3
    assert seen == sorted(seen)
    assert seen[-1] == 1.0
    assert all(0.0 <= value <= 1.0 for value in seen)


def test_probe_reports_the_header(write_audio, make_noise):
    source = write_audio("drums.flac", make_noise(1234, 2), 44100, "FLAC", "PCM_24")

    info = probe(source)

    assert info == AudioInfo(
        path=source, sample_rate=44100, channels=2, frames=1234, format="FLAC", subtype="PCM_24"
    )
    assert info.duration_seconds == pytest.approx(1234 / 44100)


def test_probe_names_an_unreadable_file(tmp_path):
    text = tmp_path / "notes.wav"
    text.write_text("not audio at all")

    with pytest.raises(MediaError, match=r"^notes\.wav: not an audio file libsndfile can read"):
        probe(text)
