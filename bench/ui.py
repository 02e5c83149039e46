"""UI benchmark: how fast the window opens, how fast the timeline paints, how fast peaks build.

- Opening: each open runs in a fresh process (``--child-open``), as a launch would, on the demo
  song and on the 16-track x 3-minute song of ``render.py``, once with the peak cache deleted
  and once with it on disk. Timed: loading project.json, the Session and the MainWindow, show,
  until the window is exposed and the lanes have painted (the *open*); from launching the
  process to the same moment (*launch*: Python, imports, the QApplication); and until every
  clip's waveform is loaded (`TimelineView.waveforms_ready`) and painted.
- Painting: a window of 1600 x 1000 on a song of one track holding a one-hour stereo clip (the
  file of ``peaks.py``) at four zooms (the whole song, a minute, a bar of 2 s, a quarter of a
  frame a pixel; in the middle of the song), and on the 16-track song at three. Timed with
  synchronous ``repaint()``: the lanes drawn from nothing (clip body images dropped, as after a
  zoom), the lanes' layer redrawn (body images kept), a repaint that copies the layer, the
  ruler, the whole window; a zoom change until painted; and a playhead step (what playback
  does 30 times a second: `Session.locate` moves the playhead 7 pixels, then the events it
  causes are processed).
- Peaks: the build of an hour of stereo, measured as ``peaks.py`` does, next to its naive
  interleaved reduce (run once).

Qt runs offscreen unless QT_QPA_PLATFORM says otherwise; under ``xvfb-run`` (with
QT_QPA_PLATFORM=xcb) the paints go to a real X11 server.

    python bench/ui.py [--workdir DIR] [--repeat 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt is imported

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for _path in (BENCH, ROOT):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import numpy as np  # noqa: E402
import PySide6  # noqa: E402
from peaks import best_of, decode_blocks, ensure_source, naive_finest_level  # noqa: E402
from PySide6.QtCore import QEvent, QObject, QSettings, qVersion  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402
from render import SEED, build_project, ensure_sources, link_audio, track_specs  # noqa: E402
from render import warm_cache as read_through  # noqa: E402

from daw.media.peaks import build_peaks  # noqa: E402
from daw.model import Fade, MediaRef, Project, ops  # noqa: E402
from daw.model.store import load_project, save_project  # noqa: E402
from daw.resources import demo_project  # noqa: E402
from daw.ui.app import application  # noqa: E402
from daw.ui.main_window import MainWindow  # noqa: E402
from daw.ui.session import Session  # noqa: E402

RATE = 48000
WIDTH, HEIGHT = 1600, 1000
AIM_OPEN_S = 1.5
AIM_PAINT_MS = 16.0
AIM_PEAKS_S_PER_HOUR = 2.0
PLAYHEAD_STEP_PX = 7
WAIT_S = 300.0
SONGS = {"demo": "demo song", "sixteen": "16 tracks x 3 min"}
"""The songs whose opening is timed."""
PAINT_SONGS = {
    "hour": ("one track, a one-hour clip",
             ["whole song", "one minute", "one bar (2 s)", "1/4 frame a pixel"]),
    "sixteen": ("16 tracks x 3 min", ["whole song", "one minute", "one bar (2 s)"]),
}
"""The songs whose paints are timed, and at which zooms."""


# --- the songs -------------------------------------------------------------------------------


def save_if_changed(folder: Path, project: Project) -> None:
    """Saving again only when the song differs keeps backups/ from growing run after run."""
    if not (folder / "project.json").is_file() or load_project(folder) != project:
        save_project(folder, project)


def ensure_songs(workdir: Path) -> dict[str, Path]:
    """The demo copy, the 16-track song (render.py's files, linked) and the one-hour song."""
    demo = workdir / "Demo.minidaw"
    bundled = demo_project()
    if not (demo / "project.json").is_file() or \
            (demo / "project.json").read_bytes() != (bundled / "project.json").read_bytes():
        shutil.rmtree(demo, ignore_errors=True)
        shutil.copytree(bundled, demo, ignore=shutil.ignore_patterns("cache"))

    frames = 3 * 60 * RATE
    specs = track_specs(16, SEED)
    ensure_sources(workdir / "Bench.minidaw" / "audio", specs, frames, SEED)
    sixteen = workdir / "UiSixteen.minidaw"
    link_audio(workdir / "Bench.minidaw" / "audio", sixteen / "audio",
               [s.filename for s in specs])
    save_if_changed(sixteen, build_project("UI 16 x 3", specs, frames, frames, SEED))

    source, _ = ensure_source(workdir, 60.0)
    hour_frames = 60 * 60 * RATE
    hour = workdir / "UiHour.minidaw"
    link_audio(source.parent, hour / "audio", [source.name])
    project = ops.add_media(Project(name="UI hour", sample_rate=RATE),
                            MediaRef("hour", f"audio/{source.name}", 2, hour_frames,
                                     source.name))
    project = ops.add_track(project, "Hour", track_id="track-hour")
    project = ops.add_clip(project, "track-hour", "hour", 0, clip_id="clip-hour")
    project = ops.set_fades(project, "clip-hour", Fade(2 * RATE, "linear"),
                            Fade(2 * RATE, "linear"))
    save_if_changed(hour, project)
    read_through([*(sixteen / "audio").iterdir(), *(demo / "audio").iterdir()])
    return {"demo": demo, "sixteen": sixteen, "hour": hour}


class PaintCounter(QObject):
    """Counts the paint events a widget receives (they are done when processEvents returns)."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def pump_until(app: QApplication, done: Callable[[], bool], timeout: float = WAIT_S) -> bool:
    """Process events until `done()`; sleeps between rounds so worker threads get the GIL."""
    deadline = time.perf_counter() + timeout
    while True:
        app.processEvents()
        if done():
            return True
        if time.perf_counter() > deadline:
            return False
        time.sleep(0.0005)


def open_window(app: QApplication, folder: Path, settings: QSettings) -> MainWindow:
    session = Session(Session.load(folder), folder)
    window = MainWindow(session, settings)
    window.error_dialogs_enabled = False
    window.resize(WIDTH, HEIGHT)
    window.show()
    return window


def fresh_settings(path: Path) -> QSettings:
    """A settings file of our own, empty: no saved geometry, nothing of the person's."""
    path.unlink(missing_ok=True)
    return QSettings(str(path), QSettings.Format.IniFormat)


# --- opening the window (one fresh process each) ---------------------------------------------


def child_open(folder: Path, settings_file: Path, uncached: bool) -> int:
    """Open the window once and print the times as one JSON line."""
    app = application()
    if uncached:
        shutil.rmtree(folder / "cache" / "peaks", ignore_errors=True)
    settings = fresh_settings(settings_file)
    began = time.perf_counter()
    window = open_window(app, folder, settings)
    built = time.perf_counter()
    painted = PaintCounter(window.timeline.lanes)
    handle = window.windowHandle()
    shown = pump_until(app, lambda: painted.count > 0 and handle.isExposed())
    opened, opened_wall = time.perf_counter(), time.time()
    ready = pump_until(app, window.timeline.waveforms_ready)
    app.processEvents()  # the waveforms that just came in are painted
    waves = time.perf_counter()
    window.close()
    print(json.dumps({"build_s": built - began, "open_s": opened - began if shown else None,
                      "shown_wall": opened_wall, "waveforms_s": waves - began if ready else None}))
    return 0


def run_open(folder: Path, workdir: Path, uncached: bool) -> dict[str, Any]:
    settings = workdir / f"ui-bench-{os.getpid()}.ini"
    command = [sys.executable, str(Path(__file__).resolve()), "--child-open", str(folder),
               str(settings)] + (["--uncached"] if uncached else [])
    spawned = time.time()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    settings.unlink(missing_ok=True)  # written as the child quit
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError(f"opening {folder} failed:\n{done.stderr.strip()}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["launch_s"] = result.pop("shown_wall") - spawned
    return result


def measure_opens(songs: dict[str, Path], workdir: Path, repeat: int) -> dict[str, Any]:
    """Uncached and cached opens alternate, so both see the same machine."""
    opens: dict[str, Any] = {}
    for key in SONGS:
        runs: dict[str, list[dict[str, Any]]] = {"uncached": [], "cached": []}
        for _ in range(repeat):
            for cache in runs:
                runs[cache].append(run_open(songs[key], workdir, cache == "uncached"))
        opens[key] = {cache: {name: summary([r[name] for r in rs])
                              for name in ("build_s", "open_s", "launch_s", "waveforms_s")}
                      for cache, rs in runs.items()}
    return opens


def summary(values: list[float | None]) -> dict[str, float | None]:
    if any(v is None for v in values):
        return {"best": None, "median": None}
    return {"best": min(values), "median": statistics.median(values)}


# --- painting the timeline --------------------------------------------------------------------


def timed(repeat: int, run: Callable[[], object], before: Callable[[], object] | None = None,
          after: Callable[[], object] | None = None) -> dict[str, float]:
    """Best and median milliseconds of `run`; `before` and `after` are not timed."""
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        began = time.perf_counter()
        run()
        times.append((time.perf_counter() - began) * 1e3)
        if after is not None:
            after()
    return {"best": min(times), "median": statistics.median(times)}


def measure_paint(app: QApplication, folder: Path, settings: Path, zoom_names: list[str],
                  repeat: int) -> dict[str, Any]:
    """A song in a 1600 x 1000 window (peaks uncached): each zoom's paints."""
    shutil.rmtree(folder / "cache" / "peaks", ignore_errors=True)
    began = time.perf_counter()
    stored = fresh_settings(settings)
    window = open_window(app, folder, stored)
    timeline, session = window.timeline, window.session
    lanes, view = timeline.lanes, session.view
    painted = PaintCounter(lanes)
    pump_until(app, lambda: painted.count > 0)
    opened = time.perf_counter() - began
    if not pump_until(app, timeline.waveforms_ready):
        raise RuntimeError(f"the waveforms of {folder} never came")
    app.processEvents()
    waveforms = time.perf_counter() - began
    frames, width = session.project.end_frame, lanes.width()
    fpps = {"whole song": None, "one minute": 60 * RATE / width,
            "one bar (2 s)": 2 * RATE / width, "1/4 frame a pixel": 0.25}
    results: dict[str, Any] = {}
    for label in zoom_names:
        if fpps[label] is None:
            timeline.zoom_to_song()
        else:
            view.set_zoom(fpps[label], 0.0)
            view.scroll_to(frames / 2 - width * fpps[label] / 2)
        app.processEvents()
        fpp = view.frames_per_pixel
        nudges = iter(range(1, 10**6))
        steps = iter(range(10**6))

        def zoom_step(fpp: float = fpp, nudges=nudges) -> None:
            view.set_zoom(fpp * (1 + 1e-7 * next(nudges)), 0.0)  # a new zoom: nothing cached
            app.processEvents()

        def cold() -> None:
            lanes.clips.bodies.clear()
            lanes.invalidate()

        def step(steps=steps) -> None:
            x = 50 + (next(steps) * PLAYHEAD_STEP_PX) % max(width - 100, 1)
            session.locate(round(view.x_to_frame(x)))
            app.processEvents()

        row: dict[str, Any] = {
            "frames_per_pixel": fpp,
            "zoom change": timed(repeat, zoom_step),
            "lanes cold": timed(repeat, lanes.repaint, cold, app.processEvents),
            "lanes redraw": timed(repeat, lanes.repaint, lanes.invalidate, app.processEvents),
            "lanes copy": timed(repeat, lanes.repaint),
            "ruler": timed(repeat, timeline.ruler.repaint),
            "window": timed(repeat, window.repaint)}
        before, row["playhead steps"] = painted.count, max(repeat, 30)
        row["playhead step"] = timed(row["playhead steps"], step)
        row["playhead paints"] = painted.count - before
        results[label] = row
    window.close()
    stored.sync()  # what closing wrote, so it is not written again after the unlink
    settings.unlink(missing_ok=True)
    return {"lanes_size": [width, lanes.height()], "open_s": opened,
            "waveforms_s": waveforms, "zooms": results}


def measure_peaks(source: Path, repeat: int) -> dict[str, Any]:
    decode_blocks(source, None)  # into the page cache before anything is timed
    build_s, peaks = best_of(repeat, lambda: build_peaks(source))
    naive_s, naive = best_of(1, lambda: naive_finest_level(source))
    same = all(np.array_equal(a, b) for a, b in zip(naive, peaks.levels[0], strict=True))
    hours = peaks.length_frames / RATE / 3600
    return {"hours": hours, "build_s": build_s, "build_s_per_hour": build_s / hours,
            "naive_s": naive_s, "naive_equal": same}


# --- the report ------------------------------------------------------------------------------


def verdict(what: str, value: float, unit: str, aim: float) -> dict[str, Any]:
    return {"what": what, "value": value, "unit": unit, "aim": aim, "pass": value < aim}


def run(workdir: Path, repeat: int) -> dict[str, Any]:
    songs = ensure_songs(workdir)
    app = application()
    result: dict[str, Any] = {"platform": app.platformName(), "qt": qVersion(),
                              "pyside": PySide6.__version__, "repeat": repeat}
    result["peaks"] = measure_peaks(next((songs["hour"] / "audio").iterdir()), repeat)
    result["opens"] = measure_opens(songs, workdir, repeat)
    result["paint"] = {key: measure_paint(app, songs[key], workdir / "ui-bench-paint.ini",
                                          zooms, repeat)
                       for key, (_, zooms) in PAINT_SONGS.items()}
    worst_open = max(o[c]["open_s"]["median"] for o in result["opens"].values() for c in o)
    verdicts = [verdict(f"window open (worst median) under {AIM_OPEN_S} s", worst_open, "s",
                        AIM_OPEN_S)]
    for key, (label, _) in PAINT_SONGS.items():
        zooms = result["paint"][key]["zooms"].values()
        for name in ("zoom change", "lanes cold", "playhead step", "window"):
            ms = max(z[name]["median"] for z in zooms)
            verdicts.append(verdict(f"{label}: {name} under {AIM_PAINT_MS:.0f} ms", ms, "ms",
                                    AIM_PAINT_MS))
    per_hour = result["peaks"]["build_s_per_hour"]
    verdicts.append(verdict(f"peaks of an hour under {AIM_PEAKS_S_PER_HOUR:.0f} s", per_hour,
                            "s", AIM_PEAKS_S_PER_HOUR))
    result["verdicts"] = verdicts
    return result


def _cell(value: dict[str, float | None], unit: str = "") -> str:
    if value["best"] is None:
        return "timed out"
    return f"{value['best']:7.3f} / {value['median']:7.3f}{unit}"


def report(r: dict[str, Any]) -> str:
    rows = [f"Qt {r['qt']} (PySide6 {r['pyside']}), platform {r['platform']}; "
            f"best / median of {r['repeat']}",
            "\nopening the window (a fresh process each; open = load, Session, MainWindow, "
            "shown and painted):",
            f"  {'':35s}{'open':>20s}{'launch to painted':>22s}{'waveforms painted':>22s}"]
    for key, label in SONGS.items():
        for cache, o in r["opens"][key].items():
            rows.append(f"  {f'{label}, peaks {cache}':35s}{_cell(o['open_s'], ' s'):>20s}"
                        f"{_cell(o['launch_s'], ' s'):>22s}{_cell(o['waveforms_s'], ' s'):>22s}")
    for key, (label, _) in PAINT_SONGS.items():
        p = r["paint"][key]
        labels = list(p["zooms"])
        rows.append(f"\npainting {label}: window {WIDTH}x{HEIGHT}, lanes "
                    f"{p['lanes_size'][0]}x{p['lanes_size'][1]} (opened in {p['open_s']:.3f} s, "
                    f"waveforms in {p['waveforms_s']:.3f} s from uncached peaks)")
        rows.append(f"  {'ms, best / median':22s}" + "".join(f"{z:>20s}" for z in labels))
        rows.append(f"  {'frames a pixel':22s}" + "".join(
            f"{p['zooms'][z]['frames_per_pixel']:>20.2f}" for z in labels))
        for name in ("zoom change", "lanes cold", "lanes redraw", "lanes copy", "ruler",
                     "window", "playhead step"):
            rows.append(f"  {name:22s}" + "".join(f"{_cell(p['zooms'][z][name]):>20s}"
                                                  for z in labels))
        rows.append(f"  {'  lanes paints/steps':22s}" + "".join(
            f"{p['zooms'][z]['playhead paints']:>15d} / {p['zooms'][z]['playhead steps']:2d}"
            for z in labels))
    k = r["peaks"]
    rows.append(f"\npeak cache of {k['hours']:.2f} h of 16-bit stereo: build {k['build_s']:.3f} s "
                f"(best of {r['repeat']}, {k['build_s_per_hour']:.3f} s an hour); naive "
                f"interleaved reduce {k['naive_s']:.3f} s (once, "
                f"{k['naive_s'] / k['build_s']:.1f}x), same peaks: "
                f"{'yes' if k['naive_equal'] else 'NO'}")
    rows.append("\nverdicts (paints: the slowest zoom's median):")
    for v in r["verdicts"]:
        rows.append(f"  {v['what']:56s} {v['value']:9.3f} {v['unit']:2s}  "
                    f"{'PASS' if v['pass'] else 'MISS'}")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path,
                        help="where to generate the songs (kept, and reused by the next run)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--child-open", nargs=2, metavar=("FOLDER", "SETTINGS"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--uncached", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_open:
        return child_open(Path(args.child_open[0]), Path(args.child_open[1]), args.uncached)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="minidaw-ui-bench-", dir="/tmp"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        result = run(workdir, max(args.repeat, 1))
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(result, indent=2) if args.json else report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
