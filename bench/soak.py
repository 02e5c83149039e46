"""Soak benchmark: does a window that plays, records, repaints, is edited and autosaves for a
minute keep the sound whole, the UI thread free and the memory flat?

For each device block size: a fresh private JACK server with the dummy backend, asynchronous
(no ``-S``: a late client is a dropout, as on a real card), its period equal to the block; the
engine opened on it duplex; a JACK client in a process of its own playing a sine into the
inputs; a real `MainWindow` over the song (the render benchmark's when ``--workdir`` holds it,
else 8 generated tracks with EQs; an armed track for the microphone), shown, its lanes drawn
again and its meters painted about 60 times a second, autosave every 5 s, a scripted edit every
second. It records from the start for ``--seconds``, then stops and checks the take.

Printed (bench/README.md says more): the engine's underruns and the device xruns, the server
log's late cycles, the UI thread's time per autosave hand-over and the worker's write time, the
edits' and the frames' times, memory (VmRSS) before play, after the warm-up and at the end, and
the take's length, level and gaps; verdicts against the aims: 0 underruns and 0 device xruns,
autosave under 5 ms of UI time, memory growth under 5 MB.

    python bench/soak.py [--seconds 60] [--blocks 256] [--warmup 10] [--workdir DIR] [--keep]
                         [--xvfb] [--json]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("JACK_NO_START_SERVER", "1")  # never let libjack start a server itself

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for _path in (ROOT, BENCH):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from realtime import block_sizes  # noqa: E402
from render import run_and_report  # noqa: E402
from soak_report import report, summarize  # noqa: E402

from tests.realtime.jack_harness import JackUnavailable  # noqa: E402

XVFB_SCREEN = "-screen 0 1920x1200x24"


def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    from soak_run import run_block  # imports Qt: after the platform is chosen
    from soak_song import prepare_song

    song = prepare_song(workdir, args.seconds + args.warmup)
    settings = workdir / f"soak-settings-{os.getpid()}.ini"
    blocks = []
    try:
        for block in args.blocks:
            print(f"playing and recording {args.seconds:g} s at {block} frames",
                  file=sys.stderr, flush=True)
            blocks.append(run_block(song.folder, block, args.seconds, args.warmup, settings))
    finally:
        settings.unlink(missing_ok=True)
    return summarize(song, args, blocks)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0,
                        help="playback and recording time per block size")
    parser.add_argument("--blocks", type=block_sizes, default=[256],
                        help="device block sizes (= server periods), comma-separated")
    parser.add_argument("--warmup", type=float, default=10.0,
                        help="seconds into the run at which the starting memory is read")
    parser.add_argument("--workdir", type=Path,
                        help="where the song goes (kept; render.py's song there is reused)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--xvfb", action="store_true",
                        help="show the window on X11: $DISPLAY if set, else under xvfb-run")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if args.seconds <= 0:
        parser.error("--seconds must be above 0")
    args.warmup = min(max(args.warmup, 0.0), args.seconds / 2)
    return args


def under_xvfb(argv: list[str]) -> int | None:
    """With --xvfb and no display: this benchmark again under xvfb-run (its exit code)."""
    if os.environ.get("DISPLAY"):
        os.environ["QT_QPA_PLATFORM"] = "xcb"
        return None
    if shutil.which("xvfb-run") is None:
        raise SystemExit("bench: --xvfb needs xvfb-run (Debian package xvfb) or a DISPLAY")
    command = ["xvfb-run", "-a", "-s", XVFB_SCREEN, sys.executable, str(Path(__file__)),
               *argv]
    return subprocess.call(command, env=dict(os.environ, QT_QPA_PLATFORM="xcb"))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if args.xvfb:
        code = under_xvfb(argv)
        if code is not None:
            return code
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        return run_and_report(args, run, report)
    except JackUnavailable as error:
        raise SystemExit(f"bench: cannot run a JACK server: {error}") from None


if __name__ == "__main__":
    sys.exit(main())
