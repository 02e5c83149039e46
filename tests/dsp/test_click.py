"""The metronome: clicks on the beat frames, accented on the bar, the same in any block size."""

from __future__ import annotations

import itertools

import numpy as np

from daw.dsp.click import Metronome


def render(metronome: Metronome, start: int, frames: int, block: int) -> np.ndarray:
    out = np.zeros((frames, 2), dtype=np.float32)
    for at in range(0, frames, block):
        metronome.add_to(start + at, out[at:at + block])
    return out


def onsets(signal: np.ndarray) -> list[int]:
    """First frame of each click: where sound starts after a long silence (the click's first
    sample is sin(0) = 0, so its onset is the frame before its first non-zero one)."""
    sounding = np.flatnonzero(np.abs(signal[:, 0]) > 0)
    starts = [int(sounding[0])] + [int(b) for a, b in itertools.pairwise(sounding)
                                   if b - a > 2000]
    return [s - 1 for s in starts]


def test_clicks_fall_on_the_beats_with_an_accent_on_the_bar() -> None:
    m = Metronome(48000, 120.0, 3, 4, level_db=0.0)  # 24000 frames a beat, 3 beats a bar
    out = render(m, 0, 48000 * 3, 48000 * 3)
    starts = onsets(out)
    assert starts == [0, 24000, 48000, 72000, 96000, 120000]
    spectrum = [np.abs(np.fft.rfft(out[s:s + 1024, 0])).argmax() * 48000 / 1024
                for s in starts[:3]]
    assert spectrum[0] > 1400 and spectrum[1] < 1100 and spectrum[2] < 1100


def test_block_size_does_not_change_the_clicks() -> None:
    m = Metronome(48000, 97.0, 4, 4)
    whole = render(m, -50000, 200000, 200000)
    for block in (1000, 1023, 4096):
        np.testing.assert_array_equal(render(m, -50000, 200000, block), whole)


def test_count_in_clicks_before_zero_and_stops_at_the_limit() -> None:
    m = Metronome(48000, 120.0, 4, 4, until_frame=0)
    out = render(m, -96000, 192000, 4096)
    assert [s - 96000 for s in onsets(out)] == [-96000, -72000, -48000, -24000]
