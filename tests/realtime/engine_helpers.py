"""Shared pieces of the engine's realtime tests: projects, an engine on the JACK device,
waiting on the engine's state, and finding one signal inside another."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from daw.engine.live.transport import Engine, EngineConfig
from daw.engine.render.plan import compile_plan
from daw.engine.render.renderer import Renderer
from daw.media import MediaPool
from daw.model import Project
from tests.engine.songs import Song, tone


@contextmanager
def running_engine(project: Project, folder: Path, device: int,
                   config: EngineConfig | None = None, block_size: int = 1024,
                   input_channels: int | None = 2) -> Iterator[Engine]:
    engine = Engine(project, folder, config)
    engine.start()
    try:
        engine.open_device(device, device, block_size=block_size, input_channels=input_channels)
        yield engine
    finally:
        engine.shutdown()


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the engine did not get there in time")
        time.sleep(0.01)


def offline_render(song: Song, start: int, frames: int) -> np.ndarray:
    with MediaPool(song.folder, song.project.media) as pool:
        out = np.zeros((frames, 2), dtype=np.float32)
        Renderer(compile_plan(song.project), pool).render(start, out)
        return out


def find(needle: np.ndarray, haystack: np.ndarray) -> int:
    """Where `needle` (1-D) first starts in `haystack` (1-D), by cross-correlation (the
    earliest of equally strong matches, as a loop repeats)."""
    size = 1 << int(np.ceil(np.log2(len(haystack) + len(needle))))
    spectrum = np.fft.rfft(haystack, size) * np.conj(np.fft.rfft(needle, size))
    correlation = np.fft.irfft(spectrum, size)[: len(haystack)]
    return int(np.flatnonzero(correlation >= 0.999 * correlation.max())[0])


def backing_song(song: Song, seconds: float = 2.0, tracks: int = 3) -> Song:
    """A few tracks of distinct tones and noise, so every frame of the mix is different."""
    frames = int(48000 * seconds)
    for i in range(tracks):
        channels = 2 if i % 2 else 1
        media = song.media(f"m{i}", tone(frames, 150 + 110 * i, channels=channels, amp=0.3,
                                         seed=i))
        song.track(f"T{i}", pan=-0.5 + 0.5 * i, gain=-2.0 * i)
        song.clip(f"T{i}", media, 0, f"c{i}")
    return song


def new_song(tmp_path: Path) -> Song:
    """An empty song folder to fill."""
    return Song(tmp_path / "Test.minidaw")
