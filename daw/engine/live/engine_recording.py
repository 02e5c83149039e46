"""The engine's recording side: taking a recording's plan, draining the input into the takes
while playing, placing them in time, and the latency measurement. A part of `Engine`
(daw.engine.live.transport), kept here so each file has one job; every method runs on the engine
thread."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from daw.engine.live.audio_io import AudioIO
from daw.engine.live.calibration import CalibrationError, measure_round_trip
from daw.engine.live.engine_state import EngineError
from daw.engine.live.live_peaks import LivePeaks
from daw.engine.live.record_plan import plan_recording
from daw.engine.live.recorder import TakeRecorder, TakeSpec


class RecordingMixin:
    """Recording, punch and calibration for `Engine`."""

    def _drain_input(self, io: AudioIO) -> None:
        if io.watch(io.input):
            self._underruns += 1
        while True:
            got = io.read_into(io.input, self._input_block)
            if got == 0:
                break
            block = self._input_block[:got]
            np.maximum(self._peaks * 0.9, np.abs(block).max(axis=0), out=self._peaks)
            if self._recorder is not None:
                self._recorder.push(block.copy())
                if self._live_peaks is not None:
                    self._live_peaks.add(block)
                if self._recorder.error is not None:  # a full disk: stop, keep what is there
                    self._end_recording()
                    self._halt_playback()
            if self._monitor is not None:
                self._monitor.process(block)
            if got < len(self._input_block):
                break

    def _origin_of_take(self, io: AudioIO, input_ahead: int) -> int:
        """The timeline frame (project rate) where input frame 0 of a take belongs.

        Input frame i is captured in the same device cycle as output frame i − input_ahead; what
        the person played then answered what they heard a round trip earlier: output frame
        i − input_ahead − round_trip. The round trip is what the device reports plus what
        calibration measured beyond it."""
        info = io.info
        round_trip = (info.output_latency_frames + info.input_latency_frames
                      + self.config.latency_offset_frames)
        device_offset = -input_ahead - round_trip
        ratio = self._project.sample_rate / info.rate
        return self._record_play_from + round(device_offset * ratio)

    def _end_recording(self) -> None:
        """Close the takes; they wait in `_finished_takes` for the caller of `stop`."""
        recorder, self._recorder = self._recorder, None
        self._count_in_until = None
        self._live_peaks = None
        if recorder is None:
            return
        plan, self._record_plan = self._record_plan, None
        finished = recorder.finish()
        rate = self._project.sample_rate
        self._finished_takes.extend(finished if plan is None else plan.shape(finished, rate))
        if recorder.error:
            self._error = recorder.error
        self._apply_transport_options()

    def _do_set_punch(self, region: tuple[int, int], enabled: bool) -> None:
        self._punch = region
        self._punch_on = enabled

    def _do_calibrate(self) -> int:
        io = self._require_device()
        if self._recorder is not None:
            raise EngineError("stop the recording first")
        self._halt_playback()
        try:
            extra = measure_round_trip(io)
        except CalibrationError as error:
            raise EngineError(str(error)) from error
        self.config = replace(self.config, latency_offset_frames=extra)
        return extra

    def _do_record(self) -> None:
        io = self._require_device()
        if io.input is None:
            raise EngineError("no input device is open: choose one to record from")
        armed = [t for t in self._project.tracks if t.record_armed]
        if not armed:
            raise EngineError("no track is armed for recording")
        for track in armed:
            if max(track.input_channels) >= io.info.input_channels:
                raise EngineError(
                    f"track {track.name!r} records from input "
                    f"{max(track.input_channels) + 1}, but the device has "
                    f"{io.info.input_channels} inputs")
        if self._recorder is not None:
            return
        self._halt_playback()
        plan = plan_recording(self._position, self._project, self.config,
                              loop=self._loop if self._loop_on else None,
                              punch=self._punch if self._punch_on else None)
        specs = [TakeSpec(t.id, t.name, t.input_channels) for t in armed]
        try:
            recorder = TakeRecorder(self._project_dir, specs, io.info.rate,
                                    self._project.sample_rate, plan.record_from,
                                    loop=plan.loop, punch=plan.punch)
        except OSError as error:  # a full or read-only disk: say which file and why
            raise EngineError(str(error)) from error
        self._recorder = recorder
        self._record_plan = plan
        self._record_play_from = plan.play_from
        self._play_started_from = plan.return_to
        self._error = None
        self._count_in_until = plan.count_in_until
        self._apply_transport_options()
        self._dropouts.restart(self._underruns, io.poll_underflows())
        input_ahead = self._start_output(plan.play_from, with_input=True)
        origin = self._origin_of_take(io, input_ahead)
        recorder.set_origin(origin)
        self._live_peaks = LivePeaks({t.id: t.input_channels for t in armed}, origin,
                                     plan.record_from, self._project.sample_rate / io.info.rate,
                                     rate=io.info.rate, loop=plan.loop)
