"""The window's default splits: at 1280×820 the demo's tracks all show and the mixer keeps
well under half the height; the mastering panel takes a quarter of the width at most; at
1024×700 the timeline keeps a usable size; Ctrl+M hides and shows the mixer; a layout saved
by an older version does not come back."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QSettings, Qt

from daw.model.store import load_project
from daw.resources import demo_project
from daw.ui.main_window import MainWindow
from daw.ui.session import Session
from daw.ui.window_layout import TIMELINE_MIN


def open_demo(qtbot, tmp_path: Path, size: tuple[int, int], settings: QSettings) -> MainWindow:
    folder = tmp_path / "Demo.minidaw"
    if not folder.exists():
        shutil.copytree(demo_project(), folder)
    window = MainWindow(Session(load_project(folder), folder), settings)
    window.error_dialogs_enabled = False
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(50)
    return window


def close(window: MainWindow) -> None:
    window.session.history.mark_saved()
    window.close()
    window.deleteLater()


def ini(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)


def test_at_1280_by_820_every_demo_track_shows(qtbot, tmp_path: Path) -> None:
    window = open_demo(qtbot, tmp_path, (1280, 820), ini(tmp_path))
    try:
        timeline, project = window.timeline, window.session.project
        rows = window.session.view.row_count(project)
        assert rows == 6  # five tracks and the reverb bus
        qtbot.waitUntil(lambda: timeline.layout_.content_height(rows) <= timeline.lanes.height())
        assert window.session.view.track_height >= 52
        assert window.mixer_dock.isVisible()
        assert window.mixer_dock.height() <= 0.4 * window.height()  # it was 390 of 820
        assert timeline.height() > window.mixer_dock.height()
        window.mastering_dock.show()
        qtbot.waitUntil(lambda: window.mastering_dock.width() <= 0.25 * window.width() + 1)
        assert timeline.lanes.width() >= 600
    finally:
        close(window)


def test_at_1024_by_700_the_timeline_keeps_a_usable_size(qtbot, tmp_path: Path) -> None:
    window = open_demo(qtbot, tmp_path, (1024, 700), ini(tmp_path))
    try:
        window.mastering_dock.show()
        qtbot.wait(50)
        timeline = window.timeline
        assert timeline.width() >= TIMELINE_MIN.width()
        assert timeline.height() >= TIMELINE_MIN.height()
        assert timeline.lanes.width() >= 380  # it was squeezed to 370 px wide, headers and all
        assert timeline.lanes.height() >= 2 * window.session.view.track_height
    finally:
        close(window)


def test_ctrl_m_toggles_the_mixer_and_the_timeline_takes_the_room(qtbot,
                                                                   tmp_path: Path) -> None:
    window = open_demo(qtbot, tmp_path, (1280, 820), ini(tmp_path))
    try:
        before = window.timeline.height()
        qtbot.keyClick(window.timeline, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: not window.mixer_dock.isVisible())
        qtbot.waitUntil(lambda: window.timeline.height() > before + 200)
        qtbot.keyClick(window.timeline, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(window.mixer_dock.isVisible)
        keys = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        qtbot.keyClick(window.timeline, Qt.Key.Key_M, keys)
        qtbot.waitUntil(window.mastering_dock.isVisible)
    finally:
        close(window)


def test_the_splits_are_remembered_but_not_an_older_layout(qtbot, tmp_path: Path) -> None:
    settings = ini(tmp_path)
    window = open_demo(qtbot, tmp_path, (1280, 820), settings)
    window.resizeDocks([window.mixer_dock], [420], Qt.Orientation.Vertical)
    qtbot.wait(50)
    dragged = window.mixer_dock.height()
    old_style_state = window.saveState()  # what an older version stored: version 0
    close(window)
    again = open_demo(qtbot, tmp_path, (1280, 820), settings)
    try:
        assert abs(again.mixer_dock.height() - dragged) <= 2  # the person's split, kept
    finally:
        close(again)
    settings.setValue("windowState", old_style_state)
    fresh = open_demo(qtbot, tmp_path, (1280, 820), settings)
    try:
        assert fresh.mixer_dock.height() <= 0.4 * fresh.height()
    finally:
        close(fresh)
