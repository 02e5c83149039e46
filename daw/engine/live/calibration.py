"""Measuring the true round trip of the sound card, so recorded takes land where they were
played.

PortAudio reports input and output latencies, but drivers often tell less than the truth
(JACK reports one period or none; USB interfaces add their own buffers). With a cable (or a
virtual connection) from an output to an input, we play a burst of noise and find it in what
comes back: the difference from where the reported latencies say it should be is the extra
delay, in frames, that the recorder then takes off every take.
"""

from __future__ import annotations

import time

import numpy as np

from daw.engine.live.audio_io import AudioIO

BURST_FRAMES = 2048
LEAD_FRAMES = 4800
LISTEN_FRAMES = 48000
RUNS = 3


class CalibrationError(Exception):
    """The burst did not come back clearly: no loopback, or too much noise."""


def _burst() -> np.ndarray:
    return (np.random.default_rng(1234).uniform(-0.5, 0.5, BURST_FRAMES)).astype(np.float32)


def measure_once(io: AudioIO, timeout: float = 5.0) -> int:
    """Play one burst and return the round trip beyond what the device reports, in frames
    (may be negative)."""
    if io.input is None:
        raise CalibrationError("no input is open: connect an output to an input and open both")
    burst = _burst()
    signal = np.zeros((LEAD_FRAMES + LISTEN_FRAMES, io.info.output_channels), dtype=np.float32)
    signal[LEAD_FRAMES:LEAD_FRAMES + BURST_FRAMES, :] = burst[:, None]
    io.cancel(io.play)
    io.write(io.play, signal[: io.play.ring.write_available])
    input_ahead = io.start_together()
    captured = np.zeros((len(signal) + BURST_FRAMES, io.info.input_channels), dtype=np.float32)
    got = 0
    deadline = time.monotonic() + timeout
    while got < len(captured) and time.monotonic() < deadline:
        got += io.read_into(io.input, captured[got:])
        time.sleep(0.005)
    io.cancel(io.play)
    if got < len(captured):
        raise CalibrationError("the sound card did not deliver the input in time")
    channel = int(np.argmax(np.abs(captured[:got]).max(axis=0)))
    found, strength = _find(captured[:got, channel], burst)
    if strength < 0.5:
        raise CalibrationError(
            "the test signal did not come back: connect an output to an input (a cable, or a "
            "loopback in the sound card's mixer) and turn the input up")
    round_trip = (found - input_ahead) - LEAD_FRAMES
    return round_trip - (io.info.output_latency_frames + io.info.input_latency_frames)


def _find(captured: np.ndarray, burst: np.ndarray) -> tuple[int, float]:
    """Where the burst starts in `captured`, and how alike they are there (1.0 = the same)."""
    size = 1 << int(np.ceil(np.log2(len(captured) + len(burst))))
    spectrum = np.fft.rfft(captured, size) * np.conj(np.fft.rfft(burst, size))
    correlation = np.fft.irfft(spectrum, size)[: len(captured)]
    at = int(np.argmax(correlation))
    window = captured[at:at + len(burst)]
    energy = float(np.sqrt(np.dot(window, window) * np.dot(burst, burst)))
    return at, (float(correlation[at]) / energy if energy > 0 else 0.0)


def measure_round_trip(io: AudioIO, runs: int = RUNS, tries: int = 2 * RUNS) -> int:
    """Measure until `runs` results agree within a millisecond (at most `tries` bursts).

    The first burst after opening a device can meet a connection still being made, or a
    driver still settling; agreeing results are what counts."""
    tolerance = max(1, io.info.rate // 1000)
    results: list[int] = []
    for _ in range(tries):
        results.append(measure_once(io))
        for candidate in results:
            agreeing = [r for r in results if abs(r - candidate) <= tolerance]
            if len(agreeing) >= runs:
                return int(np.median(agreeing))
    raise CalibrationError(
        f"the round trip changed between runs ({min(results)} to {max(results)} frames): "
        "the device is dropping or adding frames; try a larger buffer")
