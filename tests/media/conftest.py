"""Signals and files for the media tests, generated in tmp_path by each test.

Helpers reach the tests as fixtures, so no test module imports this file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf


def _sine(freq_hz: float, rate: int, frames: int, amplitude: float = 0.5) -> np.ndarray:
    """A sine starting at phase zero, float32, shape (frames,)."""
    t = np.arange(frames, dtype=np.float64) / rate
    return (amplitude * np.sin(2 * np.pi * freq_hz * t)).astype(np.float32)


def _noise(frames: int, channels: int, seed: int = 1234, level: float = 0.5) -> np.ndarray:
    """Uniform white noise with a fixed seed, float32, shape (frames, channels)."""
    rng = np.random.default_rng(seed)
    return rng.uniform(-level, level, size=(frames, channels)).astype(np.float32)


@pytest.fixture
def make_sine() -> Callable[..., np.ndarray]:
    """``make_sine(freq_hz, rate, frames, amplitude=0.5)``: float32, shape (frames,)."""
    return _sine


@pytest.fixture
def make_noise() -> Callable[..., np.ndarray]:
    """``make_noise(frames, channels, seed=1234, level=0.5)``: float32, (frames, channels)."""
    return _noise


@pytest.fixture
def write_audio(tmp_path: Path) -> Callable[..., Path]:
    """Writes ``data`` into ``tmp_path/sources/<name>`` with the given format and encoding."""
    folder = tmp_path / "sources"
    folder.mkdir()

    def write(
        name: str, data: np.ndarray, rate: int, fmt: str | None = None, subtype: str | None = None
    ) -> Path:
        path = folder / name
        sf.write(str(path), data, rate, format=fmt, subtype=subtype)
        return path

    return write


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    """An empty project folder."""
    folder = tmp_path / "Song.minidaw"
    folder.mkdir()
    return folder
