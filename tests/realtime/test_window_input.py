"""Hearing and seeing the input from the window on the JACK device: an armed track with no
input open says so; an armed track's header and strip meter what comes in."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings

from daw.engine.live.transport import Engine, EngineConfig
from daw.model import ops
from daw.model.store import save_project
from daw.ui.main_window import MainWindow
from daw.ui.session import Session
from tests.engine.songs import Song


@pytest.fixture
def window_opened(qtbot, tmp_path: Path, jack_device) -> Iterator[Callable[[int], MainWindow]]:
    """`open_window(input_channels)`: a window on the JACK device, recording from that many
    inputs (0: play only)."""
    made: list[MainWindow] = []

    def open_window(input_channels: int) -> MainWindow:
        song = Song(tmp_path / "Song.minidaw")
        song.track("Vocal")
        song.track("Guitar")
        song.project = ops.set_track_inputs(song.project, "Vocal", (1,))
        save_project(song.folder, song.project)
        engine = Engine(song.project, song.folder, EngineConfig())
        engine.start()
        engine.open_device(jack_device, jack_device, block_size=1024,
                           input_channels=input_channels)
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(Session(song.project, song.folder, engine), settings)
        window.error_dialogs_enabled = False
        window.resize(1200, 800)
        window.show()
        qtbot.waitExposed(window)
        made.append(window)
        return window

    yield open_window
    for window in made:
        window.session.history.mark_saved()
        window.close()
        window.deleteLater()


def arm(window: MainWindow, track_id: str, on: bool = True) -> None:
    window.session.edit("Arm", lambda p: ops.set_track_record_armed(p, track_id, on))


def test_arming_a_track_with_no_input_open_says_so(qtbot, window_opened) -> None:
    window = window_opened(0)
    banner = window.device_banner
    qtbot.waitUntil(lambda: window.session.engine_state.device is not None)
    assert not banner.dock.isVisible()  # playing only, nothing armed: nothing to say
    arm(window, "Vocal")
    qtbot.waitUntil(banner.dock.isVisible, timeout=2000)
    assert "No input is open" in banner.label.text()
    assert "choose one to record from" in banner.label.text()
    arm(window, "Vocal", False)
    assert not banner.dock.isVisible()


def lit_rows(widget) -> int:
    """Rows of the meter with a bright (lit) pixel, as painted."""
    image = widget.grab().toImage()
    rows = 0
    for y in range(image.height()):
        if any(image.pixelColor(x, y).value() > 120 and image.pixelColor(x, y).saturation() > 80
               for x in range(image.width())):
            rows += 1
    return rows


def test_an_armed_tracks_header_and_strip_meter_its_input_before_a_take(
        qtbot, window_opened, virtual_audio) -> None:
    window = window_opened(2)
    audio = virtual_audio()
    audio.wait_connected()
    frames = 20 * 48000
    signal = np.zeros((frames, 2), dtype=np.float32)
    signal[:, 1] = 0.5 * np.sin(2 * np.pi * 440 * np.arange(frames) / 48000)  # input 2 only
    audio.mic.play(signal)
    header = window.timeline.headers.headers
    strips = window.mixer.strip_for
    qtbot.wait(500)
    assert header["Vocal"].meter.levels is None  # not armed: the input is not its level
    assert lit_rows(header["Vocal"].meter) == 0

    arm(window, "Vocal")
    qtbot.waitUntil(lambda: header["Vocal"].meter.levels is not None, timeout=3000)
    qtbot.waitUntil(lambda: strips("Vocal").meter.peak_db[0] > -10.0, timeout=3000)
    peak_l, peak_r = header["Vocal"].meter.levels[:2]
    assert peak_l == peak_r and 0.45 < peak_l < 0.55  # input 2, a mono input on both bars
    assert -7.0 < strips("Vocal").meter.peak_db[1] < -5.0  # 0.5 is -6 dBFS
    assert lit_rows(header["Vocal"].meter) > header["Vocal"].meter.height() // 2
    assert header["Guitar"].meter.levels is None  # unarmed: silent while stopped
    assert strips("Guitar").meter.peak_db == (-np.inf, -np.inf)
