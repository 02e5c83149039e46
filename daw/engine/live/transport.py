"""The realtime engine: transport, playback, recording and monitoring on the sound card.

One engine thread does all the Python work of playing and recording: it renders ahead into
the output ring, drains the input ring into the takes and the monitor path, and applies the
person's commands between chunks. The UI (or a test) calls the public methods from its own
thread; they post commands to the engine thread and, where there is an answer, wait for it.
An edit never waits: `set_project` makes the new plan on the calling thread (a parameter
edit patches the last one, see `live_params`) and posts it; the engine thread only swaps it in.
The UI reads `state`, a frozen snapshot replaced whole by the engine thread, with a timer.
The audio callback itself is rtmixer's C code (see `daw.engine.live.audio_io`).
"""

from __future__ import annotations

import functools
import queue
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

import numpy as np

from daw.dsp.click import Metronome
from daw.engine.live.audio_io import AudioIO, StreamInfo
from daw.engine.live.click_sounds import click_sounds
from daw.engine.live.dropouts import DropoutCount
from daw.engine.live.engine_device import DeviceMixin
from daw.engine.live.engine_live import LiveEditMixin
from daw.engine.live.engine_recording import RecordingMixin
from daw.engine.live.engine_state import EngineConfig, EngineError, EngineState
from daw.engine.live.live_peaks import LivePeaks
from daw.engine.live.master_meter import MasterMeter
from daw.engine.live.monitor import Monitor
from daw.engine.live.playback import PlaybackFeeder
from daw.engine.live.record_plan import RecordPlan
from daw.engine.live.recorder import Take, TakeRecorder
from daw.engine.live.tone import TonePlayer
from daw.engine.render.plan import RenderPlan, compile_plan
from daw.engine.render.renderer import LevelTaker, Renderer
from daw.engine.render.renditions import RenditionCache
from daw.media import MediaPool
from daw.model.project import Project

__all__ = ["SWITCH_INTERVAL", "Engine", "EngineConfig", "EngineError", "EngineState"]

SWITCH_INTERVAL = 0.001
"""The GIL switch interval while the engine runs: with the default 5 ms, a busy UI thread
starves the render thread (measured; see the architecture guide)."""


class Engine(DeviceMixin, RecordingMixin, LiveEditMixin):
    """Plays and records a project. Create it, `start()` it, `open_device(...)`, then use the
    transport. `shutdown()` stops the thread and closes the device."""

    def __init__(self, project: Project, project_dir: Path,
                 config: EngineConfig | None = None) -> None:
        self.config = config or EngineConfig()
        self._project_dir = Path(project_dir)
        self._commands: queue.SimpleQueue[tuple[Callable[..., object], tuple, Future]] = (
            queue.SimpleQueue())
        self._post_lock = threading.Lock()
        """Held while a plan is made and posted (calling threads): posts reach the engine
        thread in the order their projects were edited."""
        self._song = 0
        """Counts song switches, so that a rendition of the song before is not posted."""
        self._posted: tuple[Project, RenderPlan] | None = None
        """The playable project and its plan posted last, the base of the next patch."""
        self._latest = project
        """The edited project posted last (the project a finished rendition is played in)."""
        self._renditions = RenditionCache(self._project_dir,
                                          functools.partial(self._rendition_ready, 0))
        self._edited = project
        """The project as edited; `_project` is the same as it plays (see `renditions`)."""
        self._project = self._renditions.playable(project)
        self.state = EngineState()
        self._thread: threading.Thread | None = None
        self._quit = False
        # Engine-thread state below: touched by the engine thread only.
        self._io: AudioIO | None = None
        self._pool: MediaPool | None = None
        self._feeder: PlaybackFeeder | None = None
        self._monitor: Monitor | None = None
        self._playing = False
        self._play_started_from = 0
        self._position = 0
        self._loop: tuple[int, int] | None = None
        self._loop_on = False
        self._metronome_on = False
        self._recorder: TakeRecorder | None = None
        self._finished_takes: list[Take] = []
        self._live_peaks: LivePeaks | None = None
        self._record_play_from = 0
        self._count_in_until: int | None = None
        self._record_plan: RecordPlan | None = None
        self._punch: tuple[int, int] | None = None
        self._punch_on = False
        self._input_block = np.zeros((0, 0), dtype=np.float32)
        self._peaks = np.zeros(0)
        self._error: str | None = None
        self._underruns = 0
        self._dropouts = DropoutCount()
        self._dsp_load = 0.0
        self._regrow_from: tuple[int, float] | None = None
        """(frames left in the ring, when) after an edit took the render-ahead back."""
        self._tone = TonePlayer()
        """The test tone of the audio dialog, fed while the song is stopped."""

    # --- life cycle (any thread) ----------------------------------------------------------

    def start(self) -> None:
        sys.setswitchinterval(SWITCH_INTERVAL)
        self._thread = threading.Thread(target=self._run, name="minidaw-engine", daemon=True)
        self._thread.start()

    def shutdown(self) -> None:
        if self._thread is None:
            return
        self._call(self._do_shutdown)
        self._thread.join(timeout=5)
        self._thread = None

    def _call(self, function: Callable[..., object], *args: object,
              timeout: float = 10.0) -> object:
        """Run `function(*args)` on the engine thread and return its result (or raise)."""
        if self._thread is None or not self._thread.is_alive():
            raise EngineError("the engine is not running")
        future: Future = Future()
        self._commands.put((function, args, future))
        return future.result(timeout=timeout)

    # --- public commands (any thread) -------------------------------------------------------

    def open_device(self, output: int | str | None = None, input: int | str | None = None,
                    block_size: int = 1024, input_channels: int | None = None) -> StreamInfo:
        """Open the sound card (None: the defaults; `input_channels=0`: play only). Raises
        EngineError with the reason."""
        return self._call(self._do_open, output, input, block_size, input_channels)

    def close_device(self) -> None:
        self._call(self._do_close)

    def set_project(self, project: Project) -> None:
        """Play the edited project from the next chunk on; effect state carries over.

        Returns without waiting for the engine thread: the plan is compiled here (patched,
        for a parameter edit) and handed over whole."""
        if self._thread is None or not self._thread.is_alive():
            raise EngineError("the engine is not running")
        self._post_project(project, None)

    def switch_song(self, project: Project, project_dir: Path) -> list[Take]:
        """Play another song, from another folder (File ▸ New, File ▸ Open): the transport
        stops, and from then on takes, their journals and renditions go into `project_dir`.
        Returns the takes of a recording cut short by the switch (they belong to the old song,
        in its folder). The device stays open."""
        with self._post_lock:
            self._song += 1
            self._posted = None
            self._latest = project
        return self._call(self._do_switch_song, project, Path(project_dir), self._song,
                          timeout=30.0)

    @property
    def project_dir(self) -> Path:
        """The folder of the song being played: where takes and renditions are written."""
        return self._project_dir

    def play(self) -> None:
        self._call(self._do_play)

    def pause(self) -> None:
        """Stop where we are; play goes on from here."""
        self._call(self._do_pause)

    def stop(self) -> list[Take]:
        """Stop playing (and recording); the playhead goes back to where play started.

        Returns the takes recorded, if any, to be added to the project by the caller."""
        return self._call(self._do_stop, timeout=30.0)

    def locate(self, frame: int) -> None:
        """Move the playhead; while playing, playback goes on from there."""
        self._call(self._do_locate, int(frame))

    def set_loop(self, start: int, end: int, enabled: bool = True) -> None:
        if end <= start:
            raise EngineError("a loop needs its end after its start")
        self._call(self._do_set_loop, (int(start), int(end)), enabled)

    def set_metronome(self, enabled: bool) -> None:
        self._call(self._do_set_metronome, enabled)

    def record(self) -> None:
        """Record every armed track: from the playhead (after the count-in, if set); with the
        loop on, pass after pass over the loop region; with the punch on (it wins over the
        loop), from the pre-roll before the punch-in, and only the punch range is heard
        afterwards (see `daw.engine.live.record_plan`). `stop` returns the takes."""
        self._call(self._do_record, timeout=30.0)

    def set_punch(self, start: int, end: int, enabled: bool = True) -> None:
        """The punch range [start, end) for the next recordings (frames; from two points or
        markers), and whether recording punches in."""
        if end <= start or start < 0:
            raise EngineError("a punch range needs its end after its start, from frame 0 on")
        self._call(self._do_set_punch, (int(start), int(end)), bool(enabled))

    def calibrate(self) -> int:
        """Measure the extra round-trip latency through a loopback (an output wired to an
        input), in frames, and use it for recording from now on. Save it in the settings."""
        return self._call(self._do_calibrate, timeout=60.0)

    def set_config(self, config: EngineConfig) -> None:
        self._call(self._do_set_config, config)

    def reset_master_peaks(self) -> None:
        """Forget the master meter's held true and sample peaks and loudness maxima."""
        self._call(self._do_reset_master_peaks)

    def play_test_tone(self, freq_hz: float = 1000.0, level_db: float = -20.0,
                       seconds: float = 1.0) -> None:
        """Play a sine on every output while the song is stopped, to check what is heard
        (play, record or another tone cut it short). Raises EngineError with the reason."""
        self._call(self._do_test_tone, freq_hz, level_db, seconds)

    # --- engine thread ----------------------------------------------------------------------

    def _run(self) -> None:
        while not self._quit:
            busy = (self._playing or self._recorder is not None or self._monitor_active()
                    or self._tone.playing)
            try:
                command = self._commands.get(timeout=0.002 if busy else 0.02)
            except queue.Empty:
                command = None
            while command is not None:
                function, args, future = command
                try:
                    result = function(*args)
                except BaseException as error:  # handed to the caller's thread
                    self._publish()
                    future.set_exception(error)
                else:
                    self._publish()  # the caller sees the state its command made
                    future.set_result(result)
                try:
                    command = self._commands.get_nowait()
                except queue.Empty:
                    command = None
            if self._quit:
                break
            try:
                self._tick()
            except Exception as error:
                self._error = f"playback stopped: {error}"
                self._halt_playback()
            self._publish()

    def _tick(self) -> None:
        io = self._io
        if io is None:
            return
        if self._playing and self._feeder is not None:
            if io.watch(io.play):
                self._underruns += 1
            ring = io.play.ring
            started = time.perf_counter()
            editing = self._regrow_from is not None
            written = self._feeder.fill(ring.write, ring.write_available, ring.read_available,
                                        self._ahead_target(io.info.rate),
                                        self.config.edit_chunk_frames if editing else None)
            if written:
                spent = time.perf_counter() - started
                self._dsp_load = spent / (written / io.info.rate)
        if self._tone.playing:
            self._tone.feed()
        if io.input is not None:
            self._drain_input(io)
        io.poll_underflows()

    def _publish(self) -> None:
        io = self._io
        position = self._position
        ahead = 0
        levels: dict[str, tuple[float, float, float, float]] = {}
        gain_reduction: dict[str, float] = {}
        master_meter = self.state.master_meter
        if self._playing and io is not None and self._feeder is not None:
            ahead = io.play.ring.read_available
            consumed = self._feeder.written - ahead
            heard = max(0, consumed - io.info.output_latency_frames)
            position = self._feeder.timeline_frame_at(heard)
            levels = self._feeder.levels_at(heard)
            gain_reduction = self._feeder.gain_reduction_at(heard)
            master_meter = self._feeder.master_reading()
            self._position = position
        underruns, xruns = self._dropouts.reading(self._underruns, 0 if io is None else (
            io.poll_underflows()), self._playing or self._recorder is not None)
        self.state = EngineState(
            device=None if io is None else io.info,
            message=self.state.message,
            playing=self._playing,
            recording=self._recorder is not None,
            position_frame=position,
            underruns=underruns,
            device_xruns=xruns,
            ahead_frames=ahead,
            levels=levels,
            gain_reduction=gain_reduction,
            master_meter=master_meter,
            loop=self._loop if self._loop_on else None,
            input_peaks=tuple(float(p) for p in self._peaks),
            takes=() if self._live_peaks is None else self._live_peaks.previews,
            dsp_load=self._dsp_load,
            faulted=frozenset() if self._feeder is None else self._feeder.renderer.faulted,
            missing_media=frozenset() if self._pool is None else self._pool.missing,
            error=self._error,
        )

    # --- command handlers (engine thread) ---------------------------------------------------

    def _do_shutdown(self) -> None:
        self._halt_playback()
        self._do_close()
        self._renditions.close(wait=False)
        self._quit = True

    def _rebuild_playback(self) -> None:
        io = self._io
        if io is None:
            return
        if self._pool is not None:
            self._pool.close()
        self._pool = MediaPool(self._project_dir, self._project.media,
                               sample_rate=self._project.sample_rate, missing_ok=True)
        renderer = Renderer(compile_plan(self._project), self._pool,
                            max_block=self.config.render_chunk_frames)
        renderer.meter = LevelTaker()
        self._feeder = PlaybackFeeder(renderer, self._project.sample_rate, io.info.rate,
                                      self.config.render_chunk_frames)
        self._feeder.master_meter = MasterMeter(self._project.sample_rate)
        self._apply_transport_options()

    def _apply_transport_options(self) -> None:
        feeder = self._feeder
        if feeder is None:
            return
        if self._recorder is not None and self._record_plan is not None:
            feeder.loop = self._record_plan.loop  # a loop recording cycles, others never do
        else:
            feeder.loop = self._loop if self._loop_on else None
        recording = self._recorder is not None
        if self._metronome_on and (recording or self.config.click_during_playback):
            feeder.metronome = self._make_metronome(None)
        elif recording and self._count_in_until is not None:
            feeder.metronome = self._make_metronome(self._count_in_until)
        else:
            feeder.metronome = None

    def _make_metronome(self, until_frame: int | None) -> Metronome:
        p = self._project
        return Metronome(p.sample_rate, p.tempo_bpm, p.time_signature[0], p.time_signature[1],
                         self.config.click_level_db, until_frame,
                         sounds=click_sounds(p.sample_rate))

    def _do_set_project(self, edited: Project, project: Project, plan: RenderPlan) -> None:
        """Swap in a posted plan (`project`: `edited` as it plays, `plan`: its plan)."""
        self._edited = edited
        same_media = project.media == self._project.media
        self._project = project
        if self._feeder is not None:
            if not same_media and self._pool is not None:
                self._pool.close()
                self._pool = MediaPool(self._project_dir, project.media,
                                       sample_rate=project.sample_rate, missing_ok=True)
                self._feeder.renderer.pool = self._pool
            if self._playing:
                self._render_again_soon()
            self._feeder.renderer.swap_plan(plan)
            self._apply_transport_options()  # the loop's next tick renders again at once
        self._rebuild_monitor()

    def _do_switch_song(self, project: Project, project_dir: Path, song: int) -> list[Take]:
        takes = self._do_stop()
        self._renditions.close(wait=False)
        self._project_dir = project_dir
        self._renditions = RenditionCache(project_dir,
                                          functools.partial(self._rendition_ready, song))
        self._edited = project
        self._project = self._renditions.playable(project)
        self._position = self._play_started_from = 0
        self._loop, self._loop_on = None, False
        self._punch, self._punch_on = None, False
        self._error = None
        if self._io is not None:
            self._rebuild_playback()
            self._rebuild_monitor()
        return takes

    def _do_reset_master_peaks(self) -> None:
        if self._feeder is not None and self._feeder.master_meter is not None:
            self._feeder.master_meter.reset_peaks()

    def _do_set_config(self, config: EngineConfig) -> None:
        self.config = config
        self._apply_transport_options()

    def _require_device(self) -> AudioIO:
        if self._io is None:
            raise EngineError(self.state.message)
        return self._io

    def _start_output(self, from_frame: int, with_input: bool = False) -> int:
        """Prefill the output ring from `from_frame` and start it; with `with_input`, start the
        input in the same callback and return by how many frames it led (see AudioIO)."""
        io = self._require_device()
        assert self._feeder is not None
        io.cancel(io.play)
        self._tone.forget()
        self._regrow_from = None
        self._feeder.start(from_frame)
        ring = io.play.ring
        self._feeder.fill(ring.write, ring.write_available, 0, self.config.ahead_frames)
        self._playing = True
        if with_input:
            return io.start_together()
        io.queue(io.play)
        return 0

    def _do_play(self) -> None:
        if self._playing:
            return
        self._error = None
        self._play_started_from = self._position
        self._apply_transport_options()
        self._dropouts.restart(self._underruns, self._require_device().poll_underflows())
        self._start_output(self._position)

    def _halt_playback(self) -> None:
        if self._io is not None:
            self._io.cancel(self._io.play)
        self._playing = False
        self._tone.forget()

    def _do_pause(self) -> None:
        if self._recorder is not None:
            raise EngineError("stop the recording first")
        self._halt_playback()

    def _do_stop(self) -> list[Take]:
        was_playing = self._playing
        self._halt_playback()
        if self._recorder is not None:
            io = self._io
            if io is not None and io.input is not None:
                self._drain_input(io)
            if self._recorder is not None:
                self._end_recording()
        takes, self._finished_takes = self._finished_takes, []
        if was_playing:
            self._position = self._play_started_from
        self._apply_transport_options()
        return takes

    def _do_locate(self, frame: int) -> None:
        if self._recorder is not None:
            raise EngineError("cannot move the playhead while recording")
        self._position = frame
        if self._playing:
            self._play_started_from = frame
            self._start_output(frame)

    def _do_set_loop(self, region: tuple[int, int], enabled: bool) -> None:
        self._loop = region
        self._loop_on = enabled
        self._apply_transport_options()

    def _do_set_metronome(self, enabled: bool) -> None:
        self._metronome_on = enabled
        self._apply_transport_options()
