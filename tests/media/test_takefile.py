"""Takes on disk: valid WAV at every sync, and repairable after a crash."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from daw.media import MediaError
from daw.media.takefile import TakeWriter, repair_take


def noise(frames: int, channels: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-1, 1, (frames, channels)).astype(np.float32)


@pytest.mark.parametrize("channels", [1, 2])
def test_written_take_reads_back_exactly(tmp_path: Path, channels: int) -> None:
    data = noise(10000, channels)
    writer = TakeWriter(tmp_path / "t.wav", channels, 44100)
    for start in range(0, 10000, 777):
        writer.write(data[start:start + 777])
    writer.close()
    back, rate = sf.read(tmp_path / "t.wav", dtype="float32", always_2d=True)
    assert rate == 44100
    np.testing.assert_array_equal(back, data)


def test_every_sync_leaves_a_valid_file(tmp_path: Path) -> None:
    data = noise(5000, 2)
    writer = TakeWriter(tmp_path / "t.wav", 2, 48000)
    writer.write(data[:3000])
    writer.sync()
    writer.write(data[3000:])  # not synced yet: the header still says 3000
    back, _ = sf.read(tmp_path / "t.wav", dtype="float32", always_2d=True)
    np.testing.assert_array_equal(back[:3000], data[:3000])
    writer.close()


def test_refuses_to_overwrite(tmp_path: Path) -> None:
    (tmp_path / "t.wav").write_bytes(b"precious")
    with pytest.raises(FileExistsError):
        TakeWriter(tmp_path / "t.wav", 1, 48000)
    assert (tmp_path / "t.wav").read_bytes() == b"precious"


def test_a_killed_writer_loses_nothing_that_reached_the_file(tmp_path: Path) -> None:
    """SIGKILL a process that writes a take; the repaired file holds every written frame."""
    script = textwrap.dedent(f"""
        import sys, numpy as np
        from daw.media.takefile import TakeWriter
        data = np.random.default_rng(1).uniform(-1, 1, (48000 * 4, 2)).astype(np.float32)
        writer = TakeWriter({str(tmp_path / 'take.wav')!r}, 2, 48000)
        for start in range(0, len(data), 4800):
            writer.write(data[start:start + 4800])
            if start % 19200 == 0:
                writer.sync()
            if start == 4800 * 30:
                print("ready", flush=True)
                sys.stdin.read()
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(Path.cwd())})
    assert child.stdout.readline().strip() == "ready"
    child.send_signal(signal.SIGKILL)
    child.wait()
    stale = sf.info(tmp_path / "take.wav").frames
    assert stale < 31 * 4800  # the header is behind the audio
    assert repair_take(tmp_path / "take.wav") == 31 * 4800
    expected = np.random.default_rng(1).uniform(-1, 1, (48000 * 4, 2)).astype(np.float32)
    back, _ = sf.read(tmp_path / "take.wav", dtype="float32", always_2d=True)
    np.testing.assert_array_equal(back, expected[:31 * 4800])


def test_repair_drops_a_torn_last_frame_and_refuses_other_files(tmp_path: Path) -> None:
    writer = TakeWriter(tmp_path / "t.wav", 2, 48000)
    writer.write(noise(100, 2))
    writer.close()
    with open(tmp_path / "t.wav", "ab") as handle:
        handle.write(b"\x00\x01\x02")  # half a frame
    assert repair_take(tmp_path / "t.wav") == 100
    sf.write(tmp_path / "other.wav", noise(100, 1), 48000, subtype="PCM_16")
    with pytest.raises(MediaError, match=r"other\.wav: not a MiniDAW take"):
        repair_take(tmp_path / "other.wav")
