#!/usr/bin/env python3
"""Builds the metronome's click samples: a woodblock-like knock, brighter for the first beat
of a bar (accent.wav) than for the others (beat.wav).

    python resources/clicks/make_clicks.py [OUTDIR]     (default: beside this script)

Each click is a few damped partials over a short burst of seeded noise, 40 ms long at
48 kHz, written as 32-bit float mono WAV so the values the engine reads are the ones made here.
The beat sits 3 dB under the accent, so a bar is easy to count. The files are identical on
every run.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import soundfile as sf

RATE = 48000
SECONDS = 0.040


def knock(partials_hz: tuple[float, ...], peak: float, seed: int, rate: int = RATE) -> np.ndarray:
    """A struck-wood sound: inharmonic partials decaying fast, a 2 ms noise attack, and a
    1 ms fade at the end so the sample stops at zero."""
    n = round(rate * SECONDS)
    t = np.arange(n) / rate
    body = np.zeros(n)
    for i, freq in enumerate(partials_hz):
        body += np.sin(2 * np.pi * freq * t) * np.exp(-t / (0.006 / (1 + 0.6 * i))) / (1 + i)
    noise = np.random.default_rng(seed).standard_normal(n) * np.exp(-t / 0.002)
    noise = np.convolve(noise, np.ones(4) / 4, mode="same")  # soften the hiss a little
    sound = body + 0.35 * noise
    sound *= np.minimum(1.0, t / 0.0003)  # no step at the first sample
    tail = round(rate * 0.001)
    sound[-tail:] *= np.linspace(1.0, 0.0, tail)
    return (sound * (peak / np.abs(sound).max())).astype(np.float32)


def accent() -> np.ndarray:
    return knock((2100.0, 3420.0, 5230.0), peak=0.9, seed=1)


def beat() -> np.ndarray:
    return knock((1450.0, 2370.0, 3810.0), peak=0.9 * 10 ** (-3 / 20), seed=2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", nargs="?", type=Path, default=Path(__file__).resolve().parent)
    args = parser.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)
    for name, sound in (("accent", accent()), ("beat", beat())):
        path = args.outdir / f"{name}.wav"
        sf.write(path, sound, RATE, subtype="FLOAT")
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
