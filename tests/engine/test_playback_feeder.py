"""Render-ahead without a device: the feeder writes the offline render, looping seamlessly."""

from __future__ import annotations

import numpy as np

from daw.engine.live.playback import PlaybackFeeder
from daw.engine.render.plan import compile_plan
from daw.engine.render.renderer import Renderer
from daw.media import MediaPool
from tests.engine.songs import Song, tone


class FakeRing:
    def __init__(self) -> None:
        self.chunks: list[np.ndarray] = []

    def write(self, frames: np.ndarray) -> int:
        self.chunks.append(frames.copy())
        return len(frames)

    def played(self) -> np.ndarray:
        return np.concatenate(self.chunks)


def feeder_for(song: Song, device_rate: int = 48000) -> tuple[PlaybackFeeder, MediaPool]:
    pool = MediaPool(song.folder, song.project.media)
    renderer = Renderer(compile_plan(song.project), pool, max_block=1000)
    return PlaybackFeeder(renderer, 48000, device_rate, chunk_frames=1000), pool


def offline(song: Song, start: int, frames: int) -> np.ndarray:
    with MediaPool(song.folder, song.project.media) as pool:
        out = np.zeros((frames, 2), dtype=np.float32)
        Renderer(compile_plan(song.project), pool).render(start, out)
        return out


def make_song(song: Song) -> Song:
    song.media("a", tone(20000, 300, channels=2))
    song.track("A", pan=0.1)
    song.clip("A", "a", 500, "c")
    return song


def test_feeder_output_equals_offline_render_and_maps_the_playhead(song: Song) -> None:
    make_song(song)
    feeder, pool = feeder_for(song)
    ring = FakeRing()
    feeder.start(3000)
    written = feeder.fill(ring.write, room=1 << 20, buffered=0, target=10000)
    assert written == 10000
    np.testing.assert_array_equal(ring.played(), offline(song, 3000, 10000))
    assert feeder.timeline_frame_at(0) == 3000
    assert feeder.timeline_frame_at(4321) == 7321
    pool.close()


def test_loop_wraps_without_a_gap(song: Song) -> None:
    make_song(song)
    feeder, pool = feeder_for(song)
    feeder.loop = (2000, 4500)  # 2500 frames: not a multiple of the chunk
    ring = FakeRing()
    feeder.start(2000)
    feeder.fill(ring.write, room=1 << 20, buffered=0, target=10000)
    one_pass = offline(song, 2000, 2500)
    played = ring.played()
    for k in range(len(played) // 2500):
        np.testing.assert_array_equal(played[k * 2500:(k + 1) * 2500], one_pass)
    assert feeder.timeline_frame_at(2500) == 2000
    assert feeder.timeline_frame_at(2600) == 2100
    pool.close()


def test_device_at_another_rate_is_fed_resampled(song: Song) -> None:
    make_song(song)
    feeder, pool = feeder_for(song, device_rate=44100)
    ring = FakeRing()
    feeder.start(0)
    feeder.fill(ring.write, room=1 << 20, buffered=0, target=30000)
    played = ring.played()
    rendered = feeder.next_frame
    assert abs(len(played) - rendered * 44100 / 48000) < 200  # soxr holds back a little
    spectrum = np.abs(np.fft.rfft(played[5000:25000, 0]))
    assert abs(spectrum.argmax() * 44100 / 20000 - 300) < 3
    pool.close()
