"""The peak cache on a full disk: the old cache file stays, no temporary file is left, the
error names the cache file, and the waveform is still drawn from the peaks just built."""

from __future__ import annotations

import errno

import numpy as np
import pytest
import soundfile as sf

from daw.media.peaks import build_peaks, cache_file, load_or_build, save_peaks
from daw.model.project import MediaRef


def test_a_full_disk_keeps_the_old_cache_and_leaves_no_temporary_file(tiny_disk) -> None:
    disk = tiny_disk("2m")
    folder = disk.path / "Song.minidaw"
    (folder / "audio").mkdir(parents=True)
    data = np.random.default_rng(3).uniform(-1, 1, (50_001, 2)).astype(np.float32)
    sf.write(folder / "audio" / "take.wav", data, 48000, subtype="FLOAT")
    ref = MediaRef("media-take1", "audio/take.wav", 2, len(data))
    peaks = load_or_build(folder, ref)
    target = cache_file(folder, ref.id)
    old = target.read_bytes()
    disk.fill(leave_bytes=0)

    with pytest.raises(OSError) as caught:
        save_peaks(build_peaks(folder / "audio" / "take.wav"), target)
    assert caught.value.errno == errno.ENOSPC
    assert str(caught.value) == f"cannot write {target}: no space left on device: 0 bytes free"
    assert target.read_bytes() == old
    assert [p.name for p in target.parent.iterdir()] == [target.name]

    # A media whose cache cannot be written is still drawn: the peaks come back all the same.
    other = MediaRef("media-take2", "audio/take.wav", 2, len(data))
    again = load_or_build(folder, other)
    assert not cache_file(folder, other.id).exists()
    assert [p.name for p in target.parent.iterdir()] == [target.name]
    for (mins, maxs), (mins2, maxs2) in zip(peaks.levels, again.levels, strict=True):
        np.testing.assert_array_equal(mins, mins2)
        np.testing.assert_array_equal(maxs, maxs2)
