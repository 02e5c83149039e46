"""The metronome's sounds: the click samples shipped in resources/clicks (accent.wav for the
first beat of a bar, beat.wav for the others), read once per sample rate.

When the samples are missing or unreadable (a damaged install), the metronome still clicks:
it falls back to the sine bursts `daw.dsp.click` synthesises, and `click_problem` says why.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from daw.dsp.click import click_sound
from daw.media import MediaError
from daw.media.samples import read_sample
from daw.resources import resource_dir

CLICK_FILES = ("accent.wav", "beat.wav")


def clicks_folder() -> Path:
    return resource_dir() / "clicks"


@functools.lru_cache(maxsize=8)
def _load(folder: Path, rate: int) -> tuple[tuple[np.ndarray, np.ndarray], str | None]:
    try:
        accent, beat = (read_sample(folder / name, rate) for name in CLICK_FILES)
    except MediaError as error:
        accent, beat = (click_sound(rate, 1500.0), click_sound(rate, 1000.0) * np.float32(0.7))
        problem = f"click samples unavailable ({error}); using synthesised clicks"
    else:
        problem = None
    for sound in (accent, beat):
        sound.setflags(write=False)  # shared by every metronome at this rate
    return (accent, beat), problem


def click_sounds(rate: int, folder: Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(accent, beat) as mono float32 at `rate`, for `Metronome(..., sounds=...)`. Cached:
    callers must not change the arrays."""
    sounds, _ = _load(folder or clicks_folder(), rate)
    return sounds


def click_problem(rate: int, folder: Path | None = None) -> str | None:
    """Why the synthesised clicks are used instead of the samples, or None when they are not."""
    _, problem = _load(folder or clicks_folder(), rate)
    return problem
