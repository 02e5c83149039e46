"""True-peak limiter: a lookahead limiter whose detector listens between the samples, so the
waveform a DAC or a lossy decoder rebuilds stays under the ceiling in dBTP.

A sample-peak limiter keeps every sample under its ceiling, yet the waveform between two
samples can rise up to 3 dB above them (a sine at a quarter of the sample rate sampled at 45°
reads 0.707 while it peaks at 1.0); streaming services measure, and lossy codecs clip, those
inter-sample peaks. So the detector oversamples 4× (ITU-R BS.1770-4 Annex 2) and the gain is
applied to the signal at its own rate: nothing is filtered, only delayed and turned down.

Two interpolators listen, and the louder reading counts: a Kaiser-windowed sinc, 32 taps per
phase (the design of `daw.dsp.true_peak`: flat within 0.001 dB to 20 kHz, phase 0 the sample
itself), which reads what an ideal reconstruction gives; and the standard's own 48-tap filter,
whose ±0.17 dB passband ripple makes meters built on it read up to 0.2 dB higher on some
material (and up to 0.5 dB higher once a fast release modulates full-band noise). Honouring
both keeps either kind of meter under the ceiling, at about twice the cost of one.

The gain for a frame must honour every peak the interpolators see around it, which a gain
changing sample by sample would not: the rebuilt waveform near a peak is a weighted sum of
the gained samples on both sides. So each wanted reduction is held `HOLD_FRAMES` frames
before and after its peak, then spread back over the rest of the lookahead, released with a
one-pole and averaged over that ramp, as the sample-peak `Limiter` in `daw.dsp.dynamics` does:
the gain glides down before a peak and is flat across it and its neighbours. The gain aims
`MARGIN_DB` under the ceiling for what is left. Measured with the margin set to zero, on
squares, saws, inter-sample-peak sines (11 to 20 kHz), noise and drums, band-limited to
20 kHz and driven up to 24 dB into the limiter, with lookaheads of 1, 5 and 10 ms and
releases of 5 to 300 ms: an ideal (FFT) 4× interpolation of the output read at most 0.005 dB
over the aim, the standard's filter 0.002 dB; on full-band signals (white noise, naive squares
and saws) the standard's filter read at most the aim. (An ideal interpolator reads full-band
white noise up to 1.4 dB higher: content between 20 and 24 kHz, which no 4× FIR meter
reconstructs, and which music hardly has.)

Whatever comes in, what goes out is finite and under the ceiling: NaN and infinite samples
are taken as silence before anything else sees them, and a huge finite one (1e30) is turned
down like any peak, then clipped to the aim like every sample.

Latency: the lookahead, and at least the interpolator's half length plus the hold plus one
frame (23 frames, so 1 ms is always possible from 32 kHz up). A new lookahead changes the
latency, so `set_params` refuses it and a new limiter is built; every other setting is taken
in place. A snapshot is the lookahead audio and the detector's history (at 1 ms, 48 kHz and
stereo about 1.1 kB), restored exactly. Measured here: about 40× faster than real time on a
stereo 48 kHz signal in 4096-frame blocks on two shared cores (the detector's convolutions,
three of 32 taps and four of 12 a channel, are most of it).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from daw.dsp.envelope import SEGMENT, OnePole, sliding_max, smoothing_coefficient
from daw.dsp.eq import ParamSpec, resolve_params
from daw.dsp.processors import Processor, ProcessorFactory
from daw.dsp.true_peak import TAPS_PER_PHASE, interpolation_weights

KIND = "truepeak_limiter"

TRUEPEAK_LIMITER_PARAMETERS: tuple[ParamSpec, ...] = (
    ("input_gain_db", "Input gain", "dB", -12.0, 24.0, 0.0),
    ("ceiling_dbtp", "Ceiling", "dBTP", -12.0, 0.0, -1.0),
    ("release_ms", "Release", "ms", 5.0, 1000.0, 100.0),
    ("lookahead_ms", "Lookahead", "ms", 1.0, 10.0, 5.0),
)

OVERSAMPLING = 4
DETECTOR_LATENCY = TAPS_PER_PHASE // 2
"""Frames the interpolators need after a frame to rebuild the waveform around it."""
HOLD_FRAMES = 6
"""A peak's reduction also covers this many frames before and after it (the reach of the
standard's 12-tap interpolator)."""
MARGIN_DB = 0.1
"""The gain stage aims this far under the ceiling, for what the hold cannot cover: the
interpolators' far taps see gains a little different from the peak's. Measured: at most
0.005 dB over the aim (module docstring), so 0.1 dB is ample."""

BS1770_PHASES = (
    (0.0017089843750, 0.0109863281250, -0.0196533203125, 0.0332031250000, -0.0594482421875,
     0.1373291015625, 0.9721679687500, -0.1022949218750, 0.0476074218750, -0.0266113281250,
     0.0148925781250, -0.0083007812500),
    (-0.0291748046875, 0.0292968750000, -0.0517578125000, 0.0891113281250, -0.1665039062500,
     0.4650878906250, 0.7797851562500, -0.2003173828125, 0.1015625000000, -0.0582275390625,
     0.0330810546875, -0.0189208984375),
)
"""The first two phases of ITU-R BS.1770-4 Annex 2's 48-tap interpolator; the other two are
these reversed (the filter is symmetric)."""


_WEIGHTS = interpolation_weights(OVERSAMPLING)
_SINC_KERNELS = [np.ascontiguousarray(_WEIGHTS[::-1, p]) for p in range(1, OVERSAMPLING)]
"""The in-between phases as convolution kernels (np.convolve flips its kernel)."""
_BS1770_KERNELS = [np.array(phase) for phase in BS1770_PHASES] + [
    np.array(phase[::-1]) for phase in reversed(BS1770_PHASES)
]
_BS1770_TAPS = len(BS1770_PHASES[0])


def latency_for(lookahead_ms: float, sample_rate: int) -> int:
    """The limiter's delay in frames for a lookahead setting."""
    wanted = round(lookahead_ms * sample_rate / 1000.0)
    return max(wanted, DETECTOR_LATENCY + HOLD_FRAMES + 1)


class TruePeakLimiter(Processor):
    """The "truepeak_limiter" effect: input gain, then a lookahead limiter on 4× oversampled
    peaks that keeps the output's true peak at or under `ceiling_dbtp`."""

    def __init__(self, params: Mapping[str, float], channels: int, sample_rate: int) -> None:
        self._rate = sample_rate
        self._channels = channels
        self._release = OnePole(0.5)
        p = resolve_params(KIND, TRUEPEAK_LIMITER_PARAMETERS, params)
        self.latency_frames = latency_for(p["lookahead_ms"], sample_rate)
        self._ramp = self.latency_frames - DETECTOR_LATENCY - HOLD_FRAMES
        """Frames over which the gain glides down before a peak's hold begins."""
        self._reduction_db = 0.0
        self.set_params(params)
        self.reset()

    @property
    def gain_reduction_db(self) -> float:
        """The deepest reduction during the last block, in dB (0 = none), for the meter."""
        return self._reduction_db

    def set_params(self, params: Mapping[str, float]) -> bool:
        p = resolve_params(KIND, TRUEPEAK_LIMITER_PARAMETERS, params)
        if latency_for(p["lookahead_ms"], self._rate) != self.latency_frames:
            return False
        self._input_gain = np.float32(10.0 ** (p["input_gain_db"] / 20.0))
        aim = 10.0 ** ((p["ceiling_dbtp"] - MARGIN_DB) / 20.0)
        self._aim = aim
        clip = float(np.float32(aim))
        self._clip = clip if clip <= aim else float(np.nextafter(np.float32(aim), np.float32(0)))
        self._release.set_pole(smoothing_coefficient(p["release_ms"], self._rate))
        return True

    def reset(self) -> None:
        channels = self._channels
        self._history = np.zeros((TAPS_PER_PHASE - 1, channels), dtype=np.float32)
        self._delay = np.zeros((self.latency_frames, channels), dtype=np.float32)
        self._wanted_history = np.zeros(2 * HOLD_FRAMES)
        self._held_history = np.zeros(self._ramp)
        self._released_history = np.zeros(self._ramp)
        self._released = 0.0
        self._reduction_db = 0.0

    def snapshot(self) -> object:
        return (
            self._history.copy(),
            self._delay.copy(),
            self._wanted_history.copy(),
            self._held_history.copy(),
            self._released_history.copy(),
            self._released,
        )

    def restore(self, state: object) -> None:
        history, delay, wanted, held, released_history, released = state  # type: ignore[misc]
        if delay.shape != self._delay.shape:
            raise ValueError(
                f"true-peak limiter: a snapshot with {delay.shape[0]} frames of latency does "
                f"not fit one with {self.latency_frames}"
            )
        self._history = history.copy()
        self._delay = delay.copy()
        self._wanted_history = wanted.copy()
        self._held_history = held.copy()
        self._released_history = released_history.copy()
        self._released = released

    def process(self, block: np.ndarray) -> None:
        deepest = 0.0
        for start in range(0, block.shape[0], SEGMENT):
            deepest = max(deepest, self._segment(block[start : start + SEGMENT]))
        if block.shape[0]:
            self._reduction_db = deepest

    def _true_peaks(self, joined: np.ndarray) -> np.ndarray:
        """Per frame, the loudest reading over the channels: the sample, the sinc's three points
        after it and the standard's four points about it, for the frames whose windows
        `joined` completes."""
        frames = joined.shape[0] - TAPS_PER_PHASE + 1
        centre = TAPS_PER_PHASE // 2 - 1
        # The standard's window, 12 frames centred half a frame after ours.
        lead = centre + 1 - _BS1770_TAPS // 2
        peak = np.zeros(frames)
        for channel in range(joined.shape[1]):
            column = joined[:, channel].astype(np.float64)
            np.maximum(peak, np.abs(column[centre : centre + frames]), out=peak)
            for kernel in _SINC_KERNELS:
                np.maximum(peak, np.abs(np.convolve(column, kernel, mode="valid")), out=peak)
            part = column[lead : lead + frames + _BS1770_TAPS - 1]
            for kernel in _BS1770_KERNELS:
                np.maximum(peak, np.abs(np.convolve(part, kernel, mode="valid")), out=peak)
        return peak

    def _segment(self, block: np.ndarray) -> float:
        """Process at most SEGMENT frames in place; returns the deepest reduction in dB."""
        frames = block.shape[0]
        if frames == 0:
            return 0.0
        gained = block * self._input_gain if self._input_gain != 1.0 else block.copy()
        _silence_nonfinite(gained)
        joined = np.concatenate([self._history, gained])
        self._history = joined[frames:].copy()
        peak = self._true_peaks(joined)  # frames N0 − DETECTOR_LATENCY + i
        with np.errstate(divide="ignore"):
            wanted = np.where(peak > self._aim, 1.0 - self._aim / peak, 0.0)
        # Reductions (1 − gain), so "none" stays exactly 0 through the sums. First the hold
        # around each peak (centred: HOLD_FRAMES more frames of delay) ...
        hold = 2 * HOLD_FRAMES
        wanted_ext = np.concatenate([self._wanted_history, wanted])
        self._wanted_history = wanted_ext[-hold:].copy()
        held = sliding_max(wanted_ext, hold + 1)
        # ... then the lookahead limiter on what is left of the latency: spread back over the
        # ramp, released, and averaged over the ramp (each frame of the average honours the
        # frame being output, so the average does too).
        ramp = self._ramp
        width = ramp + 1
        held_ext = np.concatenate([self._held_history, held])
        self._held_history = held_ext[-ramp:].copy()
        spread = sliding_max(held_ext, width)
        released = self._release.release_peak(spread, self._released)
        self._released = float(released[-1])
        released = np.where(released < 1e-12, 0.0, released)
        window = np.concatenate([self._released_history, released])
        self._released_history = window[-ramp:].copy()
        sums = np.cumsum(np.concatenate([[0.0], window]))
        reduction = np.maximum((sums[width:] - sums[:-width]) / width, 0.0)
        delayed = np.concatenate([self._delay, gained])
        self._delay = delayed[frames:].copy()
        gain = (1.0 - reduction).astype(np.float32)
        out = delayed[:frames]
        for channel in range(out.shape[1]):
            out[:, channel] *= gain
        np.clip(out, -self._clip, self._clip, out=out)
        block[...] = out
        deepest = float(reduction.max())
        return -20.0 * math.log10(1.0 - deepest) if 0.0 < deepest < 1.0 else 0.0


def _silence_nonfinite(block: np.ndarray) -> None:
    """Zero NaN and ±inf (input gain can make infinity of a huge sample) in place: one of them
    would otherwise make the gain, the delay line and every later output NaN. A finite sum
    proves the block clean without a look at each sample."""
    with np.errstate(over="ignore", invalid="ignore"):
        total = np.add.reduce(block, axis=None)
    if not np.isfinite(total):
        np.nan_to_num(block, copy=False, nan=0.0, posinf=0.0, neginf=0.0)


def make_truepeak_limiter(params: Mapping[str, float], channels: int,
                          sample_rate: int) -> Processor:
    """Factory for the "truepeak_limiter" kind."""
    return TruePeakLimiter(params, channels, sample_rate)


EFFECTS: dict[str, ProcessorFactory] = {KIND: make_truepeak_limiter}
PARAMETERS: dict[str, tuple[ParamSpec, ...]] = {KIND: TRUEPEAK_LIMITER_PARAMETERS}
