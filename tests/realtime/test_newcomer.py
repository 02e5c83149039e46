"""A newcomer's first song, as the README's "Your first song" tells it, on the JACK device with
fresh settings: play the demo, make a new song, add a track, arm it, record a known signal,
add an EQ and a reverb, bounce it mastered. No modal error anywhere; the take lands in the new
song's folder; the bounce holds the signal and its reverb tail. The keys and clicks it needs
are counted, so a change that makes the path longer shows here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from daw.ui.app import demo_copy, start_engine
from daw.ui.bounce_dialog import BounceDialog
from daw.ui.main_window import MainWindow
from daw.ui.opening import read_song, session_for
from tests.realtime.engine_helpers import find

RATE = 48000
STEPS_AT_MOST = 16
"""The keys and clicks the path takes today; more means the first song got harder."""


class Person:
    """Presses keys and clicks the way a person does, and counts them."""

    def __init__(self, qtbot, window: MainWindow) -> None:
        self.qtbot = qtbot
        self.window = window
        self.steps: list[str] = []

    def key(self, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        if not self.window.isActiveWindow():  # a closed menu or dialog hands it back
            self.window.activateWindow()
            self.qtbot.waitUntil(self.window.isActiveWindow, timeout=3000)
        focus = QApplication.focusWidget() or self.window  # wherever focus is, as a person
        self.steps.append(QKeySequence(modifier.value | key.value).toString())
        self.qtbot.keyClick(focus, key, modifier)

    def click(self, widget, what: str) -> None:
        self.steps.append(f"click {what}")
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)

    def choose(self, what: str, action: Callable[[], None]) -> None:
        """A menu entry or a dialog's answer: one step."""
        self.steps.append(f"choose {what}")
        action()


@pytest.fixture
def fresh_start(qtbot, tmp_path: Path, monkeypatch, jack_device) -> Iterator[MainWindow]:
    """The app as `daw` starts it with no settings yet: the demo song, the default device."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("MINIDAW_CONFIG_DIR", str(tmp_path / "config"))
    errors: list[str] = []
    for name in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, name,
                            lambda *args, **kw: errors.append(str(args[2:3])) or None)
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kw: errors.append(
        str(args[2:3])) or QMessageBox.StandardButton.No)
    song = read_song(demo_copy(), answers_no())
    engine = start_engine(song.project, song.folder)
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(session_for(song, engine), settings)
    window.resize(1280, 820)
    window.show()
    qtbot.waitExposed(window)
    window.modal_errors = errors  # type: ignore[attr-defined]
    yield window
    window.session.history.mark_saved()
    window.close()
    window.deleteLater()


def answers_no():
    class No:
        def confirm(self, title: str, question: str) -> bool:
            return False

        def choose_backup(self, folder, problem, backups):
            return None

    return No()


def test_a_newcomers_first_song(fresh_start: MainWindow, qtbot, tmp_path: Path,
                                virtual_audio, monkeypatch) -> None:
    window = fresh_start
    person = Person(qtbot, window)
    audio = virtual_audio(capture_seconds=20)
    assert window.session.engine_state.device is not None, window.session.engine_state.message

    # Play the demo, hear it, stop.
    audio.speaker.start_capture()
    person.key(Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.session.engine_state.playing, timeout=3000)
    qtbot.wait(1500)
    person.key(Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not window.session.engine_state.playing, timeout=3000)
    heard = audio.speaker.captured()
    assert np.abs(heard).max() > 0.05  # the demo was heard

    # File ▸ New: a name in the file dialog.
    new_song = tmp_path / "songs" / "First.minidaw"
    new_song.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *args, **kw: (str(new_song), ""))
    person.key(Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    person.steps.append("type the song's name")
    qtbot.waitUntil(lambda: window.session.folder == new_song, timeout=3000)
    session = window.session

    # Add a track, arm it, record a known signal, stop.
    person.key(Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert len(session.project.tracks) == 1
    person.key(Qt.Key.Key_R, Qt.KeyboardModifier.ShiftModifier)
    track = session.project.tracks[0]
    assert track.record_armed
    noise = np.random.default_rng(15).uniform(-0.3, 0.3, int(2.5 * RATE))
    signal = np.stack([noise, noise], axis=1).astype(np.float32)  # a voice-like burst
    person.key(Qt.Key.Key_R)
    qtbot.waitUntil(lambda: session.engine_state.recording, timeout=5000)
    qtbot.waitUntil(lambda: session.engine_state.position_frame > RATE // 10,
                    timeout=8000)  # after the count-in, as a person sings after the clicks
    audio.mic.play(signal)
    qtbot.wait(3000)
    person.key(Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: bool(session.project.tracks[0].clips), timeout=5000)
    (clip,) = session.project.tracks[0].clips
    media = session.project.media_ref(clip.media_id)
    take_file = new_song / media.path
    assert take_file.is_file() and media.path.startswith("audio/")
    take, _ = sf.read(take_file, dtype="float32", always_2d=True)
    at = find(signal[:RATE, 0], take[:, 0])
    np.testing.assert_array_equal(take[at:at + len(signal), 0], signal[:, 0])

    # An EQ and a reverb from the strip's + menu.
    chain = window.mixer.strip_for(track.id).chain
    for kind in ("EQ", "Reverb"):
        entry = next(a for a in chain.add_menu.actions() if a.text() == kind)

        def pick(entry=entry, kind=kind) -> None:  # the menu is open now
            assert chain.add_menu.isVisible()
            person.choose(kind, entry.trigger)
            chain.add_menu.close()

        QTimer.singleShot(300, pick)
        person.click(chain.add_button, "+ on the track's strip")
        qtbot.waitUntil(lambda: not chain.add_menu.isVisible(), timeout=3000)
    assert [e.kind for e in session.project.tracks[0].effects] == ["eq", "reverb"]

    # File ▸ Bounce…: the suggested file, Bounce, then Close.
    bounced = tmp_path / "songs" / "First.wav"
    results: list[str] = []

    def in_the_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, BounceDialog):  # not open yet on a busy machine
            QTimer.singleShot(50, in_the_dialog)
            return
        assert Path(dialog.path.text()) == bounced  # suggested beside the song, not in it
        dialog.bounceFinished.connect(lambda message: (results.append(message),
                                                        person.click(dialog.close_button,
                                                                     "Close")))
        person.click(dialog.start, "Bounce")

    QTimer.singleShot(300, in_the_dialog)
    person.key(Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(results), timeout=30000)
    assert results == [""]

    assert window.modal_errors == []  # type: ignore[attr-defined]
    assert window.last_error is None
    mix, rate = sf.read(bounced, dtype="float64", always_2d=True)
    assert rate == RATE
    start = clip.start_frame + at - clip.source_offset_frames
    correlation = np.corrcoef(mix[start:start + len(signal) // 2, 0],
                              signal[:len(signal) // 2, 0])[0, 1]
    assert correlation > 0.8  # the take, through a flat EQ and a reverb tucked behind it
    end_of_signal = start + len(signal)
    tail = mix[end_of_signal + RATE // 20:, 0]
    assert len(mix) > end_of_signal + RATE // 4  # the bounce rendered the reverb's tail
    assert np.abs(tail[:RATE // 10]).max() > 10 ** (-60 / 20)  # and it is heard
    assert len(person.steps) <= STEPS_AT_MOST, person.steps
    print(f"{len(person.steps)} steps: " + "; ".join(person.steps))
