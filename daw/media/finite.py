"""Non-finite samples (NaN, ±inf) in audio files: found, counted and replaced by silence.

A float file can hold NaN or infinity (a crashed plugin, a bad converter, a hand-made file).
Mixed in, one such sample turns every filter memory it reaches into NaN, and the rest of the
song with it. So every path that reads audio from a file zeroes them: the import (which also
tells the person where they were), the media pool's block reads, and analysis.

The check is cheap when, as nearly always, there is nothing to find: a NaN or an infinity
always makes the sum of a block non-finite, so a finite sum proves the block clean without
allocating anything. A sum of large finite samples can overflow float32 as well, so a
non-finite sum is only a reason to look sample by sample, never a verdict by itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FLOAT_SUBTYPES = frozenset({"FLOAT", "DOUBLE"})
"""libsndfile encodings that can hold non-finite values; integer PCM never does."""


def all_finite(block: np.ndarray, scratch: np.ndarray | None = None) -> bool:
    """Whether every sample of `block` is finite, without allocating.

    With `scratch` (a flat bool array at least as large as the block: the renderer keeps
    one), the flags are computed into it, the fastest way (measured: 2 µs for 4096 stereo
    frames, against 4 µs for the sum). Without it, the sum decides when it is finite."""
    if scratch is not None and scratch.size >= block.size:
        flags = scratch[:block.size].reshape(block.shape)
        np.isfinite(block, out=flags)
        return bool(flags.all())
    with np.errstate(over="ignore", invalid="ignore"):
        total = np.add.reduce(block, axis=None)
    if np.isfinite(total):
        return True
    return bool(np.isfinite(block).all())


def zero_nonfinite(block: np.ndarray) -> int:
    """Replace NaN and ±inf in `block` by 0.0, in place; returns how many there were."""
    if all_finite(block):
        return 0
    bad = ~np.isfinite(block)
    count = int(np.count_nonzero(bad))
    block[bad] = 0.0
    return count


@dataclass
class NonFiniteTally:
    """Non-finite samples met while reading a file block by block: how many, and the first."""

    count: int = 0
    first_frame: int | None = None
    first_channel: int | None = None

    def repair(self, block: np.ndarray, frame: int) -> None:
        """Zero the non-finite samples of `block` (shape (frames, channels), its first row
        at file frame `frame`), in place, and count them."""
        if all_finite(block):
            return
        bad = ~np.isfinite(block)
        if self.first_frame is None:
            row, channel = np.argwhere(bad)[0]
            self.first_frame = frame + int(row)
            self.first_channel = int(channel)
        self.count += int(np.count_nonzero(bad))
        block[bad] = 0.0

    def describe(self, name: str, sample_rate: int, channels: int) -> str | None:
        """One line for the person ("x.wav: 3 samples were NaN or infinite (first at 1.250 s,
        left channel); they were replaced by silence"), or None when there were none."""
        if not self.count or self.first_frame is None:
            return None
        noun = "sample was" if self.count == 1 else "samples were"
        return (f"{name}: {self.count} {noun} NaN or infinite (first at "
                f"{self.first_frame / sample_rate:.3f} s, "
                f"{channel_name(self.first_channel or 0, channels)}); replaced by silence")


def channel_name(channel: int, channels: int) -> str:
    """"left channel", "right channel", "mono channel" or "channel 3"."""
    if channels == 1:
        return "mono channel"
    if channels == 2:
        return ("left", "right")[channel] + " channel"
    return f"channel {channel + 1}"
