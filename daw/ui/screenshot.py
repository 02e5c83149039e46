"""`python -m daw.ui.screenshot OUT.png [PROJECT]`: open the window on a song (the demo by
default), let the waveforms build, and save a picture of the window. Used for the README and
to look at the window on a machine without a screen (under Xvfb, or Qt's offscreen platform)."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from daw.ui.app import application, demo_copy
from daw.ui.main_window import MainWindow
from daw.ui.session import Session


def take_screenshot(out: Path, project: Path | None = None, size: tuple[int, int] = (1440, 900),
                    position_seconds: float = 9.5) -> Path:
    app = application()
    folder = project or demo_copy()
    session = Session(Session.load(folder), folder)
    scratch = tempfile.TemporaryDirectory()  # the window's remembered layout stays out of it
    settings = QSettings(str(Path(scratch.name) / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(session, settings)
    window.error_dialogs_enabled = False
    window.resize(*size)
    window.show()
    tracks = session.project.tracks
    automated = [t for t in tracks if t.automation]
    shown = automated[0] if automated else (tracks[0] if tracks else None)
    session.select_track(shown.id if shown else None)
    if automated:  # show what the mix does over time, as a person working on it would
        session.view.show_automation(shown.id, shown.automation[0].target)
    if tracks:  # every track in view
        session.view.set_track_height(min(84, (size[1] - 560) // len(tracks)))
    session.locate(round(position_seconds * session.project.sample_rate))
    window.timeline.zoom_to_song()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        app.processEvents()
        if window.timeline.waveforms_ready():
            break
        time.sleep(0.02)
    for _ in range(10):
        app.processEvents()
    window.grab().save(str(out))
    window.session.shutdown()
    window.close()
    del settings
    scratch.cleanup()
    return out


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print("usage: python -m daw.ui.screenshot OUT.png [PROJECT]", file=sys.stderr)
        return 2
    out = take_screenshot(Path(args[0]), Path(args[1]) if len(args) > 1 else None)
    print(out)
    QApplication.instance().quit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
