"""A cascade of biquads (transposed direct form II sections, float64 state) run a block at a
time with matrix products: the EQ's filter, and the de-esser's and bass-mono sidechains'.

Why not a per-sample loop: in plain Python the seven bands run only about 6× faster than real
time on a stereo track, too slow for a mix of sixteen. The cascade is a linear system, so it
is run `CHUNK` frames at a time with matrix products, exactly: a chunk's output is its input
convolved with the first `CHUNK` samples of the impulse response (a Toeplitz matrix) plus the
response to the state it started with, one product of rows [chunk | state]; the state after a
chunk is A^CHUNK times the one before plus the chunk's drive, a linear recurrence solved for
all chunks of a block at once by recursive doubling. The block is read and written in its own
(frames, channels) layout, a strided column per channel, and the work arrays are kept between
calls (allocated anew, a 16384-frame block cost a hundred page faults and twice the time).
The result equals a sample-by-sample float64 TDF-II cascade to about 1e-11 of full scale
(2e-9 for a 20 Hz high-pass at Q 10, 2e-7 on the five times louder output of three 20 Hz bands
at the highest gain and Q), and any block size gives the same output to one float32 step.

Why float64 throughout: a float32 Toeplitz product put loud noise up to 2.2e-7 of full scale
off (twice the float32 rounding of the output) and two streams in different blocks 9.5e-7
apart at +12 dBFS, against 3e-8 in float64; float32 state terms as well were 15 to 20 % faster
in 4096-frame blocks, but 6e-7 off and 1.4e-6 apart (3e-6 off in the TDF-II basis, whose low
bands read out through large, cancelling terms).

Why not scipy.signal.sosfilt, exact and in C: each sample waits for the one before it through
every section, and a call spends tens of µs on checks and copies (80 µs of a 64-frame call);
on the benchmark's four bands it ran about 520× real time in 4096-frame blocks and 600× in
16384-frame blocks, and a 64-frame automation step took it seven times as long as ours.

Measured on this machine (two cores shared with other work, one BLAS thread, best of three),
a 3-minute stereo 48 kHz signal: the benchmark's four bands run about 910× faster than real
time in 4096-frame blocks and 1150× in 16384-frame blocks, all seven bands about 750× and
870×, one band about 960×; a flat EQ costs nothing. The previous version (chunks of 128,
transposed float64 copies of the block, separate products for the Toeplitz and the state
terms) ran the four bands at about 460× and 240×; pedalboard's seven filters run about 370×.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from daw.dsp.blas import limit_blas_threads

CHUNK = 64  # a power of two: the matrices are built by doubling
"""Frames per matrix step: a frame costs about CHUNK + order multiply-adds, and the hand-over
between chunks gets cheaper as chunks grow. In 4096- and 16384-frame blocks 64 was as fast as
32 with four bands and 10 % faster with seven, and 15 % faster than 128 with four bands."""

_SEGMENT = 16384
"""Longest stretch processed at once, so a long call does not build huge work arrays: a bounce
block of 16384 frames runs in one go (two halves of 8192 were about 10 % slower)."""

def _state_space(
    sections: Sequence[np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """(A, B, C, D) of the cascade, its state the TDF-II states (s1, s2) of each section."""
    order = 2 * len(sections)
    a_mat = np.zeros((order, order))
    b_vec = np.zeros(order)
    c_vec = np.zeros(order)
    d = 1.0
    for i, (b0, b1, b2, a1, a2) in enumerate(np.asarray(sections, dtype=np.float64).tolist()):
        # One section: y = s1 + b0 u; s1' = s2 + (b1 - a1 b0) u - a1 s1;
        # s2' = (b2 - a2 b0) u - a2 s1; fed with u = C s + D x, the sections before it.
        j = 2 * i
        drive1, drive2 = b1 - a1 * b0, b2 - a2 * b0
        np.multiply(c_vec[:j], drive1, out=a_mat[j, :j])
        np.multiply(c_vec[:j], drive2, out=a_mat[j + 1, :j])
        a_mat[j, j], a_mat[j, j + 1], a_mat[j + 1, j] = -a1, 1.0, -a2
        b_vec[j], b_vec[j + 1] = drive1 * d, drive2 * d
        c_vec *= b0
        c_vec[j] = 1.0
        d *= b0
    return a_mat, b_vec, c_vec, d


class BiquadCascade:
    """A chain of biquads with float64 state kept between calls, run on (channels, frames)
    float64 arrays (`process`) or in place on (frames, channels) blocks (`process_block`).

    New coefficients (`set_sections`) keep the TDF-II state of each section. Switching the
    coefficients of a TDF-II section under its running state was measured against switching a
    direct form I (whose memory is the actual last inputs and outputs): the transients were
    as small or smaller (a low-pass jumping from 20 kHz to 200 Hz at Q 5 under noise: 0.75
    against 12.8 peak; a 1 dB step of a bell: 0.013 against 0.020), so the state is kept as
    it is. Automation reaches the EQ in steps of 64 frames, each a small change; a big jump
    at an extreme setting (a resonant filter swept across decades at once) can click, as it
    does in any filter switched abruptly."""

    def __init__(self, sections: Sequence[np.ndarray], channels: int) -> None:
        limit_blas_threads()
        self._channels = channels
        self._state = np.zeros((channels, 0))
        self._driven = np.zeros((CHUNK, 0))
        self._rows: np.ndarray | None = None
        self.set_sections(sections)

    def set_sections(
        self, sections: Sequence[np.ndarray], keep: Sequence[int | None] | None = None
    ) -> None:
        """Take new coefficients, keeping the filter memories: new section i carries on from
        the state of old section keep[i] (None: from rest); by default section i keeps the
        state of section i. Costs a few dozen small matrix products, no large allocation
        while the number of sections stays the same."""
        if not sections:
            raise ValueError("a biquad cascade needs at least one section")
        old = self._state
        count = len(sections)
        if keep is None:
            keep = [i if 2 * i < old.shape[1] else None for i in range(count)]
        if len(keep) != count:
            raise ValueError(f"keep names {len(keep)} sections, not {count}")
        if 2 * count != old.shape[1] or list(keep) != list(range(count)):
            state = np.zeros((self._channels, 2 * count))
            for i, k in enumerate(keep):
                if k is not None:
                    state[:, 2 * i : 2 * i + 2] = old[:, 2 * k : 2 * k + 2]
            self._state = state
        self._design(sections)

    def _design(self, sections: Sequence[np.ndarray]) -> None:
        """The chunk matrices, by doubling: A^k B and C A^k for k < CHUNK take log2(CHUNK)
        small products each. The powers of A a block needs beyond that (A^k for a block ending
        k frames after a whole chunk, (A^CHUNK)^(2^i) for the hand-over) are built when first
        used, so automation, which sets coefficients every 64 frames, never pays for them."""
        a_mat, b_vec, c_vec, d = _state_space(sections)
        order = len(b_vec)
        if self._driven.shape[1] != order:
            self._driven = np.empty((CHUNK, order))  # row k: A^k B
            self._observed = np.empty((CHUNK, order))  # row k: C A^k
            # A row [chunk input | state before the chunk] times `_output` is the chunk's
            # output: the top CHUNK rows are the Toeplitz matrix T^T (y = x T^T within a
            # chunk, T[i, j] = h[i - j], so row j of T^T is h shifted by j), the rest (C A^k)^T.
            self._output = np.empty((CHUNK + order, CHUNK))
            self._drive_t = np.empty((CHUNK, order))
            self._padded_impulse = np.zeros(2 * CHUNK - 1)
            self._shifted_impulse = np.lib.stride_tricks.sliding_window_view(
                self._padded_impulse, CHUNK
            )[::-1]
        driven, observed = self._driven, self._observed
        driven[0], observed[0] = b_vec, c_vec
        squares = [a_mat]  # A^1, A^2, A^4, ..., A^CHUNK
        known = 1
        while known < CHUNK:
            power = squares[-1]  # A^known
            np.dot(driven[:known], power.T, out=driven[known : 2 * known])
            np.dot(observed[:known], power, out=observed[known : 2 * known])
            squares.append(np.dot(power, power))
            known *= 2
        self._squares = squares
        self._powers = {CHUNK: squares[-1]}
        self._steps = [squares[-1].T]  # (A^CHUNK)^(2^i), transposed, for the hand-over
        impulse = self._padded_impulse[CHUNK - 1 :]
        impulse[0] = d
        np.dot(driven[: CHUNK - 1], c_vec, out=impulse[1:])
        self._output[:CHUNK] = self._shifted_impulse
        self._output[CHUNK:] = observed.T
        # Row k of `_drive_t` carries input frame k of a chunk into the state after the chunk.
        self._drive_t[...] = driven[::-1]

    def _power(self, frames: int) -> np.ndarray:
        """A^frames for 0 < frames <= CHUNK, from the squares (kept until new coefficients)."""
        power = self._powers.get(frames)
        if power is None:
            bits = [self._squares[i] for i in range(frames.bit_length()) if frames >> i & 1]
            power = bits[0]
            for square in bits[1:]:
                power = np.dot(power, square)
            self._powers[frames] = power
        return power

    def _step(self, i: int) -> np.ndarray:
        """(A^(CHUNK 2^i))^T, squared up from the last one known."""
        steps = self._steps
        while len(steps) <= i:
            steps.append(np.dot(steps[-1], steps[-1]))
        return steps[i]

    def reset(self) -> None:
        self._state = np.zeros_like(self._state)

    def snapshot(self) -> np.ndarray:
        """The filter memories, (channels, 2 · sections)."""
        return self._state.copy()

    def restore(self, state: np.ndarray) -> None:
        """Carry on from memories taken by `snapshot` (for the same number of sections)."""
        if state.shape != self._state.shape:
            raise ValueError(f"a state of shape {state.shape} does not fit {self._state.shape}")
        self._state = state.copy()

    def process(self, x: np.ndarray) -> np.ndarray:
        """Filter x (channels, frames) float64; returns a new array of the same shape."""
        out = np.empty_like(x)
        self._filter(x.T, out.T)
        return out

    def process_block(self, block: np.ndarray) -> None:
        """Filter `block` (frames, channels), float32 or float64, in place; the arithmetic is
        float64 all the same, and no transposed copy of the block is made."""
        self._filter(block, block)

    def _filter(self, x: np.ndarray, out: np.ndarray) -> None:
        """x and out (frames, channels), possibly the same array."""
        for start in range(0, x.shape[0], _SEGMENT):
            part = x[start : start + _SEGMENT]
            if part.shape[0] <= CHUNK:
                self._short(part, out[start : start + _SEGMENT])
            else:
                self._chunked(part, out[start : start + _SEGMENT])

    def _short(self, x: np.ndarray, out: np.ndarray) -> None:
        """Up to one chunk (an automation step) straight in the (frames, channels) layout:
        y = T x + O s, s' = A^n s + drive x, four small products."""
        frames = x.shape[0]
        x = np.array(x, dtype=np.float64)  # out may be x
        state = self._state
        y = np.dot(self._output[:frames, :frames].T, x)
        y += np.dot(self._observed[:frames], state.T)
        after = np.dot(state, self._power(frames).T)
        after += np.dot(x.T, self._drive_t[CHUNK - frames :])
        self._state = after
        out[...] = y

    def _work(self, rows: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Work arrays for `rows` chunks, kept between calls (anew for each block they cost page
        faults, see the module docstring)."""
        channels, order = self._state.shape
        work = self._rows
        if work is None or work.shape[0] < rows or work.shape[2] != CHUNK + order:
            work = self._rows = np.empty((rows, channels, CHUNK + order))
            self._states = np.empty(((rows + 1) * channels, order))
            self._outputs = np.empty((rows * channels, CHUNK))
        return work[:rows], self._states, self._outputs[: rows * channels]

    def _chunked(self, x: np.ndarray, out: np.ndarray) -> None:
        """Whole chunks (and a shorter last one) by matrix products, rows (chunk, channel)."""
        frames, channels = x.shape
        order = self._state.shape[1]
        chunks, rest = divmod(frames, CHUNK)
        whole = chunks * CHUNK
        rows = chunks + (rest > 0)
        # Row (k, c): channel c of chunk k, then the state before chunk k. A short last chunk
        # is padded with zeros, which do not reach its first `rest` outputs (whatever the
        # work array held before could: NaN times a zero coefficient is NaN).
        z, states, y = self._work(rows)
        np.copyto(
            z[:chunks, :, :CHUNK], x[:whole].reshape(chunks, CHUNK, channels).transpose(0, 2, 1)
        )
        if rest:
            z[chunks, :, :rest] = x[whole:].T
            z[chunks, :, rest:CHUNK] = 0.0
        flat = z.reshape(rows * channels, CHUNK + order)
        # Row (k, c) of `states`: the state before chunk k. It is A^CHUNK times the one before
        # plus chunk k - 1's drive, a linear recurrence, solved for all chunks at once by
        # recursive doubling: log2(chunks) products of a (chunks, order) array.
        states = states[: (chunks + 1) * channels]
        states[:channels] = self._state
        np.dot(flat[: chunks * channels, :CHUNK], self._drive_t, out=states[channels:])
        span, i = channels, 0
        while span < len(states):
            states[span:] += np.dot(states[:-span], self._step(i))
            span, i = span * 2, i + 1
        z[:, :, CHUNK:] = states[: rows * channels].reshape(rows, channels, order)
        np.dot(flat, self._output, out=y)
        after = states[chunks * channels :]
        if rest:
            after = np.dot(after, self._power(rest).T)
            after += np.dot(z[chunks, :, :rest], self._drive_t[CHUNK - rest :])
        self._state = after.copy()
        y3 = y.reshape(rows, channels, CHUNK)
        for c in range(channels):  # one strided column at a time: cheaper than a transpose
            out[:whole, c].reshape(chunks, CHUNK)[...] = y3[:chunks, c]
            if rest:
                out[whole:, c] = y3[chunks, c, :rest]


