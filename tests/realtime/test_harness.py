"""The JACK harness itself: signals pass bit-exactly and the lags are known, whole periods.

Measured here (JACK dummy backend, 1024-frame period, ``-S``, mic and speaker as separate
clients so the graph has no cycle): the microphone's signal reaches the app's callback in the
same cycle (lag 0); the app's output reaches the speaker after PortAudio's own output buffering,
which PortAudio reports truthfully in ``stream.latency`` (1024 frames for a duplex stream opened
with ``blocksize=1024``; 0 for ``blocksize=0`` or an output-only stream). The app's output wired
back into its own input (loopback) takes that plus one period, because a JACK client cannot
read its own output in the same cycle.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from tests.realtime.jack_harness import JackServer, jack_device_index
from tests.realtime.virtual_audio import VirtualAudio

sd = pytest.importorskip("sounddevice")

RATE = 48000
BLOCK = 1024


def _noise(frames: int, channels: int, seed: int) -> np.ndarray:
    """Seeded uniform noise, float32 (frames, channels); every channel different."""
    rng = np.random.default_rng(seed)
    return rng.uniform(-0.5, 0.5, size=(frames, channels)).astype(np.float32)


def _find(haystack: np.ndarray, needle: np.ndarray) -> int:
    """Where ``needle`` (frames,) starts inside ``haystack`` (frames,), by cross-correlation."""
    size = 1 << int(np.ceil(np.log2(len(haystack) + len(needle))))
    spectrum = np.fft.rfft(haystack, size) * np.conj(np.fft.rfft(needle, size))
    correlation = np.fft.irfft(spectrum, size)[: len(haystack) - len(needle) + 1]
    return int(np.argmax(correlation))


def _assert_contains_exactly(captured: np.ndarray, signal: np.ndarray) -> int:
    """Find ``signal`` in ``captured`` (both (frames, channels)); check it sample for sample and
    that everything around it is silence. Returns the offset."""
    offset = _find(captured[:, 0].astype(np.float64), signal[:, 0].astype(np.float64))
    assert offset + len(signal) <= len(captured), "the signal is cut off in the capture"
    np.testing.assert_array_equal(captured[offset : offset + len(signal)], signal)
    np.testing.assert_array_equal(captured[:offset], 0.0)
    np.testing.assert_array_equal(captured[offset + len(signal) :], 0.0)
    return offset


class _AppLog:
    """What the app's callback saw: each cycle's JACK frame time and its input, preallocated."""

    def __init__(self, audio: VirtualAudio, blocks: int, channels: int) -> None:
        self.audio = audio
        self.cycle_frames = np.zeros(blocks, dtype=np.int64)
        self.inputs = np.zeros((blocks * BLOCK, channels), dtype=np.float32)
        self.blocks = 0
        self.bad_blocks = 0
        self.status_flags = 0

    def record(self, indata: np.ndarray, frames: int, status: object) -> int | None:
        """Log one callback; returns the block number, or None when the log is full."""
        if status:
            self.status_flags += 1
        block = self.blocks
        if frames != BLOCK:
            self.bad_blocks += 1
        if block >= len(self.cycle_frames):
            return None
        self.cycle_frames[block] = self.audio.last_frame_time
        self.inputs[block * BLOCK : (block + 1) * BLOCK] = indata
        self.blocks = block + 1
        return block

    def frame_of(self, sample: int) -> int:
        """The JACK frame time of sample ``sample`` of the logged input."""
        return int(self.cycle_frames[sample // BLOCK]) + sample % BLOCK


def _open_stream(callback: Callable[..., None]) -> object:
    device = jack_device_index()
    return sd.Stream(
        device=(device, device),
        samplerate=RATE,
        blocksize=BLOCK,
        channels=2,
        dtype="float32",
        callback=callback,
    )


def test_server_is_what_the_app_sees(jack_server: JackServer) -> None:
    assert (jack_server.rate, jack_server.period, jack_server.sync) == (RATE, BLOCK, True)
    device = sd.query_devices(jack_device_index())
    assert device["name"] == "system"
    assert sd.query_hostapis(device["hostapi"])["name"] == "JACK Audio Connection Kit"
    assert (device["max_input_channels"], device["max_output_channels"]) == (2, 2)
    assert device["default_samplerate"] == RATE


def test_echo_through_the_app_is_bit_exact_and_whole_periods_late(
    jack_server: JackServer, virtual_audio: Callable[..., VirtualAudio]
) -> None:
    audio = virtual_audio(capture_seconds=3.0)
    signal = _noise(RATE, 2, seed=7)
    log = _AppLog(audio, blocks=200, channels=2)

    def echo(indata: np.ndarray, outdata: np.ndarray, frames: int, time: object, status: object):
        log.record(indata, frames, status)
        outdata[:] = indata

    with _open_stream(echo) as stream:
        reported_in, reported_out = (round(x * RATE) for x in stream.latency)
        audio.wait_connected()
        assert audio.app_clients() == ["PortAudio"]
        audio.speaker.start_capture()
        audio.mic.play(signal)
        audio.wait_captured(len(signal) + 8 * BLOCK)

    captured = audio.speaker.captured()
    offset = _assert_contains_exactly(captured, signal)
    assert audio.mic.started_frame is not None and audio.speaker.started_frame is not None
    # Mic to speaker through the app, in JACK frames.
    echo_lag = audio.speaker.started_frame + offset - audio.mic.started_frame
    # Mic to app: where the signal sits in what the app's callback received.
    app_offset = _assert_contains_exactly(log.inputs[: log.blocks * BLOCK], signal)
    in_lag = log.frame_of(app_offset) - audio.mic.started_frame
    out_lag = echo_lag - in_lag
    print(f"lags in frames: mic->app {in_lag}, app->speaker {out_lag}, echo {echo_lag}")
    assert log.bad_blocks == 0
    assert echo_lag % BLOCK == 0
    assert (in_lag, out_lag) == (reported_in, reported_out) == (0, BLOCK)
    assert audio.speaker.overflow_frames == 0


def test_loopback_wires_the_app_to_itself(
    jack_server: JackServer, virtual_audio: Callable[..., VirtualAudio]
) -> None:
    audio = virtual_audio(capture_seconds=3.0, loopback=True)
    signal = _noise(RATE // 2, 2, seed=11)
    log = _AppLog(audio, blocks=120, channels=2)
    plays_from: list[int] = []  # the block at which the app started to play ``signal``

    def play_and_record(indata, outdata, frames, time, status) -> None:
        block = log.record(indata, frames, status)
        outdata.fill(0.0)
        if block is None or not plays_from:
            return
        start = (block - plays_from[0]) * BLOCK
        chunk = signal[max(start, 0) : max(start + frames, 0)]
        if start >= 0:
            outdata[: len(chunk)] = chunk

    with _open_stream(play_and_record) as stream:
        reported = sum(round(x * RATE) for x in stream.latency)
        audio.wait_connected()
        audio.speaker.start_capture()
        plays_from.append(log.blocks + 4)
        audio.wait_captured(len(signal) + 12 * BLOCK)

    # Round trip measured in the app's own stream: where the input shows what it played.
    recorded = log.inputs[: log.blocks * BLOCK]
    offset = _assert_contains_exactly(recorded, signal)
    round_trip = offset - plays_from[0] * BLOCK
    # And the speaker hears the same output, with the app-to-speaker lag.
    heard = _assert_contains_exactly(audio.speaker.captured(), signal)
    to_speaker = audio.speaker.started_frame + heard - log.frame_of(plays_from[0] * BLOCK)
    print(f"loopback round trip {round_trip} frames, app->speaker {to_speaker} frames")
    assert round_trip % BLOCK == 0
    assert round_trip == reported + BLOCK  # PortAudio's buffering plus JACK's self-loop period
    assert to_speaker == reported


def test_output_only_stream_reaches_the_speaker_in_the_same_cycle(
    jack_server: JackServer, virtual_audio: Callable[..., VirtualAudio]
) -> None:
    audio = virtual_audio(capture_seconds=2.0)
    signal = _noise(RATE // 4, 2, seed=5)
    go: list[bool] = []
    start: list[int] = []  # JACK frame time of the cycle in which the app starts to play

    def play(outdata, frames, time, status) -> None:
        outdata.fill(0.0)
        if not go:
            return
        now = audio.last_frame_time
        if not start:
            start.append(now)
        position = now - start[0]
        chunk = signal[position : position + frames]
        outdata[: len(chunk)] = chunk

    device = jack_device_index()
    with sd.OutputStream(
        device=device, samplerate=RATE, blocksize=BLOCK, channels=2, dtype="float32", callback=play
    ) as stream:
        assert stream.latency == 0.0
        audio.wait_connected()
        audio.speaker.start_capture()
        go.append(True)
        audio.wait_captured(len(signal) + 8 * BLOCK)
    heard = _assert_contains_exactly(audio.speaker.captured(), signal)
    assert audio.speaker.started_frame + heard - start[0] == 0


def test_asynchronous_server_counts_a_late_app(
    jack_server: JackServer, jack_server_factory: Callable[..., Any]
) -> None:
    with jack_server_factory(sync=False) as server:
        assert server.sync is False and server.name != jack_server.name
        with VirtualAudio(server, capture_seconds=3.0) as audio:
            stalled: list[int] = []
            blocks = [0]

            def late_once(indata, outdata, frames, time, status) -> None:
                import time as clock

                outdata[:] = indata
                blocks[0] += 1
                if blocks[0] == 20:
                    clock.sleep(4 * BLOCK / RATE)  # miss several cycles on purpose
                if status.output_underflow or status.input_overflow:
                    stalled.append(blocks[0])

            with _open_stream(late_once):
                audio.wait_connected()
                audio.speaker.start_capture()
                audio.wait_captured(40 * BLOCK)
            print(f"xruns {audio.xruns}, flagged blocks {stalled}")
            assert audio.xruns + len(stalled) > 0
    # The session's server is back under its name, and PortAudio sees it again.
    assert os.environ["JACK_DEFAULT_SERVER"] == jack_server.name
    assert sd.query_devices(jack_device_index())["name"] == "system"
