"""The song as frozen dataclasses: a project holds tracks, clips, markers and the media table.

Positions and lengths are integer sample frames at the project's rate; units are in the names.
Audio never lives here, only references to files in the project's `audio/` folder, so a
snapshot of a whole project is cheap and undo can keep many.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace

FADE_SHAPES = ("linear", "equal_power", "exponential")
"""Fade curve shapes; the gain laws are in `daw.dsp.fades`."""

SCHEMA_VERSION = 4
"""2 added buses, sends and automation; 3 added takes and clip pitch and stretch (older files
load unchanged: they have none)."""

MAX_RATING = 5
"""Takes are rated from 0 (not rated) to 5 stars."""

TRACK_KINDS = ("audio", "bus")
"""An audio track plays clips; a bus plays what other tracks send it (a shared reverb)."""

MASTER = "master"
"""The owner name of the master bus's chain and automation (tracks are named by their id)."""

VOLUME = "volume"
PAN = "pan"
SEND_PREFIX = "send:"
EFFECT_PREFIX = "effect:"
"""Automation targets: ``volume`` (dB), ``pan`` (-1..+1), ``send:<bus id>`` (dB) and
``effect:<effect id>:<parameter>`` (the parameter's own unit)."""


def new_id(prefix: str) -> str:
    """A fresh stable id such as ``clip-3f2a9c1b4d5e``; ids never change once given."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@dataclass(frozen=True)
class Fade:
    """A fade at one end of a clip: its length and the curve of its gain."""

    length_frames: int = 0
    shape: str = "linear"


@dataclass(frozen=True)
class EffectSettings:
    """One effect in a chain, as plain settings: which kind, its parameters, bypassed or not.

    Parameters are (name, value) pairs with units in the names (``threshold_db``), kept as a
    tuple so the settings stay immutable and comparable.
    """

    id: str
    kind: str
    params: tuple[tuple[str, float], ...] = ()
    bypassed: bool = False

    def param(self, name: str, default: float | None = None) -> float | None:
        for key, value in self.params:
            if key == name:
                return value
        return default


@dataclass(frozen=True)
class Send:
    """A copy of a track's signal fed to a bus at its own level, taken before or after the
    track's fader (pre-fader sends keep a headphone or reverb mix when the fader moves)."""

    bus_id: str
    level_db: float = 0.0
    pre_fader: bool = False


@dataclass(frozen=True)
class AutomationPoint:
    """A value at a frame; between points the value moves in a straight line."""

    frame: int
    value: float


@dataclass(frozen=True)
class Envelope:
    """A parameter's value over the song. Before the first point the first value holds, after
    the last the last one; an envelope without points, or disabled, leaves the setting alone."""

    target: str
    points: tuple[AutomationPoint, ...] = ()
    """Ordered by frame; at most one point a frame."""
    enabled: bool = True

    def value_at(self, frame: int) -> float | None:
        """The envelope's value at `frame` (None without points)."""
        points = self.points
        if not points:
            return None
        if frame <= points[0].frame:
            return points[0].value
        if frame >= points[-1].frame:
            return points[-1].value
        lo, hi = 0, len(points) - 1
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if points[mid].frame <= frame:
                lo = mid
            else:
                hi = mid
        a, b = points[lo], points[hi]
        return a.value + (b.value - a.value) * (frame - a.frame) / (b.frame - a.frame)


def send_target(bus_id: str) -> str:
    return f"{SEND_PREFIX}{bus_id}"


def effect_target(effect_id: str, param: str) -> str:
    return f"{EFFECT_PREFIX}{effect_id}:{param}"


@dataclass(frozen=True)
class MediaRef:
    """An audio file in the project's ``audio/`` folder, at the project's sample rate."""

    id: str
    path: str
    """Relative to the project folder, with forward slashes (``audio/kick.wav``)."""
    channels: int
    length_frames: int
    source_name: str = ""
    """The name of the file the person imported, for display."""


@dataclass(frozen=True)
class Clip:
    """A window onto a media file placed on a track.

    The clip plays frames ``[source_offset_frames, source_offset_frames + length_frames)`` of
    its media, starting at ``start_frame`` on the timeline.
    """

    id: str
    media_id: str
    start_frame: int
    length_frames: int
    source_offset_frames: int = 0
    gain_db: float = 0.0
    fade_in: Fade = Fade()
    fade_out: Fade = Fade()
    muted: bool = False
    name: str = ""
    take_id: str = ""
    """The take this clip plays part of (a comp is made of such clips); empty for others."""
    pitch_semitones: float = 0.0
    """Pitch shift with the length kept ("fix a note that is off"), with `pitch_cents`."""
    pitch_cents: float = 0.0
    stretch: float = 1.0
    """Time stretch with the pitch kept: 2.0 plays the audio at half speed, twice as long.
    The clip then plays `length_frames / stretch` frames of its media from the offset."""

    @property
    def end_frame(self) -> int:
        """The first frame after the clip."""
        return self.start_frame + self.length_frames

    @property
    def is_processed(self) -> bool:
        """Pitch or stretch changed: the clip plays a rendition made from its media."""
        return self.pitch_semitones != 0.0 or self.pitch_cents != 0.0 or self.stretch != 1.0

    @property
    def source_frames(self) -> int:
        """How many frames of the media the clip uses."""
        return max(1, round(self.length_frames / self.stretch))


@dataclass(frozen=True)
class Take:
    """One recorded pass over a region of a track, kept on disk whether or not it is heard.

    The take's audio is frames ``[source_offset_frames, source_offset_frames +
    length_frames)`` of its media (loop recording puts every pass in one file), recorded at
    ``start_frame`` on the timeline. What plays is the track's clips: a comp is clips cut
    from takes."""

    id: str
    media_id: str
    start_frame: int
    length_frames: int
    source_offset_frames: int = 0
    name: str = ""
    rating: int = 0
    muted: bool = False
    """A muted take is hidden from comping choices and auditions, not deleted."""

    @property
    def end_frame(self) -> int:
        return self.start_frame + self.length_frames


@dataclass(frozen=True)
class Track:
    """A lane of clips with its mixer settings, or a bus (no clips: it plays its sends)."""

    id: str
    name: str
    kind: str = "audio"
    """One of TRACK_KINDS."""
    colour: str = "#5c9ded"
    gain_db: float = 0.0
    pan: float = 0.0
    """-1 is hard left, 0 centre, +1 hard right."""
    mute: bool = False
    solo: bool = False
    record_armed: bool = False
    monitor: bool = False
    """Software input monitoring: the input is heard live through the track's chain."""
    input_channels: tuple[int, ...] = (0,)
    """Zero-based input channels recorded into this track: one for mono, two for stereo."""
    effects: tuple[EffectSettings, ...] = ()
    clips: tuple[Clip, ...] = ()
    """Ordered by start frame, then by id, so renders and files are deterministic."""
    sends: tuple[Send, ...] = ()
    """At most one a bus."""
    automation: tuple[Envelope, ...] = ()
    """At most one envelope a target."""
    takes: tuple[Take, ...] = ()
    """Every recorded pass, in the order recorded."""

    @property
    def is_bus(self) -> bool:
        return self.kind == "bus"

    def envelope(self, target: str) -> Envelope | None:
        for envelope in self.automation:
            if envelope.target == target:
                return envelope
        return None

    def take(self, take_id: str) -> Take:
        for take in self.takes:
            if take.id == take_id:
                return take
        raise KeyError(take_id)

    def send(self, bus_id: str) -> Send | None:
        for send in self.sends:
            if send.bus_id == bus_id:
                return send
        return None


@dataclass(frozen=True)
class Marker:
    """A named point on the timeline, such as a song section, with free-text notes."""

    id: str
    name: str
    frame: int
    notes: str = ""


@dataclass(frozen=True)
class MasterSettings:
    """The master bus: its fader, its effect chain and their automation."""

    gain_db: float = 0.0
    effects: tuple[EffectSettings, ...] = ()
    automation: tuple[Envelope, ...] = ()
    target: str = ""
    """The name of the mastering target chosen for this song (empty: none chosen yet)."""

    def envelope(self, target: str) -> Envelope | None:
        for envelope in self.automation:
            if envelope.target == target:
                return envelope
        return None


@dataclass(frozen=True)
class Project:
    """A whole song: the root of the model, replaced (never mutated) by every edit."""

    name: str = "Untitled"
    sample_rate: int = 48000
    tempo_bpm: float = 120.0
    time_signature: tuple[int, int] = (4, 4)
    tracks: tuple[Track, ...] = ()
    markers: tuple[Marker, ...] = ()
    """Ordered by frame, then by id."""
    media: tuple[MediaRef, ...] = ()
    master: MasterSettings = field(default_factory=MasterSettings)
    notes: str = ""
    metronome: bool = False
    """The click is on: saved with the song (as GarageBand does), since a song is either
    played to a click or not."""

    # Look-ups. Projects are small (tens of tracks), so linear scans are fine and keep the
    # dataclass free of derived state.

    def track(self, track_id: str) -> Track:
        for track in self.tracks:
            if track.id == track_id:
                return track
        raise KeyError(track_id)

    def media_ref(self, media_id: str) -> MediaRef:
        for ref in self.media:
            if ref.id == media_id:
                return ref
        raise KeyError(media_id)

    def marker(self, marker_id: str) -> Marker:
        for marker in self.markers:
            if marker.id == marker_id:
                return marker
        raise KeyError(marker_id)

    def find_clip(self, clip_id: str) -> tuple[Track, Clip]:
        for track in self.tracks:
            for clip in track.clips:
                if clip.id == clip_id:
                    return track, clip
        raise KeyError(clip_id)

    @property
    def end_frame(self) -> int:
        """The first frame after the last clip (0 for an empty song)."""
        return max((c.end_frame for t in self.tracks for c in t.clips), default=0)

    def frames_per_beat(self) -> float:
        """Frames in one beat of the time signature's note value at the project tempo."""
        quarter = self.sample_rate * 60.0 / self.tempo_bpm
        return quarter * 4.0 / self.time_signature[1]

    def frames_per_bar(self) -> float:
        return self.frames_per_beat() * self.time_signature[0]

    def with_tracks(self, tracks: tuple[Track, ...]) -> Project:
        return replace(self, tracks=tracks)
