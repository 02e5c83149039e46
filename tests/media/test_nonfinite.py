"""NaN and infinite samples: reported and zeroed at import, read as silence by the pool."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from daw.media import MediaPool, import_file
from daw.media.finite import NonFiniteTally, all_finite, zero_nonfinite
from daw.media.samples import read_sample
from daw.model.project import MediaRef

RATE = 48000


def poisoned(make_sine, frames: int = 20_000) -> tuple[np.ndarray, np.ndarray]:
    """(stereo float data with NaN and ±inf in it, the same data with those zeroed)."""
    data = np.stack([make_sine(440, RATE, frames), make_sine(660, RATE, frames)], axis=1)
    clean = data.copy()
    data[12_000, 1] = np.nan
    data[12_001, 0] = np.inf
    data[15_000, 0] = -np.inf
    clean[12_000, 1] = clean[12_001, 0] = clean[15_000, 0] = 0.0
    return data, clean


def test_all_finite_is_not_fooled_by_a_sum_that_overflows() -> None:
    loud = np.full((4096, 2), 3e38, dtype=np.float32)
    with np.errstate(over="ignore"):
        assert not np.isfinite(np.add.reduce(loud, axis=None))
    assert all_finite(loud)
    loud[100, 1] = np.nan
    assert not all_finite(loud)
    assert zero_nonfinite(loud) == 1
    assert loud[100, 1] == 0.0 and loud[101, 1] == np.float32(3e38)


def test_tally_counts_and_finds_the_first_across_blocks() -> None:
    tally = NonFiniteTally()
    first = np.ones((10, 2), dtype=np.float32)
    second = np.ones((10, 2), dtype=np.float32)
    second[3, 1] = np.nan
    second[7, 0] = -np.inf
    tally.repair(first, 0)
    tally.repair(second, 10)
    assert (tally.count, tally.first_frame, tally.first_channel) == (2, 13, 1)
    assert np.all(second == np.where(np.arange(10)[:, None] == [[7, 3]], 0.0, 1.0))
    assert tally.describe("x.wav", 10, 2) == (
        "x.wav: 2 samples were NaN or infinite (first at 1.300 s, right channel); "
        "replaced by silence")


@pytest.mark.parametrize("rate", [RATE, 44100], ids=["copied-rate", "resampled"])
def test_import_zeroes_and_reports_nonfinite_samples(rate, write_audio, make_sine,
                                                     project_dir) -> None:
    data, clean = poisoned(make_sine)
    source = write_audio("Bad.wav", data, rate, "WAV", "FLOAT")
    result = import_file(source, project_dir, RATE)
    copy, copy_rate = sf.read(str(project_dir / result.media.path), dtype="float32",
                              always_2d=True)
    assert copy_rate == RATE
    assert np.isfinite(copy).all()
    if rate == RATE:
        np.testing.assert_array_equal(copy, clean)
    else:  # the same as importing the zeroed file
        other = write_audio("Clean.wav", clean, rate, "WAV", "FLOAT")
        expected, _ = sf.read(str(project_dir / import_file(other, project_dir, RATE)
                                  .media.path), dtype="float32", always_2d=True)
        np.testing.assert_array_equal(copy, expected)
    assert result.warnings == (
        f"Bad.wav: 3 samples were NaN or infinite (first at {12_000 / rate:.3f} s, right "
        "channel); replaced by silence",)


def test_clean_float_file_is_still_copied_without_warning(write_audio, make_sine,
                                                          project_dir) -> None:
    _, clean = poisoned(make_sine)
    source = write_audio("Good.wav", clean, RATE, "WAV", "FLOAT")
    result = import_file(source, project_dir, RATE)
    assert result.warnings == ()
    assert (project_dir / result.media.path).read_bytes() == source.read_bytes()


def test_pool_reads_nonfinite_samples_as_zero(write_audio, make_sine, project_dir) -> None:
    data, clean = poisoned(make_sine)
    audio = project_dir / "audio"
    audio.mkdir()
    sf.write(str(audio / "Hand.wav"), data, RATE, subtype="FLOAT")  # put there by hand
    ref = MediaRef(id="m1", path="audio/Hand.wav", channels=2, length_frames=len(data))
    with MediaPool(project_dir, [ref]) as pool:
        for offset, size in ((0, 20_000), (11_990, 64), (11_000, 256), (14_999, 3)):
            out = np.full((size, 2), 7.0, dtype=np.float32)
            pool.read_into("m1", offset, out)
            np.testing.assert_array_equal(out, clean[offset:offset + size])


def test_short_samples_read_nonfinite_as_zero(write_audio, make_sine) -> None:
    data, clean = poisoned(make_sine)
    path = write_audio("Click.wav", data, RATE, "WAV", "FLOAT")
    np.testing.assert_array_equal(read_sample(path, RATE), clean.mean(axis=1, dtype=np.float32))


def test_all_finite_in_scratch_flags_reads_the_block_alone() -> None:
    scratch = np.ones(64, dtype=bool)
    block = np.full((16, 2), 3e38, dtype=np.float32)
    assert all_finite(block, scratch)
    block[15, 0] = np.inf
    assert not all_finite(block, scratch)
    assert all_finite(block[:15], scratch)  # stale flags past the block do not count
    assert not all_finite(np.full((40, 2), np.nan, dtype=np.float32), scratch)  # too small
