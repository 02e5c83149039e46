"""Pictures of the window as a newcomer sees it, at 1280×820 and 1024×700: the start on the
demo song, a take recording, the mixer with a chain, and the bounce dialog. Not part of the
suite; run under a virtual screen to look at the window:

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python -m pytest -q tests/realtime/screens.py

The pictures go to docs/screens/ (and the 1280×820 start to docs/screenshot.png)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from daw.model import ops
from daw.ui.app import application, demo_copy, start_engine
from daw.ui.main_window import MainWindow
from daw.ui.opening import read_song, session_for

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "screens"


class _No:
    def confirm(self, title, question):
        return False

    def choose_backup(self, folder, problem, backups):
        return None


@pytest.mark.parametrize("size", [(1280, 820), (1024, 700)], ids=["1280x820", "1024x700"])
def test_pictures(size, qtbot, tmp_path, monkeypatch, jack_device, virtual_audio) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("MINIDAW_CONFIG_DIR", str(tmp_path / "config"))
    OUT.mkdir(parents=True, exist_ok=True)
    application()  # the app's theme and style sheet, as `daw` starts
    name = f"{size[0]}x{size[1]}"
    song = read_song(demo_copy(), _No())
    engine = start_engine(song.project, song.folder)
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(session_for(song, engine), settings)
    window.error_dialogs_enabled = False
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(window.timeline.waveforms_ready, timeout=20000)
    qtbot.wait(300)
    window.grab().save(str(OUT / f"start-{name}.png"))
    if size == (1280, 820):
        window.grab().save(str(ROOT / "docs" / "screenshot.png"))

    session = window.session
    audio = virtual_audio(capture_seconds=10)
    vocal = next(t for t in session.project.tracks if not t.is_bus)
    session.select_track(vocal.id)
    session.edit("Arm", lambda p: ops.set_track_record_armed(p, vocal.id, True))
    session.locate(round(4.0 * session.project.sample_rate))
    session.record()
    qtbot.waitUntil(lambda: session.engine_state.recording, timeout=5000)
    t = np.arange(48000 * 4) / 48000
    voice = (0.4 * np.sin(2 * np.pi * 220 * t) * (1 + np.sin(2 * np.pi * 3 * t)) / 2)
    audio.mic.play(np.stack([voice, voice], axis=1).astype(np.float32))
    qtbot.wait(3500)
    window.grab().save(str(OUT / f"recording-{name}.png"))
    session.stop()
    qtbot.wait(500)

    window.mixer_dock.grab().save(str(OUT / f"mixer-{name}.png"))

    def shoot_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        window.grab().save(str(OUT / f"bounce-{name}.png"))
        dialog.grab().save(str(OUT / f"bounce-dialog-{name}.png"))
        dialog.reject()

    QTimer.singleShot(800, shoot_dialog)
    window.bounce_dialog()
    session.history.mark_saved()
    window.close()
