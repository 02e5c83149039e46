"""Peak cache benchmark: how long the peaks of an hour of stereo take to build, load and query.

It writes an hour (``--minutes``) of 16-bit stereo at 48 kHz (noise under a slowly changing
envelope, block by block; about 690 MB) and times, best of ``--repeat`` each, with the file in
the page cache:

- the build (`daw.media.peaks.build_peaks`), in seconds and x realtime, next to the decode alone
  (the same block reads with no reduce: the floor) and a naive reduce of the same blocks that
  skips the de-interleave (``block.reshape(-1, W, channels).min(axis=1)``), whose finest level
  must equal the build's;
- saving and loading the cache file (the load memory-maps it);
- a query for 2000 pixels through `PeakReader` at four zooms: the whole file, one minute, one
  bar at 120 bpm (2 s, finer than the finest level, so it reads samples) and one frame a pixel;
  plus the widest sample read (just under the finest level: 2000 x 127 frames).

Verdicts: the build under 2 s an hour, every query well inside a 16 ms paint.

    python bench/peaks.py [--minutes 60] [--workdir DIR] [--repeat 3]

With ``--workdir`` the generated file stays and the next run reuses it; without, everything
goes to a temporary folder that is deleted at the end.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from daw.media.peaks import (  # noqa: E402
    FINEST_WINDOW,
    PeakReader,
    build_peaks,
    load_peaks,
    save_peaks,
)
from daw.media.sfread import read_frames_pcm16  # noqa: E402

RATE = 48000
CHANNELS = 2
SEED = 20240612
GENERATOR_VERSION = 1
GENERATE_BLOCK = 1 << 18
PIXELS = 2000
AIM_BUILD_SECONDS_PER_HOUR = 2.0
PAINT_BUDGET_MS = 16.0
QUERY_CALLS = 20
"""Queries per timed round; a round's mean is one sample of the best-of."""


def ensure_source(workdir: Path, minutes: float) -> tuple[Path, float]:
    """The generated file, written unless an earlier run left the same one; and seconds spent."""
    frames = round(minutes * 60 * RATE)
    path = workdir / "Peaks.minidaw" / "audio" / f"source-{frames}.wav"
    manifest = path.with_suffix(".json")
    wanted = {"version": GENERATOR_VERSION, "frames": frames, "seed": SEED, "rate": RATE}
    if manifest.is_file() and json.loads(manifest.read_text()) == wanted and path.is_file():
        return path, 0.0
    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"generating {path.name} ({frames / RATE / 60:.0f} min)", file=sys.stderr, flush=True)
    began = time.perf_counter()
    rng = np.random.default_rng(SEED)
    partial = path.with_name(f".{path.name}.partial")
    with sf.SoundFile(str(partial), "w", RATE, CHANNELS, "PCM_16", format="WAV") as f:
        for start in range(0, frames, GENERATE_BLOCK):
            n = min(GENERATE_BLOCK, frames - start)
            t = (start + np.arange(n)) / RATE
            envelope = 0.45 + 0.4 * np.sin(2 * np.pi * t / 7.0)[:, None] * [1.0, 0.6]
            noise = rng.integers(-32767, 32768, (n, CHANNELS), dtype=np.int32)
            f.write((noise * envelope).astype(np.int16))
    partial.replace(path)
    manifest.write_text(json.dumps(wanted))
    return path, time.perf_counter() - began


def best_of(repeat: int, run: Callable[[], object]) -> tuple[float, object]:
    """The shortest of ``repeat`` runs in seconds, and the last run's result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        began = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - began)
    return best, result


def decode_blocks(path: Path, reduce: Callable[[np.ndarray], None] | None) -> None:
    """Reads the file in the build's blocks, as the build does, handing each to ``reduce``."""
    block = np.empty((1 << 18, CHANNELS), dtype=np.float32)
    scratch = np.empty(block.size, dtype=np.int16)
    with sf.SoundFile(str(path)) as f:
        while got := read_frames_pcm16(f, block, scratch):
            if reduce is not None:
                reduce(block[:got])


def naive_finest_level(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """The finest level reduced straight from the interleaved blocks: no de-interleave."""
    mins: list[np.ndarray] = []
    maxs: list[np.ndarray] = []

    def reduce(block: np.ndarray) -> None:
        full = len(block) // FINEST_WINDOW * FINEST_WINDOW
        windows = block[:full].reshape(-1, FINEST_WINDOW, CHANNELS)
        mins.append(windows.min(axis=1))
        maxs.append(windows.max(axis=1))
        if full < len(block):
            mins.append(block[full:].min(axis=0, keepdims=True))
            maxs.append(block[full:].max(axis=0, keepdims=True))

    decode_blocks(path, reduce)
    return np.concatenate(mins).T, np.concatenate(maxs).T


def time_query(reader: PeakReader, start: float, fpp: float, repeat: int) -> float:
    """Milliseconds a query of PIXELS columns takes, best of ``repeat`` rounds."""

    def run() -> None:
        for _ in range(QUERY_CALLS):
            reader.query(start, fpp, PIXELS)

    seconds, _ = best_of(repeat, run)
    return seconds / QUERY_CALLS * 1e3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--workdir", type=Path, help="keep the generated file here and reuse it")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="peaks-bench-"))
    try:
        return run(workdir, args.minutes, max(args.repeat, 1))
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)


def run(workdir: Path, minutes: float, repeat: int) -> int:
    source, generated = ensure_source(workdir, minutes)
    info = sf.info(str(source))
    hours = info.frames / RATE / 3600
    size_mb = source.stat().st_size / 1e6
    print(f"source: {source} ({info.frames} frames, {info.channels} ch, {info.subtype}, "
          f"{size_mb:.0f} MB{f', generated in {generated:.1f} s' if generated else ''})")
    decode_blocks(source, None)  # into the page cache before anything is timed

    decode_s, _ = best_of(repeat, lambda: decode_blocks(source, None))
    build_s, peaks = best_of(repeat, lambda: build_peaks(source))
    naive_s, naive = best_of(repeat, lambda: naive_finest_level(source))
    audio_s = info.frames / RATE
    print(f"\nbuild (best of {repeat}):")
    print(f"  peaks           {build_s:7.3f} s   {audio_s / build_s:8.0f} x realtime   "
          f"{build_s / hours:.3f} s an hour")
    print(f"  decode alone    {decode_s:7.3f} s   {audio_s / decode_s:8.0f} x realtime   "
          f"(the floor: {decode_s / build_s:.0%} of the build)")
    print(f"  naive reduce    {naive_s:7.3f} s   {audio_s / naive_s:8.0f} x realtime   "
          f"({naive_s / build_s:.1f}x the build's time)")
    same = all(np.array_equal(a, b) for a, b in zip(naive, peaks.levels[0], strict=True))
    print(f"  check: the naive finest level equals the build's: {'yes' if same else 'NO'}")
    print(f"  levels: {', '.join(str(w) for w in peaks.windows)} frames a peak; "
          f"{peaks.nbytes / 1e6:.1f} MB ({peaks.levels[0][0].nbytes * 2 / 1e6:.1f} MB finest)")

    cache = workdir / "Peaks.minidaw" / "cache" / "peaks" / "source.peaks"
    save_s, _ = best_of(repeat, lambda: save_peaks(peaks, cache))
    load_s, loaded = best_of(repeat, lambda: load_peaks(cache, source))
    loaded_ok = loaded is not None and all(
        np.array_equal(a, b) for la, lb in zip(loaded.levels, peaks.levels, strict=True)
        for a, b in zip(la, lb, strict=True)
    )
    print(f"\ncache file: {cache.stat().st_size / 1e6:.1f} MB")
    print(f"  save {save_s * 1e3:7.2f} ms   load {load_s * 1e3:7.3f} ms (memory-mapped)   "
          f"equal after load: {'yes' if loaded_ok else 'NO'}")

    zooms = [
        ("whole file", info.frames / PIXELS),
        ("one minute", 60 * RATE / PIXELS),
        ("one bar (2 s)", 2 * RATE / PIXELS),
        ("widest sample read", FINEST_WINDOW - 1.0),
        ("one frame a pixel", 1.0),
    ]
    worst = 0.0
    print(f"\nquery of {PIXELS} pixels (best of {repeat} rounds of {QUERY_CALLS}):")
    with PeakReader(source, loaded or peaks) as reader:
        for label, fpp in zooms:
            start = max(0.0, min(info.frames / 2, info.frames - fpp * PIXELS)) + 0.37
            ms = time_query(reader, start, fpp, repeat)
            worst = max(worst, ms)
            if fpp >= FINEST_WINDOW:
                window = peaks.windows[peaks.level_for(fpp)]
                how = f"peaks of {window} frames"
            else:
                how = f"reads {round(fpp * PIXELS)} frames"
            print(f"  {label:20s} {fpp:10.1f} frames/px  {ms:7.3f} ms   ({how})")

    per_hour = build_s / hours
    build_ok = per_hour < AIM_BUILD_SECONDS_PER_HOUR
    query_ok = worst < PAINT_BUDGET_MS / 4
    print("\nverdict:")
    print(f"  build {per_hour:.2f} s an hour, aim under {AIM_BUILD_SECONDS_PER_HOUR:.0f} s: "
          f"{'PASS' if build_ok else 'FAIL'}")
    print(f"  slowest query {worst:.3f} ms, aim under a quarter of a {PAINT_BUDGET_MS:.0f} ms "
          f"paint: {'PASS' if query_ok else 'FAIL'}")
    return 0 if build_ok and query_ok and same and loaded_ok else 1


if __name__ == "__main__":
    sys.exit(main())
