"""Starting the window: the Qt application with its icon and dark theme, the engine on the chosen
sound card (without one, the window's banner says what to do), and the song to open (the one
asked for, the last one, or on first run a copy of the demo song)."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from pathlib import Path

import platformdirs
from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QMessageBox

from daw import __version__
from daw.engine.live.audio_setup import open_chosen_device
from daw.engine.live.transport import Engine, EngineError
from daw.model import Project, ProjectFileError
from daw.model.backups import Backup
from daw.resources import demo_project
from daw.settings.audio import load_settings
from daw.ui.backup_dialog import choose_backup
from daw.ui.icons import app_icon
from daw.ui.main_window import RECENT_KEY, MainWindow
from daw.ui.opening import ask_yes_no, offer_recovery, read_song, session_for

STYLE = """
QWidget { font-size: 10pt; }
QToolBar { border: none; spacing: 4px; }
QToolButton { border: 1px solid #3a3f44; border-radius: 4px; padding: 2px 6px;
              background: #2d3136; }
QToolButton:checked { background: #3f6fb0; }
QToolButton#recordButton { color: #e05555; }
QToolButton#recordButton[recording="true"] { background: #b03030; color: white; }
QLabel#positionDisplay { background: #15171a; color: #9fe870; border-radius: 4px;
                         padding: 2px 10px; }
QDockWidget::title { padding: 4px; background: #2a2d31; }
"""


def dark_palette() -> QPalette:
    """Greys easy on the eyes for long sessions, with a calm blue for selection."""
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#25282c",
        QPalette.ColorRole.WindowText: "#dcdfe3",
        QPalette.ColorRole.Base: "#1c1e21",
        QPalette.ColorRole.AlternateBase: "#25282c",
        QPalette.ColorRole.Text: "#dcdfe3",
        QPalette.ColorRole.Button: "#2d3136",
        QPalette.ColorRole.ButtonText: "#dcdfe3",
        QPalette.ColorRole.Highlight: "#3f6fb0",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#2d3136",
        QPalette.ColorRole.ToolTipText: "#dcdfe3",
        QPalette.ColorRole.PlaceholderText: "#80868d",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText,
                     QColor("#6b7075"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#6b7075"))
    return palette


def application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("MiniDAW")
    app.setOrganizationName("MiniDAW")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("minidaw")  # packaging/minidaw.desktop: the dock finds the icon
    app.setWindowIcon(app_icon())
    app.setStyle("Fusion")
    app.setPalette(dark_palette())
    app.setStyleSheet(STYLE)
    return app


def demo_copy() -> Path:
    """A writable copy of the demo song in the user's data folder (made on first use)."""
    target = Path(platformdirs.user_data_dir("minidaw")) / "Demo.minidaw"
    if not (target / "project.json").exists():
        shutil.copytree(demo_project(), target, dirs_exist_ok=True)
    return target


def song_to_open(asked: Path | None, settings: QSettings) -> Path:
    if asked is not None:
        return asked
    recent = settings.value(RECENT_KEY) or []
    recent = [recent] if isinstance(recent, str) else list(recent)
    for path in recent:
        if (Path(path) / "project.json").exists():
            return Path(path)
    return demo_copy()


def start_engine(project: Project, folder: Path) -> Engine:
    """An engine on the chosen sound card; without one it still runs, and says why."""
    engine = Engine(project, folder)
    engine.start()
    settings, _ = load_settings()
    with contextlib.suppress(EngineError):  # the engine's state says why; the window shows it
        open_chosen_device(engine, settings)
    return engine


def run_window(project_path: Path | None = None) -> int:
    """Open the window and run until it is closed; returns the exit status."""
    app = application()
    settings = QSettings("MiniDAW", "MiniDAW")
    folder = song_to_open(project_path, settings)
    try:
        song = read_song(folder, StartAsker())
    except ProjectFileError as error:
        QMessageBox.critical(None, "MiniDAW", f"Cannot open the project.\n\n{error}\n\n"
                             "Opening the demo song instead.")
        song = read_song(demo_copy(), StartAsker())
    engine = None if os.environ.get("MINIDAW_NO_AUDIO") else start_engine(song.project,
                                                                          song.folder)
    window = MainWindow(session_for(song, engine), settings)
    window.show()
    offer_recovery(window.session, window)
    return app.exec()


class StartAsker:
    """Questions asked before the window exists (a damaged song, an autosave to restore)."""

    def confirm(self, title: str, question: str) -> bool:
        return ask_yes_no(None, title, question)

    def choose_backup(self, folder: Path, problem: str, backups: list[Backup]) -> Backup | None:
        return choose_backup(None, folder, problem, backups)
