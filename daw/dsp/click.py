"""The metronome: a short click on every beat of the tempo grid, higher on the first of a bar.

Clicks are placed by absolute frame, so a click rendered block by block lands on the same
frames whatever the block size, and a click that started in one block finishes in the next.
"""

from __future__ import annotations

import math

import numpy as np

CLICK_SECONDS = 0.03


def click_sound(rate: int, freq_hz: float) -> np.ndarray:
    """A short sine burst with a fast attack and an exponential decay, peak 1.0."""
    n = int(rate * CLICK_SECONDS)
    t = np.arange(n) / rate
    attack = np.minimum(1.0, t / 0.001)
    decay = np.exp(-t / (CLICK_SECONDS / 5))
    return (np.sin(2 * np.pi * freq_hz * t) * attack * decay).astype(np.float32)


class Metronome:
    """Adds clicks to stereo blocks: an accent on the bar, a softer click on the other beats
    (the engine's click samples, or sine bursts at 1.5 kHz and 1 kHz)."""

    def __init__(self, rate: int, tempo_bpm: float, beats_per_bar: int, beat_unit: int = 4,
                 level_db: float = -6.0, until_frame: int | None = None,
                 sounds: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        """`sounds`: (accent, beat) as mono arrays at `rate`, played at `level_db` (the
        sample files' own levels kept); None synthesises the two sine clicks."""
        self.frames_per_beat = rate * 60.0 / tempo_bpm * 4.0 / beat_unit
        self.beats_per_bar = beats_per_bar
        self.until_frame = until_frame
        """No beats from this frame on (a count-in alone); None clicks forever."""
        gain = 10.0 ** (level_db / 20.0)
        if sounds is None:
            self._accent = click_sound(rate, 1500.0) * np.float32(gain)
            self._beat = click_sound(rate, 1000.0) * np.float32(gain * 0.7)
        else:
            self._accent = np.asarray(sounds[0], dtype=np.float32) * np.float32(gain)
            self._beat = np.asarray(sounds[1], dtype=np.float32) * np.float32(gain)

    def beat_frame(self, beat: int) -> int:
        """The frame where beat number `beat` (0 = the song's start) falls."""
        return round(beat * self.frames_per_beat)

    def add_to(self, start_frame: int, out: np.ndarray) -> None:
        """Mix the clicks sounding in [start_frame, start_frame + len(out)) into `out`.

        Frames before the song's start (a count-in) have beats too: beat -4 is a bar early.
        """
        n = out.shape[0]
        length = max(len(self._accent), len(self._beat))
        beat = math.floor((start_frame - length) / self.frames_per_beat)  # may be negative
        while True:
            at = self.beat_frame(beat)
            if at >= start_frame + n or (self.until_frame is not None and at >= self.until_frame):
                return
            sound = self._accent if beat % self.beats_per_bar == 0 else self._beat
            lo = max(start_frame, at)
            hi = min(start_frame + n, at + len(sound))
            if hi > lo:
                out[lo - start_frame:hi - start_frame] += sound[lo - at:hi - at, None]
            beat += 1
