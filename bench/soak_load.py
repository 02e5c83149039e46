"""What keeps the soak benchmark's UI thread busy, each timed: a scripted edit every second,
the timeline and the mixer's meters forced to paint 60 times a second, and the autosave
worker's writes (timed by wrapping the function the `Autosaver` hands to its worker)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer

import daw.ui.autosave as autosave_module
from daw.model import Project, ops
from daw.ui.main_window import MainWindow
from daw.ui.mixer.meter import LevelMeter
from daw.ui.session import Session

KINDS = ("fader", "pan", "move clip", "marker", "rename")
FRAME_MS = 17
"""The repaint timer's interval: about 60 Hz."""


class ScriptedEdits:
    """One edit a call through `Session.edit`, as a person makes them: a fader, a pan, a clip
    moved by a beat, a marker added or removed, a track renamed; on the song's tracks in turn
    (never the one recording). Each edit undoes its previous one on the same track, so the
    song changes every time while its values stay in range."""

    def __init__(self, session: Session, skip_track: str) -> None:
        self.session = session
        project = session.project
        self.tracks = [t.id for t in project.tracks if t.id != skip_track and t.clips]
        self.names = {t.id: t.name for t in project.tracks}
        self.first_clip = {t.id: t.clips[0].id for t in project.tracks if t.clips}
        self.count = 0
        self.refused = 0
        self.ui_seconds: list[float] = []
        self._done: set[tuple[str, str]] = set()

    def step(self) -> None:
        kind = KINDS[self.count % len(KINDS)]
        track_id = self.tracks[(self.count // len(KINDS)) % len(self.tracks)]
        self.count += 1
        back = (kind, track_id) in self._done
        self._done ^= {(kind, track_id)}
        change = self._change(kind, track_id, back)
        began = time.perf_counter()
        if not self.session.edit(f"Soak {kind}", change):
            self.refused += 1
        self.ui_seconds.append(time.perf_counter() - began)

    def _change(self, kind: str, track_id: str, back: bool) -> Callable[[Project], Project]:
        sign = -1.0 if back else 1.0
        if kind == "fader":
            return lambda p: ops.set_track_gain(p, track_id, p.track(track_id).gain_db + sign)
        if kind == "pan":
            return lambda p: ops.set_track_pan(p, track_id, p.track(track_id).pan + 0.1 * sign)
        if kind == "move clip":
            clip_id = self.first_clip[track_id]

            def move(p: Project) -> Project:
                beat = round(p.frames_per_beat())
                return ops.move_clip(p, clip_id, p.find_clip(clip_id)[1].start_frame
                                     + round(sign) * beat)
            return move
        if kind == "marker":
            marker_id = f"soak-{track_id}"
            if back:
                return lambda p: ops.delete_marker(p, marker_id)
            frame = self.session.engine_state.position_frame
            return lambda p: ops.add_marker(p, "Soak", frame, marker_id=marker_id)
        name = self.names[track_id] + ("" if back else " (edited)")
        return lambda p: ops.rename_track(p, track_id, name)


class Repainter(QObject):
    """Forces the timeline's lanes to be drawn again from the peak cache (what a zoom or an
    edit costs) and the mixer's meters to paint, about 60 times a second. Notes the timer's
    intervals (the UI's frame times) and how long each forced paint of the lanes took."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.intervals: list[float] = []
        self.paint_seconds: list[float] = []
        self._last: float | None = None
        self._meters = window.mixer.findChildren(LevelMeter)
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        if self._last is not None:
            self.intervals.append(now - self._last)
        self._last = now
        lanes = self.window.timeline.lanes
        lanes.invalidate()
        lanes.repaint()
        for meter in self._meters:
            meter.update()
        self.paint_seconds.append(time.perf_counter() - now)


@contextlib.contextmanager
def timed_writes() -> Iterator[list[dict[str, Any]]]:
    """The autosave worker's writes while the block runs: wall time, the worker thread's CPU
    time (the difference is waiting, mostly for the GIL) and the file's size."""
    original = autosave_module.write_autosave
    writes: list[dict[str, Any]] = []

    def timed(folder: str, project: Project, edits: int) -> Path:
        began, cpu = time.perf_counter(), time.thread_time()
        path = original(folder, project, edits)
        writes.append({"seconds": time.perf_counter() - began,
                       "cpu_seconds": time.thread_time() - cpu,
                       "bytes": path.stat().st_size})
        return path

    autosave_module.write_autosave = timed
    try:
        yield writes
    finally:
        autosave_module.write_autosave = original
