"""The arithmetic under the dynamics processors: one-pole smoothers and a peak-hold release
solved a block at a time with array operations, exactly (to float64 rounding), plus the
detector, the sliding maximum, the compressor's gain computer, the gain stage and the work
arrays they keep.

The smoothers are recurrences: a one-pole filter y[n] = a·y[n-1] + b[n] is a running sum of
b weighted by growing powers of 1/a, taken in stretches short enough that the weights stay
finite (below e^300); the release stage of the smooth decoupled peak detector, y[n] =
max(x[n], a·y[n-1] + (1 − a)·x[n]), is the one-pole response of x plus the largest decaying
"excess" left by an earlier frame: a running maximum.

Both scans are bound by each frame waiting for the one before, so they are taken where that
chain is shortest (measured on this machine, 16384 frames): the running sum on the frames as
complex numbers, which numpy adds as two independent lanes (even and odd frames) in one pass,
1.7× faster than `np.cumsum` with the pass that adds the lanes; the running maximum of
non-negative floats on their bit patterns as 64-bit integers, which order the same way, 5×
faster than `np.maximum.accumulate` on the floats. A per-sample recurrence in C,
`scipy.signal.lfilter`, takes 1.6× as long as `np.cumsum` here, so the attack stage stays a
running sum too.
"""

from __future__ import annotations

import math

import numpy as np

SEGMENT = 16384
"""Longest stretch processed at once, to keep temporaries small."""

_MAX_LOG_SPAN = 300.0
"""How far the weights of a running one-pole sum may grow (e^300) before a new stretch."""

_DB_PER_NEPER = 20.0 / math.log(10.0)


def smoothing_coefficient(time_ms: float, sample_rate: int) -> float:
    """The pole a of a one-pole smoother with time constant `time_ms` (63 % of a step)."""
    return math.exp(-1000.0 / (time_ms * sample_rate))


class WorkArrays:
    """Per-block work arrays kept from block to block (at most SEGMENT frames each): a fresh
    128 kB array a block comes back from the system page by page, which cost the compressor a
    fifth of its time at 16384 frames."""

    def __init__(self, *dtypes: type) -> None:
        self._dtypes = dtypes
        self._arrays = [np.empty(0, dtype) for dtype in dtypes]
        self._views: list[np.ndarray] = []

    def get(self, frames: int) -> list[np.ndarray]:
        """The arrays, `frames` long each (their contents are left over from before); the
        same views again while blocks keep their length."""
        if self._views and len(self._views[0]) == frames:
            return self._views
        if len(self._arrays[0]) < frames:
            size = min(SEGMENT, max(frames, 2 * len(self._arrays[0])))
            self._arrays = [np.empty(size, dtype) for dtype in self._dtypes]
        self._views = [array[:frames] for array in self._arrays]
        return self._views


class _Lanes:
    """A float64 array seen as complex numbers, for `running_sum`; kept while blocks keep
    their length, so that they do not each pay for the slices again."""

    __slots__ = ("even", "head", "pairs", "tail", "x")

    def __init__(self, x: np.ndarray) -> None:
        self.x = x
        self.even = even = len(x) - len(x) % 2
        self.pairs = x[:even].view(np.complex128)
        self.tail = x[1:even]
        self.head = x[: max(even - 1, 0)]

    def sum_into(self, out: np.ndarray) -> None:
        """out[n] = x[0] + … + x[n] (x is overwritten; out, as long, must not overlap it)."""
        _accumulate(self.pairs, out=self.pairs)  # even frames' and odd frames' running sums
        out[0] = self.x[0]
        if self.even:
            np.add(self.tail, self.head, out[1 : self.even])
        if len(out) > self.even:
            out[-1] = self.x[-1] + (out[-2] if self.even else 0.0)


def running_sum(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """out[n] = x[0] + … + x[n] for a contiguous float64 x, which is overwritten (scratch the
    caller owns; `out` must not overlap it). The even and odd frames are summed as the two
    lanes of a complex running sum, and out[n] is the sum of both lanes' latest values,
    lanes[n] + lanes[n − 1]."""
    if out is None:
        out = np.empty(len(x))
    if len(x):
        _Lanes(x).sum_into(out)
    return out


_accumulate = np.add.accumulate  # np.cumsum's Python wrapper adds about 2 µs a call
_running_max = np.maximum.accumulate
_largest = np.maximum.reduce


def _running_max_nonnegative(x: np.ndarray) -> None:
    """x[n] = max(x[0], …, x[n]) in place, for x[0] ≥ +0: the bit patterns of non-negative
    floats order as integers do, and a negative float (or −0) reads as a negative integer,
    which never beats x[0]."""
    bits = x.view(np.int64)
    _running_max(bits, out=bits)


def linear_recurrence(a: float | np.ndarray, b: np.ndarray, y0: float) -> np.ndarray:
    """y[n] = a[n]·y[n−1] + b[n] with y[−1] = y0, for a scalar or per-frame a in (0, 1]."""
    return linear_recurrence_log(np.log(a), b, y0)


def linear_recurrence_log(log_a: float | np.ndarray, b: np.ndarray, y0: float) -> np.ndarray:
    """`linear_recurrence` given log(a) (a per-frame pole that takes only a few values is
    cheaper to pick from their logarithms than to take the logarithm of every frame).

    Within a stretch, y[n] = P[n]·(y0 + Σ b[k]/P[k]) with P the running product of a; the
    stretch ends before 1/P outgrows e^300."""
    frames = len(b)
    log_a = np.broadcast_to(log_a, (frames,))
    steepest = -float(log_a.min()) if frames else 0.0
    span = frames if steepest * frames <= _MAX_LOG_SPAN else max(1, int(_MAX_LOG_SPAN / steepest))
    out = np.empty(frames)
    for start in range(0, frames, span):
        stop = min(start + span, frames)
        p = running_sum(np.array(log_a[start:stop], dtype=np.float64))
        np.exp(p, out=p)
        weighted = b[start:stop] / p
        weighted[0] += y0
        seg = running_sum(weighted, out[start:stop])
        seg *= p
        y0 = float(seg[-1])
    return out


class _Stretch:
    """Views for one stretch length, kept while blocks keep that length: the tables' first
    `frames` powers and two scratch arrays, the first also as `_Lanes`."""

    __slots__ = ("decay", "excess", "growth", "input_growth", "lanes", "weighted")

    def __init__(
        self, tables: tuple[np.ndarray, ...], scratch: tuple[np.ndarray, ...], frames: int
    ) -> None:
        self.decay, self.growth, self.input_growth = (table[:frames] for table in tables)
        self.weighted, self.excess = (array[:frames] for array in scratch)
        self.lanes = _Lanes(self.weighted)


class OnePole:
    """A one-pole smoother y[n] = a·y[n−1] + (1 − a)·x[n] with a fixed pole, run on arrays.

    Both methods work in stretches of `span` frames, over which the powers a^(k+1) and
    a^−(k+1) stay within e^±300. The tables of those powers grow with the longest block seen
    (each element is the same whatever the table's length), so a new pole, as a turned
    attack or release knob gives every 64 frames, costs only the frames that follow. Two
    scratch arrays grow the same way (at most SEGMENT frames) and are kept, for the reason
    `WorkArrays` gives."""

    def __init__(self, a: float) -> None:
        self.a = math.nan
        self._scratch = (np.empty(0), np.empty(0))
        self.set_pole(a)

    def set_pole(self, a: float) -> None:
        """Take a new pole; the tables are rebuilt as the next blocks need them."""
        if a == self.a:
            return
        self.a = a
        self._beta = -math.log(a)
        beta = self._beta
        self._span = (
            SEGMENT if beta * SEGMENT <= _MAX_LOG_SPAN else max(1, int(_MAX_LOG_SPAN / beta))
        )
        self._decay = np.empty(0)  # a^(k+1)
        self._growth = np.empty(0)  # a^−(k+1)
        self._input_growth = np.empty(0)  # (1 − a)·a^−(k+1): an input's weight in the sum
        self._stretch_frames = -1
        self._stretch: _Stretch | None = None

    def _views(self, frames: int) -> _Stretch:
        if frames == self._stretch_frames and self._stretch is not None:
            return self._stretch
        if len(self._decay) < frames:
            size = min(self._span, max(frames, 2 * len(self._decay), 64))
            steps = np.arange(1, size + 1, dtype=np.float64) * self._beta
            self._decay = np.exp(-steps)
            self._growth = np.exp(steps)
            self._input_growth = (1.0 - self.a) * self._growth
        if len(self._scratch[0]) < frames:
            size = min(self._span, max(frames, 2 * len(self._scratch[0]), 64))
            self._scratch = (np.empty(size), np.empty(size))
        tables = (self._decay, self._growth, self._input_growth)
        self._stretch = _Stretch(tables, self._scratch, frames)
        self._stretch_frames = frames
        return self._stretch

    def smooth(self, x: np.ndarray, y0: float, out: np.ndarray | None = None) -> np.ndarray:
        """The plain one-pole response to x, starting from y0, in `out` (a new array if
        None; it may be x): y[n] = a^(n+1)·(y0 + Σ_k (1 − a)·a^−(k+1)·x[k])."""
        return self._in_stretches(self._smooth, x, y0, out)

    def _in_stretches(self, step, x: np.ndarray, y0: float,
                      out: np.ndarray | None) -> np.ndarray:
        """Run `step(x, y0, out) -> the last y` over x in stretches of at most `span` frames,
        each starting from where the one before ended."""
        if out is None:
            out = np.empty(len(x))
        for start in range(0, len(x), self._span):
            stop = min(start + self._span, len(x))
            y0 = step(x[start:stop], y0, out[start:stop])
        return out

    def _smooth(self, x: np.ndarray, y0: float, out: np.ndarray) -> float:
        views = self._views(len(x))
        np.multiply(x, views.input_growth, views.weighted)
        views.weighted[0] += y0
        views.lanes.sum_into(out)
        out *= views.decay
        return float(out[-1])

    def release_peak(self, x: np.ndarray, y0: float, out: np.ndarray | None = None) -> np.ndarray:
        """y[n] = max(x[n], a·y[n−1] + (1 − a)·x[n]) for x ≥ 0, y0 ≥ 0: instant attack, a
        one-pole release towards x; in `out` (a new array if None; it may be x).

        Unrolled, y[n] = L[n] + max_k a^(n−k)·(x[k] − L[k]), where L is the one-pole response
        of x from rest and k runs over the frames so far (k = −1 standing for y0, whose term
        is a^(n+1)·y0): a running maximum of (x[k] − L[k])·a^−(k+1), scaled by a^(n+1).
        L·a^−(n+1) is the running sum of (1 − a)·a^−(k+1)·x[k], so the scaled excess is
        x·a^−(n+1) less that sum, and y = a^(n+1)·(sum + running maximum)."""
        return self._in_stretches(self._release_peak, x, y0, out)

    def _release_peak(self, x: np.ndarray, y0: float, out: np.ndarray) -> float:
        views = self._views(len(x))
        excess = np.multiply(x, views.growth, views.excess)
        np.multiply(x, views.input_growth, views.weighted)
        views.lanes.sum_into(out)  # L·a^−(n+1)
        excess -= out
        # y0's term, and +0 rather than a negative start for the bitwise maximum.
        excess[0] = max(0.0, y0, float(excess[0]))
        _running_max_nonnegative(excess)
        out += excess
        out *= views.decay
        return float(out[-1])


class PeakDetector:
    """The smooth decoupled peak detector of Giannoulis, Massberg and Reiss ("Digital Dynamic
    Range Compressor Design — A Tutorial and Analysis", JAES 2012): the release stage
    (`OnePole.release_peak`), then the attack stage (`OnePole.smooth`) on its output."""

    def __init__(self, attack: float, release: float) -> None:
        self.attack = OnePole(attack)
        self.release = OnePole(release)

    def set_poles(self, attack: float, release: float) -> None:
        """New poles for the attack and the release stage (the states are the caller's)."""
        self.attack.set_pole(attack)
        self.release.set_pole(release)

    def run(
        self, x: np.ndarray, held: float, smoothed: float, out: np.ndarray
    ) -> tuple[float, float]:
        """The detector's output for x (≥ 0) from the stages' states `held` and `smoothed`
        (≥ 0), in `out` (as long as x; it may be x); the states after the last frame."""
        if not len(x):
            return held, smoothed
        self.release.release_peak(x, held, out)
        held = float(out[-1])
        self.attack.smooth(out, smoothed, out)
        return held, float(out[-1])


def linked_peak(block: np.ndarray) -> np.ndarray:
    """The detector: the loudest channel's magnitude at each frame, float64."""
    peak = np.abs(block[:, 0]).astype(np.float64)
    for channel in range(1, block.shape[1]):
        np.maximum(peak, np.abs(block[:, channel]), out=peak)
    return peak


def linked_peak32(
    block: np.ndarray, out: np.ndarray | None = None, column: np.ndarray | None = None
) -> np.ndarray:
    """The stereo-linked detector (`linked_peak`) in float32: the magnitudes of float32
    samples are exact in float32, so only the cost changes. `out` and `column` are float32
    arrays as long as the block (new ones if None)."""
    peak = np.abs(block[:, 0], out)
    for channel in range(1, block.shape[1]):
        np.maximum(peak, np.abs(block[:, channel], column), out=peak)
    return peak


def apply_gain_db(
    block: np.ndarray,
    reduction_db: np.ndarray,
    makeup_db: float = 0.0,
    gain: np.ndarray | None = None,
) -> None:
    """Scale every channel by makeup_db − reduction_db. The gain is float32 (`gain`, as long
    as the block, or a new array): within a step or two of the float64 one, its exponential
    3x faster; the makeup is added to the exponent in float32 too, which keeps a reduction of
    0 at exactly the makeup gain."""
    if gain is None:
        gain = np.empty(block.shape[0], np.float32)
    np.multiply(reduction_db, -1.0 / _DB_PER_NEPER, gain)
    if makeup_db != 0.0:
        gain += np.float32(makeup_db / _DB_PER_NEPER)
    np.exp(gain, gain)
    if block.shape[1] == 2 and block.flags.c_contiguous:
        # A stereo frame seen as one complex number times a real gain: both channels in one
        # contiguous pass (the products are the same), twice as fast as one column at a time.
        frames = block.view(np.complex64)[:, 0]
        frames *= gain
        return
    # One column at a time: broadcasting a (frames, 1) gain over (frames, channels) makes
    # numpy's inner loop `channels` elements long (four times slower here).
    for channel in range(block.shape[1]):
        block[:, channel] *= gain


def level_db(magnitude: np.ndarray) -> np.ndarray:
    """20·log10 of the magnitude; silence is −inf."""
    with np.errstate(divide="ignore"):
        return 20.0 * np.log10(magnitude)


def sliding_max(x: np.ndarray, width: int) -> np.ndarray:
    """out[i] = max(x[i : i + width]) for every full window, in O(n) (van Herk / Gil–Werman)."""
    if width == 1:
        return x.copy()
    count = len(x) - width + 1
    pad = (-len(x)) % width
    blocks = np.concatenate([x, np.full(pad, -np.inf)]).reshape(-1, width)
    prefix = np.maximum.accumulate(blocks, axis=1).ravel()
    suffix = np.maximum.accumulate(blocks[:, ::-1], axis=1)[:, ::-1].ravel()
    return np.maximum(suffix[:count], prefix[width - 1 : width - 1 + count])


def static_reduction_db(
    level: np.ndarray, threshold_db: float, ratio: float, knee_db: float
) -> np.ndarray:
    """The compressor's gain computer: how many dB a steady input at `level` is turned down.

    Below the knee nothing; above it (1 − 1/ratio)·(level − threshold); inside a knee of width
    W the quadratic (1 − 1/ratio)·(level − threshold + W/2)² / (2W), which meets both."""
    over = level - threshold_db
    slope = 1.0 - 1.0 / ratio
    if knee_db <= 0.0:
        return slope * np.maximum(over, 0.0)
    half = knee_db / 2.0
    with np.errstate(invalid="ignore"):
        knee = np.square(np.clip(over, -half, half) + half) / (2.0 * knee_db)
    return slope * np.where(over > half, over, knee)


class GainComputer:
    """`static_reduction_db` for the float32 magnitudes of the stereo-linked detector, with
    its constants folded into as few passes as possible.

    With u = max(level − threshold + W/2, 0) (the level above the knee's lower edge) and
    q = min(u, W), the curve is (1 − 1/ratio)·(u − q + q²/(2W)): zero below the knee, the
    quadratic inside, and the straight line above. The level is the natural log in float32
    (within about 1e-6 dB of the float64 one, far below what a compressor can be heard to do,
    at a third of its cost), scaled to dB in float64."""

    def __init__(self, threshold_db: float, ratio: float, knee_db: float) -> None:
        knee_db = max(knee_db, 0.0)
        slope = 1.0 - 1.0 / ratio
        edge_db = threshold_db - knee_db / 2.0
        self.floor = 10.0 ** (edge_db / 20.0)
        """The magnitude at or below which nothing is wanted (the knee's lower edge)."""
        self._scale = slope * _DB_PER_NEPER  # slope·u = ln(magnitude)·scale − offset
        self._offset = slope * edge_db
        self._knee = slope * knee_db  # slope·W
        self._inverse_twice_knee = 1.0 / (2.0 * self._knee) if self._knee > 0.0 else 0.0

    def reaches_knee(self, magnitude: np.ndarray) -> bool:
        """Whether any of these magnitudes wants a reduction."""
        return bool(len(magnitude)) and float(_largest(magnitude)) > self.floor

    def reduction_db(
        self, magnitude: np.ndarray, out: np.ndarray, scratch: np.ndarray
    ) -> np.ndarray:
        """The wanted reduction in dB for float32 magnitudes, in `out` (float64, as long as
        `magnitude`); `magnitude` and `scratch` (float64, as long) are overwritten."""
        with np.errstate(divide="ignore"):  # silence: −inf, then nothing wanted
            np.log(magnitude, magnitude)
        wanted = np.multiply(magnitude, self._scale, out, dtype=np.float64)
        wanted -= self._offset
        np.maximum(wanted, 0.0, out=wanted)  # slope·u
        if self._knee == 0.0:
            return wanted
        inside = np.minimum(wanted, self._knee, out=scratch)  # slope·q
        wanted -= inside
        inside *= inside
        inside *= self._inverse_twice_knee  # slope·q²/(2W)
        wanted += inside
        return wanted
