"""Dynamics: compressor, noise gate, lookahead limiter and de-esser, vectorised with numpy.

All four share one shape: a stereo-linked detector (the loudest channel at each frame) turns
the input into a wanted gain reduction, a smoother gives it attack and release, and one gain
curve is applied to every channel, so the stereo image does not wander.

Why not pedalboard's: its Compressor has no knee and no makeup and detects each channel on its
own; its Limiter has no lookahead, so it cannot promise a ceiling. And why not a per-sample
loop: in Python it is far too slow. The smoothers (`daw.dsp.envelope`: a one-pole filter and
the release stage of the smooth decoupled peak detector of Giannoulis, Massberg and Reiss,
"Digital Dynamic Range Compressor Design — A Tutorial and Analysis", JAES 2012) are
recurrences solved a block at a time with array operations, exactly (to float64 rounding), so
any block size gives the same sound to within about 1e-12.

Attack and release times are time constants: after a step the gain reduction covers 63 % of
the change in that time (the compressor's release a little more, as its attack stage follows
the release stage). Measured on this machine (two cores shared with other work, best of
three), a 3-minute stereo 48 kHz signal in 4096-frame blocks runs this many times faster than
real time: compressor ≈ 240×, gate ≈ 260×, limiter ≈ 220×, de-esser ≈ 150× (in one call:
370×, 310×, 280×, 175×). Against the formulas: the compressor's static curve is within
0.01 dB for steady 1 kHz sines from −60 to 0 dBFS, hard or soft knee; a 10 ms attack reaches
63 % in 9.98 ms and a 100 ms release in 110 ms; the limiter's output never exceeds its ceiling.

`gain_reduction_db` on every processor is the deepest reduction during the last block, in dB
(0 = none, 6 = half the amplitude), for the meter next to the effect.

New settings (`set_params`) keep the envelopes, the sidechain filter's memory and the
lookahead buffer; `snapshot` is a handful of floats (the limiter adds its lookahead, at most
20 ms of audio), and `restore` is exact.
"""

from __future__ import annotations

import math
from abc import abstractmethod
from collections.abc import Mapping

import numpy as np

from daw.dsp.envelope import (
    SEGMENT,
    OnePole,
    level_db,
    linear_recurrence,
    linked_peak,
    sliding_max,
    smoothing_coefficient,
    static_reduction_db,
)
from daw.dsp.eq import BiquadCascade, ParamSpec, bandpass, resolve_params
from daw.dsp.processors import Processor, ProcessorFactory

_NEGLIGIBLE_DB = 1e-9
"""Reductions smaller than this count as none, so a processor is transparent again, bit for
bit, once a release has died away rather than only after the float underflows."""

COMPRESSOR_PARAMETERS: tuple[ParamSpec, ...] = (
    ("threshold_db", "Threshold", "dB", -60.0, 0.0, -20.0),
    ("ratio", "Ratio", ":1", 1.0, 20.0, 4.0),
    ("attack_ms", "Attack", "ms", 0.1, 200.0, 10.0),
    ("release_ms", "Release", "ms", 5.0, 2000.0, 100.0),
    ("knee_db", "Knee", "dB", 0.0, 24.0, 6.0),
    ("makeup_db", "Makeup gain", "dB", -12.0, 24.0, 0.0),
)
GATE_PARAMETERS: tuple[ParamSpec, ...] = (
    ("threshold_db", "Threshold", "dB", -90.0, 0.0, -50.0),
    ("attack_ms", "Attack", "ms", 0.1, 100.0, 1.0),
    ("hold_ms", "Hold", "ms", 0.0, 500.0, 20.0),
    ("release_ms", "Release", "ms", 5.0, 2000.0, 100.0),
    ("range_db", "Range", "dB", 0.0, 90.0, 60.0),
)
LIMITER_PARAMETERS: tuple[ParamSpec, ...] = (
    ("ceiling_db", "Ceiling", "dB", -24.0, 0.0, -0.3),
    ("release_ms", "Release", "ms", 1.0, 1000.0, 50.0),
    ("lookahead_ms", "Lookahead", "ms", 0.0, 20.0, 5.0),
)
DEESSER_PARAMETERS: tuple[ParamSpec, ...] = (
    ("freq_hz", "Frequency", "Hz", 2000.0, 16000.0, 6000.0),
    ("threshold_db", "Threshold", "dB", -60.0, 0.0, -30.0),
    ("range_db", "Range", "dB", 0.0, 24.0, 12.0),
)

_DEESSER_Q = 2.0
_DEESSER_ATTACK_MS = 0.5
_DEESSER_RELEASE_MS = 40.0


_DB_PER_NEPER = 20.0 / math.log(10.0)


def _apply_gain_db(block: np.ndarray, gain_db: np.ndarray) -> None:
    """Scale every channel by the gain curve, one column at a time: broadcasting a (frames,
    1) gain over (frames, 2) makes numpy's inner loop two elements long (four times slower
    here)."""
    gain = (gain_db * (1.0 / _DB_PER_NEPER)).astype(np.float32)
    np.exp(gain, out=gain)  # float32: within a step or two of the float64 gain, 3x faster
    for channel in range(block.shape[1]):
        block[:, channel] *= gain


def _peak32(block: np.ndarray) -> np.ndarray:
    """The stereo-linked detector (`linked_peak`) in float32: the magnitudes of float32
    samples are exact in float32, so only the cost changes."""
    peak = np.abs(block[:, 0])
    for channel in range(1, block.shape[1]):
        np.maximum(peak, np.abs(block[:, channel]), out=peak)
    return peak


def _level_db(magnitude: np.ndarray) -> np.ndarray:
    """20·log10 of a float32 magnitude, in float64 dB: the natural log in float32 (within
    1e-6 dB of the float64 one, far below what a compressor can be heard to do, at a third of
    its cost), times 20/ln 10; silence is −inf."""
    with np.errstate(divide="ignore"):
        level = np.log(magnitude).astype(np.float64)
    level *= _DB_PER_NEPER
    return level


def _snap(reduction_db: np.ndarray) -> np.ndarray:
    return np.where(reduction_db < _NEGLIGIBLE_DB, 0.0, reduction_db)


class _Dynamics(Processor):
    """Splits long blocks into segments and keeps the meter reading."""

    def __init__(self) -> None:
        self._reduction_db = 0.0
        self._block_reduction_db = 0.0

    @property
    def gain_reduction_db(self) -> float:
        """The deepest reduction during the last block, in dB (0 = none). Written by the
        engine thread, read by the UI's meter timer: a plain float, safe to read any time."""
        return self._reduction_db

    def process(self, block: np.ndarray) -> None:
        self._block_reduction_db = 0.0
        for start in range(0, block.shape[0], SEGMENT):
            self._segment(block[start : start + SEGMENT])
        if block.shape[0]:
            self._reduction_db = self._block_reduction_db

    @abstractmethod
    def _segment(self, block: np.ndarray) -> None:
        """Process at most SEGMENT frames in place."""

    def _meter(self, reduction_db: np.ndarray) -> None:
        self._block_reduction_db = max(self._block_reduction_db, float(reduction_db.max()))


# --- Compressor -----------------------------------------------------------------------------


class Compressor(_Dynamics):
    """Feed-forward compressor with a soft knee, the gain smoothed in the dB domain by the
    smooth decoupled peak detector (release stage, then attack stage)."""

    def __init__(self, params: Mapping[str, float], channels: int, sample_rate: int) -> None:
        super().__init__()
        self._rate = sample_rate
        self._attack = OnePole(0.5)
        self._release = OnePole(0.5)
        self.set_params(params)
        self.reset()

    def set_params(self, params: Mapping[str, float]) -> bool:
        p = resolve_params("compressor", COMPRESSOR_PARAMETERS, params)
        self._threshold_db = p["threshold_db"]
        self._ratio = p["ratio"]
        self._knee_db = p["knee_db"]
        self._makeup_db = p["makeup_db"]
        # Below this magnitude (the knee's lower edge) the gain computer wants no reduction.
        self._knee_floor = 10.0 ** ((self._threshold_db - self._knee_db / 2.0) / 20.0)
        self._attack.set_pole(smoothing_coefficient(p["attack_ms"], self._rate))
        self._release.set_pole(smoothing_coefficient(p["release_ms"], self._rate))
        self._neutral = self._ratio == 1.0 and self._makeup_db == 0.0
        return True

    def reset(self) -> None:
        self._held_db = 0.0  # release stage
        self._smooth_db = 0.0  # attack stage
        self._reduction_db = 0.0

    def snapshot(self) -> object:
        return (self._held_db, self._smooth_db)

    def restore(self, state: object) -> None:
        self._held_db, self._smooth_db = state  # type: ignore[misc]

    def _segment(self, block: np.ndarray) -> None:
        if self._neutral and max(self._held_db, self._smooth_db) < _NEGLIGIBLE_DB:
            # Nothing to do, and no reduction left to release (a ratio just set to 1:1).
            self._held_db = self._smooth_db = 0.0
            return
        peak = _peak32(block)
        if self._ratio == 1.0 or not (peak > self._knee_floor).any():
            # Nothing reaches the knee: nothing wanted, only a release to finish (or none).
            if max(self._held_db, self._smooth_db) < _NEGLIGIBLE_DB:
                self._held_db = self._smooth_db = 0.0
                self._meter(np.zeros(1))
                if self._makeup_db != 0.0:
                    block *= np.float32(math.exp(self._makeup_db / _DB_PER_NEPER))
                return
            wanted = np.zeros(len(peak))
        else:
            wanted = static_reduction_db(
                _level_db(peak), self._threshold_db, self._ratio, self._knee_db
            )
        held = self._release.release_peak(wanted, self._held_db)
        self._held_db = float(held[-1])
        smooth = self._attack.smooth(held, self._smooth_db)
        self._smooth_db = float(smooth[-1])
        reduction = _snap(smooth)
        self._meter(reduction)
        _apply_gain_db(block, self._makeup_db - reduction)


# --- Noise gate -----------------------------------------------------------------------------


class NoiseGate(_Dynamics):
    """Opens while the signal is at or above the threshold and for `hold_ms` after; a closed
    gate turns the signal down by `range_db`. Opening follows the attack time constant,
    closing the release one; the fade runs linearly in dB between open and closed. The
    detector runs even with no range, so a range turned up again finds the gate where the
    signal left it."""

    def __init__(self, params: Mapping[str, float], channels: int, sample_rate: int) -> None:
        super().__init__()
        self._rate = sample_rate
        self.set_params(params)
        self.reset()

    def set_params(self, params: Mapping[str, float]) -> bool:
        p = resolve_params("gate", GATE_PARAMETERS, params)
        self._threshold = 10.0 ** (p["threshold_db"] / 20.0)
        self._range_db = p["range_db"]
        self._hold_frames = round(p["hold_ms"] * self._rate / 1000.0)
        self._attack = smoothing_coefficient(p["attack_ms"], self._rate)
        self._release = smoothing_coefficient(p["release_ms"], self._rate)
        return True

    def reset(self) -> None:
        self._openness = 0.0  # 0 closed, 1 open: a gate starts closed
        self._since_loud = 1 << 62  # frames since the last one at or above the threshold
        self._reduction_db = 0.0

    def snapshot(self) -> object:
        return (self._openness, self._since_loud)

    def restore(self, state: object) -> None:
        self._openness, self._since_loud = state  # type: ignore[misc]

    def _segment(self, block: np.ndarray) -> None:
        frames = block.shape[0]
        index = np.arange(frames)
        loud = linked_peak(block) >= self._threshold
        last_loud = np.maximum.accumulate(np.where(loud, index, -1 - self._since_loud))
        is_open = index - last_loud <= self._hold_frames
        self._since_loud = min(int(frames - 1 - last_loud[-1]), 1 << 62)
        a = np.where(is_open, self._attack, self._release)
        b = np.where(is_open, 1.0 - self._attack, 0.0)
        openness = linear_recurrence(a, b, self._openness)
        self._openness = float(openness[-1])
        if self._range_db == 0.0:
            return
        reduction = _snap(self._range_db * (1.0 - np.clip(openness, 0.0, 1.0)))
        self._meter(reduction)
        _apply_gain_db(block, -reduction)


# --- Limiter --------------------------------------------------------------------------------


class Limiter(_Dynamics):
    """Lookahead peak limiter: no output sample exceeds the ceiling.

    The signal is delayed by the lookahead D. The gain a frame needs, min(1, ceiling/peak),
    is spread back over the D + 1 frames before it (a sliding minimum), given its release
    (a one-pole back towards 1), then averaged over D + 1 frames so the gain glides down
    during the lookahead instead of jumping. Every frame in that average already honours the
    frame being output, so the average does too; a final clip only trims float rounding.

    New settings keep the state, except a new lookahead: that changes the latency the engine
    compensates, so `set_params` refuses it and a new limiter is built."""

    def __init__(self, params: Mapping[str, float], channels: int, sample_rate: int) -> None:
        super().__init__()
        self._rate = sample_rate
        self._release = OnePole(0.5)
        self.latency_frames = self._lookahead_frames(params)
        self._channels = channels
        self.set_params(params)
        self.reset()

    def _lookahead_frames(self, params: Mapping[str, float]) -> int:
        p = resolve_params("limiter", LIMITER_PARAMETERS, params)
        return round(p["lookahead_ms"] * self._rate / 1000.0)

    def set_params(self, params: Mapping[str, float]) -> bool:
        if self._lookahead_frames(params) != self.latency_frames:
            return False
        p = resolve_params("limiter", LIMITER_PARAMETERS, params)
        ceiling = 10.0 ** (p["ceiling_db"] / 20.0)
        self._ceiling = ceiling
        self._clip = float(np.float32(ceiling))
        if self._clip > ceiling:  # the float32 nearest to the ceiling must not lie above it
            self._clip = float(np.nextafter(np.float32(ceiling), np.float32(0.0)))
        self._release.set_pole(smoothing_coefficient(p["release_ms"], self._rate))
        return True

    def reset(self) -> None:
        lookahead = self.latency_frames
        self._delay = np.zeros((lookahead, self._channels), dtype=np.float32)
        self._needed_history = np.zeros(lookahead)  # the last D wanted reductions
        self._released_history = np.zeros(lookahead)  # the last D released reductions
        self._released = 0.0
        self._reduction_db = 0.0

    def snapshot(self) -> object:
        # Small (the lookahead, at most 20 ms), and replaced rather than changed in place by
        # _segment; copied all the same, so the snapshot cannot be touched by what follows.
        return (
            self._delay.copy(),
            self._needed_history.copy(),
            self._released_history.copy(),
            self._released,
        )

    def restore(self, state: object) -> None:
        delay, needed, released_history, released = state  # type: ignore[misc]
        if delay.shape != self._delay.shape:
            raise ValueError(
                f"limiter: a snapshot with {delay.shape[0]} frames of lookahead does not fit "
                f"one with {self.latency_frames}"
            )
        self._delay = delay.copy()
        self._needed_history = needed.copy()
        self._released_history = released_history.copy()
        self._released = released

    def _segment(self, block: np.ndarray) -> None:
        lookahead = self.latency_frames
        width = lookahead + 1
        peak = linked_peak(block)
        with np.errstate(divide="ignore"):
            needed = np.where(peak > self._ceiling, 1.0 - self._ceiling / peak, 0.0)
        # Reductions (1 − gain) rather than gains, so "none" is exactly 0 through the sums.
        spread = sliding_max(np.concatenate([self._needed_history, needed]), width)
        released = self._release.release_peak(spread, self._released)
        self._released = float(released[-1])
        released = np.where(released < 1e-12, 0.0, released)
        window = np.concatenate([self._released_history, released])
        sums = np.cumsum(np.concatenate([[0.0], window]))
        reduction = np.maximum((sums[width:] - sums[:-width]) / width, 0.0)
        if lookahead:
            self._needed_history = np.concatenate([self._needed_history, needed])[-lookahead:]
            self._released_history = window[-lookahead:]
            delayed = np.concatenate([self._delay, block])
            self._delay = delayed[-lookahead:].copy()
            delayed = delayed[: block.shape[0]]
        else:
            delayed = block.copy()
        gain = 1.0 - reduction
        with np.errstate(divide="ignore"):
            self._meter(-20.0 * np.log10(gain))
        out = delayed * gain[:, None]
        np.clip(out, -self._clip, self._clip, out=out)
        block[...] = out


# --- De-esser -------------------------------------------------------------------------------


class DeEsser(_Dynamics):
    """Turns the whole signal down while a band around `freq_hz` (a band-pass sidechain) is
    above the threshold: by as much as the band exceeds it, at most `range_db`. The sidechain
    keeps listening with no range, so a range turned up again carries on smoothly."""

    def __init__(self, params: Mapping[str, float], channels: int, sample_rate: int) -> None:
        super().__init__()
        self._rate = sample_rate
        self._freq_hz = math.nan
        self._sidechain = BiquadCascade([bandpass(1000.0, _DEESSER_Q, sample_rate)], channels)
        self._attack = OnePole(smoothing_coefficient(_DEESSER_ATTACK_MS, sample_rate))
        self._release = OnePole(smoothing_coefficient(_DEESSER_RELEASE_MS, sample_rate))
        self.set_params(params)
        self.reset()

    def set_params(self, params: Mapping[str, float]) -> bool:
        p = resolve_params("deesser", DEESSER_PARAMETERS, params)
        self._threshold_db = p["threshold_db"]
        self._range_db = p["range_db"]
        if p["freq_hz"] != self._freq_hz:
            self._freq_hz = p["freq_hz"]
            self._sidechain.set_sections([bandpass(self._freq_hz, _DEESSER_Q, self._rate)])
        return True

    def reset(self) -> None:
        self._sidechain.reset()
        self._held_db = 0.0
        self._smooth_db = 0.0
        self._reduction_db = 0.0

    def snapshot(self) -> object:
        return (self._sidechain.snapshot(), self._held_db, self._smooth_db)

    def restore(self, state: object) -> None:
        sidechain, self._held_db, self._smooth_db = state  # type: ignore[misc]
        self._sidechain.restore(sidechain)

    def _segment(self, block: np.ndarray) -> None:
        band = self._sidechain.process(np.ascontiguousarray(block.T, dtype=np.float64))
        level = level_db(np.abs(band).max(axis=0))
        wanted = np.clip(level - self._threshold_db, 0.0, self._range_db)
        held = self._release.release_peak(wanted, self._held_db)
        self._held_db = float(held[-1])
        smooth = self._attack.smooth(held, self._smooth_db)
        self._smooth_db = float(smooth[-1])
        if self._range_db == 0.0:
            return
        reduction = _snap(smooth)
        self._meter(reduction)
        _apply_gain_db(block, -reduction)


def make_compressor(params: Mapping[str, float], channels: int, sample_rate: int) -> Processor:
    """Factory for the "compressor" kind."""
    return Compressor(params, channels, sample_rate)


def make_gate(params: Mapping[str, float], channels: int, sample_rate: int) -> Processor:
    """Factory for the "gate" kind."""
    return NoiseGate(params, channels, sample_rate)


def make_limiter(params: Mapping[str, float], channels: int, sample_rate: int) -> Processor:
    """Factory for the "limiter" kind."""
    return Limiter(params, channels, sample_rate)


def make_deesser(params: Mapping[str, float], channels: int, sample_rate: int) -> Processor:
    """Factory for the "deesser" kind."""
    return DeEsser(params, channels, sample_rate)


EFFECTS: dict[str, ProcessorFactory] = {
    "compressor": make_compressor,
    "gate": make_gate,
    "limiter": make_limiter,
    "deesser": make_deesser,
}
PARAMETERS: dict[str, tuple[ParamSpec, ...]] = {
    "compressor": COMPRESSOR_PARAMETERS,
    "gate": GATE_PARAMETERS,
    "limiter": LIMITER_PARAMETERS,
    "deesser": DEESSER_PARAMETERS,
}
