"""Input monitoring: the live input of monitored tracks, through their chains, to the output.

Monitoring takes a short path of its own, not the render-ahead one: each input block is
processed as soon as the engine thread picks it up and goes into a small ring of its own, kept
about one device block deep, so the person hears themselves a few milliseconds late instead of
a quarter of a second.
"""

from __future__ import annotations

import numpy as np

from daw.dsp.effects import create_processor
from daw.dsp.gain import db_to_gain
from daw.dsp.pan import mono_pan_gains, stereo_balance_gains
from daw.dsp.processors import Processor
from daw.engine.live.audio_io import AudioIO
from daw.model.project import Track


class _MonitoredTrack:
    def __init__(self, track: Track, rate: int) -> None:
        self.channels = list(track.input_channels)
        width = len(self.channels)
        pan = mono_pan_gains(track.pan) if width == 1 else stereo_balance_gains(track.pan)
        fader = db_to_gain(track.gain_db)
        self.gains = np.array([fader * pan[0], fader * pan[1]], dtype=np.float32)
        self.processors: list[Processor] = [
            create_processor(e.kind, dict(e.params), width, rate)
            for e in track.effects if not e.bypassed
        ]


class Monitor:
    """Feeds the monitor ring from input blocks. Engine thread only."""

    def __init__(self, io: AudioIO) -> None:
        self._io = io
        self._tracks: list[_MonitoredTrack] = []
        self._cushion = np.zeros((io.info.block_size, 2), dtype=np.float32)
        self._out = np.zeros((4096, 2), dtype=np.float32)

    def configure(self, tracks: list[Track]) -> None:
        """Monitor these tracks (with their current chains and mixer settings)."""
        self._tracks = [_MonitoredTrack(t, self._io.info.rate) for t in tracks]

    def process(self, block: np.ndarray) -> None:
        """Send one block of device input (frames, inputs) to the monitor ring."""
        io = self._io
        n = block.shape[0]
        if n > len(self._out):
            self._out = np.zeros((n, 2), dtype=np.float32)
        out = self._out[:n]
        out.fill(0.0)
        for track in self._tracks:
            signal = np.ascontiguousarray(block[:, track.channels])
            for processor in track.processors:
                processor.process(signal)
            out += signal * track.gains
        if not io.is_running(io.monitor):
            io.monitor.ring.flush()
            io.write(io.monitor, self._cushion)
            io.queue(io.monitor)
        io.write(io.monitor, out)

    def stop(self) -> None:
        self._io.cancel(self._io.monitor)
