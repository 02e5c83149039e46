"""A microphone for benchmarks: a sine played into the app's inputs by a JACK client that
runs in a process of its own.

The test harness's `VirtualAudio` (tests/realtime/virtual_audio.py) plays the signal and wires
itself to PortAudio's ports. It runs in a child process because its process callback is Python:
inside the benchmark it would need the GIL the window and the engine compete for, and its late
cycles and memory would be counted as the app's.

    with Microphone(server, seconds=70.0) as mic:   # after the engine opened its stream
        ...
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.realtime.jack_harness import JackServer  # noqa: E402

FREQ_HZ = 440.0
AMPLITUDE = 0.25
WIRED = "wired"
START_LIMIT_S = 30.0


def sine(rate: int, seconds: float, freq_hz: float = FREQ_HZ,
         amplitude: float = AMPLITUDE) -> np.ndarray:
    """The microphone's signal, mono (it feeds every input)."""
    t = np.arange(round(seconds * rate)) / rate
    return (amplitude * np.sin(2.0 * np.pi * freq_hz * t)).astype(np.float32)


def expected_rms(amplitude: float = AMPLITUDE) -> float:
    return amplitude / np.sqrt(2.0)


class Microphone:
    """The child process playing the sine into PortAudio's inputs on `server` for `seconds`.
    Start it once the engine's stream is open (its ports are what it wires to)."""

    def __init__(self, server: JackServer, seconds: float) -> None:
        self.server = server
        self.seconds = seconds
        self._proc: subprocess.Popen[str] | None = None

    def __enter__(self) -> Microphone:
        command = [sys.executable, str(Path(__file__).resolve()), self.server.name,
                   str(self.server.rate), str(self.server.period), str(self.seconds)]
        self._proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      text=True)
        line: list[str] = []
        reader = threading.Thread(target=lambda: line.append(self._proc.stdout.readline()),
                                  daemon=True)
        reader.start()
        reader.join(START_LIMIT_S)
        if not line or line[0].strip() != WIRED:
            self.close()
            raise RuntimeError("the benchmark's microphone did not wire itself to the app")
        return self

    def close(self) -> None:
        """Closing its stdin tells the child to let go of the server; killed if it does not."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.stdin is not None:
            proc.stdin.close()
        try:
            proc.wait(timeout=10.0)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def __exit__(self, *exc: object) -> None:
        self.close()


def child_main(argv: list[str]) -> int:
    """Play the sine until stdin closes."""
    from tests.realtime.virtual_audio import VirtualAudio

    parser = argparse.ArgumentParser()
    parser.add_argument("server")
    parser.add_argument("rate", type=int)
    parser.add_argument("period", type=int)
    parser.add_argument("seconds", type=float)
    args = parser.parse_args(argv)
    server = JackServer(name=args.server, rate=args.rate, period=args.period, sync=False,
                        channels=2)
    with VirtualAudio(server, capture_seconds=0.1, name="bench") as audio:
        audio.wait_connected(limit_s=START_LIMIT_S)
        audio.mic.play(sine(args.rate, args.seconds))
        print(WIRED, flush=True)
        sys.stdin.read()
    return 0


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))
