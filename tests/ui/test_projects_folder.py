"""New, Open and Save As start in a projects folder (Documents/MiniDAW, made when first
used), then where the last song was made, opened or saved; never the working directory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog

from daw.model import Project
from daw.model.store import create_project
from daw.ui.main_window import MainWindow
from daw.ui.session import Session

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def window(qtbot, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(tmp_path / "Documents"))
    monkeypatch.chdir(tmp_path)  # the working directory is not where songs go
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(Session(Project(), None), settings)
    win.error_dialogs_enabled = False
    qtbot.addWidget(win)
    yield win
    win.session.history.mark_saved()


def answer_dialog(seen: list[str], choose: Path | None) -> None:
    """When the file dialog shows, note the folder it starts in and choose `choose` (or
    cancel)."""
    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(20, answer)
            return
        seen.append(dialog.directory().absolutePath())
        if choose is None:
            dialog.reject()
        else:
            dialog.selectFile(str(choose))
            dialog.accept()
    QTimer.singleShot(20, answer)


def test_new_starts_in_the_projects_folder_then_where_the_last_song_was(
        window: MainWindow, tmp_path: Path) -> None:
    projects = tmp_path / "Documents" / "MiniDAW"
    seen: list[str] = []
    answer_dialog(seen, projects / "Untitled.minidaw")  # the name offered
    assert window.new_project()
    assert seen == [str(projects)] and projects.is_dir()
    assert window.session.folder == projects / "Untitled.minidaw"

    elsewhere = create_project(tmp_path / "Gigs" / "Live", Project(name="Live"))
    assert window.open_project(elsewhere)
    answer_dialog(seen, None)
    assert not window.new_project()
    assert seen[-1] == str(tmp_path / "Gigs")  # the folder of the last song opened

    window2 = MainWindow(Session(Project(), None), window.settings)  # remembered next run
    answer_dialog(seen, None)
    assert not window2.save_as()
    assert seen[-1] == str(tmp_path / "Gigs")
    window2.session.history.mark_saved()
    window2.close()
