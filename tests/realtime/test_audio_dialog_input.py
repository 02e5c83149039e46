"""The audio dialog offers the device's own inputs unless the person chose to play only, and
"play only" then really opens no input."""

from __future__ import annotations

from pathlib import Path

from daw.engine.live.transport import Engine
from daw.model import Project
from daw.ui.audio_dialog import AudioDialog
from daw.ui.session import Session


def dialog_on(qtbot, session: Session) -> AudioDialog:
    dialog = AudioDialog(session)
    qtbot.addWidget(dialog)
    return dialog


def test_a_first_run_offers_the_devices_input_and_play_only_opens_none(
        qtbot, tmp_path: Path, jack_device) -> None:
    engine = Engine(Project(), tmp_path)
    engine.start()
    session = Session(Project(), tmp_path, engine)
    try:
        dialog = dialog_on(qtbot, session)  # no settings saved yet, nothing open
        assert dialog.output.currentData() == "system"
        assert dialog.input.currentData() == "system"
        assert dialog.input.currentText().startswith("system")
        assert dialog.apply()
        assert engine.state.device is not None and engine.state.device.input_channels == 2

        dialog.input.setCurrentIndex(dialog.input.findText("(none: play only)"))
        assert dialog.apply()
        assert engine.state.device.input_device is None
        assert engine.state.device.input_channels == 0

        again = dialog_on(qtbot, session)  # what is open is what the dialog shows
        assert again.input.currentText() == "(none: play only)"
    finally:
        session.shutdown()
