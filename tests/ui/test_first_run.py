"""The first start: the demo song opens, a banner says what to do when there is no sound card,
the audio dialog tests the output and meters the input, and the icons come from resources."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QSize, Qt, QTimer
from PySide6.QtWidgets import QApplication, QToolButton

from daw.engine.live.transport import Engine, EngineState
from daw.model import Project
from daw.model.store import load_project
from daw.resources import demo_project
from daw.ui.app import song_to_open
from daw.ui.audio_dialog import AudioDialog, level_text, meter_value
from daw.ui.device_banner import banner_text
from daw.ui.icons import APP_ICON_SIZES, app_icon, icon
from daw.ui.main_window import MainWindow
from daw.ui.session import Session
from daw.ui.transport_bar import TransportBar


def test_the_first_start_opens_a_copy_of_the_demo_song(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    folder = song_to_open(None, settings)
    assert folder == tmp_path / "data" / "minidaw" / "Demo.minidaw"
    assert load_project(folder) == load_project(demo_project())
    for media in load_project(folder).media:  # its own audio: edits never touch the bundle
        assert (folder / media.path).read_bytes() == (demo_project() / media.path).read_bytes()


@pytest.fixture
def deviceless_window(qtbot, tmp_path: Path) -> Iterator[MainWindow]:
    """The window as it starts on a machine without a sound card: the engine runs, no device."""
    engine = Engine(Project(), tmp_path)
    engine.start()
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Session(Project(name="Song"), None, engine), settings)
    window.error_dialogs_enabled = False
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.session.history.mark_saved()
    window.close()
    window.deleteLater()


def test_without_a_device_a_banner_says_what_to_do(deviceless_window: MainWindow, qtbot) -> None:
    banner = deviceless_window.device_banner
    assert banner.dock.isVisible()
    text = banner.label.text()
    assert text.startswith("<b>No audio device.</b>") and "Audio Device…" in text
    opened: list[str] = []

    def close_the_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, AudioDialog):
            opened.append(dialog.windowTitle())
            dialog.reject()
        else:
            QTimer.singleShot(20, close_the_dialog)

    QTimer.singleShot(0, close_the_dialog)
    qtbot.mouseClick(banner.settings_button, Qt.MouseButton.LeftButton)
    assert opened == ["Audio device"]
    qtbot.mouseClick(banner.close_button, Qt.MouseButton.LeftButton)
    assert not banner.dock.isVisible()
    deviceless_window.session.engineStateChanged.emit()  # the next report keeps it away
    assert not banner.dock.isVisible()


def test_the_banner_gives_the_engines_reason() -> None:
    reason = ("Cannot open the audio device: cannot open the audio device (Device unavailable)."
              " Editing and bounce still work.")
    text = banner_text(reason)
    assert "(Device unavailable)." in text and text.count("Editing and bounce") == 1
    assert banner_text("No audio device open") == banner_text("")


def test_no_banner_when_audio_is_off_on_purpose(qtbot, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Session(Project(), None), settings)  # MINIDAW_NO_AUDIO: no engine
    qtbot.addWidget(window)
    window.show()
    assert not window.device_banner.dock.isVisible()
    assert "No audio device open" in window.device_label.text()


def test_transport_buttons_show_the_theme_icons(qtbot) -> None:
    session = Session(Project(), None)
    bar = TransportBar(session)
    qtbot.addWidget(bar)
    for button, name in ((bar.rewind, "rewind"), (bar.play, "play"), (bar.stop, "stop"),
                         (bar.record, "record"), (bar.loop, "loop"), (bar.click, "click")):
        assert button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly
        assert button.icon().cacheKey() == icon(name).cacheKey()
        assert not button.icon().pixmap(20, 20).isNull()
    assert bar.record.objectName() == "recordButton"
    session.engine_state = replace(session.engine_state, playing=True)
    session.engineStateChanged.emit()
    assert bar.play.icon().cacheKey() == icon("pause").cacheKey()
    session.engine_state = replace(session.engine_state, playing=False)
    session.engineStateChanged.emit()
    assert bar.play.icon().cacheKey() == icon("play").cacheKey()


def test_a_missing_icon_leaves_the_buttons_text(qtbot) -> None:
    assert icon("no-such-icon").isNull()
    button = QToolButton()
    qtbot.addWidget(button)
    from daw.ui.transport_bar import _set_icon

    _set_icon(button, "no-such-icon")
    assert button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextOnly


def test_the_application_icon_comes_in_every_size(qtbot) -> None:
    sizes = app_icon().availableSizes()
    for size in APP_ICON_SIZES:
        assert QSize(size, size) in sizes
    image = app_icon().pixmap(64, 64).toImage()
    assert image.width() == 64 and image.pixelColor(32, 32).alpha() == 255  # drawn, opaque


def test_the_audio_dialog_meters_the_input(qtbot, tmp_path: Path) -> None:
    session = Session(Project(), tmp_path)
    dialog = AudioDialog(session)
    qtbot.addWidget(dialog)
    assert dialog.meter.note.isVisibleTo(dialog)  # no input open
    session.engine_state = EngineState(input_peaks=(0.5, 0.001))
    session.engineStateChanged.emit()
    assert [bar.value() for bar in dialog.meter.bars] == [
        round(1000 * (20 * math.log10(0.5) + 60) / 60), 0]
    assert [label.text() for label in dialog.meter.labels] == ["−6.0 dBFS", "−60.0 dBFS"]
    assert not dialog.meter.note.isVisibleTo(dialog)
    session.engine_state = EngineState(input_peaks=(1.0,))
    session.engineStateChanged.emit()
    assert dialog.meter.bars[0].value() == 1000
    assert not dialog.meter.bars[1].isVisibleTo(dialog)


def test_meter_scale() -> None:
    assert meter_value(0.0) == 0 and meter_value(1e-9) == 0 and meter_value(2.0) == 1000
    assert meter_value(10 ** (-30 / 20)) == 500
    assert level_text(0.0) == "−∞ dBFS" and level_text(1e-5) == "< −60 dBFS"
    assert level_text(10 ** (-12.34 / 20)) == "−12.3 dBFS"


def test_the_test_tone_needs_an_open_output(qtbot, tmp_path: Path) -> None:
    engine = Engine(Project(), tmp_path)
    engine.start()
    session = Session(Project(), tmp_path, engine)
    try:
        dialog = AudioDialog(session)
        qtbot.addWidget(dialog)
        qtbot.mouseClick(dialog.test_output, Qt.MouseButton.LeftButton)
        assert dialog.status.text() == ("No output is open: choose one and press Open, then "
                                        "test it.")
    finally:
        session.shutdown()
