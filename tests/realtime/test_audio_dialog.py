"""The audio device dialog on the JACK device: lists it, opens it, remembers the choice."""

from __future__ import annotations

from pathlib import Path

from daw.engine.live.transport import Engine
from daw.model import Project
from daw.settings.audio import load_settings
from daw.ui.audio_dialog import AudioDialog
from daw.ui.session import Session


def test_choose_and_open_a_device(qtbot, tmp_path: Path, jack_device) -> None:
    engine = Engine(Project(), tmp_path)
    engine.start()
    session = Session(Project(), tmp_path, engine)
    try:
        dialog = AudioDialog(session)
        qtbot.addWidget(dialog)
        outputs = [dialog.output.itemData(i) for i in range(dialog.output.count())]
        assert "system" in outputs
        dialog.output.setCurrentIndex(outputs.index("system"))
        dialog.input.setCurrentIndex(dialog.input.findData("system"))
        dialog.block.setCurrentIndex(dialog.block.findData(512))
        assert dialog.apply()
        state = engine.state
        assert state.device is not None and state.device.block_size == 512
        settings, _ = load_settings()
        assert (settings.output_device, settings.input_device, settings.block_size) == (
            "system", "system", 512)
        assert "system" in dialog.status.text()
    finally:
        session.shutdown()
