"""Every menu of the main window, walked on an empty song and on the demo song: each command
exists, is named, has a shortcut of its own, and is offered only when it has something to work
on. The safe ones are triggered and their effect read from the model or the view."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox

from daw.model import Project
from daw.model.store import create_project, load_project
from daw.resources import demo_project
from daw.settings.audio import load_settings
from daw.ui.help_dialog import HelpDialog
from daw.ui.main_window import MainWindow
from daw.ui.session import Session

MENUS = ["File", "Edit", "Track", "View", "Transport", "Options", "Help"]

# Commands that have nothing to work on in a new, empty song.
DISABLED_WHEN_EMPTY = {
    "Edit/Undo", "Edit/Redo", "Edit/Cut", "Edit/Copy", "Edit/Duplicate", "Edit/Delete",
    "Edit/Split at Playhead", "Edit/Select All", "Edit/Clip Gain…", "File/Bounce…",
    "File/Open Recent", "Track/Remove Track", "Track/Rename Track…", "Track/Colour…",
    "Track/Show Takes", "Transport/Next Marker", "Transport/Previous Marker",
    "File/Missing Media…",
    "Track/Mute / Unmute", "Track/Solo / Unsolo", "Track/Arm / Disarm for Recording",
}
# The demo song has clips, markers and a selected track, but no history and no selected clip.
DISABLED_ON_THE_DEMO = {
    "Edit/Undo", "Edit/Redo", "Edit/Cut", "Edit/Copy", "Edit/Duplicate", "Edit/Delete",
    "Edit/Clip Gain…", "File/Open Recent", "Track/Show Takes", "File/Missing Media…",
}


def walk(menu: QMenu, path: str) -> Iterator[tuple[str, QAction]]:
    menu.aboutToShow.emit()  # as opening it does: some menus fill or check themselves then
    for action in menu.actions():
        if action.isSeparator():
            continue
        name = f"{path}/{action.text().replace('&', '')}"
        yield name, action
        if action.menu() is not None:
            yield from walk(action.menu(), name)


def all_actions(window: MainWindow) -> dict[str, QAction]:
    found: dict[str, QAction] = {}
    for top in window.menuBar().actions():
        found.update(walk(top.menu(), top.text().replace("&", "")))
    return found


def make_window(qtbot, tmp_path: Path, project: Project, folder: Path) -> MainWindow:
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Session(project, folder), settings)
    window.error_dialogs_enabled = False
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    return window


def close(window: MainWindow) -> None:
    window.session.history.mark_saved()
    window.close()
    window.deleteLater()


@pytest.fixture
def empty_window(qtbot, tmp_path: Path) -> Iterator[MainWindow]:
    folder = create_project(tmp_path / "Empty.minidaw", Project(name="Empty"))
    window = make_window(qtbot, tmp_path, load_project(folder), folder)
    yield window
    close(window)


@pytest.fixture
def demo_window(qtbot, tmp_path: Path) -> Iterator[MainWindow]:
    folder = tmp_path / "Demo.minidaw"
    shutil.copytree(demo_project(), folder)
    window = make_window(qtbot, tmp_path, load_project(folder), folder)
    yield window
    close(window)


def disabled(window: MainWindow) -> set[str]:
    return {name for name, action in all_actions(window).items() if not action.isEnabled()}


@pytest.mark.parametrize("which", ["empty_window", "demo_window"])
def test_every_command_is_named_and_has_its_own_shortcut(which: str, request) -> None:
    window: MainWindow = request.getfixturevalue(which)
    assert [a.text().replace("&", "") for a in window.menuBar().actions()] == MENUS
    actions = all_actions(window)
    assert len(actions) > 60
    shortcuts: dict[str, str] = {}
    for name, action in actions.items():
        assert action.text().strip(), name
        keys = action.shortcut().toString()
        if keys:  # two commands on one key would make Qt run neither
            assert keys not in shortcuts, f"{name} and {shortcuts[keys]} share {keys}"
            shortcuts[keys] = name
    for name in ("Help/Keyboard Shortcuts", "Help/First Song Walkthrough", "Help/About MiniDAW"):
        assert actions[name].isEnabled()
    assert shortcuts["F1"] == "Help/Keyboard Shortcuts"


def test_an_empty_song_offers_only_what_can_be_done(empty_window: MainWindow) -> None:
    assert disabled(empty_window) == DISABLED_WHEN_EMPTY


def test_the_demo_song_offers_its_commands(demo_window: MainWindow) -> None:
    assert disabled(demo_window) == DISABLED_ON_THE_DEMO
    session = demo_window.session
    drums = session.project.tracks[0]
    session.select_clips([drums.clips[0].id])
    now_disabled = disabled(demo_window)
    assert now_disabled == {"Edit/Undo", "Edit/Redo", "File/Open Recent", "Track/Show Takes",
                            "File/Missing Media…"}


def test_adding_a_clip_offers_bounce_and_undo(empty_window: MainWindow) -> None:
    actions = all_actions(empty_window)
    actions["Track/Add Track"].trigger()
    session = empty_window.session
    assert [t.name for t in session.project.tracks] == ["Track 1"]
    actions = all_actions(empty_window)
    assert actions["Edit/Undo Add Track"].isEnabled()
    assert actions["Track/Rename Track…"].isEnabled() and actions["Track/Colour…"].isEnabled()
    assert not actions["File/Bounce…"].isEnabled()  # a track, but still nothing to hear
    actions["Edit/Undo Add Track"].trigger()
    assert session.project.tracks == ()
    assert all_actions(empty_window)["Edit/Redo Add Track"].isEnabled()


def test_triggering_the_view_and_options_commands(demo_window: MainWindow) -> None:
    view = demo_window.session.view
    actions = all_actions(demo_window)
    before = view.frames_per_pixel
    actions["View/Zoom In"].trigger()
    assert view.frames_per_pixel < before
    actions["View/Zoom Out"].trigger()
    actions["View/Zoom Out"].trigger()
    assert view.frames_per_pixel > before
    follow = view.follow_playhead
    actions["View/Follow Playhead"].trigger()
    assert view.follow_playhead is not follow
    actions["View/Show Master Track"].trigger()
    assert view.show_master and actions["View/Show Master Track"].isChecked()
    actions["View/Mixer"].trigger()
    assert not demo_window.mixer_dock.isVisible()
    actions["Options/Snap/Bar"].trigger()
    assert view.snap == "Bar" and actions["Options/Snap/Bar"].isChecked()
    assert not actions["Options/Snap/Beat"].isChecked()
    actions["Options/Count-in/2 bars"].trigger()
    assert load_settings()[0].count_in_bars == 2
    actions["Options/Comp Crossfade/20 ms"].trigger()
    assert view.comp_crossfade_ms == 20.0


def test_triggering_the_edit_track_and_transport_commands(demo_window: MainWindow) -> None:
    session = demo_window.session
    project = session.project
    actions = all_actions(demo_window)
    actions["Edit/Select All"].trigger()
    assert session.selected_clips == {c.id for t in project.tracks for c in t.clips}
    actions["Transport/Go to End"].trigger()
    assert session.engine_state.position_frame == project.end_frame
    actions["Transport/Previous Marker"].trigger()
    assert session.engine_state.position_frame == max(m.frame for m in project.markers)
    actions["Transport/Go to Start"].trigger()
    assert session.engine_state.position_frame == 0
    actions["Transport/Next Marker"].trigger()
    assert session.engine_state.position_frame == sorted(m.frame for m in project.markers)[1]
    actions["Transport/Add Marker"].trigger()
    assert len(session.project.markers) == len(project.markers) + 1
    actions["Track/Add Bus"].trigger()
    assert session.project.tracks[-1].is_bus
    all_actions(demo_window)["Track/Remove Track"].trigger()  # the new bus is selected
    assert len(session.project.tracks) == len(project.tracks)
    actions["File/Save"].trigger()
    assert load_project(session.folder).markers == session.project.markers
    assert not session.is_modified


def test_the_help_commands_open_readable_pages(demo_window: MainWindow, qtbot) -> None:
    actions = all_actions(demo_window)
    actions["Help/Keyboard Shortcuts"].trigger()
    page = demo_window.help_pages["Keyboard shortcuts"]
    assert isinstance(page, HelpDialog) and page.isVisible() and not page.isModal()
    assert "Ctrl+Shift+Z" in page.browser.toPlainText()
    actions["Help/First Song Walkthrough"].trigger()
    walkthrough = demo_window.help_pages["Your first song"]
    text = walkthrough.browser.toPlainText()
    for step in ("Record", "Edit", "Mix", "Master", "Bounce"):
        assert f"{step}." in text
    actions["Help/Keyboard Shortcuts"].trigger()  # asked again: the same page, not another
    assert len(demo_window.help_pages) == 2

    shown: list[str] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            shown.append(box.text())
            box.accept()
        else:
            QTimer.singleShot(20, read_and_close)

    QTimer.singleShot(0, read_and_close)
    actions["Help/About MiniDAW"].trigger()
    assert shown and "GPL-3.0-or-later" in shown[0] and "numpy" in shown[0]
