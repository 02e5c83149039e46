"""`daw devices` and `daw calibrate` on the JACK device, remembered in the user's settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from daw.cli import main
from daw.engine.live.audio_setup import key_of, open_chosen_device
from daw.engine.live.transport import Engine
from daw.model import Project
from daw.settings.audio import latency_offset, load_settings


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("MINIDAW_CONFIG_DIR", str(tmp_path / "config"))
    return tmp_path / "config"


def test_list_choose_and_calibrate(jack_device, virtual_audio, config_dir, capsys) -> None:
    assert main(["devices"]) == 0
    listing = capsys.readouterr().out
    assert "JACK Audio Connection Kit" in listing and "system" in listing
    assert main(["devices", "--use", "sys", "--input", "system", "--block-size", "1024"]) == 0
    settings, warning = load_settings()
    assert warning is None
    assert (settings.output_device, settings.input_device, settings.block_size) == (
        "system", "system", 1024)

    virtual_audio(loopback=True)
    assert main(["calibrate"]) == 0
    out = capsys.readouterr().out
    assert "round trip" in out
    settings, _ = load_settings()
    engine = Engine(Project(), config_dir)
    engine.start()
    try:
        info = open_chosen_device(engine, settings)
        measured = latency_offset(settings, key_of(info))
        assert measured is not None and abs(measured) < 4096
        assert engine.config.latency_offset_frames == measured
    finally:
        engine.shutdown()


def test_choosing_a_device_that_is_not_there(jack_device, config_dir, capsys) -> None:
    assert main(["devices", "--use", "Nonexistent Card"]) == 1
    err = capsys.readouterr().err
    assert "Nonexistent Card" in err and "system" in err  # says what there is
    assert not (config_dir / "audio.json").exists() or load_settings()[0].output_device != (
        "Nonexistent Card")
