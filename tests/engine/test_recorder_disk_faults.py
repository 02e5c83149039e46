"""A take cut short by a full disk stays playable: its header matches the frames on disk, the
Take handed to the project matches the header, the recorder says which file and why, and the
saved project renders it."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from daw.engine.export.bounce import BounceSettings, bounce
from daw.engine.live import recorder as recorder_module
from daw.engine.live.recorder import TakeRecorder, TakeSpec, clock
from daw.engine.live.recovery import find_orphan_takes, recover_takes
from daw.media import MediaError
from daw.model import Project, ops
from daw.model.disk import free_bytes, size_text
from daw.model.store import load_project, save_project
from tests.disk_faults import failing_after
from tests.engine.songs import mono_pan

HEADER = 58
"""The bytes of a take's WAV header."""


def device_input(frames: int) -> np.ndarray:
    return np.random.default_rng(11).uniform(-0.9, 0.9, (frames, 3)).astype(np.float32)


def start(folder: Path) -> TakeRecorder:
    recorder = TakeRecorder(folder, [TakeSpec("t-vox", "Vocal", (2,))], 48000, 48000,
                            record_from_frame=0)
    recorder.set_origin(0)
    return recorder


def feed(recorder: TakeRecorder, data: np.ndarray, block: int = 1024) -> None:
    for at in range(0, len(data), block):
        recorder.push(data[at:at + block].copy())


def appending(fd: int) -> bool:
    """A write at the end of the file: what a full disk refuses (rewriting bytes a file
    already has, as a header update does, still works)."""
    return os.lseek(fd, 0, os.SEEK_CUR) >= os.fstat(fd).st_size


def test_a_take_cut_mid_frame_keeps_a_header_that_matches_its_audio(tmp_path: Path,
                                                                     monkeypatch) -> None:
    data = device_input(20000)
    recorder = start(tmp_path)
    writer = recorder._takes[0][1]
    take_fd = writer._fd
    # The disk fills 8192 frames and two bytes into the audio: half a frame reaches the file.
    monkeypatch.setattr(os, "write", failing_after(
        os.write, 4 * 8192 + 2, lambda fd, _data: fd == take_fd and appending(fd)))
    feed(recorder, data)
    (take,) = recorder.finish()
    monkeypatch.undo()
    path = tmp_path / take.media.path
    assert recorder.error == (
        f"recording stopped: cannot write {path}: no space left on device: "
        f"{_free_text(path)} free; the take is kept up to 0:00.1")
    assert take.length_frames == take.media.length_frames == 8192
    assert sf.info(path).frames == 8192
    assert path.stat().st_size == HEADER + 4 * 8192  # the torn half frame is cut off
    audio, _ = sf.read(path, dtype="float32", always_2d=True)
    np.testing.assert_array_equal(audio, data[:8192, [2]])


def _free_text(path: Path) -> str:
    return size_text(free_bytes(path))


def test_a_failing_disk_at_the_start_says_which_file(tmp_path: Path, monkeypatch) -> None:
    def refuse(*_args, **_kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    (tmp_path / "audio").mkdir()
    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(OSError) as caught:
        start(tmp_path)
    monkeypatch.undo()
    assert str(caught.value).startswith(f"cannot write {tmp_path / 'audio'}/Vocal ")
    assert str(caught.value).endswith(": the disk is read-only; recording did not start")
    assert caught.value.errno == errno.EROFS
    assert list((tmp_path / "audio").iterdir()) == []


@pytest.mark.parametrize(("frames", "text"), [
    (0, "0:00.0"), (595200, "0:12.4"), (48000 * 65 + 4800, "1:05.1"), (48000 * 65 + 4799, "1:05.0"),
    (48000 * 3725, "1:02:05.0")])
def test_clock(frames: int, text: str) -> None:
    assert clock(frames, 48000) == text


def test_a_real_full_disk_cuts_the_take_and_the_song_still_renders(tmp_path: Path,
                                                                    tiny_disk) -> None:
    disk = tiny_disk("2m")
    folder = disk.path / "Song.minidaw"
    save_project(folder, ops.set_track_inputs(
        ops.add_track(Project(name="Song"), "Vocal", track_id="t-vox"), "t-vox", (2,)))
    filler = disk.fill(leave_bytes=300_000)
    data = device_input(48000 * 3)  # 576 kB of mono float: more than is left
    recorder = start(folder)
    feed(recorder, data, block=960)
    (take,) = recorder.finish()
    path = folder / take.media.path
    assert recorder.error.startswith(f"recording stopped: cannot write {path}: no space left "
                                     "on device: ")
    frames = take.length_frames
    assert 0 < frames < len(data)
    assert recorder.error.endswith(f"the take is kept up to {clock(frames, 48000)}")
    assert sf.info(path).frames == frames == take.media.length_frames
    assert path.stat().st_size == HEADER + 4 * frames
    audio, _ = sf.read(path, dtype="float32", always_2d=True)
    np.testing.assert_array_equal(audio, data[:frames, [2]])

    # Space freed, the song saved with its take, loaded and bounced: no refusal.
    filler.unlink()
    project = ops.add_recorded_clip(load_project(folder), "t-vox", take.media,
                                    take.start_frame, take.source_offset_frames, frames)
    save_project(folder, project)
    out = bounce(load_project(folder), folder,
                 BounceSettings(tmp_path / "mix.wav", bit_depth="32f", report=False))
    mix, _ = sf.read(out, dtype="float64", always_2d=True)
    assert len(mix) == frames
    expected = data[:frames, 2].astype(np.float64)[:, None] * mono_pan(0.0)
    np.testing.assert_allclose(mix, expected, atol=1e-6)


def test_a_take_recovered_after_a_crash_has_a_header_that_matches_its_data(
        tmp_path: Path, tiny_disk) -> None:
    disk = tiny_disk("2m")
    folder = disk.path / "Song.minidaw"
    project = ops.add_track(Project(name="Song"), "Vocal", track_id="t-vox")
    save_project(folder, project)
    disk.fill(leave_bytes=200_000)
    data = device_input(48000 * 2)
    recorder = start(folder)
    writer = recorder._takes[0][1]
    writer.write(data[:4000, [2]])
    writer.sync()
    try:  # the disk fills; then the program dies before closing the take
        for at in range(4000, len(data), 1000):
            writer.write(data[at:at + 1000, [2]])
    except OSError as error:
        assert error.errno == errno.ENOSPC
    on_disk = (writer.path.stat().st_size - HEADER) // 4
    assert sf.info(writer.path).frames == 4000 < on_disk
    os.close(writer._fd)  # as a crash would leave it: header behind the audio
    recorder._queue.put(None)
    recorder._thread.join()

    (orphan,) = find_orphan_takes(folder, load_project(folder))
    recovered = recover_takes(folder, project, [orphan])
    (clip,) = recovered.track("t-vox").clips
    assert clip.length_frames == on_disk == sf.info(writer.path).frames
    assert recovered.media[0].length_frames == on_disk
    audio, _ = sf.read(writer.path, dtype="float32", always_2d=True)
    np.testing.assert_array_equal(audio, data[:on_disk, [2]])


def test_a_take_that_cannot_be_converted_to_the_song_rate_is_kept_for_later(
        tmp_path: Path, monkeypatch) -> None:
    def no_room(path: Path, *_args, **_kwargs):
        raise MediaError(f"cannot write {path.with_suffix('.48k.wav')}: no space left on "
                         "device: 0 bytes free")

    project = ops.add_track(Project(name="Song"), "Vocal", track_id="t-vox")
    save_project(tmp_path, project)
    recorder = TakeRecorder(tmp_path, [TakeSpec("t-vox", "Vocal", (2,))], 44100, 48000,
                            record_from_frame=0)
    recorder.set_origin(0)
    data = device_input(10000)
    feed(recorder, data)
    monkeypatch.setattr(recorder_module, "import_audio", no_room)
    assert recorder.finish() == []
    path = recorder._takes[0][1].path
    assert recorder.error == (f"cannot write {path.with_suffix('.48k.wav')}: no space left on "
                              f"device: 0 bytes free; the take {path.name} is kept and offered "
                              "back at the next open")
    (orphan,) = find_orphan_takes(tmp_path, load_project(tmp_path))
    assert orphan.file == path and sf.info(path).frames == 10000
    monkeypatch.undo()  # space freed: the take comes back, converted
    recovered = recover_takes(tmp_path, project, [orphan])
    (clip,) = recovered.track("t-vox").clips
    assert abs(clip.length_frames - round(10000 * 48000 / 44100)) <= 1
