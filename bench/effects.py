"""Effect speed: how many times faster than real time each of our numpy processors runs on a
stereo signal, block by block as the engine calls it.

The signal is three minutes (``--minutes``) of seeded stereo noise whose level jumps every
1000 frames between quiet and loud (so the dynamics processors attack, hold and release), at
48 kHz, float32. Each processor is built fresh for each run and fed the whole signal in blocks
of the sizes asked for (4096: live playback's render chunks; 65536: a bounce's); best and
median of ``--repeat`` runs. Settings: the mixing benchmark's EQ (four bands) and compressor,
an EQ with all seven bands on, and the gate, limiter and de-esser set to act on this signal.

A figure is x realtime for one processor on one stereo track: the mixing benchmark's 16
tracks need an EQ and a compressor each, so each must run well over 16 x the aim.

    python bench/effects.py [--minutes 3] [--blocks 4096 65536] [--repeat 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from daw.dsp.effects import create_processor  # noqa: E402

RATE = 48000
SEED = 20261122
SETTINGS: dict[str, tuple[str, dict[str, float]]] = {
    "eq, 4 bands (mix.py)": ("eq", {
        "hp_on": 1.0, "hp_freq_hz": 90.0, "p1_freq_hz": 350.0, "p1_gain_db": -3.0,
        "p1_q": 1.2, "p3_freq_hz": 3500.0, "p3_gain_db": 2.0, "p3_q": 0.9,
        "high_freq_hz": 10000.0, "high_gain_db": 1.5}),
    "eq, 7 bands": ("eq", {
        "hp_on": 1.0, "hp_freq_hz": 60.0, "low_freq_hz": 150.0, "low_gain_db": 3.0,
        "p1_freq_hz": 400.0, "p1_gain_db": -4.0, "p2_freq_hz": 1500.0, "p2_gain_db": 2.0,
        "p3_freq_hz": 5000.0, "p3_gain_db": -3.0, "high_freq_hz": 9000.0,
        "high_gain_db": 2.0, "lp_on": 1.0, "lp_freq_hz": 16000.0}),
    "compressor (mix.py)": ("compressor", {
        "threshold_db": -18.0, "ratio": 3.0, "attack_ms": 10.0, "release_ms": 120.0,
        "knee_db": 6.0, "makeup_db": 2.0}),
    "gate": ("gate", {"threshold_db": -30.0, "attack_ms": 1.0, "hold_ms": 10.0,
                      "release_ms": 50.0, "range_db": 40.0}),
    "limiter": ("limiter", {"ceiling_db": -6.0, "release_ms": 50.0, "lookahead_ms": 5.0}),
    "de-esser": ("deesser", {"freq_hz": 6000.0, "threshold_db": -30.0, "range_db": 12.0}),
}  # fmt: skip


def signal(minutes: float) -> np.ndarray:
    """Stereo noise with its level jumping every 1000 frames, float32."""
    frames = round(minutes * 60.0 * RATE)
    rng = np.random.default_rng(SEED)
    levels = np.repeat(rng.choice([0.01, 0.05, 0.2, 0.5], size=frames // 1000 + 1), 1000)
    noise = rng.standard_normal((frames, 2)) * levels[:frames, None]
    return noise.astype(np.float32)


def run_once(kind: str, params: dict[str, float], audio: np.ndarray, block: int) -> float:
    processor = create_processor(kind, params, 2, RATE)
    work = audio.copy()
    began = time.perf_counter()
    for start in range(0, len(work), block):
        processor.process(work[start:start + block])
    return time.perf_counter() - began


def measure(args: argparse.Namespace) -> dict:
    audio = signal(args.minutes)
    seconds = len(audio) / RATE
    rows = {}
    for label, (kind, params) in SETTINGS.items():
        rows[label] = {}
        for block in args.blocks:
            times = [run_once(kind, params, audio, block) for _ in range(args.repeat)]
            rows[label][str(block)] = {"best_x_realtime": seconds / min(times),
                                       "median_x_realtime": seconds / statistics.median(times),
                                       "times_s": times}
    return {"seconds": seconds, "blocks": args.blocks, "repeat": args.repeat, "rows": rows}


def report(result: dict) -> str:
    blocks = result["blocks"]
    lines = [f"MiniDAW effect speed: {result['seconds']:.0f} s of stereo at {RATE // 1000} kHz, "
             f"x realtime for one track, best (median) of {result['repeat']}", "",
             f"  {'':<24}" + "".join(f"{str(b) + ' frames':>20}" for b in blocks)]
    for label, by_block in result["rows"].items():
        cells = "".join(f"{by_block[str(b)]['best_x_realtime']:>11.0f}x "
                        f"({by_block[str(b)]['median_x_realtime']:.0f}x)".rjust(20)
                        for b in blocks)
        lines.append(f"  {label:<24}{cells}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--blocks", type=int, nargs="+", default=[4096, 65536])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    result = measure(args)
    print(json.dumps(result, indent=2) if args.json else report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
