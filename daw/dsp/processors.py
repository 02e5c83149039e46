"""The Processor interface that every effect sits behind, and the simplest effect (gain).

A processor works in place on float32 blocks of shape (frames, channels) and keeps whatever
state it needs between blocks (filter memories, tails), so a stream of blocks gives the same
result as one long block. The registry of effect kinds is `daw.dsp.effects`.

Three promises every processor keeps, because the engine plays from a buffer rendered a few
hundred milliseconds ahead and still wants a turned knob heard at once:

- `set_params` takes new settings in place, keeping the state, cheaply enough to be called
  every 64 frames while a parameter is automated;
- `snapshot` copies the state (not the parameters) cheaply enough to be taken every 1024
  frames, and `restore` returns to it, so the engine can render the last stretch again with
  the new settings from a point that sounded exactly as it did;
- `exact_state` says whether that return is exact (our numpy effects: the same samples, bit
  for bit) or rebuilt by replaying recent input (plugins whose state cannot be copied).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping

import numpy as np

from daw.dsp.gain import db_to_gain


class Processor(ABC):
    """One effect instance for one channel layout at one sample rate."""

    latency_frames: int = 0

    exact_state: bool = True
    """True when `restore` gives back the state exactly (the same samples follow, bit for
    bit); False when it is rebuilt by replaying recent input, close but not identical."""

    @abstractmethod
    def process(self, block: np.ndarray) -> None:
        """Process `block` (frames, channels), float32, in place."""

    def reset(self) -> None:  # noqa: B027 - stateless processors have nothing to forget
        """Forget all state, as after a locate."""

    def set_params(self, params: Mapping[str, float]) -> bool:
        """Take new settings without losing state (a knob turned while playing); False if this
        processor cannot, and a new one must be built (its state then starts afresh)."""
        return False

    @abstractmethod
    def snapshot(self) -> object:
        """A copy of everything process() depends on besides the parameters, cheap enough to
        take every 1024 frames while playing (the engine keeps a dozen of them)."""

    @abstractmethod
    def restore(self, state: object) -> None:
        """Return to exactly the state of that snapshot (same parameters assumed).

        The engine restores a snapshot at most about a second old and renders again from
        there, usually after `set_params`: the state then carries on under the new settings,
        as if the knob had been turned at that point. Where `exact_state` is False the state
        is rebuilt, as close as a replay of recent input gets."""


class GainProcessor(Processor):
    """Utility gain (trim) and polarity: the simplest effect, and a model for the others."""

    def __init__(self, gain_db: float = 0.0, invert_polarity: float = 0.0) -> None:
        self._factor = np.float32(1.0)
        self.set_params({"gain_db": gain_db, "invert_polarity": invert_polarity})

    def set_params(self, params: Mapping[str, float]) -> bool:
        sign = -1.0 if params.get("invert_polarity", 0.0) >= 0.5 else 1.0
        self._factor = np.float32(db_to_gain(params.get("gain_db", 0.0)) * sign)
        return True

    def process(self, block: np.ndarray) -> None:
        if self._factor != 1.0:
            block *= self._factor

    def snapshot(self) -> object:
        return None  # memoryless

    def restore(self, state: object) -> None:
        pass


ProcessorFactory = Callable[[Mapping[str, float], int, int], Processor]
"""(params, channels, sample_rate) -> a processor."""


def _gain(params: Mapping[str, float], channels: int, rate: int) -> Processor:
    return GainProcessor(params.get("gain_db", 0.0), params.get("invert_polarity", 0.0))


EFFECTS: dict[str, ProcessorFactory] = {"gain": _gain}
PARAMETERS = {
    "gain": (("gain_db", "Gain", "dB", -48.0, 24.0, 0.0),
             ("invert_polarity", "Invert polarity", "", 0.0, 1.0, 0.0)),
}
