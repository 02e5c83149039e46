"""The main window: its menus and shortcuts, undo names, opening a damaged project, closing
with unsaved changes, and saying why play and record are unavailable without a sound card."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox

from daw.model import ops
from daw.model.store import save_project
from daw.ui.main_window import MainWindow
from daw.ui.session import Session
from tests.engine.songs import Song, tone


@pytest.fixture
def window(qtbot, tmp_path: Path) -> Iterator[MainWindow]:
    song = Song(tmp_path / "Song.minidaw")
    song.media("a", tone(96000, 220, channels=2))
    song.track("Keys")
    song.clip("Keys", "a", 0, "c1")
    save_project(song.folder, song.project)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(Session(song.project, song.folder), settings)
    win.error_dialogs_enabled = False
    win.resize(1200, 800)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.session.history.mark_saved()  # nothing to ask when the test closes the window
    win.close()
    win.deleteLater()


def menu_texts(win: MainWindow) -> dict[str, list[str]]:
    menus = {}
    for action in win.menuBar().actions():
        menu = action.menu()
        menus[action.text().replace("&", "")] = [
            a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]
    return menus


def test_every_menu_has_its_commands(window: MainWindow) -> None:
    menus = menu_texts(window)
    assert list(menus) == ["File", "Edit", "Track", "View", "Transport", "Options", "Help"]
    for wanted in ("New…", "Open…", "Open Recent", "Save", "Save As…", "Import Audio…",
                   "Bounce…", "Quit"):
        assert wanted in menus["File"]
    for wanted in ("Cut", "Copy", "Paste", "Duplicate", "Split at Playhead", "Delete",
                   "Select All"):
        assert wanted in menus["Edit"]
    assert menus["Track"][:2] == ["Add Track", "Remove Track"]
    assert "Audio Device…" in menus["Options"] and "Snap" in menus["Options"]
    assert "Keyboard Shortcuts" in menus["Help"]


def test_actions_enable_with_the_selection(window: MainWindow, qtbot) -> None:
    assert not window.delete_action.isEnabled() and not window.undo_action.isEnabled()
    window.session.select_clips(["c1"])
    assert window.delete_action.isEnabled() and window.copy_action.isEnabled()


def test_undo_names_the_step_and_shortcuts_work(window: MainWindow, qtbot) -> None:
    session = window.session
    qtbot.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert [t.name for t in session.project.tracks] == ["Keys", "Track 2"]
    assert window.undo_action.text() == "Undo Add Track"
    assert window.windowTitle().startswith("Test*")
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [t.name for t in session.project.tracks] == ["Keys"]
    assert window.redo_action.text() == "Redo Add Track"
    qtbot.keyClick(window, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert len(session.project.tracks) == 2
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not session.is_modified and not window.windowTitle().startswith("Test*")


def test_split_and_marker_keys_edit_the_song(window: MainWindow, qtbot) -> None:
    session = window.session
    session.locate(48000)
    session.select_clips(["c1"])
    qtbot.keyClick(window.timeline, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert [(c.start_frame, c.length_frames) for c in session.project.track("Keys").clips] == [
        (0, 48000), (48000, 48000)]
    qtbot.keyClick(window.timeline, Qt.Key.Key_M, Qt.KeyboardModifier.ShiftModifier)
    assert [(m.name, m.frame) for m in session.project.markers] == [("Marker 1", 48000)]


def test_without_a_sound_card_the_window_says_why(window: MainWindow, qtbot) -> None:
    assert "No audio device" in window.device_label.text()
    assert not window.transport.play.isEnabled()
    assert "unavailable" in window.transport.play.toolTip()
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.last_error and "No audio device" in window.last_error
    edited = window.session.edit("Gain", lambda p: ops.set_track_gain(p, "Keys", -3))
    assert edited  # editing still works


def test_a_damaged_project_shows_an_error_and_keeps_the_song(window: MainWindow,
                                                            tmp_path: Path) -> None:
    broken = tmp_path / "Broken.minidaw"
    save_project(broken, window.session.project)
    data = json.loads((broken / "project.json").read_text())
    data["tracks"][0]["pan"] = "left"
    (broken / "project.json").write_text(json.dumps(data))
    before = window.session
    assert not window.open_project(broken)
    assert "Cannot open the project" in window.last_error
    assert "tracks[0].pan" in window.last_error and "project.json" in window.last_error
    assert window.session is before


def test_opening_another_project_and_recent_files(window: MainWindow, tmp_path: Path) -> None:
    other = tmp_path / "Other.minidaw"
    save_project(other, ops.rename_project(window.session.project, "Other"))
    assert window.open_project(other)
    assert window.session.project.name == "Other"
    assert window.recent_projects()[0] == str(other)
    assert "Other" in window.windowTitle()


@pytest.mark.parametrize(("answer", "closes"), [
    (QMessageBox.StandardButton.Cancel, False),
    (QMessageBox.StandardButton.Discard, True),
])
def test_closing_with_unsaved_changes_asks(window: MainWindow, monkeypatch, answer,
                                           closes: bool) -> None:
    window.session.edit("Tempo", lambda p: ops.set_tempo(p, 100))
    asked: list[str] = []

    def question(*args, **kwargs):
        asked.append(args[1])
        return answer

    monkeypatch.setattr(QMessageBox, "question", question)
    assert window.close() is closes
    assert asked == ["Save changes?"]


def test_count_in_and_click_options_are_remembered(window: MainWindow) -> None:
    from daw.settings.audio import load_settings

    window.set_count_in(2)
    window.set_click_during_playback(True)
    settings, _ = load_settings()
    assert settings.count_in_bars == 2 and settings.click_during_playback
    assert window.count_in_actions[2].isChecked() and not window.count_in_actions[1].isChecked()
