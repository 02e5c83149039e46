"""Audio settings: round trip, damaged files, atomic saves, and the configuration folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from daw.settings.audio import (
    CONFIG_DIR_ENV,
    SETTINGS_FILE,
    AudioSettings,
    SettingsError,
    device_key,
    latency_offset,
    load_settings,
    save_settings,
    settings_path,
    with_latency_offset,
)


@pytest.fixture(autouse=True)
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "config"
    monkeypatch.setenv(CONFIG_DIR_ENV, str(folder))
    return folder


def _custom() -> AudioSettings:
    key = device_key("USB Mic", "HDA Intel PCH", 48000, 256)
    settings = AudioSettings(
        input_device="USB Mic",
        output_device="HDA Intel PCH",
        block_size=256,
        sample_rate=48000,
        click_level_db=-12.5,
        count_in_bars=2,
        click_during_playback=True,
    )
    return with_latency_offset(settings, key, 731)


def test_config_dir_env_is_honoured(config_dir: Path) -> None:
    assert settings_path() == config_dir / SETTINGS_FILE
    written = save_settings(AudioSettings())
    assert written == config_dir / SETTINGS_FILE
    assert written.is_file()


def test_missing_file_gives_defaults_without_warning() -> None:
    settings, warning = load_settings()
    assert settings == AudioSettings()
    assert warning is None
    assert (settings.block_size, settings.click_level_db, settings.count_in_bars) == (1024, -6.0, 1)


def test_round_trip_keeps_every_field() -> None:
    original = _custom()
    save_settings(original)
    loaded, warning = load_settings()
    assert warning is None
    assert loaded == original
    assert latency_offset(loaded, device_key("USB Mic", "HDA Intel PCH", 48000, 256)) == 731


def test_file_is_readable_json() -> None:
    path = save_settings(_custom())
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert data["latency_offsets"] == {
        "in=USB Mic|out=HDA Intel PCH|rate=48000|block=256": 731
    }
    assert data["input_device"] == "USB Mic"


@pytest.mark.parametrize(
    "content",
    ["{ not json", "", "[1, 2, 3]", '"just a string"', b"\xff\xfe\x00garbage"],
    ids=["broken", "empty", "list", "string", "binary"],
)
def test_damaged_file_gives_defaults_and_a_warning(
    config_dir: Path, content: str | bytes
) -> None:
    config_dir.mkdir()
    path = config_dir / SETTINGS_FILE
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    settings, warning = load_settings()
    assert settings == AudioSettings()
    assert warning is not None
    assert str(path) in warning and "using defaults" in warning


def test_bad_values_fall_back_one_by_one(config_dir: Path) -> None:
    config_dir.mkdir()
    (config_dir / SETTINGS_FILE).write_text(
        json.dumps(
            {
                "version": 1,
                "input_device": "USB Mic",
                "block_size": "large",
                "sample_rate": 44100,
                "click_level_db": -3,
                "count_in_bars": True,
                "latency_offsets": {"a": 12, "b": "x"},
                "unknown_future_field": 1,
            }
        ),
        encoding="utf-8",
    )
    settings, warning = load_settings()
    assert settings == AudioSettings(
        input_device="USB Mic",
        sample_rate=44100,
        click_level_db=-3.0,
        latency_offsets=(("a", 12),),
    )
    assert warning is not None
    assert "block_size" in warning and "count_in_bars" in warning
    assert "latency_offsets" in warning and "input_device" not in warning


def test_save_is_atomic_and_leaves_no_temporary_files(config_dir: Path) -> None:
    save_settings(AudioSettings())
    save_settings(_custom())
    assert sorted(p.name for p in config_dir.iterdir()) == [SETTINGS_FILE]
    assert load_settings() == (_custom(), None)


def test_failed_save_names_the_file_and_leaves_no_temporary_file(config_dir: Path) -> None:
    # The rename fails because a folder sits where the file should go.
    (config_dir / SETTINGS_FILE).mkdir(parents=True)
    with pytest.raises(SettingsError, match=r"Could not save audio settings to .*audio\.json: "):
        save_settings(_custom())
    assert sorted(p.name for p in config_dir.iterdir()) == [SETTINGS_FILE]
    assert (config_dir / SETTINGS_FILE).is_dir()


def test_unusable_config_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    target = blocker / "config" / SETTINGS_FILE
    with pytest.raises(SettingsError, match=r"Could not save audio settings to .*not-a-folder"):
        save_settings(AudioSettings(), target)
    assert load_settings(target)[0] == AudioSettings()


def test_latency_offsets_are_replaced_per_key_and_immutable() -> None:
    key_a = device_key(None, None, 48000, 1024)
    key_b = device_key("USB Mic", "USB Mic", 44100, 128)
    assert key_a == "in=(default)|out=(default)|rate=48000|block=1024"
    settings = with_latency_offset(AudioSettings(), key_b, 300)
    settings = with_latency_offset(settings, key_a, 1024)
    settings = with_latency_offset(settings, key_b, 310)
    assert settings.latency_offsets == ((key_a, 1024), (key_b, 310))
    assert latency_offset(settings, key_b) == 310
    assert latency_offset(settings, device_key(None, None, 96000, 1024)) is None
    assert hash(settings) == hash(AudioSettings(latency_offsets={key_b: 310, key_a: 1024}))


def test_invalid_settings_are_refused_when_made() -> None:
    with pytest.raises(ValueError, match="block_size must be a whole number from 16 to 65536"):
        AudioSettings(block_size=0)
    with pytest.raises(ValueError, match="latency_offsets"):
        AudioSettings(latency_offsets=(("key", 1.5),))  # type: ignore[arg-type]
