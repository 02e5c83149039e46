"""A window that edits a song by keys and commands, waits for the autosave to hold the last
edit, prints the song it holds as JSON, then waits to be killed (tests/ui/test_autosave.py)."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from daw.model import ops
from daw.model.serialize import project_to_dict
from daw.model.store import load_project
from daw.ui.main_window import MainWindow
from daw.ui.session import Session


def main(folder: Path, settings_file: Path) -> None:
    app = QApplication.instance() or QApplication([])
    settings = QSettings(str(settings_file), QSettings.Format.IniFormat)
    window = MainWindow(Session(load_project(folder), folder), settings)
    window.error_dialogs_enabled = False
    window.set_autosave_interval(0.2)
    window.show()
    QTest.qWaitForWindowExposed(window)
    session = window.session
    for _ in range(2):
        QTest.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)  # Add Track
    first = session.project.tracks[0].id
    session.edit("Gain", lambda p: ops.set_track_gain(p, first, -7.5))
    session.edit("Tempo", lambda p: ops.set_tempo(p, 93.0))
    session.edit("Rename", lambda p: ops.rename_track(p, first, "Lead vocal"))
    deadline = time.monotonic() + 20
    while window.autosaver._written_project is not session.project:
        if time.monotonic() > deadline:
            sys.exit("the autosave never caught up")
        app.processEvents()
        time.sleep(0.01)
    print(json.dumps(project_to_dict(session.project)), flush=True)
    while True:  # as a person who goes on working would: until the process is killed
        app.processEvents()
        time.sleep(0.01)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
