"""Takes without a device: inputs split per track, placed where they were played, recoverable."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import soundfile as sf

from daw.engine.recorder import TakeRecorder, TakeSpec
from daw.engine.recovery import find_orphan_takes, forget_used_journals, recover_takes
from daw.model import MediaRef, Project, ops
from daw.model.store import load_project, save_project


def device_input(frames: int) -> np.ndarray:
    return np.random.default_rng(7).uniform(-1, 1, (frames, 3)).astype(np.float32)


def project_with_tracks() -> Project:
    p = ops.add_track(Project(), "Vocal", track_id="t-vox")
    p = ops.set_track_inputs(p, "t-vox", (2,))
    p = ops.add_track(p, "Keys", track_id="t-keys")
    return ops.set_track_inputs(p, "t-keys", (0, 1))


def record(folder: Path, data: np.ndarray, origin: int | None) -> TakeRecorder:
    specs = [TakeSpec("t-vox", "Vocal", (2,)), TakeSpec("t-keys", "Keys", (0, 1))]
    recorder = TakeRecorder(folder, specs, 48000, 48000, record_from_frame=10000)
    if origin is not None:
        recorder.set_origin(origin)
    for start in range(0, len(data), 1024):
        recorder.push(data[start:start + 1024].copy())
    return recorder


def test_takes_are_split_by_input_and_placed_from_the_record_point(tmp_path: Path) -> None:
    data = device_input(30000)
    takes = record(tmp_path, data, origin=6000).finish()  # 4000 frames of count-in before
    vox, keys = takes
    assert (vox.track_id, vox.start_frame, vox.source_offset_frames) == ("t-vox", 10000, 4000)
    assert vox.length_frames == 26000 and vox.media.channels == 1
    audio, _ = sf.read(tmp_path / vox.media.path, dtype="float32", always_2d=True)
    np.testing.assert_array_equal(audio, data[:, [2]])
    audio, _ = sf.read(tmp_path / keys.media.path, dtype="float32", always_2d=True)
    np.testing.assert_array_equal(audio, data[:, [0, 1]])
    project = project_with_tracks()
    for take in takes:
        project = ops.add_recorded_clip(project, take.track_id, take.media, take.start_frame,
                                        take.source_offset_frames, take.length_frames)
    save_project(tmp_path, project)
    forget_used_journals(tmp_path, project)
    assert not list((tmp_path / "audio").glob("*.take.json"))
    assert find_orphan_takes(tmp_path, load_project(tmp_path)) == []


def test_unsaved_takes_are_found_and_recovered_where_they_were_played(tmp_path: Path) -> None:
    data = device_input(20000)
    recorder = record(tmp_path, data, origin=9000)
    recorder.finish()  # ... and the program quits without saving
    project = project_with_tracks()
    save_project(tmp_path, project)
    orphans = find_orphan_takes(tmp_path, load_project(tmp_path))
    assert sorted(o.track_id for o in orphans) == ["t-keys", "t-vox"]
    recovered = recover_takes(tmp_path, project, orphans)
    (clip,) = recovered.track("t-vox").clips
    assert (clip.start_frame, clip.source_offset_frames, clip.length_frames) == (
        10000, 1000, 19000)
    assert find_orphan_takes(tmp_path, recovered) == []


def test_recording_into_a_full_disk_keeps_what_was_written(tmp_path: Path, monkeypatch) -> None:
    data = device_input(20000)
    specs = [TakeSpec("t-vox", "Vocal", (2,))]
    recorder = TakeRecorder(tmp_path, specs, 48000, 48000, record_from_frame=0)
    recorder.set_origin(0)
    writer = recorder._takes[0][1]
    real_write = writer._file.write
    written = {"bytes": 0}

    def filling_disk(chunk: bytes) -> int:
        """Appending audio fails once 8192 frames are there; rewriting the header still works,
        as on a real full disk (it overwrites blocks the file already has)."""
        if len(chunk) > 4 and written["bytes"] + len(chunk) > 4 * 8192:
            raise OSError(28, "No space left on device")
        written["bytes"] += len(chunk)
        return real_write(chunk)

    monkeypatch.setattr(writer._file, "write", filling_disk)
    for start in range(0, 20000, 1024):
        recorder.push(data[start:start + 1024].copy())
    (take,) = recorder.finish()
    assert "No space left on device" in recorder.error
    assert take.length_frames == 8192
    audio, _ = sf.read(tmp_path / take.media.path, dtype="float32", always_2d=True)
    np.testing.assert_array_equal(audio, data[:8192, [2]])
    journal = json.loads(next((tmp_path / "audio").glob("*.take.json")).read_text())
    assert journal["origin_frame"] == 0


def test_media_ref_of_a_take(tmp_path: Path) -> None:
    (take, _) = record(tmp_path, device_input(5000), origin=10000).finish()
    assert isinstance(take.media, MediaRef) and take.media.path.startswith("audio/Vocal ")
