"""Recording on the JACK device onto a disk that fills up: the engine stops the recording by
itself, says which file and why, and the take it hands back plays as far as the disk held it."""

from __future__ import annotations

import re

import numpy as np
import soundfile as sf

from daw.model import ops
from tests.engine.songs import Song
from tests.realtime.engine_helpers import running_engine, wait_until


def test_a_full_disk_stops_the_recording_and_keeps_the_take(jack_device, virtual_audio,
                                                            tiny_disk) -> None:
    disk = tiny_disk("2m")
    song = Song(disk.path / "Test.minidaw")
    song.track("Mic")
    song.project = ops.set_track_inputs(song.project, "Mic", (0, 1))
    song.project = ops.set_track_record_armed(song.project, "Mic", True)
    disk.fill(leave_bytes=400_000)  # about a second of stereo float at 48 kHz
    virtual_audio()
    with running_engine(song.project, song.folder, jack_device) as engine:
        engine.record()
        wait_until(lambda: not engine.state.recording, timeout=15.0)
        error = engine.state.error
        (take,) = engine.stop()
    path = song.folder / take.media.path
    assert re.fullmatch(rf"recording stopped: cannot write {re.escape(str(path))}: no space "
                        r"left on device: .* free; the take is kept up to 0:0\d\.\d", error)
    info = sf.info(path)
    assert 0 < take.length_frames + take.source_offset_frames == info.frames
    assert path.stat().st_size == 58 + 8 * info.frames
    audio, _ = sf.read(path, dtype="float32", always_2d=True)
    assert audio.shape == (info.frames, 2) and np.isfinite(audio).all()
