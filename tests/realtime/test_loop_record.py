"""Loop recording on the JACK device: the backing cycles without a seam while the input is
written on, and every pass becomes a take holding exactly what was played in that pass, placed
on the loop where it was played."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from daw.engine.live.transport import Engine, EngineConfig
from daw.model import ops
from tests.engine.songs import RATE
from tests.realtime.engine_helpers import (
    backing_song,
    find,
    new_song,
    offline_render,
    running_engine,
)
from tests.realtime.test_engine_record import arm, take_audio


def wait_for_passes(engine: Engine, loop: tuple[int, int], passes: int, into: int,
                    timeout: float = 20.0) -> None:
    """Wait until the playhead has gone round the loop `passes` times and is `into` frames
    into the next pass (so the input of the last pass has arrived)."""
    half = (loop[1] - loop[0]) // 2
    wraps = 0
    last = engine.state.position_frame
    deadline = time.monotonic() + timeout
    while not (wraps >= passes and engine.state.position_frame >= loop[0] + into):
        if time.monotonic() > deadline:
            raise TimeoutError(f"the loop went round {wraps} times, not {passes}")
        time.sleep(0.01)
        position = engine.state.position_frame
        if position < last - half:
            wraps += 1
        last = position


def test_three_passes_of_the_microphone_become_three_takes(tmp_path: Path, jack_device,
                                                           virtual_audio) -> None:
    song = new_song(tmp_path)
    backing_song(song, seconds=3.0)
    song.project = ops.set_tempo(song.project, 240.0)  # a bar of count-in is one second
    arm(song, "Vox", (0,))
    loop = (24000, 24000 + 60011)  # 1.25 s, not a multiple of the device's period
    length = loop[1] - loop[0]
    one_pass = offline_render(song, loop[0], length)
    voice = np.random.default_rng(11).uniform(-0.5, 0.5, 8 * RATE).astype(np.float32)
    audio = virtual_audio(capture_seconds=10)
    with running_engine(song.project, song.folder, jack_device,
                        EngineConfig(count_in_bars=1)) as engine:
        engine.set_loop(*loop)
        audio.mic.play(voice)  # one long numbered noise: every pass plays different samples
        audio.speaker.start_capture()
        engine.record()
        wait_for_passes(engine, loop, 3, into=length // 4)
        takes = engine.stop()
        state = engine.state
    assert state.error is None
    assert state.position_frame == loop[0]  # stop goes back to the loop's start
    assert all(t.track_id == "Vox" for t in takes)
    complete, rest = takes[:3], takes[3:]
    assert all(t.length_frames > RATE and t.comp is None for t in rest)  # kept only if > 1 s
    assert [(t.start_frame, t.length_frames) for t in complete] == [(loop[0], length)] * 3
    assert [t.comp for t in complete] == [None, None, loop]  # the last complete pass is heard
    assert complete[0].source_offset_frames >= RATE - 2048  # the count-in came first
    offsets = [t.source_offset_frames for t in complete]
    assert np.diff(offsets).tolist() == [length, length]  # the passes follow on in the file
    recorded = take_audio(song, complete[0])[:, 0]
    passes = [recorded[t.source_offset_frames:t.source_offset_frames + length]
              for t in complete]
    at = find(passes[0], voice)
    for n, heard_in_pass in enumerate(passes):
        np.testing.assert_array_equal(heard_in_pass, voice[at + n * length:at + (n + 1) * length])
    # The backing cycled seamlessly while recording.
    heard = audio.speaker.captured()
    start = find(one_pass[:4800, 0], heard[:, 0])
    np.testing.assert_array_equal(heard[start:start + 3 * length], np.tile(one_pass, (3, 1)))


def test_every_pass_lands_where_it_was_played(tmp_path: Path, jack_device,
                                              virtual_audio) -> None:
    """With the output wired back into the input (a performer with perfect timing), each pass
    of the backing's clicks must land on the clicks themselves."""
    song = new_song(tmp_path)
    clicks = np.zeros((3 * RATE, 1), dtype=np.float32)
    click_frames = [30000 + 11000 * k for k in range(4)]  # inside the loop
    clicks[click_frames, 0] = 0.9
    song.media("clicks", clicks)
    song.track("Backing", pan=-1.0)  # left only: the left output feeds input 1
    song.clip("Backing", "clicks", 0, "c-clicks")
    arm(song, "Overdub", (0,))
    loop = (24000, 24000 + RATE)
    virtual_audio(loopback=True)
    with running_engine(song.project, song.folder, jack_device) as engine:
        engine.calibrate()
        engine.set_loop(*loop)
        engine.record()
        wait_for_passes(engine, loop, 3, into=RATE // 4)
        takes = engine.stop()
    assert len(takes) == 3
    data = take_audio(song, takes[0])[:, 0]
    for take in takes:
        part = data[take.source_offset_frames:take.source_offset_frames + take.length_frames]
        landed = [int(i) + take.start_frame for i in np.flatnonzero(part > 0.5)]
        assert len(landed) == len(click_frames)
        errors = [abs(a - b) for a, b in zip(landed, click_frames, strict=True)]
        assert max(errors) <= RATE // 1000, errors  # within 1 ms, as a plain overdub
