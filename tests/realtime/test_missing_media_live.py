"""Playback on the JACK device of a song whose file is gone: the rest is heard, to the sample,
and the engine's state names the missing media."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from daw.model import ops
from tests.realtime.engine_helpers import (
    backing_song,
    find,
    new_song,
    offline_render,
    running_engine,
    wait_until,
)


def test_a_song_with_a_missing_file_plays_the_rest(tmp_path: Path, jack_device,
                                                   virtual_audio) -> None:
    song = new_song(tmp_path)
    backing_song(song, seconds=2.0)
    whole = song.project
    song.project = ops.remove_track(whole, "T1")
    expected = offline_render(song, 0, whole.end_frame)
    assert np.abs(expected).max() > 0.1
    song.project = whole
    (song.folder / "audio" / "m1.wav").unlink()
    audio = virtual_audio(capture_seconds=6)
    with running_engine(whole, song.folder, jack_device) as engine:
        assert engine.state.missing_media == {"m1"}
        audio.speaker.start_capture()
        engine.play()
        wait_until(lambda: engine.state.position_frame > whole.end_frame + 4800)
        engine.stop()
        state = engine.state
    heard = audio.speaker.captured()
    start = find(expected[:4800, 0], heard[:, 0])
    np.testing.assert_array_equal(heard[start:start + len(expected)], expected)
    assert state.error is None and state.missing_media == {"m1"}
