"""The person's audio settings (devices, block size, click, latency calibration), kept as JSON.

The file is ``audio.json`` in the user's configuration folder (``platformdirs``), or in the
folder named by the environment variable ``MINIDAW_CONFIG_DIR`` (tests use that to stay out of
the real home). These settings belong to the machine, not to a project: a project opened on
another computer must not carry this one's sound card with it.

Reading never fails: a missing file gives the defaults; a damaged file, or a field with a wrong
value, gives the defaults for what could not be read plus a warning to show. Saving writes a
temporary file, syncs it and renames it over the old one, so a crash leaves the old file or the
new one, never half of one.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

from daw.model.disk import write_text_atomically

CONFIG_DIR_ENV = "MINIDAW_CONFIG_DIR"
SETTINGS_FILE = "audio.json"
SCHEMA_VERSION = 1

LatencyOffsets = tuple[tuple[str, int], ...]


class SettingsError(Exception):
    """The settings could not be saved (the message names the file and the reason)."""


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return (_is_int(value) or isinstance(value, float)) and math.isfinite(value)  # type: ignore[arg-type]


def _is_offsets(value: object) -> bool:
    return isinstance(value, tuple) and all(
        isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], str) and _is_int(pair[1])
        for pair in value
    )


def _normalize_offsets(value: object) -> object:
    """A mapping or sequence of (key, frames) pairs as a sorted tuple of tuples; anything
    else unchanged (the field check then rejects it)."""
    if isinstance(value, Mapping):
        value = list(value.items())
    if not isinstance(value, list | tuple):
        return value
    pairs = tuple(tuple(p) if isinstance(p, list | tuple) else p for p in value)
    if not _is_offsets(pairs):
        return pairs
    return tuple(sorted(pairs))


# Each field: (is the value acceptable?, what an acceptable value is, for messages).
_CHECKS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "input_device": (lambda v: v is None or isinstance(v, str), "a device name or null"),
    "output_device": (lambda v: v is None or isinstance(v, str), "a device name or null"),
    "block_size": (lambda v: _is_int(v) and 16 <= v <= 65536, "a whole number from 16 to 65536"),
    "sample_rate": (
        lambda v: v is None or (_is_int(v) and 8000 <= v <= 384000),
        "null or a rate in Hz from 8000 to 384000",
    ),
    "latency_offsets": (_is_offsets, "pairs of a device key and a whole number of frames"),
    "click_level_db": (
        lambda v: _is_number(v) and -120.0 <= v <= 12.0,
        "a level in dB from -120 to 12",
    ),
    "count_in_bars": (lambda v: _is_int(v) and 0 <= v <= 16, "a whole number from 0 to 16"),
    "click_during_playback": (lambda v: isinstance(v, bool), "true or false"),
    "preroll_seconds": (
        lambda v: _is_number(v) and 0.0 <= v <= 60.0,
        "a number of seconds from 0 to 60",
    ),
}


@dataclass(frozen=True)
class AudioSettings:
    """The audio settings. ``None`` devices and rate mean "the system's default" and "the
    project's rate". ``latency_offsets`` holds measured round-trip corrections in frames, one
    per ``device_key``; a mapping given here is stored as sorted (key, frames) pairs."""

    input_device: str | None = None
    output_device: str | None = None
    block_size: int = 1024
    sample_rate: int | None = None
    latency_offsets: LatencyOffsets = ()
    click_level_db: float = -6.0
    count_in_bars: int = 1
    click_during_playback: bool = False
    preroll_seconds: float = 2.0
    """How long the backing plays before a punch-in."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "latency_offsets", _normalize_offsets(self.latency_offsets))
        for name, (accepts, meaning) in _CHECKS.items():
            value = getattr(self, name)
            if not accepts(value):
                raise ValueError(f"audio setting {name} must be {meaning}, not {value!r}")


def config_dir() -> Path:
    """The folder of the settings file: ``$MINIDAW_CONFIG_DIR`` if set, else the platform's."""
    override = os.environ.get(CONFIG_DIR_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_config_dir("minidaw"))


def settings_path() -> Path:
    """Where the audio settings are read from and saved to."""
    return config_dir() / SETTINGS_FILE


def _to_json(settings: AudioSettings) -> dict[str, Any]:
    data: dict[str, Any] = {"version": SCHEMA_VERSION}
    data.update(asdict(settings))
    data["latency_offsets"] = dict(settings.latency_offsets)
    return data


def _from_json(data: dict[str, Any]) -> tuple[AudioSettings, list[str]]:
    """The settings in ``data``, and the names of the fields whose values were unusable."""
    values: dict[str, Any] = {}
    rejected: list[str] = []
    for field in fields(AudioSettings):
        if field.name not in data:
            continue
        value = data[field.name]
        if field.name == "latency_offsets":
            if not isinstance(value, dict):
                rejected.append(field.name)
                continue
            good = {k: v for k, v in value.items() if _is_int(v)}
            if len(good) != len(value):
                rejected.append(field.name)
            value = tuple(sorted(good.items()))
        elif field.name in ("click_level_db", "preroll_seconds") and _is_int(value):
            value = float(value)
        if _CHECKS[field.name][0](value):
            values[field.name] = value
        elif field.name not in rejected:
            rejected.append(field.name)
    return AudioSettings(**values), rejected


def load_settings(path: Path | None = None) -> tuple[AudioSettings, str | None]:
    """The saved settings and a warning for the person, or None when all went well.

    Never raises: a missing file is the defaults without a warning; an unreadable or damaged
    file is the defaults with a warning naming the file; single bad values fall back to their
    defaults, and the warning names them.
    """
    path = settings_path() if path is None else path
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return AudioSettings(), None
    except (OSError, UnicodeDecodeError) as exc:
        return AudioSettings(), f"Could not read audio settings {path} ({exc}); using defaults."
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return AudioSettings(), (
            f"Audio settings {path} are damaged (not JSON: {exc.msg} at line {exc.lineno}); "
            "using defaults."
        )
    if not isinstance(data, dict):
        return AudioSettings(), (
            f"Audio settings {path} are damaged (expected an object, found "
            f"{type(data).__name__}); using defaults."
        )
    settings, rejected = _from_json(data)
    if rejected:
        return settings, (
            f"Audio settings {path}: unusable value for {', '.join(rejected)}; "
            "using the default there."
        )
    return settings, None


def save_settings(settings: AudioSettings, path: Path | None = None) -> Path:
    """Write the settings atomically (temporary file, fsync, rename); returns the path.

    Raises SettingsError naming the file and the reason when the folder is not writable.
    """
    path = settings_path() if path is None else path
    try:
        write_text_atomically(path, json.dumps(_to_json(settings), indent=2, sort_keys=True)
                              + "\n")
    except OSError as exc:
        raise SettingsError(
            f"Could not save audio settings to {path}: {exc.strerror or exc}"
        ) from exc
    return path


def device_key(input_name: str | None, output_name: str | None, rate: int, block_size: int) -> str:
    """The key a latency calibration is stored under: it holds only for this pair of devices
    at this rate and block size (the round trip changes with each)."""
    return (
        f"in={input_name or '(default)'}|out={output_name or '(default)'}"
        f"|rate={int(rate)}|block={int(block_size)}"
    )


def latency_offset(settings: AudioSettings, key: str) -> int | None:
    """The calibrated offset in frames for ``key``, or None if it was never measured."""
    return dict(settings.latency_offsets).get(key)


def with_latency_offset(settings: AudioSettings, key: str, frames: int) -> AudioSettings:
    """New settings with the offset for ``key`` set to ``frames`` (replacing an older one)."""
    offsets = dict(settings.latency_offsets)
    offsets[key] = int(frames)
    return replace(settings, latency_offsets=tuple(sorted(offsets.items())))
