"""Programme loudness per ITU-R BS.1770-4 and EBU R 128: momentary, short-term and integrated
loudness (LUFS) and the loudness range (LU, EBU Tech 3342), measured as the signal streams by.

The signal is K-weighted (the standard's two biquads: a high shelf for the head and a high-pass
for the ear's low-frequency roll-off; at 48 kHz the coefficients printed in the standard, at
other rates the same analog filters through the bilinear transform, as libebur128 and
pyloudnorm's "DeMan" filters derive them), squared, weighted per channel (left, right, centre
1.0, surrounds 1.41, an LFE in a 5.1 layout 0) and summed.

Momentary (400 ms) and short-term (3 s) loudness are sliding windows evaluated at every sample,
so the maxima catch a burst wherever it falls (EBU Tech 3341 cases 9 to 14 shift bursts
against any update grid). Every 100 ms (a "hop") the 400 ms block that ends there is a gating
block for the integrated loudness, and the 3 s window a short-term value for the loudness range.

The filter runs in chunks of 32 frames as a linear state-space system (matrix products, no
loop per sample), exactly equal to running the two biquads sample by sample up to float
rounding: a chunk's output is its input convolved with the first 32 samples of the impulse
response plus the response to the state it started with; the states at the chunk boundaries
follow a linear recurrence, solved for all chunks of a block at once by recursive doubling (as
the EQ's cascade does, with a chunk sized for a fourth-order filter).

Memory stays bounded however long the programme: blocks and short-term values go into
histograms of 0.01 LU bins from −70 to +10 LUFS (as libebur128's histogram mode keeps them),
each bin keeping its count and the sum of its energies and of its loudness values. The
integrated loudness is then exact except for the blocks in the one bin the relative gate
falls into, and a percentile of the loudness range is the mean of its bin, within 0.01 LU.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from daw.dsp.blas import limit_blas_threads

ABSOLUTE_GATE_LUFS = -70.0
RELATIVE_GATE_LU = -10.0
LRA_RELATIVE_GATE_LU = -20.0
LRA_PERCENTILES = (0.10, 0.95)
_OFFSET = -0.691  # dB: makes a 997 Hz sine at 0 dBFS on one front channel read -3.01 LUFS

_BINS_PER_LU = 100
_TOP_LUFS = 10.0
_BIN_COUNT = int((_TOP_LUFS - ABSOLUTE_GATE_LUFS) * _BINS_PER_LU)

# ITU-R BS.1770-4, tables 1 and 2 (48 kHz): (b0, b1, b2, a1, a2).
_SHELF_48K = (1.53512485958697, -2.69169618940638, 1.19839281085285,
              -1.69065929318241, 0.73248077421585)
_HIGHPASS_48K = (1.0, -2.0, 1.0, -1.99004745483398, 0.99007225036621)


def k_weighting_sections(sample_rate: int) -> list[np.ndarray]:
    """The two K-weighting biquads (b0, b1, b2, a1, a2) at this rate."""
    if sample_rate == 48000:
        return [np.array(_SHELF_48K), np.array(_HIGHPASS_48K)]
    # The analog prototypes fitted to the 48 kHz coefficients (libebur128's constants).
    f0, gain_db, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = math.tan(math.pi * f0 / sample_rate)
    vh = 10.0 ** (gain_db / 20.0)
    vb = vh**0.4996667741545416
    a0 = 1.0 + k / q + k * k
    shelf = np.array([(vh + vb * k / q + k * k) / a0, 2.0 * (k * k - vh) / a0,
                      (vh - vb * k / q + k * k) / a0, 2.0 * (k * k - 1.0) / a0,
                      (1.0 - k / q + k * k) / a0])
    f0, q = 38.13547087602444, 0.5003270373238773
    k = math.tan(math.pi * f0 / sample_rate)
    a0 = 1.0 + k / q + k * k
    highpass = np.array([1.0, -2.0, 1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0])
    return [shelf, highpass]


_CHUNK = 32
_SEGMENT = 8192  # longest stretch filtered at once, so temporaries stay small


def _biquad_steps(sections: list[np.ndarray], state: list[float], x: float) -> float:
    """One sample through the cascade, transposed direct form II, updating `state` in place
    (two memories a section). Used only to build the chunk matrices."""
    for i, (b0, b1, b2, a1, a2) in enumerate(sections):
        y = b0 * x + state[2 * i]
        state[2 * i] = b1 * x - a1 * y + state[2 * i + 1]
        state[2 * i + 1] = b2 * x - a2 * y
        x = y
    return x


class _ChunkedFilter:
    """A biquad cascade run on (channels, frames) float64 arrays, chunk by chunk with matrix
    products; the state is kept between calls, so any block sizes give the same output."""

    def __init__(self, sections: list[np.ndarray], channels: int) -> None:
        limit_blas_threads()  # small products: one thread each is fastest (see daw.dsp.eq)
        coefficients = [tuple(float(v) for v in section) for section in sections]
        order = 2 * len(coefficients)
        impulse = [0.0] * order
        response = [_biquad_steps(coefficients, impulse, 1.0)]
        drive = list(impulse)  # B: the state one step after a unit input
        response += [_biquad_steps(coefficients, impulse, 0.0) for _ in range(_CHUNK - 1)]
        # From each unit state, zero input: outputs (C A^k) and states (A^k) for k <= CHUNK.
        observed = np.empty((_CHUNK, order))
        powers = np.empty((_CHUNK + 1, order, order))  # powers[k] = A^k
        for j in range(order):
            state = [0.0] * order
            state[j] = 1.0
            powers[0, :, j] = state
            for k in range(_CHUNK):
                observed[k, j] = _biquad_steps(coefficients, state, 0.0)
                powers[k + 1, :, j] = state
        h = np.array(response)
        toeplitz = np.zeros((_CHUNK, _CHUNK))  # y = T x within a chunk
        for k in range(_CHUNK):
            toeplitz[k:, k] = h[: _CHUNK - k]
        self._toeplitz_t = toeplitz.T.copy()
        self._observed_t = observed.T.copy()  # state (order) → outputs of a chunk
        # Row k: input frame k of a chunk carried into the state after the chunk, A^(L-1-k) B.
        self._drive_t = np.array([powers[_CHUNK - 1 - k] @ drive for k in range(_CHUNK)])
        self._powers_t = powers.transpose(0, 2, 1).copy()  # A^k transposed
        self._squares_t = [self._powers_t[_CHUNK]]  # (A^CHUNK)^(2^i), transposed
        self._state = np.zeros((channels, order))

    def reset(self) -> None:
        self._state[:] = 0.0

    def _square(self, i: int) -> np.ndarray:
        while len(self._squares_t) <= i:
            last = self._squares_t[-1]
            self._squares_t.append(last @ last)
        return self._squares_t[i]

    def process(self, x: np.ndarray) -> np.ndarray:
        """Filter x (channels, frames) float64; returns a new array of the same shape."""
        if x.shape[1] <= _SEGMENT:
            return self._segment(x)
        return np.concatenate([self._segment(x[:, i : i + _SEGMENT])
                               for i in range(0, x.shape[1], _SEGMENT)], axis=1)

    def _segment(self, x: np.ndarray) -> np.ndarray:
        channels, frames = x.shape
        whole = frames // _CHUNK * _CHUNK
        out = np.empty((channels, frames))
        state = self._state
        if whole:
            chunks = x[:, :whole].reshape(channels, -1, _CHUNK)
            y = chunks @ self._toeplitz_t
            after = chunks @ self._drive_t  # (channels, chunks, order): input's part only
            after[:, 0] += state @ self._powers_t[_CHUNK]
            span, level = 1, 0
            while span < after.shape[1]:  # state after chunk c: A^L · state before + drive
                after[:, span:] = after[:, span:] + after[:, :-span] @ self._square(level)
                span, level = 2 * span, level + 1
            y[:, 0] += state @ self._observed_t
            y[:, 1:] += after[:, :-1] @ self._observed_t
            state = after[:, -1].copy()
            out[:, :whole] = y.reshape(channels, whole)
        rest = frames - whole
        if rest:
            tail = x[:, whole:]
            out[:, whole:] = (tail @ self._toeplitz_t[:rest, :rest]
                              + state @ self._observed_t[:, :rest])
            state = state @ self._powers_t[rest] + tail @ self._drive_t[_CHUNK - rest :]
        self._state = state
        return out


def channel_weights(channels: int) -> np.ndarray:
    """BS.1770 weights in the order L, R, C, Ls, Rs (5.0), or L, R, C, LFE, Ls, Rs (5.1)."""
    if channels == 6:
        return np.array([1.0, 1.0, 1.0, 0.0, 1.41, 1.41])
    weights = np.ones(channels)
    if channels == 5:
        weights[3:] = 1.41
    return weights


def lufs(energy: float) -> float:
    """Loudness of a weighted mean square (−inf for silence)."""
    return _OFFSET + 10.0 * math.log10(energy) if energy > 0 else -math.inf


@dataclass(frozen=True)
class LoudnessReading:
    """Everything the meter shows at one moment; −inf where there is nothing to show yet."""

    momentary_lufs: float
    short_term_lufs: float
    integrated_lufs: float
    loudness_range_lu: float
    max_momentary_lufs: float
    max_short_term_lufs: float


class _Histogram:
    """Values above the absolute gate in 0.01 LU bins: count, energy sum and loudness sum per
    bin, and the totals (so the relative gate costs no pass over the bins)."""

    def __init__(self) -> None:
        self.counts = np.zeros(_BIN_COUNT, dtype=np.int64)
        self.energies = np.zeros(_BIN_COUNT)
        self.levels = np.zeros(_BIN_COUNT)
        self.clear()

    def clear(self) -> None:
        self.counts[:] = 0
        self.energies[:] = 0.0
        self.levels[:] = 0.0
        self.total = 0
        self.total_energy = 0.0

    def add(self, energy: float, strictly_above: bool) -> None:
        level = lufs(energy)
        if level < ABSOLUTE_GATE_LUFS or (strictly_above and level == ABSOLUTE_GATE_LUFS):
            return
        index = min(int((level - ABSOLUTE_GATE_LUFS) * _BINS_PER_LU), _BIN_COUNT - 1)
        self.counts[index] += 1
        self.energies[index] += energy
        self.levels[index] += level
        self.total += 1
        self.total_energy += energy

    def relative_gate(self, offset_lu: float) -> float:
        """The loudness of the mean energy of all values, plus `offset_lu`."""
        return lufs(self.total_energy / self.total) + offset_lu

    def first_above(self, gate_lufs: float) -> int:
        """The first bin counted above `gate_lufs`: the bin the gate falls in counts if its
        mean loudness is above the gate."""
        index = math.floor((gate_lufs - ABSOLUTE_GATE_LUFS) * _BINS_PER_LU)
        index = min(max(index, 0), _BIN_COUNT)
        straddled = index < _BIN_COUNT and self.counts[index] > 0
        if straddled and self.levels[index] / self.counts[index] <= gate_lufs:
            index += 1
        return index


class LoudnessMeter:
    """Streaming BS.1770-4 / EBU R 128 loudness of a (frames, channels) signal.

    Feed it blocks of any size with `process`; the readings do not depend on how the signal
    was cut into blocks (to within float rounding). Before the first sample the signal counts
    as silence, so the momentary value rises over the first 400 ms.
    """

    def __init__(self, sample_rate: int, channels: int) -> None:
        if sample_rate < 10 or channels < 1:
            raise ValueError("a loudness meter needs a sample rate and at least one channel")
        self.sample_rate = sample_rate
        self.channels = channels
        self._weights = channel_weights(channels)
        self._filter = _ChunkedFilter(k_weighting_sections(sample_rate), channels)
        self._hop = max(1, round(sample_rate / 10))
        self._momentary_span = 4 * self._hop
        self._short_span = 30 * self._hop
        self._powers = np.zeros(self._short_span)  # the last 3 s of weighted power, a ring
        self._hop_sums = np.zeros(30)  # the last 30 complete hops, a ring
        self._blocks = _Histogram()
        self._short_terms = _Histogram()
        self.reset()

    def reset(self) -> None:
        """Start over, as if the signal began now."""
        self._filter.reset()
        self._powers[:] = 0.0
        self._hop_sums[:] = 0.0
        self._blocks.clear()
        self._short_terms.clear()
        self._position = 0  # write index into `_powers`
        self._hops = 0  # complete hops since the start
        self._partial = 0.0  # sum of the current hop so far
        self._filled = 0  # frames of the current hop so far
        self._momentary_sum = 0.0
        self._short_sum = 0.0
        self._max_momentary = 0.0
        self._max_short = 0.0
        self._gated: tuple[int, float, float] | None = None  # (hops, integrated, range)
        self.frames = 0

    def reset_maxima(self) -> None:
        """Forget the held maximum momentary and short-term values only."""
        self._max_momentary = 0.0
        self._max_short = 0.0

    def process(self, block: np.ndarray) -> None:
        """Take in a (frames, channels) block (a (frames,) array for one channel)."""
        wide = np.asarray(block, dtype=np.float64)
        if wide.ndim == 1:
            wide = wide[:, None]
        if wide.shape[0] == 0:
            return
        if wide.shape[1] != self.channels:
            raise ValueError(f"block has {wide.shape[1]} channels, meter {self.channels}")
        weighted = self._filter.process(np.ascontiguousarray(wide.T))
        power = self._weights @ (weighted * weighted)
        start = 0
        while start < power.shape[0]:
            stop = min(power.shape[0], start + self._hop - self._filled)
            self._take(power[start:stop])
            start = stop
        self.frames += power.shape[0]

    def _take(self, power: np.ndarray) -> None:
        """A piece of weighted power that does not cross a hop boundary. The ring holds 30
        whole hops, so the piece, and the samples leaving the 400 ms and 3 s windows as it
        comes in, are each one slice of the ring."""
        count = power.shape[0]
        here = self._position
        back = (here - self._momentary_span) % self._powers.shape[0]
        momentary = np.cumsum(power - self._powers[back : back + count])
        short = np.cumsum(power - self._powers[here : here + count])
        momentary += self._momentary_sum
        short += self._short_sum
        self._max_momentary = max(self._max_momentary, float(momentary.max()))
        self._max_short = max(self._max_short, float(short.max()))
        self._powers[here : here + count] = power
        self._position = (here + count) % self._powers.shape[0]
        self._momentary_sum = float(momentary[-1])
        self._short_sum = float(short[-1])
        self._partial += float(power.sum())
        self._filled += count
        if self._filled == self._hop:
            self._end_hop()

    def _end_hop(self) -> None:
        """A hop is complete: resynchronise the window sums exactly from the hop sums (no
        drift from the running sums) and file the gating block and the short-term value."""
        self._hop_sums[self._hops % 30] = self._partial
        self._hops += 1
        self._partial = 0.0
        self._filled = 0
        latest = [(self._hops - 1 - i) % 30 for i in range(4)]
        self._momentary_sum = float(self._hop_sums[latest].sum())
        self._short_sum = float(self._hop_sums.sum())
        if self._hops >= 4:
            self._blocks.add(self._momentary_sum / self._momentary_span, strictly_above=True)
        if self._hops >= 30:
            self._short_terms.add(self._short_sum / self._short_span, strictly_above=False)

    # --- Readings -------------------------------------------------------------------------

    @property
    def momentary_lufs(self) -> float:
        """Loudness of the last 400 ms."""
        return lufs(self._momentary_sum / self._momentary_span)

    @property
    def short_term_lufs(self) -> float:
        """Loudness of the last 3 s."""
        return lufs(self._short_sum / self._short_span)

    @property
    def max_momentary_lufs(self) -> float:
        return lufs(self._max_momentary / self._momentary_span)

    @property
    def max_short_term_lufs(self) -> float:
        return lufs(self._max_short / self._short_span)

    def _gated_figures(self) -> tuple[float, float]:
        """Integrated loudness and range, computed again only when a hop has completed."""
        if self._gated is None or self._gated[0] != self._hops:
            self._gated = (self._hops, self._integrated(), self._range())
        return self._gated[1], self._gated[2]

    def integrated_lufs(self) -> float:
        """Gated loudness since the start: 400 ms blocks every 100 ms above −70 LUFS, then
        those above (their mean −10 LU)."""
        return self._gated_figures()[0]

    def loudness_range_lu(self) -> float:
        """EBU Tech 3342: the spread between the 10th and 95th percentiles of the short-term
        values above −70 LUFS and above (their power mean −20 LU); 0 before 3 s have passed."""
        return self._gated_figures()[1]

    def _integrated(self) -> float:
        blocks = self._blocks
        if blocks.total == 0:
            return -math.inf
        first = blocks.first_above(blocks.relative_gate(RELATIVE_GATE_LU))
        kept = int(blocks.counts[first:].sum())
        if kept == 0:
            return -math.inf
        return lufs(float(blocks.energies[first:].sum()) / kept)

    def _range(self) -> float:
        values = self._short_terms
        if values.total == 0:
            return 0.0
        first = values.first_above(values.relative_gate(LRA_RELATIVE_GATE_LU))
        cumulative = np.cumsum(values.counts[first:])
        kept = int(cumulative[-1]) if cumulative.shape[0] else 0
        if kept == 0:
            return 0.0
        low, high = (self._percentile(first, cumulative, kept, p) for p in LRA_PERCENTILES)
        return high - low

    def _percentile(self, first: int, cumulative: np.ndarray, kept: int,
                    fraction: float) -> float:
        """The value of rank round((kept − 1) · fraction) (Tech 3342's reference code), taken
        as the mean of its bin."""
        rank = math.floor((kept - 1) * fraction + 0.5)
        index = first + int(np.searchsorted(cumulative, rank, side="right"))
        values = self._short_terms
        return float(values.levels[index] / values.counts[index])

    def reading(self) -> LoudnessReading:
        return LoudnessReading(
            momentary_lufs=self.momentary_lufs,
            short_term_lufs=self.short_term_lufs,
            integrated_lufs=self.integrated_lufs(),
            loudness_range_lu=self.loudness_range_lu(),
            max_momentary_lufs=self.max_momentary_lufs,
            max_short_term_lufs=self.max_short_term_lufs,
        )


# --- Whole signals ----------------------------------------------------------------------------

_WHOLE_BLOCK = 65536


def measure_loudness(audio: np.ndarray, sample_rate: int) -> LoudnessReading:
    """All the loudness figures of a whole (frames, channels) or (frames,) signal."""
    wide = np.asarray(audio)
    meter = LoudnessMeter(sample_rate, 1 if wide.ndim == 1 else wide.shape[1])
    for start in range(0, wide.shape[0], _WHOLE_BLOCK):
        meter.process(wide[start : start + _WHOLE_BLOCK])
    return meter.reading()


def integrated_loudness(audio: np.ndarray, sample_rate: int) -> float:
    """Integrated loudness of a whole signal, LUFS."""
    return measure_loudness(audio, sample_rate).integrated_lufs


def loudness_range(audio: np.ndarray, sample_rate: int) -> float:
    """Loudness range of a whole signal, LU."""
    return measure_loudness(audio, sample_rate).loudness_range_lu
