"""What a pedalboard plugin's hidden state is rebuilt from: its recent input, and where its LFO is.

A pedalboard plugin's state (reverb tanks, chorus delay lines, the phase of an LFO) cannot be
read or copied, so `PedalProcessor.restore` rebuilds it: it resets the plugin and replays the
input that led to the snapshot point. `InputHistory` keeps that input. A plugin with an LFO
must also come out of the replay with its LFO where it was, and the LFO runs from the reset
whatever the input; `LfoPhase` follows its phase so that the replay can be given the length
that lands it there.

JUCE's `dsp::Oscillator`, which drives pedalboard's Chorus and Phaser, keeps its phase in
float32 and adds 2π/rate · f to it every step, wrapping at 2π; each add rounds, so after a few
cycles the phase drifts off the exact 2π·f·t (at 3 Hz by about 3 frames a cycle, at 0.7 Hz by
about 20). A replay shorter than the original by whole nominal periods therefore misses: after
ten seconds a chorus at 3 Hz was off by up to 1.06 on a full-scale, fully wet noise signal.
`LfoPhase` repeats the float32 arithmetic step by step (with numpy's sequential
`add.accumulate`), and with the length it picks the same replay was off by 0.03; for the
phaser, whose LFO steps once every 4 frames, 0.006 became 0.0007. The frequency glides to a
new rate over 50 ms, as JUCE's smoothed value does, and is modelled so too.
"""

from __future__ import annotations

import math

import numpy as np

TWO_PI = np.float32(2.0 * math.pi)
"""JUCE's MathConstants<float>::twoPi."""

FREQUENCY_RAMP_SECONDS = 0.05
"""How long JUCE's oscillator glides to a new frequency."""

_CATCH_UP_FRAMES = 1 << 16
"""Frames the phase model may fall behind before it is brought up to date."""


class InputHistory:
    """The last `capacity` frames a processor was given, addressed by frame number since the
    last reset (a preallocated ring: writing a block is one or two copies)."""

    def __init__(self, capacity: int, channels: int) -> None:
        self.capacity = max(1, capacity)
        self._ring = np.zeros((self.capacity, channels), np.float32)
        self.clear()

    def clear(self) -> None:
        self.high = 0
        """One past the highest frame number written since the last clear."""

    def oldest(self) -> int:
        """The first frame number still held."""
        return max(0, self.high - self.capacity)

    def write(self, start: int, block: np.ndarray) -> None:
        """Keep `block` as frames start, start + 1, ... (again after a restore: replaced)."""
        frames = block.shape[0]
        if frames > self.capacity:
            start, block, frames = start + frames - self.capacity, block[-self.capacity :], (
                self.capacity
            )
        at = start % self.capacity
        first = min(frames, self.capacity - at)
        self._ring[at : at + first] = block[:first]
        self._ring[: frames - first] = block[first:]
        self.high = max(self.high, start + frames)

    def pieces(self, start: int, stop: int) -> list[np.ndarray]:
        """Frames start .. stop − 1 as at most two views into the ring, oldest first."""
        if stop - start > self.capacity or start < self.oldest() or stop > self.high:
            raise ValueError(f"frames {start} to {stop} are not all in the input history")
        at = start % self.capacity
        first = min(stop - start, self.capacity - at)
        pieces = [self._ring[at : at + first]]
        if first < stop - start:
            pieces.append(self._ring[: stop - start - first])
        return pieces


def advance_phase(phase: np.float32, increments: np.ndarray) -> np.float32:
    """The phase after adding each increment in turn in float32, wrapping below 2π as JUCE's
    `dsp::Phase::advance` does."""
    return _accumulate(phase, increments, None)


def phase_orbit(increment: np.float32, steps: int) -> np.ndarray:
    """The phase after 0, 1, ..., steps advances by a constant increment from 0."""
    out = np.empty(steps + 1, np.float32)
    out[0] = 0.0
    _accumulate(np.float32(0.0), np.full(steps, increment, np.float32), out[1:])
    return out


def _accumulate(phase: np.float32, increments: np.ndarray, out: np.ndarray | None) -> np.float32:
    total = len(increments)
    smallest = float(increments.min()) if total else 0.0
    done = 0
    while done < total:
        span = total - done
        if smallest > 0.0:  # long enough to reach the next wrap, and no longer
            span = min(span, int((float(TWO_PI) - float(phase)) / smallest) + 2)
        run = np.empty(span + 1, np.float32)
        run[0] = phase
        run[1:] = increments[done : done + span]
        np.add.accumulate(run, dtype=np.float32, out=run)
        wrapped = np.flatnonzero(run[1:] >= TWO_PI)
        count = span if len(wrapped) == 0 else int(wrapped[0]) + 1
        phase = run[count]
        while phase >= TWO_PI:
            phase = np.float32(phase - TWO_PI)
        run[count] = phase
        if out is not None:
            out[done : done + count] = run[1 : count + 1]
        done += count
    return np.float32(phase)


class LfoPhase:
    """The phase of a pedalboard (JUCE) LFO that steps once every `tick` frames, followed
    as the plugin computes it, from its reset on.

    `advance` only counts frames; the float32 arithmetic runs when the phase is asked for or
    the rate changes, so following the LFO costs a little per snapshot, not per block."""

    def __init__(self, sample_rate: int, tick: int, rate_hz: float) -> None:
        self.tick = tick
        osc_rate = np.float32(sample_rate / tick)
        self._base = np.float32(TWO_PI / osc_rate)  # the increment per step is base · f
        self._ramp_steps = math.floor(FREQUENCY_RAMP_SECONDS * float(osc_rate))
        self._target = np.float32(rate_hz)
        self.reset()

    def reset(self) -> None:
        """As after the plugin's reset: phase 0, the frequency at its target."""
        self._current = self._target
        self._countdown = 0
        self._step = np.float32(0.0)
        self._phase = np.float32(0.0)
        self._frames = 0  # frames the plugin has processed since its reset
        self._pending = 0  # of which not yet stepped through

    def advance(self, frames: int) -> None:
        """The plugin processed `frames` more frames."""
        self._pending += frames
        if self._pending >= _CATCH_UP_FRAMES:
            self._catch_up()

    def set_rate(self, rate_hz: float) -> None:
        """The plugin was given a new rate: it glides there from its next frame on."""
        self._catch_up()
        target = np.float32(rate_hz)
        if target == self._target:
            return
        self._target = target
        if self._ramp_steps <= 0:
            self._current = target
            return
        self._countdown = self._ramp_steps
        self._step = np.float32((target - self._current) / np.float32(self._countdown))

    def period_frames(self) -> int:
        """Frames in one cycle at the present rate."""
        return math.ceil(self.tick * float(TWO_PI) / float(self._base * self._target))

    def state(self) -> tuple[np.float32, int]:
        """(phase, frames since the plugin's reset): what a replay must reproduce."""
        self._catch_up()
        return self._phase, self._frames

    def _catch_up(self) -> None:
        frames = self._frames + self._pending
        steps = -(-frames // self.tick) - -(-self._frames // self.tick)  # steps at counter 0
        self._frames, self._pending = frames, 0
        gliding = min(steps, self._countdown)
        if gliding:
            run = np.empty(gliding + 1, np.float32)
            run[0] = self._current
            run[1:] = self._step
            np.add.accumulate(run, dtype=np.float32, out=run)
            self._countdown -= gliding
            if self._countdown == 0:
                run[-1] = self._target
            self._current = run[-1]
            self._phase = advance_phase(self._phase, self._base * run[1:])
        if steps > gliding:
            increments = np.full(steps - gliding, self._base * self._target, np.float32)
            self._phase = advance_phase(self._phase, increments)

    def best_replay(self, phase: np.float32, frames: int, shortest: int, longest: int) -> int:
        """The replay length T in [shortest, longest], T ≡ frames (mod tick), after which a
        freshly reset plugin's LFO is nearest to `phase`: the shortest of the nearest."""
        shortest += (frames - shortest) % self.tick
        if shortest > longest:
            return max(0, longest - (longest - frames) % self.tick)
        orbit = phase_orbit(np.float32(self._base * self._target), -(-longest // self.tick))
        lengths = np.arange(shortest, longest + 1, self.tick)
        reached = orbit[-(-lengths // self.tick)]
        distance = np.abs((reached.astype(np.float64) - float(phase) + math.pi) % (2 * math.pi)
                          - math.pi)
        return int(lengths[int(np.argmin(distance))])

    def replayed(self, frames: int) -> None:
        """The plugin was reset and has processed `frames` frames at the present rate."""
        self.reset()
        self._pending = frames
        self._catch_up()
