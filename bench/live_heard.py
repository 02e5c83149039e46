"""Live-edit benchmark: how soon is a fader move heard, and does a dragged fader make dropouts?

The realtime tests check, in the device's frames, that a move is heard before the render-ahead
plays out and that a drag ends exactly where it stopped; whether the machine keeps up belongs
here, measured in one run and printed against the aims:

- **heard**: a song plays on a private JACK server (``-S``, so the captured audio is exact)
  with a 256-frame period; the track's fader drops by 20 dB at one second. The virtual speaker
  records what is played; the first frame that differs from the unedited render, less the
  frame the playhead was at when the move was posted, is the delay (aim: 50 ms at most).
  Repeated ``--moves`` times, each in a play of its own.
- **drag**: four tracks with an EQ and a compressor each play on an asynchronous server (no
  ``-S``: a late client is a dropout, as on a real card); the fader takes sixty small moves a
  second for ``--drag-seconds``. The engine's underruns and the device's xruns are counted
  (aim: none).

    python bench/live_heard.py [--moves 5] [--drag-seconds 1.0] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("JACK_NO_START_SERVER", "1")  # never let libjack start a server itself

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from daw.model import ops  # noqa: E402
from daw.model.project import EffectSettings  # noqa: E402
from tests.engine.songs import RATE, Song, tone  # noqa: E402
from tests.realtime.engine_helpers import (  # noqa: E402
    find,
    offline_render,
    running_engine,
    wait_until,
)
from tests.realtime.jack_harness import (  # noqa: E402
    JackUnavailable,
    jack_device_index,
    jack_server_factory,
)
from tests.realtime.virtual_audio import VirtualAudio  # noqa: E402

PERIOD = 256
AIM_HEARD_MS = 50.0
AIM_DROPOUTS = 0
MOVES_PER_SECOND = 60


def heard_delay_ms(folder: Path) -> float:
    """One play: the delay between posting a fader move and hearing it, in ms."""
    song = Song(folder)
    song.media("a", tone(6 * RATE, 330, channels=2, amp=0.4, seed=5))
    song.track("T0")
    song.clip("T0", "a", 0, "c0")
    quieter = ops.set_track_gain(song.project, "T0", -20.0)
    with (jack_server_factory(period=PERIOD) as server,
          VirtualAudio(server, capture_seconds=6) as audio):
        with running_engine(song.project, song.folder, jack_device_index(),
                            block_size=PERIOD) as engine:
            audio.speaker.start_capture()
            engine.play()
            wait_until(lambda: engine.state.position_frame > RATE)
            moved_at = engine.state.position_frame
            engine.set_project(quieter)
            wait_until(lambda: engine.state.position_frame > 2 * RATE)
            engine.stop()
        heard = audio.speaker.captured()
    before = offline_render(song, 0, 3 * RATE)
    start = find(before[:4800, 0], heard[:, 0])
    heard = heard[start:start + 2 * RATE]
    changed = int(np.flatnonzero(np.abs(heard[:, 0] - before[:len(heard), 0]) > 1e-6)[0])
    return (changed - moved_at) * 1000.0 / RATE


def drag_song(folder: Path) -> Song:
    """Four tracks, each through an EQ and a compressor."""
    song = Song(folder)
    for i in range(4):
        song.media(f"m{i}", tone(8 * RATE, 200 + 90 * i, channels=2, amp=0.2, seed=i))
        song.track(f"T{i}")
        song.clip(f"T{i}", f"m{i}", 0, f"c{i}")
        song.project = ops._replace_track(song.project, replace(
            song.project.track(f"T{i}"),
            effects=(EffectSettings(f"eq{i}", "eq", (("p2_gain_db", 3.0),)),
                     EffectSettings(f"comp{i}", "compressor", (("threshold_db", -20.0),)))))
    return song


def drag_dropouts(folder: Path, seconds: float) -> dict[str, int]:
    """One play with a fader dragged: the engine's underruns and the device's xruns."""
    song = drag_song(folder)
    count = max(1, round(seconds * MOVES_PER_SECOND))
    moves = [ops.set_track_gain(song.project, "T0", -0.25 * (step % 40 + 1))
             for step in range(count)]
    with (jack_server_factory(sync=False, period=PERIOD),
          running_engine(song.project, song.folder, jack_device_index(),
                         block_size=PERIOD) as engine):
        engine.play()
        wait_until(lambda: engine.state.position_frame > RATE // 2)
        for project in moves:
            engine.set_project(project)
            time.sleep(1 / MOVES_PER_SECOND)
        after = engine.state.position_frame + RATE // 2
        wait_until(lambda: engine.state.position_frame > after)
        state = engine.state
        rewrites = engine._feeder.rewrites
        engine.stop()
    return {"moves": count, "rewrites": rewrites, "underruns": state.underruns,
            "device_xruns": state.device_xruns}


def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-live-") as tmp:
        delays = [heard_delay_ms(Path(tmp) / f"Heard{k}.minidaw") for k in range(args.moves)]
        drag = drag_dropouts(Path(tmp) / "Drag.minidaw", args.drag_seconds)
    return {"period": PERIOD, "heard_ms": delays, "drag": drag}


def report(r: dict[str, Any]) -> str:
    delays = r["heard_ms"]
    worst = max(delays)
    drag = r["drag"]
    dropouts = drag["underruns"] + drag["device_xruns"]
    lines = [
        f"live edits at a {r['period']}-frame period, {RATE} Hz",
        f"  heard after a fader move: median {statistics.median(delays):.1f} ms, "
        f"max {worst:.1f} ms over {len(delays)} moves",
        f"  drag of {drag['moves']} moves ({drag['rewrites']} rendered again): "
        f"{drag['underruns']} underruns, {drag['device_xruns']} device xruns",
        f"  [{'ok' if worst <= AIM_HEARD_MS else 'MISSED'}] heard within {AIM_HEARD_MS:.0f} ms",
        f"  [{'ok' if dropouts <= AIM_DROPOUTS else 'MISSED'}] no dropout while dragging",
    ]
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=5, help="single moves to time")
    parser.add_argument("--drag-seconds", type=float, default=1.0,
                        help="how long the fader is dragged")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if args.moves < 1 or args.drag_seconds <= 0:
        parser.error("--moves must be 1 or more and --drag-seconds above 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        result = run(args)
    except JackUnavailable as error:
        raise SystemExit(f"bench: cannot run a JACK server: {error}") from None
    print(json.dumps(result) if args.json else report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
