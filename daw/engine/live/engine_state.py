"""What the engine is told (its configuration) and what it tells (its state), as frozen values:
the UI reads the state without a lock because the engine thread replaces it whole."""

from __future__ import annotations

from dataclasses import dataclass, field

from daw.engine.live.audio_io import StreamInfo
from daw.engine.live.live_peaks import TakePreview
from daw.engine.live.master_meter import MasterMeterReading

EXACT_RESTORE_GUESS = 0.005
"""Seconds to allow, before the first rewrite has measured it, for going back to a saved
state and rendering up to one chunk again unheard."""
INEXACT_RESTORE_GUESS = 0.030
"""Seconds to allow for replaying effects' input, before the first rewrite has measured it."""


@dataclass(frozen=True)
class EngineConfig:
    render_chunk_frames: int = 4096
    """Rendering steps while playing: long steps keep the per-step overhead low."""
    edit_chunk_frames: int = 1024
    """Rendering steps while the render-ahead grows back after an edit, so that the next
    move of a dragged knob has a saved state close at hand."""
    ahead_frames: int = 12288
    """How far the render thread keeps ahead of the device (≈ 250 ms at 48 kHz)."""
    edit_keep_seconds: float = 0.020
    """After an edit while playing, the audio already in the ring that is kept (at least two
    device periods): the rest is rendered again with the edit, so it is heard this soon."""
    click_level_db: float = -6.0
    count_in_bars: int = 0
    click_during_playback: bool = False
    latency_offset_frames: int = 0
    """The measured round trip minus the one the device reports (from calibration)."""
    preroll_seconds: float = 2.0
    """How long the backing plays before a punch-in, so the person can find the groove."""


@dataclass(frozen=True)
class EngineState:
    """What the UI shows; replaced whole by the engine thread, so reading it needs no lock."""

    device: StreamInfo | None = None
    message: str = "No audio device open"
    playing: bool = False
    recording: bool = False
    position_frame: int = 0
    """The timeline frame being heard now (or where playback will start)."""
    underruns: int = 0
    """Dropouts the engine caused: its output ring ran dry (it rendered too late) or its input
    ring overflowed (it drained too late). The design aims at none."""
    device_xruns: int = 0
    """Under- and overflows the device reported (PortAudio's status flags): besides the
    engine's own, the sound server or the system can cause these (a loaded machine)."""
    ahead_frames: int = 0
    loop: tuple[int, int] | None = None
    levels: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)
    """What is heard now: {track id or "master": (peak L, peak R, RMS L, RMS R)}, full scale
    1.0, after fader and pan. Empty when stopped."""
    gain_reduction: dict[str, float] = field(default_factory=dict)
    """What is heard now: {effect id: deepest gain reduction in dB} of each dynamics effect
    (compressor, gate, limiter, de-esser) that plays. Empty when stopped."""
    input_peaks: tuple[float, ...] = ()
    """Peak level of each device input over the last moments, full scale 1.0."""
    takes: tuple[TakePreview, ...] = ()
    """While recording: each take's place and its waveform so far, for the timeline."""
    master_meter: MasterMeterReading | None = None
    """The master's loudness, true and sample peak, correlation and spectrum, as heard,
    since play started or the last locate; kept after stop. None before the first play."""
    faulted: frozenset[str] = frozenset()
    """Strips (track and bus ids, "master") muted because their effects produced NaN or
    infinite samples, until their chain is edited (the master's chain is bypassed)."""
    missing_media: frozenset[str] = frozenset()
    """Ids of the media whose file was not found when playback was set up: they play as
    silence, the rest of the song as ever."""
    dsp_load: float = 0.0
    """Render time over audio time for the latest chunks (1.0 means no time to spare)."""
    error: str | None = None


class EngineError(Exception):
    """A command the engine cannot carry out, with the reason for the person."""
