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


def test_the_window_keeps_the_take_when_the_disk_stops_the_recording(
        jack_device, virtual_audio, tiny_disk, qtbot) -> None:
    from daw.engine.live.transport import Engine, EngineConfig
    from daw.model.store import save_project
    from daw.ui.session import Session

    disk = tiny_disk("2m")
    song = Song(disk.path / "Test.minidaw")
    song.track("Mic")
    song.project = ops.set_track_inputs(song.project, "Mic", (0, 1))
    song.project = ops.set_track_record_armed(song.project, "Mic", True)
    save_project(song.folder, song.project)
    disk.fill(leave_bytes=400_000)
    virtual_audio()
    engine = Engine(song.project, song.folder, EngineConfig())
    engine.start()
    session = Session(song.project, song.folder, engine)
    try:
        engine.open_device(jack_device, jack_device, block_size=1024, input_channels=2)
        session.record()
        qtbot.waitUntil(lambda: bool(session.project.track("Mic").takes), timeout=15000)
        (take,) = session.project.track("Mic").takes  # in the song, not waiting in the engine
        media = session.project.media_ref(take.media_id)
        assert sf.info(song.folder / media.path).frames == media.length_frames
        assert session.history.undo_label == "Record"
        assert "no space left on device" in session.engine_state.error
    finally:
        session.shutdown()
