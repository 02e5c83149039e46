"""The rules a valid project keeps, shared by the edits and the project loader.

Each check raises `EditError` with a message that names the thing at fault; the loader turns
it into a `ProjectFileError` naming the file and field.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from daw.model.errors import EditError
from daw.model.limits import MAX_SONG_HOURS, max_frames
from daw.model.project import (
    EFFECT_PREFIX,
    FADE_SHAPES,
    MAX_RATING,
    PAN,
    SEND_PREFIX,
    TRACK_KINDS,
    VOLUME,
    Clip,
    EffectSettings,
    Envelope,
    Fade,
    Project,
    Take,
    Track,
)

PITCH_RANGE_SEMITONES = 24.0
STRETCH_RANGE = (0.25, 4.0)

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
MAX_GAIN_DB = 48.0
"""Gains above this are a typing mistake, not a mix decision."""
MIN_RATE, MAX_RATE = 8000, 384000

EffectRanges = Mapping[str, Mapping[str, tuple[float, float]]]
"""Per effect kind, each parameter's (lowest, highest) value. The sound code knows them and
the model imports none of it, so whoever loads a song to play it passes them in; without
them a kind is taken as given and only finite values are asked for."""


def check_gain_db(gain_db: float, what: str) -> None:
    if not isinstance(gain_db, int | float) or isinstance(gain_db, bool):
        raise EditError(f"{what}: expected a number of dB, got {gain_db!r}")
    if math.isnan(gain_db) or gain_db > MAX_GAIN_DB:
        raise EditError(f"{what}: {gain_db} dB is out of range (at most +{MAX_GAIN_DB:g} dB)")


def check_pan(pan: float, what: str = "pan") -> None:
    if not isinstance(pan, int | float) or isinstance(pan, bool) or not -1.0 <= pan <= 1.0:
        raise EditError(f"{what}: expected a number from -1 (left) to +1 (right), got {pan!r}")


def check_frame(frame: int, what: str) -> None:
    if not isinstance(frame, int) or isinstance(frame, bool):
        raise EditError(f"{what}: expected a whole number of frames, got {frame!r}")
    if frame < 0:
        raise EditError(f"{what}: {frame} is before the start of the song")


def check_colour(colour: str, what: str = "colour") -> None:
    if not isinstance(colour, str) or not _COLOUR.match(colour):
        raise EditError(f"{what}: expected #rrggbb, got {colour!r}")


def check_within(frame: int, sample_rate: int, what: str) -> None:
    """A position or length no further than `MAX_SONG_HOURS` into the song (see limits)."""
    limit = max_frames(sample_rate)
    if frame > limit:
        raise EditError(f"{what}: frame {frame} is past {MAX_SONG_HOURS} hours of song "
                        f"(at most {limit} frames at {sample_rate} Hz)")


def check_fade(fade: Fade, what: str) -> None:
    check_frame(fade.length_frames, f"{what} length")
    if fade.shape not in FADE_SHAPES:
        raise EditError(f"{what} shape: {fade.shape!r} is not one of {', '.join(FADE_SHAPES)}")


def check_clip(project: Project, clip: Clip) -> None:
    """A clip must lie within its media, start on the timeline and fit its fades."""
    try:
        media = project.media_ref(clip.media_id)
    except KeyError:
        raise EditError(f"clip {clip.id}: no media with id {clip.media_id!r}") from None
    check_frame(clip.start_frame, f"clip {clip.id} start")
    check_frame(clip.source_offset_frames, f"clip {clip.id} source offset")
    if not isinstance(clip.length_frames, int) or clip.length_frames <= 0:
        raise EditError(f"clip {clip.id}: length must be a positive number of frames, "
                        f"got {clip.length_frames!r}")
    check_within(clip.end_frame, project.sample_rate, f"clip {clip.id} end")
    for name, value, low, high in (
        ("pitch", clip.pitch_semitones, -PITCH_RANGE_SEMITONES, PITCH_RANGE_SEMITONES),
        ("cents", clip.pitch_cents, -100.0, 100.0),
        ("stretch", clip.stretch, *STRETCH_RANGE),
    ):
        if (not isinstance(value, int | float) or isinstance(value, bool)
                or not low <= value <= high):
            raise EditError(f"clip {clip.id}: {name} must be from {low:g} to {high:g}, "
                            f"got {value!r}")
    if clip.source_offset_frames + clip.source_frames > media.length_frames:
        raise EditError(
            f"clip {clip.id}: reaches frame {clip.source_offset_frames + clip.source_frames} "
            f"of its media, which has only {media.length_frames} frames"
        )
    check_gain_db(clip.gain_db, f"clip {clip.id} gain")
    check_fade(clip.fade_in, f"clip {clip.id} fade-in")
    check_fade(clip.fade_out, f"clip {clip.id} fade-out")
    if clip.fade_in.length_frames + clip.fade_out.length_frames > clip.length_frames:
        raise EditError(
            f"clip {clip.id}: fades of {clip.fade_in.length_frames} and "
            f"{clip.fade_out.length_frames} frames do not fit in {clip.length_frames} frames"
        )


def check_take(project: Project, take: Take, what: str) -> None:
    """A take lies within its media, starts on the timeline and has a rating of 0 to 5."""
    try:
        media = project.media_ref(take.media_id)
    except KeyError:
        raise EditError(f"{what} take {take.id}: no media with id {take.media_id!r}") from None
    check_frame(take.start_frame, f"take {take.id} start")
    check_frame(take.source_offset_frames, f"take {take.id} source offset")
    if not isinstance(take.length_frames, int) or take.length_frames <= 0:
        raise EditError(f"take {take.id}: length must be a positive number of frames")
    check_within(take.end_frame, project.sample_rate, f"take {take.id} end")
    if take.source_offset_frames + take.length_frames > media.length_frames:
        raise EditError(f"take {take.id}: reaches past the end of its media")
    if not isinstance(take.rating, int) or not 0 <= take.rating <= MAX_RATING:
        raise EditError(f"take {take.id}: rating must be 0 to {MAX_RATING} stars")


def check_effects(effects: tuple[EffectSettings, ...], what: str,
                  kinds: EffectRanges | None = None) -> None:
    """Ids unique in the chain, every parameter a finite number; with `kinds`, every kind
    known and every known parameter within its range."""
    seen: set[str] = set()
    for position, effect in enumerate(effects, start=1):
        if effect.id in seen:
            raise EditError(f"{what}: effect id {effect.id!r} is used twice")
        seen.add(effect.id)
        check_effect(effect, f"{what}, effect {position}", kinds)


def check_effect(effect: EffectSettings, what: str, kinds: EffectRanges | None = None) -> None:
    """One effect's parameters (see `check_effects`); `what` names it ("track 'Vocal',
    effect 2")."""
    ranges: Mapping[str, tuple[float, float]] = {}
    if kinds is not None:
        if effect.kind not in kinds:
            raise EditError(f"{what}: unknown kind {effect.kind!r} "
                            f"(known: {', '.join(sorted(kinds))})")
        ranges = kinds[effect.kind]
    for name, value in effect.params:
        if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(
            value
        ):
            raise EditError(f"{what} ({effect.kind}): {name}: expected a number, got {value!r}")
        low, high = ranges.get(name, (-math.inf, math.inf))
        if not low <= value <= high:
            raise EditError(f"{what} ({effect.kind}): {name}: {value:g} is out of range "
                            f"({low:g} to {high:g})")


def check_envelope(envelope: Envelope, what: str, sample_rate: int | None = None) -> None:
    """Points in frame order, one a frame, with values the target can take (and, given the
    rate, within the song's longest length)."""
    target = envelope.target
    if not isinstance(target, str) or not (
        target in (VOLUME, PAN) or (target.startswith(SEND_PREFIX) and len(target) > 5)
        or (target.startswith(EFFECT_PREFIX) and target.count(":") == 2
            and all(target.split(":")[1:]))
    ):
        raise EditError(f"{what}: {target!r} is not something that can be automated")
    last = -1
    for point in envelope.points:
        check_frame(point.frame, f"{what} {target} point")
        if sample_rate is not None:
            check_within(point.frame, sample_rate, f"{what} {target} point")
        if point.frame <= last:
            raise EditError(f"{what} {target}: points must be in frame order, one a frame")
        last = point.frame
        value = point.value
        if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(
            value
        ):
            raise EditError(f"{what} {target}: expected a number, got {value!r}")
        if target == PAN:
            check_pan(value, f"{what} pan automation")
        elif target == VOLUME or target.startswith(SEND_PREFIX):
            check_gain_db(value, f"{what} {target} automation")


def check_automation(automation: tuple[Envelope, ...], what: str,
                     sample_rate: int | None = None) -> None:
    targets = [e.target for e in automation]
    if len(set(targets)) != len(targets):
        raise EditError(f"{what}: a parameter has two automation envelopes")
    for envelope in automation:
        check_envelope(envelope, what, sample_rate)


def check_track(project: Project, track: Track, kinds: EffectRanges | None = None) -> None:
    if not track.name.strip():
        raise EditError(f"track {track.id}: a track needs a name")
    if track.kind not in TRACK_KINDS:
        raise EditError(f"track {track.name!r}: kind {track.kind!r} is not one of "
                        f"{', '.join(TRACK_KINDS)}")
    if track.is_bus and (track.clips or track.record_armed):
        raise EditError(f"track {track.name!r}: a bus plays what is sent to it; it holds no "
                        "clips and cannot record")
    check_colour(track.colour, f"track {track.name!r} colour")
    check_gain_db(track.gain_db, f"track {track.name!r} gain")
    check_pan(track.pan, f"track {track.name!r} pan")
    if not 1 <= len(track.input_channels) <= 2 or any(
        not isinstance(c, int) or c < 0 for c in track.input_channels
    ):
        raise EditError(f"track {track.name!r}: input channels must be one or two channel "
                        f"numbers from 0, got {track.input_channels!r}")
    check_effects(track.effects, f"track {track.name!r}", kinds)
    check_automation(track.automation, f"track {track.name!r}", project.sample_rate)
    buses = {t.id: t for t in project.tracks if t.is_bus}
    seen: set[str] = set()
    for send in track.sends:
        if send.bus_id == track.id:
            raise EditError(f"track {track.name!r}: a bus cannot send to itself")
        if send.bus_id not in buses:
            raise EditError(f"track {track.name!r}: sends to {send.bus_id!r}, which is not a bus")
        if send.bus_id in seen:
            raise EditError(f"track {track.name!r}: two sends to the same bus")
        seen.add(send.bus_id)
        check_gain_db(send.level_db, f"track {track.name!r} send level")
    for clip in track.clips:
        check_clip(project, clip)
    if track.is_bus and track.takes:
        raise EditError(f"track {track.name!r}: a bus has no takes")
    for take in track.takes:
        check_take(project, take, f"track {track.name!r}")


def routing_loop(project: Project) -> list[str] | None:
    """The names along a chain of sends that comes back to where it started, or None.

    Sound sent round a loop would feed itself for ever, so no edit may make one."""
    sends = {t.id: [s.bus_id for s in t.sends] for t in project.tracks}
    names = {t.id: t.name for t in project.tracks}
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sends.get(node, ()):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt] if nxt in path else [node, nxt]
            if nxt not in state:
                found = visit(nxt, [*path, nxt])
                if found:
                    return found
        state[node] = 2
        return None

    for track_id in sends:
        if track_id not in state:
            loop = visit(track_id, [track_id])
            if loop:
                return [names.get(t, t) for t in loop]
    return None


def check_routing(project: Project) -> None:
    loop = routing_loop(project)
    if loop:
        raise EditError("routing loop: " + " → ".join(loop) + " would feed itself")


def check_project(project: Project, kinds: EffectRanges | None = None) -> None:
    """Check the whole project, including that every id is unique; with `kinds`, every
    effect against the kinds the sound code offers."""
    rate = project.sample_rate
    if isinstance(rate, bool) or not isinstance(rate, int) or not MIN_RATE <= rate <= MAX_RATE:
        raise EditError(f"sample rate: {rate!r} Hz is not supported "
                        f"({MIN_RATE} to {MAX_RATE} Hz)")
    check_tempo(project.tempo_bpm)
    check_time_signature(project.time_signature)
    check_gain_db(project.master.gain_db, "master gain")
    check_effects(project.master.effects, "master", kinds)
    check_automation(project.master.automation, "master", rate)
    if any(e.target.startswith(SEND_PREFIX) for e in project.master.automation):
        raise EditError("master: the master has no sends to automate")
    ids: set[str] = set()

    def claim(kind: str, item_id: str) -> None:
        if not isinstance(item_id, str) or not item_id:
            raise EditError(f"{kind}: missing id")
        if item_id in ids:
            raise EditError(f"{kind} id {item_id!r} is used twice")
        ids.add(item_id)

    for ref in project.media:
        claim("media", ref.id)
        if ref.channels not in (1, 2) or ref.length_frames <= 0:
            raise EditError(f"media {ref.id}: expected 1 or 2 channels and a positive length")
        check_within(ref.length_frames, rate, f"media {ref.id} length")
    for track in project.tracks:
        claim("track", track.id)
        for clip in track.clips:
            claim("clip", clip.id)
        for take in track.takes:
            claim("take", take.id)
        check_track(project, track, kinds)
    check_routing(project)
    for marker in project.markers:
        claim("marker", marker.id)
        check_frame(marker.frame, f"marker {marker.name!r}")
        check_within(marker.frame, rate, f"marker {marker.name!r}")


def check_tempo(tempo_bpm: float) -> None:
    if not isinstance(tempo_bpm, int | float) or not 20.0 <= tempo_bpm <= 400.0:
        raise EditError(f"tempo: expected 20 to 400 BPM, got {tempo_bpm!r}")


def check_time_signature(signature: tuple[int, int]) -> None:
    beats, unit = signature
    if not isinstance(beats, int) or not 1 <= beats <= 32 or unit not in (1, 2, 4, 8, 16, 32):
        raise EditError(f"time signature: {beats}/{unit} cannot be used (1 to 32 beats of "
                        "1, 2, 4, 8, 16 or 32)")
