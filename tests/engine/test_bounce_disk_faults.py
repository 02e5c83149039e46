"""A bounce onto a full disk: says which file and why (never "System error."), leaves no
partial file, and an earlier file of that name survives."""

from __future__ import annotations

import errno
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from daw.engine.export.bounce import BounceError, BounceSettings, bounce
from daw.engine.export.bounce_writer import os_error
from tests.engine.songs import RATE, Song, tone


def one_second_song(song: Song) -> None:
    song.media("a", tone(RATE, 440, channels=2, seed=4))
    song.track("A")
    song.clip("A", "a", 0, "ca")


def test_a_bounce_onto_a_full_disk_says_so_and_keeps_the_old_mix(song: Song,
                                                                  tiny_disk) -> None:
    one_second_song(song)
    disk = tiny_disk("2m")
    target = disk.path / "mix.wav"
    bounce(song.project, song.folder, BounceSettings(target, end_frame=4800, bit_depth="32f",
                                                     report=False))
    old = target.read_bytes()
    disk.fill(leave_bytes=100_000)  # the whole second takes 384 kB
    with pytest.raises(BounceError) as caught:
        bounce(song.project, song.folder, BounceSettings(target, bit_depth="32f"))
    message = str(caught.value)
    assert message.startswith(f"cannot write {target}: no space left on device: ")
    assert message.endswith(" free") and "System error" not in message
    assert target.read_bytes() == old
    assert sorted(p.name for p in disk.path.iterdir()) == ["filler.bin", "mix.wav"]

    (disk.path / "filler.bin").unlink()  # space freed: the same bounce works
    bounce(song.project, song.folder, BounceSettings(target, bit_depth="32f", report=False))
    mix, _ = sf.read(target, dtype="float32", always_2d=True)
    assert mix.shape == (RATE, 2) and np.abs(mix).max() > 0.1


def test_what_libsndfile_calls_a_system_error_is_told_by_the_disk(tmp_path: Path,
                                                                   tiny_disk) -> None:
    refused = sf.LibsndfileError(2)  # libsndfile's "System error."
    assert "System error" in str(refused)
    assert os_error(tmp_path / "mix.wav", refused).errno == errno.EIO  # room, writable
    disk = tiny_disk("1m")
    disk.fill(leave_bytes=0)
    assert os_error(disk.path / "mix.wav", refused).errno == errno.ENOSPC
    (disk.path / "filler.bin").unlink()
    if subprocess.run(["mount", "-o", "remount,ro", str(disk.path)]).returncode != 0:
        pytest.skip("cannot make the tiny disk read-only here")
    assert os_error(disk.path / "mix.wav", refused).errno == errno.EROFS
    full = OSError(errno.ENOSPC, "No space left on device")
    assert os_error(disk.path / "mix.wav", full) is full
