"""Stereo width: mid/side scaling of a stereo signal, with an optional "bass mono below" that
takes the side out of the low end.

Mid M = (L + R)/2 and side S = (L − R)/2 are the stereo signal's sum and difference; scaling S
by the width (0 % mono, 100 % as it was, 200 % twice the difference) and rebuilding L = M + S,
R = M − S changes the image and leaves the mono sum untouched, so a widened master folds down
to mono exactly as before. Widening only turns up what is already different between the
channels: a mono mix stays mono.

Bass mono runs the side through a 4th-order Linkwitz–Riley high-pass (two Butterworth
sections, −6 dB at the frequency, 24 dB/oct below): low end stays centred (vinyl cutting,
club systems and phones summing to mono all want that) while the image above is kept. Only the
side is filtered, so the mid, and with it the mono sum, is untouched at every frequency.

With 100 % width and bass mono off the signal comes back bit for bit (float64 arithmetic on
float32 samples: (L + R)/2 + (L − R)/2 is exactly L). A mono signal passes untouched. New
settings keep the high-pass's memory; the snapshot is that memory, restored exactly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from daw.dsp.biquad import BiquadCascade
from daw.dsp.eq import ParamSpec, highpass, resolve_params
from daw.dsp.processors import Processor, ProcessorFactory

KIND = "width"
_BUTTERWORTH_Q = 1.0 / math.sqrt(2.0)

WIDTH_PARAMETERS: tuple[ParamSpec, ...] = (
    ("width_percent", "Width", "%", 0.0, 200.0, 100.0),
    ("bass_mono_on", "Bass mono", "", 0.0, 1.0, 0.0),
    ("bass_mono_hz", "Bass mono below", "Hz", 20.0, 500.0, 120.0),
)


def _sections(freq_hz: float, sample_rate: int) -> list[np.ndarray]:
    section = highpass(freq_hz, _BUTTERWORTH_Q, sample_rate)
    return [section, section.copy()]


class StereoWidth(Processor):
    """The "width" effect on (frames, 2) blocks; other channel counts pass untouched."""

    def __init__(self, params: Mapping[str, float], channels: int, sample_rate: int) -> None:
        self._rate = sample_rate
        self._channels = channels
        self._freq_hz = math.nan
        self._bass_mono = False
        self._side_filter = BiquadCascade(_sections(120.0, sample_rate), 1)
        self.set_params(params)
        self.reset()

    def set_params(self, params: Mapping[str, float]) -> bool:
        p = resolve_params(KIND, WIDTH_PARAMETERS, params)
        self._width = p["width_percent"] / 100.0
        bass_mono = p["bass_mono_on"] >= 0.5
        if bass_mono and not self._bass_mono:
            self._side_filter.reset()  # switched on: the filter starts from rest
        self._bass_mono = bass_mono
        if p["bass_mono_hz"] != self._freq_hz:
            self._freq_hz = p["bass_mono_hz"]
            self._side_filter.set_sections(_sections(self._freq_hz, self._rate))
        return True

    def reset(self) -> None:
        self._side_filter.reset()

    def snapshot(self) -> object:
        return self._side_filter.snapshot()

    def restore(self, state: object) -> None:
        self._side_filter.restore(state)  # type: ignore[arg-type]

    def process(self, block: np.ndarray) -> None:
        if self._channels != 2 or block.shape[0] == 0:
            return
        if self._width == 1.0 and not self._bass_mono:
            return
        left = block[:, 0].astype(np.float64)
        right = block[:, 1].astype(np.float64)
        mid = (left + right) * 0.5
        side = (left - right) * 0.5
        if self._bass_mono:
            side = self._side_filter.process(side[None, :])[0]
        side *= self._width
        block[:, 0] = mid + side
        block[:, 1] = mid - side


def make_width(params: Mapping[str, float], channels: int, sample_rate: int) -> Processor:
    """Factory for the "width" kind."""
    return StereoWidth(params, channels, sample_rate)


EFFECTS: dict[str, ProcessorFactory] = {KIND: make_width}
PARAMETERS: dict[str, tuple[ParamSpec, ...]] = {KIND: WIDTH_PARAMETERS}
