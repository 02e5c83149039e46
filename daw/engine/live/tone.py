"""The test tone of the audio settings: a sine at a known level on every output, so a person
can check that the speakers (or headphones) are the ones MiniDAW plays through."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from daw.engine.live.audio_io import AudioIO

RAMP_SECONDS = 0.005
"""Fade in and out over 5 ms, so the tone starts and stops without a click."""


def make_test_tone(rate: int, freq_hz: float = 1000.0, level_db: float = -20.0,
              seconds: float = 1.0, channels: int = 2) -> np.ndarray:
    """A sine of `freq_hz` peaking at `level_db` dBFS, shaped (frames, channels), float32."""
    if rate <= 0 or seconds <= 0 or channels <= 0:
        raise ValueError("a test tone needs a positive rate, length and channel count")
    if not 0 < freq_hz < rate / 2:
        raise ValueError(f"{freq_hz:g} Hz cannot be played at {rate} Hz")
    frames = round(rate * seconds)
    t = np.arange(frames) / rate
    tone = np.sin(2 * np.pi * freq_hz * t) * 10.0 ** (level_db / 20.0)
    ramp = min(round(rate * RAMP_SECONDS), frames // 2)
    if ramp:
        shape = np.linspace(0.0, 1.0, ramp, endpoint=False)
        tone[:ramp] *= shape
        tone[frames - ramp:] *= shape[::-1]
    return np.ascontiguousarray(np.repeat(tone[:, None], channels, axis=1), dtype=np.float32)


class TonePlayer:
    """The test tone while it plays: the tone, how much of it is in the play ring, and the
    device it plays on. Owned by the engine and called on the engine thread only; the tone
    plays only while the song is stopped, so it has the play ring to itself."""

    def __init__(self) -> None:
        self._io: AudioIO | None = None
        self._tone: np.ndarray | None = None
        self._written = 0

    @property
    def playing(self) -> bool:
        """Whether a tone is still being fed, so the engine thread keeps polling often."""
        return self._tone is not None

    def start(self, io: AudioIO, freq_hz: float, level_db: float, seconds: float) -> None:
        """Play a tone on every output of `io` from now on, cutting short a tone playing.
        Raises ValueError for a tone that cannot be played, before the ring is touched."""
        tone = make_test_tone(io.info.rate, freq_hz, level_db, seconds,
                              io.info.output_channels)
        io.cancel(io.play)
        self._io = io
        self._tone = tone
        self._written = io.write(io.play, tone)
        io.queue(io.play)

    def feed(self) -> None:
        """Top up the play ring with the rest of the tone; let go of the ring once played
        (every tick of the engine thread while `playing`)."""
        io, tone = self._io, self._tone
        if io is None or tone is None:
            return
        if self._written < len(tone):
            self._written += io.write(io.play, tone[self._written:])
        elif io.play.ring.read_available == 0 or not io.is_running(io.play):
            io.cancel(io.play)
            self.forget()

    def forget(self) -> None:
        """Stop feeding the tone: the play ring was cancelled or is about to be taken for
        the song (play, locate, record, close). Leaves the ring as it is."""
        self._io = None
        self._tone = None
        self._written = 0
