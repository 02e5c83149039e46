"""One soak run: a fresh asynchronous JACK dummy server with its period equal to the block,
the engine opened on it duplex, the microphone (a child process) playing a sine into it, and
a real `MainWindow` over the song, shown, painting, autosaving and edited while it plays and
records from the start. Everything it starts is stopped again, whatever happens."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf
from jack_log import log_size, server_log, server_xruns
from jack_mic import Microphone, expected_rms
from PySide6.QtCore import QEventLoop, QSettings, QTimer
from render import rss_mb
from soak_load import Repainter, ScriptedEdits, timed_writes
from soak_song import MIC_TRACK
from ui import pump_until

from daw.engine.live.transport import Engine, EngineConfig
from daw.model.store import load_project
from daw.ui.app import application
from daw.ui.main_window import MainWindow
from daw.ui.session import Session
from tests.realtime.jack_harness import jack_device_index, jack_server_factory

AUTOSAVE_S = 5.0
EDIT_MS = 1000
SETTLE_S = 2.0
"""Between the window's first paint and record: the server reports a few xruns while a
client joins its graph, and the first paints load peaks; neither is the soak's."""
OPEN_LIMIT_S = 120.0
WIDTH, HEIGHT = 1600, 1000
GAP_WINDOW = 480
"""The take is checked in windows of 10 ms: one far below the sine's level is a gap."""


def open_window(folder: Path, engine: Engine, settings_file: Path) -> MainWindow:
    """The window as a person sees it, its own settings file, autosave every 5 s."""
    settings_file.unlink(missing_ok=True)
    settings = QSettings(str(settings_file), QSettings.Format.IniFormat)
    session = Session(load_project(folder), folder, engine)
    window = MainWindow(session, settings)
    window.error_dialogs_enabled = False
    window.resize(WIDTH, HEIGHT)
    window.show()
    app = application()
    handle = window.windowHandle()
    if not pump_until(app, lambda: handle.isExposed() and window.timeline.waveforms_ready(),
                      OPEN_LIMIT_S):
        raise RuntimeError("the window did not show its waveforms")
    window.set_autosave_interval(AUTOSAVE_S)
    return window


def run_block(folder: Path, block: int, seconds: float, warmup: float,
              settings_file: Path) -> dict[str, Any]:
    """Play and record for `seconds` on a fresh server whose period is `block`."""
    app = application()
    with jack_server_factory(sync=False, period=block) as server, \
            contextlib.ExitStack() as stack:
        log = server_log(server)
        engine = Engine(load_project(folder), folder, EngineConfig())
        engine.start()
        stack.callback(engine.shutdown)
        device = jack_device_index()
        info = engine.open_device(device, device, block_size=block, input_channels=2)
        stack.enter_context(Microphone(server, seconds + warmup + 60.0))
        window = open_window(folder, engine, settings_file)
        stack.callback(close_window, window)
        pump_until(app, lambda: False, SETTLE_S)
        writes = stack.enter_context(timed_writes())
        result = soak(window, engine, seconds, warmup, log)
        result["take"] = check_take(window, result["recorded_frames"])
        window.autosaver.wait()  # a write in flight when recording stopped is the soak's
        result["autosave"]["writes"] = list(writes)
    result.update(block=block, block_ms=1000.0 * block / info.rate, rate=info.rate,
                  server={"name": server.name, "period": server.period,
                          "synchronous": server.sync},
                  platform=app.platformName())
    return result


def close_window(window: MainWindow) -> None:
    """Close as a person would after saving (no question asked); the engine goes with it."""
    window.autosaver.wait()
    window.session.history.mark_saved()
    window.close()
    window.deleteLater()
    application().processEvents()


def soak(window: MainWindow, engine: Engine, seconds: float, warmup: float,
         log: Path | None) -> dict[str, Any]:
    """Record from the start for `seconds` with the repaints, the edits and autosave going;
    returns the figures (stops recording: the take is on its track afterwards)."""
    session, autosaver = window.session, window.autosaver
    edits, painter = ScriptedEdits(session, MIC_TRACK), Repainter(window)
    samples: list[dict[str, Any]] = []
    saves_before = len(autosaver.ui_seconds)
    rss_before = rss_mb()
    before, log_start, load_start = engine.state, log_size(log), os.getloadavg()
    session.locate(0)
    session.record()
    began = time.perf_counter()

    def sample() -> None:
        state = engine.state
        samples.append({"t": time.perf_counter() - began, "rss_mb": rss_mb(),
                        "underruns": state.underruns - before.underruns,
                        "device_xruns": state.device_xruns - before.device_xruns})

    loop = QEventLoop()
    timers = [QTimer(), QTimer()]
    timers[0].timeout.connect(edits.step)
    timers[1].timeout.connect(sample)
    for timer in timers:
        timer.start(EDIT_MS)
    painter.start()
    warm: dict[str, Any] = {}
    QTimer.singleShot(round(warmup * 1000), lambda: warm.update(
        t=time.perf_counter() - began, rss_mb=rss_mb(), saves=len(autosaver.ui_seconds)))
    QTimer.singleShot(round(seconds * 1000), loop.quit)
    loop.exec()
    for timer in (*timers, painter):
        timer.stop()
    wall = time.perf_counter() - began
    after, rss_end, load_end = engine.state, rss_mb(), os.getloadavg()
    xruns = server_xruns(log, log_start)
    session.stop()
    return {
        "wall_seconds": wall, "load_average": {"start": load_start, "end": load_end},
        "recording": after.recording, "error": after.error,
        "recorded_frames": after.position_frame - before.position_frame,
        "underruns": after.underruns - before.underruns,
        "device_xruns": after.device_xruns - before.device_xruns,
        "server_log": xruns,
        "autosave": {"ui_seconds": autosaver.ui_seconds[saves_before:]},
        "edits": {"count": edits.count, "refused": edits.refused,
                  "ui_seconds": edits.ui_seconds},
        "frames": {"intervals": painter.intervals, "paint_seconds": painter.paint_seconds},
        "memory": {"before_play_mb": rss_before, "warm": warm, "end_mb": rss_end,
                   "samples": samples},
    }


def check_take(window: MainWindow, recorded_frames: int) -> dict[str, Any]:
    """The take on the armed track: its length against the frames the playhead moved while
    recording, its level against the sine's, and its gaps (10 ms windows under half of it)."""
    project = window.session.project
    clips = project.track(MIC_TRACK).clips
    if len(clips) != 1:
        return {"clips": len(clips)}
    media = project.media_ref(clips[0].media_id)
    data, _ = sf.read(str(window.session.folder / media.path), dtype="float32",
                      always_2d=True)
    signal = data[window.session.project.sample_rate // 2:, 0]  # after the first 0.5 s
    usable = len(signal) // GAP_WINDOW * GAP_WINDOW
    rms = np.sqrt(np.mean(signal[:usable].reshape(-1, GAP_WINDOW) ** 2, axis=1))
    return {"clips": 1, "frames": media.length_frames, "recorded_frames": recorded_frames,
            "difference_s": (media.length_frames - recorded_frames) / project.sample_rate,
            "level_db": 20 * np.log10(max(float(np.sqrt(np.mean(signal ** 2))), 1e-12)
                                      / expected_rms()),
            "gaps": int(np.count_nonzero(rms < 0.5 * expected_rms()))}
