"""The audio dialog's checks on the JACK device: Test output plays exactly the 1 kHz tone at
−20 dBFS for a second, the input meter shows what the microphone plays, and the window's
no-device banner goes away once the dialog opens a device."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QSettings, Qt

from daw.engine.live.tone import make_test_tone
from daw.engine.live.transport import Engine
from daw.model import Project
from daw.ui.audio_dialog import AudioDialog
from daw.ui.main_window import MainWindow
from daw.ui.session import Session
from tests.engine.songs import RATE
from tests.realtime.engine_helpers import wait_until


def test_test_output_plays_the_tone(qtbot, tmp_path: Path, jack_device, virtual_audio) -> None:
    audio = virtual_audio(capture_seconds=4)
    engine = Engine(Project(), tmp_path)
    engine.start()
    session = Session(Project(), tmp_path, engine)
    try:
        engine.open_device(jack_device, jack_device, block_size=1024, input_channels=2)
        dialog = AudioDialog(session)
        qtbot.addWidget(dialog)
        audio.speaker.start_capture()
        qtbot.mouseClick(dialog.test_output, Qt.MouseButton.LeftButton)
        assert dialog.status.text() == ("Playing a 1 kHz tone at -20 dBFS for 1 s on system.")
        wait_until(lambda: audio.speaker.frames > 2 * RATE)
        assert engine.state.error is None
    finally:
        session.shutdown()
    heard = audio.speaker.captured()
    tone = make_test_tone(RATE, 1000.0, -20.0, 1.0, channels=2)
    start = int(np.flatnonzero(heard[:, 0])[0]) - 1  # the tone's first sample is 0
    np.testing.assert_array_equal(heard[start:start + RATE], tone)
    assert not heard[start + RATE:].any() and not heard[:start].any()


def test_the_input_meter_follows_the_microphone(qtbot, tmp_path: Path, jack_device,
                                                virtual_audio) -> None:
    audio = virtual_audio()
    engine = Engine(Project(), tmp_path)
    engine.start()
    session = Session(Project(), tmp_path, engine)
    try:
        engine.open_device(jack_device, jack_device, block_size=1024, input_channels=2)
        dialog = AudioDialog(session)
        qtbot.addWidget(dialog)
        signal = np.zeros((3 * RATE, 2), dtype=np.float32)
        signal[:, 0] = 0.5  # −6.02 dBFS on input 1, silence on input 2
        audio.mic.play(signal)
        qtbot.waitUntil(lambda: [label.text() for label in dialog.meter.labels]
                        == ["−6.0 dBFS", "−∞ dBFS"], timeout=5000)
        assert [bar.value() for bar in dialog.meter.bars] == [900, 0]
        audio.mic.play(np.zeros((RATE, 2), dtype=np.float32))
        qtbot.waitUntil(lambda: dialog.meter.bars[0].value() < 900, timeout=5000)
    finally:
        session.shutdown()


def test_opening_a_device_takes_the_banner_away(qtbot, tmp_path: Path, jack_device) -> None:
    engine = Engine(Project(), tmp_path)
    engine.start()  # as on a first start without a sound card: running, no device
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Session(Project(name="Song"), None, engine), settings)
    window.error_dialogs_enabled = False
    window.show()
    qtbot.waitExposed(window)
    try:
        assert window.device_banner.dock.isVisible()
        dialog = AudioDialog(window.session, window)
        qtbot.addWidget(dialog)
        dialog.output.setCurrentIndex(dialog.output.findData("system"))
        dialog.input.setCurrentIndex(dialog.input.findData("system"))
        rates = [dialog.devices.topLevelItem(i).text(4)
                 for i in range(dialog.devices.topLevelItemCount())
                 if dialog.devices.topLevelItem(i).text(0) == "system"]
        assert rates == [str(RATE)]  # a JACK device takes the server's rate only
        assert dialog.apply()
        qtbot.waitUntil(lambda: not window.device_banner.dock.isVisible(), timeout=5000)
        assert window.session.engine_state.device is not None
    finally:
        window.session.history.mark_saved()
        window.close()
