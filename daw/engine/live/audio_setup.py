"""Opening the sound card the person chose, with what was measured for it.

The choice of devices and block size lives in the user's audio settings; so does the measured
latency correction of each device combination. This module joins the two with the engine, for
the window and for the command line alike.
"""

from __future__ import annotations

from dataclasses import replace

from daw.engine.live.audio_io import StreamInfo
from daw.engine.live.devices import Device
from daw.engine.live.transport import Engine, EngineConfig
from daw.settings.audio import AudioSettings, device_key, latency_offset, with_latency_offset


def config_for(settings: AudioSettings, info: StreamInfo | None = None) -> EngineConfig:
    """The engine settings the person chose, with the calibration of the open device."""
    offset = 0
    if info is not None:
        offset = latency_offset(settings, key_of(info)) or 0
    return EngineConfig(
        click_level_db=settings.click_level_db,
        count_in_bars=settings.count_in_bars,
        click_during_playback=settings.click_during_playback,
        latency_offset_frames=offset,
        preroll_seconds=settings.preroll_seconds,
    )


def key_of(info: StreamInfo) -> str:
    return device_key(info.input_device, info.output_device, info.rate, info.block_size)


def open_chosen_device(engine: Engine, settings: AudioSettings) -> StreamInfo:
    """Open the devices from the settings and apply their calibration (if measured)."""
    info = engine.open_device(settings.output_device, settings.input_device,
                              block_size=settings.block_size)
    engine.set_config(config_for(settings, info))
    return info


def remember_choice(settings: AudioSettings, info: StreamInfo) -> AudioSettings:
    """Settings that name the devices now open, to open them again next time."""
    return replace(settings, output_device=info.output_device, input_device=info.input_device,
                   block_size=info.block_size)


def remember_calibration(settings: AudioSettings, info: StreamInfo, frames: int) -> AudioSettings:
    return with_latency_offset(settings, key_of(info), frames)


def preferred_input(output: str | None, devices: list[Device]) -> str | None:
    """The input to offer when the person has not chosen one: the output device's own inputs
    (a sound card is played and recorded through together), else the system's default input;
    None only where there is no input at all."""
    with_inputs = [d for d in devices if d.max_input_channels > 0]
    for device in with_inputs:
        if device.name == output:
            return device.name
    for device in with_inputs:
        if device.is_default_input:
            return device.name
    return with_inputs[0].name if with_inputs else None
