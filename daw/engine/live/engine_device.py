"""The engine's device side: opening and closing the sound card, and the input monitor that
follows the armed tracks. A part of `Engine` (daw.engine.live.transport), kept here so each file has
one job; every method runs on the engine thread."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from daw.engine.live.audio_io import AudioDeviceError, AudioIO, StreamInfo
from daw.engine.live.devices import (
    AudioUnavailable,
    Device,
    DeviceNotFound,
    choose_rate,
    find_device,
    fresh_portaudio,
)
from daw.engine.live.engine_state import EngineError
from daw.engine.live.monitor import Monitor


class DeviceMixin:
    """Opening the device and the monitor path for `Engine`."""

    def _do_open(self, output, input_device, block_size, input_channels) -> StreamInfo:
        self._do_close()
        try:
            fresh_portaudio()  # stable JACK port names on every open
            out_dev = find_device(output, "output")
            in_dev = None
            try:
                in_dev = find_device(input_device, "input")
            except Exception:  # no input device: play only
                if input_device is not None:
                    raise
            if in_dev is None or input_channels == 0:
                channels = 0  # play only
            else:
                channels = input_channels or min(2, in_dev.max_input_channels)
            rate = self._device_rate(out_dev)
            io = AudioIO(out_dev.index, None if in_dev is None else in_dev.index, rate,
                         block_size, channels)
            io.start()
            if io.input is not None:
                io.queue(io.input)
        except (AudioDeviceError, AudioUnavailable, DeviceNotFound, LookupError,
                ValueError) as error:
            message = str(error)
            if "bounce still work" not in message:
                message = f"Cannot open the audio device: {message}. Editing and bounce still work."
            self.state = replace(self.state, message=message, device=None)
            raise EngineError(message) from error
        self._io = io
        self._input_block = np.zeros((2048, max(channels, 1)), dtype=np.float32)
        self._peaks = np.zeros(max(channels, 1))
        self._rebuild_playback()
        self._rebuild_monitor()
        self.state = replace(self.state, device=io.info, message=self._describe(io.info))
        return io.info

    def _device_rate(self, device: Device) -> int:
        return choose_rate(self._project.sample_rate, device, "output")

    @staticmethod
    def _describe(info: StreamInfo) -> str:
        latency_ms = 1000 * (info.output_latency_frames + info.input_latency_frames) / info.rate
        return (f"{info.output_device} · {info.rate} Hz · {info.block_size} frames · "
                f"round trip {latency_ms:.1f} ms (reported)")

    def _do_close(self) -> None:
        self._halt_playback()
        self._end_recording()
        if self._io is not None:
            self._io.close()
            self._io = None
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        self._feeder = None
        self._monitor = None

    def _rebuild_monitor(self) -> None:
        io = self._io
        if io is None or io.input is None:
            self._monitor = None
            return
        tracks = [t for t in self._project.tracks if t.monitor]
        if not tracks:
            if self._monitor is not None:
                self._monitor.stop()
            self._monitor = None
            return
        if self._monitor is None:
            self._monitor = Monitor(io)
        self._monitor.configure(tracks)

    def _monitor_active(self) -> bool:
        return self._monitor is not None
