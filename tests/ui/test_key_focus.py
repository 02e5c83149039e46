"""Transport keys work from anywhere in the window: focus starts on the timeline (also after
New), the tempo box lets Space, R and Home through until a number is typed into it, and Enter
or Escape hands the keys back to the timeline."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from daw.model.store import save_project
from daw.ui.main_window import MainWindow
from daw.ui.session import Session
from tests.engine.songs import Song, tone
from tests.ui.windows import private_settings, shown_window


@pytest.fixture
def window(qtbot, tmp_path: Path) -> Iterator[MainWindow]:
    song = Song(tmp_path / "Song.minidaw")
    song.media("a", tone(96000, 220, channels=2))
    song.track("Keys")
    song.clip("Keys", "a", 0, "c1")
    save_project(song.folder, song.project)
    session = Session(song.project, song.folder)
    with shown_window(qtbot, session, private_settings(tmp_path)) as win:
        win.activateWindow()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
        yield win


def press(qtbot, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> QWidget:
    """Press a key as a person does: into whatever has the keyboard focus."""
    focused = QApplication.focusWidget()
    assert focused is not None
    qtbot.keyClick(focused, key, modifier)
    return focused


def space_reaches_the_transport(window: MainWindow, qtbot) -> bool:
    """Without a sound card, Space's Play says why it cannot play: proof that it ran."""
    window.last_error = None
    press(qtbot, Qt.Key.Key_Space)
    return bool(window.last_error and "No audio device" in window.last_error)


def test_focus_starts_on_the_timeline_and_space_plays(window: MainWindow, qtbot) -> None:
    assert QApplication.focusWidget() is window.timeline
    assert space_reaches_the_transport(window, qtbot)


def test_after_new_the_keys_are_on_the_timeline_again(window: MainWindow, qtbot,
                                                      tmp_path: Path) -> None:
    assert window.new_project(tmp_path / "Fresh.minidaw")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.timeline)
    assert window.session.project.tracks == ()
    assert space_reaches_the_transport(window, qtbot)


def test_a_clicked_tempo_box_lets_the_transport_keys_through(window: MainWindow,
                                                              qtbot) -> None:
    tempo = window.transport.tempo
    qtbot.mouseClick(tempo.lineEdit(), Qt.MouseButton.LeftButton)
    assert QApplication.focusWidget() is tempo
    assert space_reaches_the_transport(window, qtbot)
    window.session.locate(48000)
    press(qtbot, Qt.Key.Key_Home)
    assert window.session.engine_state.position_frame == 0
    window.session.select_track("Keys")
    press(qtbot, Qt.Key.Key_M)
    assert window.session.project.track("Keys").mute
    assert tempo.value() == 120.0


def test_typing_a_tempo_keeps_the_keys_until_enter(window: MainWindow, qtbot) -> None:
    tempo = window.transport.tempo
    qtbot.mouseClick(tempo.lineEdit(), Qt.MouseButton.LeftButton)
    tempo.lineEdit().selectAll()
    press(qtbot, Qt.Key.Key_9)
    assert tempo.cleanText() == "9"
    assert not space_reaches_the_transport(window, qtbot)  # still typing: the box has it
    press(qtbot, Qt.Key.Key_0)
    press(qtbot, Qt.Key.Key_Return)
    assert window.session.project.tempo_bpm == 90.0
    assert window.undo_action.text() == "Undo Tempo"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.timeline)
    assert space_reaches_the_transport(window, qtbot)


def test_escape_puts_the_tempo_back_and_gives_the_keys_back(window: MainWindow,
                                                            qtbot) -> None:
    tempo = window.transport.tempo
    qtbot.mouseClick(tempo.lineEdit(), Qt.MouseButton.LeftButton)
    tempo.lineEdit().selectAll()
    press(qtbot, Qt.Key.Key_7)
    press(qtbot, Qt.Key.Key_7)
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.timeline)
    assert window.session.project.tempo_bpm == 120.0 and tempo.value() == 120.0
    assert tempo.cleanText() == "120.0"
    assert not window.session.history.can_undo
    assert space_reaches_the_transport(window, qtbot)


def test_enter_in_a_strip_gain_entry_gives_the_keys_back(window: MainWindow, qtbot) -> None:
    entry = window.mixer.strip_for("Keys").entry
    qtbot.mouseClick(entry, Qt.MouseButton.LeftButton)
    assert QApplication.focusWidget() is entry
    entry.selectAll()
    qtbot.keyClicks(entry, "-6")
    press(qtbot, Qt.Key.Key_Return)
    assert window.session.project.track("Keys").gain_db == -6.0
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.timeline)
    assert space_reaches_the_transport(window, qtbot)
