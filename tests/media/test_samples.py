"""Short sounds read whole: mono at the rate asked for, and clear errors for unusable files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import soxr

from daw.media import MediaError
from daw.media.samples import read_sample


def test_a_stereo_sample_is_averaged_to_mono(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    data = rng.uniform(-0.5, 0.5, (480, 2)).astype(np.float32)
    sf.write(tmp_path / "s.wav", data, 48000, subtype="FLOAT")
    sample = read_sample(tmp_path / "s.wav", 48000)
    assert sample.dtype == np.float32 and sample.shape == (480,)
    np.testing.assert_array_equal(sample, data.mean(axis=1, dtype=np.float32))


def test_a_sample_at_another_rate_is_resampled(tmp_path: Path) -> None:
    data = np.sin(2 * np.pi * 500 * np.arange(4410) / 44100).astype(np.float32)
    sf.write(tmp_path / "s.wav", data, 44100, subtype="FLOAT")
    sample = read_sample(tmp_path / "s.wav", 48000)
    np.testing.assert_array_equal(sample, soxr.resample(data, 44100, 48000, quality="VHQ"))
    assert len(sample) == 4800


@pytest.mark.parametrize(("content", "reason"), [
    (None, "s.wav: file not found"),
    (b"not audio at all", "s.wav: not an audio file MiniDAW can read"),
    (np.zeros((0, 1), dtype=np.float32), "s.wav: the file holds no sound"),
    (np.zeros((11 * 8000, 1), dtype=np.float32), "s.wav: 11.0 s is too long for a sample"),
])
def test_unusable_files_are_named_with_the_reason(tmp_path: Path, content, reason) -> None:
    path = tmp_path / "s.wav"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        sf.write(path, content, 8000, subtype="FLOAT")
    with pytest.raises(MediaError) as error:
        read_sample(path, 48000)
    assert str(error.value).startswith(reason)
