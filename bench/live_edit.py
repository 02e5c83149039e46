"""Live-edit benchmark: what a fader drag and a clip move cost the thread that edits, while a
song with effects plays on a JACK dummy server under the UI-load burner.

The mixing benchmark's song (`mix.py`: EQ and compressor on every track, a reverb bus, a
limiter; 32 tracks by default) plays at a 256-frame period while a scripted fader drag posts
120 gain changes a second to one track; then one clip is moved. Figures:

- the calling thread's time per `Engine.set_project` (aim: median < 0.2 ms, max < 2 ms for a
  fader change; < 5 ms for the clip move);
- engine underruns over the run (aim 0);
- how long after a post the engine thread had swapped the edit in (median, max): when it
  starts to render it. What is heard follows after the ring's kept part (see the README).

    python bench/live_edit.py [--tracks 32] [--minutes 1] [--seconds 10] [--rate 120]
                              [--workdir DIR]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for _path in (ROOT, BENCH):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from mix import prepare  # noqa: E402
from realtime import SETTLE_S, Burner  # noqa: E402

from daw.engine.live.transport import Engine  # noqa: E402
from daw.model import ops  # noqa: E402
from daw.model.project import Project  # noqa: E402
from daw.model.store import load_project  # noqa: E402
from tests.realtime.jack_harness import jack_device_index, jack_server_factory  # noqa: E402

BLOCK = 256
AIM_MEDIAN_MS = 0.2
AIM_MAX_MS = 2.0
AIM_STRUCTURAL_MS = 5.0


class SwapWatch:
    """Notes when the engine thread swaps in each posted project (polled every 0.5 ms)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self.seen: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            edited = self._engine._edited
            self.seen.setdefault(id(edited), time.perf_counter())
            time.sleep(0.0005)

    def __enter__(self) -> SwapWatch:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


def drag(engine: Engine, project: Project, seconds: float, rate: float,
         posted: list[tuple[Project, float]]) -> tuple[list[float], Project]:
    """Post a fader sweep on the first track, `rate` changes a second; the calling thread's
    time per post, in ms."""
    track = project.tracks[0].id
    spent = []
    count = round(seconds * rate)
    began = time.perf_counter()
    for i in range(count):
        project = ops.set_track_gain(project, track, -20.0 + 20.0 * (i % 240) / 240)
        start = time.perf_counter()
        engine.set_project(project)
        end = time.perf_counter()
        spent.append(1000.0 * (end - start))
        posted.append((project, start))
        pause = began + (i + 1) / rate - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
    return spent, project


def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    folder, _generation = prepare(workdir, args.tracks, args.minutes)
    project = load_project(folder)
    with jack_server_factory(sync=False, period=BLOCK):
        engine = Engine(project, folder)
        engine.start()
        burner = Burner()
        try:
            device = jack_device_index()
            engine.open_device(device, device, block_size=BLOCK, input_channels=2)
            burner.start()
            time.sleep(SETTLE_S)
            engine.play()
            time.sleep(1.0)
            before = engine.state.underruns
            posted: list[tuple[Project, float]] = []
            with SwapWatch(engine) as watch:
                spent, project = drag(engine, project, args.seconds, args.rate, posted)
                _track, clip = project.find_clip(project.tracks[1].clips[0].id)
                moved = ops.move_clip(project, clip.id, clip.start_frame + 4800)
                start = time.perf_counter()
                engine.set_project(moved)
                structural_ms = 1000.0 * (time.perf_counter() - start)
                posted.append((moved, start))
                time.sleep(0.5)
            underruns = engine.state.underruns - before
            engine.stop()
        finally:
            burner.stop()
            engine.shutdown()
    swaps = [1000.0 * (watch.seen[id(p)] - t) for p, t in posted[:-1] if id(p) in watch.seen]
    moved_at = watch.seen.get(id(posted[-1][0]))
    return {"spent": spent, "structural_ms": structural_ms, "underruns": underruns,
            "swaps": swaps, "swapped_of": len(posted) - 1,
            "structural_swap_ms": None if moved_at is None else 1000 * (moved_at - start)}


def report(r: dict[str, Any], args: argparse.Namespace) -> str:
    spent = sorted(r["spent"])
    median, worst = statistics.median(spent), spent[-1]
    p95 = spent[int(0.95 * (len(spent) - 1))]
    swaps = sorted(r["swaps"]) or [float("nan")]

    def mark(ok: bool) -> str:
        return "MET " if ok else "MISS"

    return "\n".join([
        f"live edits: {args.tracks} tracks, {BLOCK}-frame JACK dummy period, burner on, "
        f"{len(spent)} fader changes at {args.rate:g}/s",
        f"{mark(median < AIM_MEDIAN_MS)} calling thread per fader change: median "
        f"{median:.3f} ms, p95 {p95:.3f} ms (aim median < {AIM_MEDIAN_MS} ms)",
        f"{mark(worst < AIM_MAX_MS)} calling thread per fader change: max {worst:.3f} ms "
        f"(aim < {AIM_MAX_MS} ms)",
        f"{mark(r['structural_ms'] < AIM_STRUCTURAL_MS)} calling thread for a clip move: "
        f"{r['structural_ms']:.2f} ms (aim < {AIM_STRUCTURAL_MS} ms)",
        f"{mark(r['underruns'] == 0)} engine underruns: {r['underruns']} (aim 0)",
        f"     swapped in by the engine thread after: median {statistics.median(swaps):.1f} ms,"
        f" max {swaps[-1]:.1f} ms ({len(r['swaps'])} of {r['swapped_of']} seen; the others "
        "were overtaken by the next change); clip move: "
        + ("n/a" if r["structural_swap_ms"] is None else f"{r['structural_swap_ms']:.1f} ms"),
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=32)
    parser.add_argument("--minutes", type=float, default=1.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=120.0)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args(argv)
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
        print(report(run(args, args.workdir), args))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        print(report(run(args, Path(tmp)), args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
