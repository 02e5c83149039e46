"""The input history and the LFO phase model behind the replayed plugins, against plain
step-by-step loops of the same float32 arithmetic."""

from __future__ import annotations

import math

import numpy as np
import pytest

from daw.dsp.pedal_state import (
    TWO_PI,
    InputHistory,
    LfoPhase,
    advance_phase,
    phase_orbit,
)

RATE = 48000


def loop_phase(phase: float, increments: np.ndarray) -> np.float32:
    """JUCE's Phase::advance, one float32 add at a time."""
    p = np.float32(phase)
    for increment in increments:
        p = np.float32(p + increment)
        while p >= TWO_PI:
            p = np.float32(p - TWO_PI)
    return p


class LoopLfo:
    """JUCE's oscillator phase with its linearly smoothed frequency, one step at a time."""

    def __init__(self, rate_hz: float, tick: int) -> None:
        self.tick = tick
        self.base = np.float32(TWO_PI / np.float32(RATE / tick))
        self.steps = math.floor(0.05 * float(np.float32(RATE / tick)))
        self.current = self.target = np.float32(rate_hz)
        self.countdown, self.step = 0, np.float32(0.0)
        self.phase, self.frames = np.float32(0.0), 0

    def set_rate(self, rate_hz: float) -> None:
        target = np.float32(rate_hz)
        if target != self.target:
            self.target, self.countdown = target, self.steps
            self.step = np.float32((target - self.current) / np.float32(self.steps))

    def process(self, frames: int) -> None:
        for _ in range(frames):
            if self.frames % self.tick == 0:
                if self.countdown > 0:
                    self.countdown -= 1
                    self.current = (np.float32(self.current + self.step) if self.countdown
                                    else self.target)
                frequency = self.current if self.countdown else self.target
                self.phase = loop_phase(self.phase, np.array([self.base * frequency]))
            self.frames += 1


def test_advance_phase_is_the_step_by_step_float32_sum_with_wraps() -> None:
    increments = np.full(20000, np.float32(2 * math.pi * 3.0 / RATE), np.float32)
    assert advance_phase(np.float32(0.0), increments) == loop_phase(0.0, increments)
    varying = np.linspace(1e-4, 3e-3, 5000, dtype=np.float32)
    assert advance_phase(np.float32(6.2), varying) == loop_phase(6.2, varying)
    orbit = phase_orbit(increments[0], 5000)
    assert orbit[0] == 0.0 and orbit[-1] == loop_phase(0.0, increments[:5000])
    assert orbit.max() < TWO_PI


@pytest.mark.parametrize("tick", [1, 4])
def test_the_lfo_model_follows_steps_and_glides_in_any_blocks(tick: int) -> None:
    model, loop = LfoPhase(RATE, tick, 3.0), LoopLfo(3.0, tick)
    for frames, rate in ((5001, None), (3, 1.7), (1, None), (2998, None), (7, 5.2), (30000, None)):
        if rate is not None:
            model.set_rate(rate)
            loop.set_rate(rate)
        model.advance(frames)
        loop.process(frames)
        assert model.state() == (loop.phase, loop.frames)
    assert model.period_frames() == math.ceil(RATE / 5.2)


def test_best_replay_is_the_nearest_phase_among_the_lengths_allowed() -> None:
    model = LfoPhase(RATE, 4, 2.0)
    model.advance(600_001)
    phase, frames = model.state()
    length = model.best_replay(phase, frames, 48000, 48000 + 30000)
    assert (frames - length) % 4 == 0 and 48000 <= length <= 78000
    increment = np.float32(TWO_PI / np.float32(RATE / 4)) * np.float32(2.0)
    orbit = phase_orbit(increment, 78000 // 4 + 1)

    def distance(n: int) -> float:
        d = (float(orbit[-(-n // 4)]) - float(phase)) % (2 * math.pi)
        return min(d, 2 * math.pi - d)

    allowed = [n for n in range(48000, 78001) if (frames - n) % 4 == 0]
    assert distance(length) == min(distance(n) for n in allowed)
    assert distance(length) < increment / 2  # the orbit passes the phase once a cycle


def test_input_history_keeps_the_last_frames_by_number() -> None:
    history = InputHistory(1000, 2)
    signal = np.stack([np.arange(2500), -np.arange(2500)], axis=1).astype(np.float32)
    for start in range(0, 2500, 300):
        history.write(start, signal[start : start + 300])
    assert history.high == 2500 and history.oldest() == 1500
    pieces = history.pieces(1700, 2500)
    np.testing.assert_array_equal(np.concatenate(pieces), signal[1700:2500])
    assert len(pieces) == 2  # across the end of the ring
    with pytest.raises(ValueError, match="frames 1400 to 1600 are not all in the input history"):
        history.pieces(1400, 1600)
    history.write(0, signal[:2500])  # longer than the ring: its last 1000 frames stay
    np.testing.assert_array_equal(np.concatenate(history.pieces(1500, 2500)), signal[1500:])
    history.write(2000, signal[:10] * 0)  # after a restore, frames are written again
    np.testing.assert_array_equal(np.concatenate(history.pieces(2000, 2010)), 0.0)
    assert history.high == 2500
