"""The test tone: a sine at the asked level on every output, ramped at both ends, and its
player, which feeds it into the play ring and lets go of the ring when it is played."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from daw.engine.live.tone import TonePlayer, make_test_tone


def test_a_second_of_1khz_at_minus_20_dbfs() -> None:
    tone = make_test_tone(48000, 1000.0, -20.0, 1.0, channels=2)
    assert tone.shape == (48000, 2) and tone.dtype == np.float32
    np.testing.assert_array_equal(tone[:, 0], tone[:, 1])
    t = np.arange(48000) / 48000
    expected = 0.1 * np.sin(2 * np.pi * 1000.0 * t)
    ramp = np.linspace(0.0, 1.0, 240, endpoint=False)
    expected[:240] *= ramp
    expected[-240:] *= ramp[::-1]
    np.testing.assert_allclose(tone[:, 0], expected, atol=1e-7)
    middle = tone[240:-240, 0]
    np.testing.assert_allclose(np.abs(middle).max(), 0.1, rtol=1e-4)  # −20 dBFS peak
    spectrum = np.abs(np.fft.rfft(tone[:, 0]))
    assert spectrum.argmax() == 1000  # one bin a hertz


def test_other_rates_and_channel_counts() -> None:
    tone = make_test_tone(44100, 440.0, -6.0, 0.5, channels=1)
    assert tone.shape == (22050, 1)
    np.testing.assert_allclose(np.abs(tone).max(), 10 ** (-6 / 20), rtol=1e-3)
    assert tone[0, 0] == 0.0


@pytest.mark.parametrize(("rate", "freq", "seconds", "channels"), [
    (48000, 30000.0, 1.0, 2), (48000, 0.0, 1.0, 2), (48000, 1000.0, 0.0, 2),
    (48000, 1000.0, 1.0, 0)])
def test_impossible_tones_are_refused(rate, freq, seconds, channels) -> None:
    with pytest.raises(ValueError):
        make_test_tone(rate, freq, -20.0, seconds, channels)


class FakeRing:
    def __init__(self) -> None:
        self.read_available = 0


class FakeOutput:
    """The few AudioIO calls the tone player makes: a play ring that takes `room` frames a
    write, and whether its stream is queued."""

    def __init__(self, room: int) -> None:
        self.info = SimpleNamespace(rate=48000, output_channels=2)
        self.play = SimpleNamespace(ring=FakeRing())
        self.room = room
        self.written: list[np.ndarray] = []
        self.running = False
        self.cancels = 0

    def write(self, ring, frames: np.ndarray) -> int:
        taken = frames[:self.room]
        self.written.append(taken)
        ring.ring.read_available += len(taken)
        return len(taken)

    def cancel(self, ring) -> None:
        self.cancels += 1
        self.running = False
        ring.ring.read_available = 0

    def queue(self, ring) -> None:
        self.running = True

    def is_running(self, ring) -> bool:
        return self.running


def test_the_tone_player_feeds_the_whole_tone_then_lets_go_of_the_ring() -> None:
    io = FakeOutput(room=20000)
    player = TonePlayer()
    assert not player.playing
    player.start(io, 1000.0, -20.0, 1.0)
    assert player.playing and io.running and io.cancels == 1
    for _ in range(2):
        player.feed()
    np.testing.assert_array_equal(np.concatenate(io.written),
                                  make_test_tone(48000, 1000.0, -20.0, 1.0, 2))
    player.feed()  # all written, but the ring still holds some of it
    assert player.playing
    io.play.ring.read_available = 0  # the callback played it out
    player.feed()
    assert not player.playing and io.cancels == 2


def test_an_impossible_tone_leaves_the_ring_alone() -> None:
    io = FakeOutput(room=48000)
    player = TonePlayer()
    with pytest.raises(ValueError):
        player.start(io, 30000.0, -20.0, 1.0)
    assert not player.playing and io.cancels == 0 and not io.written


def test_forgetting_the_tone_stops_feeding_it() -> None:
    io = FakeOutput(room=1000)
    player = TonePlayer()
    player.start(io, 1000.0, -20.0, 1.0)
    player.forget()
    player.feed()
    assert not player.playing and len(io.written) == 1
