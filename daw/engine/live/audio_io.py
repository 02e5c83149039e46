"""The sound card, through rtmixer's audio callback written in C.

The callback never runs Python: it copies frames from our output ring buffers to the device and
from the device into our input ring buffer. Python threads keep the rings filled and drained
(see `daw.engine.live.transport`). This is the only module that starts audio streams.

rtmixer drops a ring's action without a word when the ring runs dry (output) or full (input);
`AudioIO.watch` notices, counts it as a dropout and queues the ring again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import rtmixer
import sounddevice as sd


class AudioDeviceError(Exception):
    """A device that cannot be opened, with PortAudio's reason."""


@dataclass(frozen=True)
class StreamInfo:
    """What the open stream really is (the device may differ from what was asked)."""

    output_device: str
    input_device: str | None
    rate: int
    block_size: int
    output_channels: int
    input_channels: int
    output_latency_frames: int
    """PortAudio's reported latencies, in frames; calibration measures the truth."""
    input_latency_frames: int


class _RingAction:
    """One ring buffer played or recorded by the callback, re-queued when rtmixer drops it."""

    def __init__(self, ring: rtmixer.RingBuffer, kind: str) -> None:
        self.ring = ring
        self.kind = kind
        self.action = None
        self.dropouts = 0


class AudioIO:
    """An open duplex (or output-only) stream with a play ring, a monitor ring and an input ring.

    Thread use: one controlling thread (the engine thread) calls everything here.
    """

    def __init__(
        self,
        output_device: int | str | None,
        input_device: int | str | None,
        rate: int,
        block_size: int,
        input_channels: int,
        output_channels: int = 2,
        play_ring_frames: int = 1 << 15,
        input_ring_frames: int = 1 << 17,
    ) -> None:
        kwargs = dict(samplerate=rate, blocksize=block_size, latency="low")
        try:
            if input_channels > 0:
                self._stream = rtmixer.MixerAndRecorder(
                    device=(input_device, output_device),
                    channels=(input_channels, output_channels), **kwargs)
            else:
                self._stream = rtmixer.Mixer(device=output_device, channels=output_channels,
                                             **kwargs)
        except (sd.PortAudioError, ValueError) as error:
            raise AudioDeviceError(f"cannot open the audio device ({error})") from error
        stream = self._stream
        duplex = input_channels > 0
        in_latency, out_latency = stream.latency if duplex else (0.0, stream.latency)
        device = stream.device if duplex else (None, stream.device)
        self.info = StreamInfo(
            output_device=sd.query_devices(device[1])["name"],
            input_device=sd.query_devices(device[0])["name"] if duplex else None,
            rate=int(stream.samplerate),
            block_size=block_size,
            output_channels=output_channels,
            input_channels=input_channels,
            output_latency_frames=round(out_latency * stream.samplerate),
            input_latency_frames=round(in_latency * stream.samplerate),
        )
        frame_bytes = 4 * output_channels
        self.play = _RingAction(rtmixer.RingBuffer(frame_bytes, play_ring_frames), "play")
        self.monitor = _RingAction(rtmixer.RingBuffer(frame_bytes, 1 << 13), "play")
        self.input = (
            _RingAction(rtmixer.RingBuffer(4 * input_channels, input_ring_frames), "record")
            if duplex else None
        )
        self._underflows = 0
        self._stats_request = None

    # --- stream ---------------------------------------------------------------------------

    def start(self) -> None:
        self._stream.start()

    def close(self) -> None:
        """Stop the stream and release the device."""
        try:
            self._stream.stop()
        finally:
            self._stream.close()

    @property
    def time(self) -> float:
        """The stream's clock in seconds (the callback's time base)."""
        return self._stream.time

    # --- rings ----------------------------------------------------------------------------

    def queue(self, ring: _RingAction, start_time: float = 0.0) -> None:
        """Start playing or recording `ring` at stream time `start_time` (0: at once).

        A ring has one action at a time: two would share its frames between them.
        """
        if self.is_running(ring):
            raise RuntimeError(f"the {ring.kind} ring is already running")
        if ring.kind == "play":
            ring.action = self._stream.play_ringbuffer(ring.ring, start=start_time)
        else:
            ring.action = self._stream.record_ringbuffer(ring.ring, start=start_time)

    def is_running(self, ring: _RingAction) -> bool:
        return ring.action is not None and ring.action in self._stream.actions

    def frames_done(self, ring: _RingAction) -> int:
        return 0 if ring.action is None else int(ring.action.done_frames)

    def start_together(self, timeout: float = 2.0) -> int:
        """Start the input ring and the (prefilled) play ring in the same callback if possible,
        and return by how many frames the input started before the output (0, or a block when
        the callback ran between the two requests).

        Alignment then rests on counting frames, not on the stream's timestamps, which drift by
        however late a callback runs (measured: hundreds of frames on a loaded machine).
        """
        assert self.input is not None
        self.cancel(self.input)
        self.queue(self.input)
        self.queue(self.play)
        deadline = self.time + timeout
        while self.time < deadline:
            if self.frames_done(self.play) > 0 and self.frames_done(self.input) > 0:
                break
            sd.sleep(1)
        differences = []
        for _ in range(5):
            differences.append(self.frames_done(self.input) - self.frames_done(self.play))
            sd.sleep(1)
        return max(set(differences), key=differences.count)

    def cancel(self, ring: _RingAction, timeout: float = 1.0) -> None:
        """Stop a ring's action and wait until the callback has let go of it; empty the ring."""
        action = ring.action
        if action is not None and action in self._stream.actions:
            self._stream.cancel(action)
            deadline = self.time + timeout
            while action in self._stream.actions and self.time < deadline:
                sd.sleep(2)
        ring.action = None
        ring.ring.flush()

    def watch(self, ring: _RingAction) -> bool:
        """Re-queue a ring whose action rtmixer dropped; True if that happened (a dropout)."""
        if ring.action is None or ring.action in self._stream.actions:
            return False
        ring.dropouts += 1
        self.queue(ring)
        return True

    def write(self, ring: _RingAction, frames: np.ndarray) -> int:
        """Copy frames into a play ring; returns how many fitted."""
        return ring.ring.write(frames)

    def take_back(self, ring: _RingAction, frames: int, keep_frames: int) -> int:
        """Withdraw the last `frames` written to a play ring, so newer audio can replace them
        (a knob turned while playing is heard after `keep_frames`, not after the whole
        render-ahead). Refused (0) unless `keep_frames` would still be left to play.

        Only this thread moves the write index, so stepping it back is safe as long as the
        callback stays behind it; should the callback overtake it in the moment between the
        check and the step (the engine thread stalled for longer than `keep_frames`), the
        ring's contents no longer make sense: returns -1 and the caller starts the ring
        again from where the person is.
        """
        pa_ring = ring.ring
        if frames <= 0 or pa_ring.read_available - frames < keep_frames:
            return 0
        pa_ring.advance_write_index(-frames)
        if pa_ring.read_available > len(pa_ring):  # the read index passed the write index
            return -1
        return frames

    def read_into(self, ring: _RingAction, out: np.ndarray) -> int:
        """Copy available input frames into `out`; returns how many."""
        return ring.ring.readinto(out)

    def poll_underflows(self) -> int:
        """Device-level output underflows counted by the callback so far; never blocks.

        Asks the callback for its counters and picks up the answer on a later call.
        """
        pending = self._stats_request
        if pending is not None and pending not in self._stream.actions:
            # JACK raises output underflow and input overflow together for one xrun: count
            # the output side only, so one dropout counts once.
            self._underflows += int(pending.stats.output_underflows)
            pending = None
        if pending is None and self._stream.active:
            pending = self._stream.fetch_and_reset_stats()
        self._stats_request = pending
        return self._underflows
