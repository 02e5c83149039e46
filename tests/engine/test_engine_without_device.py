"""No sound card: the engine says so plainly, and editing and bounce go on working."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from daw.engine.export.bounce import BounceSettings, bounce
from daw.engine.live import engine_device
from daw.engine.live.devices import DeviceNotFound
from daw.engine.live.transport import Engine, EngineError
from tests.engine.songs import Song, tone


def no_devices(name, kind):
    raise DeviceNotFound(f"No {kind} devices found. Connect a sound card. Editing and bounce "
                         "still work.")


def test_engine_reports_no_device_and_bounce_still_works(song: Song, tmp_path: Path,
                                                         monkeypatch) -> None:
    monkeypatch.setattr(engine_device, "find_device", no_devices)
    song.media("a", tone(4800, 440))
    song.track("A")
    song.clip("A", "a", 0, "c")
    engine = Engine(song.project, song.folder)
    engine.start()
    try:
        with pytest.raises(EngineError, match="No output devices found"):
            engine.open_device()
        assert "Editing and bounce still work" in engine.state.message
        assert engine.state.device is None
        with pytest.raises(EngineError, match="No output devices"):
            engine.play()
        engine.locate(100)  # the transport still keeps its position
        assert engine.state.position_frame == 100
    finally:
        engine.shutdown()
    out = bounce(song.project, song.folder, BounceSettings(tmp_path / "mix.wav"))
    assert out.exists()
    assert np.isfinite(out.stat().st_size)
