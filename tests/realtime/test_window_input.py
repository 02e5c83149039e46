"""Hearing and seeing the input from the window on the JACK device: an armed track with no
input open says so; an armed track's header and strip meter what comes in."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from daw.engine.transport import Engine, EngineConfig
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
