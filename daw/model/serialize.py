"""The project as JSON-ready dicts, and back, naming the exact field when a value is wrong.

The file is meant to be readable and hand-editable, so reading is strict about types and
tells the person where the problem is (``tracks[1].clips[0].gain_db``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from daw.model.errors import EditError
from daw.model.limits import TooBig, check_sizes
from daw.model.project import (
    SCHEMA_VERSION,
    AutomationPoint,
    Clip,
    EffectSettings,
    Envelope,
    Fade,
    Marker,
    MasterSettings,
    MediaRef,
    Project,
    Send,
    Take,
    Track,
)
from daw.model.validate import EffectRanges, check_project

T = TypeVar("T")


def _gain_out(gain_db: float) -> float | None:
    """JSON has no infinity: silence (−inf dB, a fader all the way down) is written as null."""
    return None if gain_db == float("-inf") else gain_db


class FieldError(ValueError):
    """A bad value in the data, with the path of the field that holds it."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


# --- writing -------------------------------------------------------------------------------


def _effect_to_dict(effect: EffectSettings) -> dict[str, Any]:
    return {
        "id": effect.id,
        "kind": effect.kind,
        "params": dict(effect.params),
        "bypassed": effect.bypassed,
    }


def _envelope_to_dict(envelope: Envelope) -> dict[str, Any]:
    return {
        "target": envelope.target,
        "enabled": envelope.enabled,
        "points": [[p.frame, p.value] for p in envelope.points],
    }


def _send_to_dict(send: Send) -> dict[str, Any]:
    return {"bus_id": send.bus_id, "level_db": _gain_out(send.level_db),
            "pre_fader": send.pre_fader}


def _fade_to_dict(fade: Fade) -> dict[str, Any]:
    return {"length_frames": fade.length_frames, "shape": fade.shape}


def _clip_to_dict(clip: Clip) -> dict[str, Any]:
    return {
        "id": clip.id,
        "name": clip.name,
        "media_id": clip.media_id,
        "start_frame": clip.start_frame,
        "length_frames": clip.length_frames,
        "source_offset_frames": clip.source_offset_frames,
        "gain_db": _gain_out(clip.gain_db),
        "fade_in": _fade_to_dict(clip.fade_in),
        "fade_out": _fade_to_dict(clip.fade_out),
        "muted": clip.muted,
        **({"take_id": clip.take_id} if clip.take_id else {}),
        **({"pitch_semitones": clip.pitch_semitones, "pitch_cents": clip.pitch_cents}
           if clip.pitch_semitones or clip.pitch_cents else {}),
        **({"stretch": clip.stretch} if clip.stretch != 1.0 else {}),
    }


def _take_to_dict(take: Take) -> dict[str, Any]:
    return {
        "id": take.id,
        "name": take.name,
        "media_id": take.media_id,
        "start_frame": take.start_frame,
        "length_frames": take.length_frames,
        "source_offset_frames": take.source_offset_frames,
        "rating": take.rating,
        "muted": take.muted,
    }


def _track_to_dict(track: Track) -> dict[str, Any]:
    return {
        "id": track.id,
        "name": track.name,
        "kind": track.kind,
        "colour": track.colour,
        "gain_db": _gain_out(track.gain_db),
        "pan": track.pan,
        "mute": track.mute,
        "solo": track.solo,
        "record_armed": track.record_armed,
        "monitor": track.monitor,
        "input_channels": list(track.input_channels),
        "effects": [_effect_to_dict(e) for e in track.effects],
        "sends": [_send_to_dict(s) for s in track.sends],
        "automation": [_envelope_to_dict(e) for e in track.automation],
        "clips": [_clip_to_dict(c) for c in track.clips],
        "takes": [_take_to_dict(t) for t in track.takes],
    }


def project_to_dict(project: Project) -> dict[str, Any]:
    """The project as plain JSON types, with the schema version first."""
    return {
        "schema_version": SCHEMA_VERSION,
        "name": project.name,
        "sample_rate": project.sample_rate,
        "tempo_bpm": project.tempo_bpm,
        "time_signature": list(project.time_signature),
        "notes": project.notes,
        "metronome": project.metronome,
        "master": {
            "gain_db": _gain_out(project.master.gain_db),
            "effects": [_effect_to_dict(e) for e in project.master.effects],
            "automation": [_envelope_to_dict(e) for e in project.master.automation],
            **({"target": project.master.target} if project.master.target else {}),
        },
        "media": [
            {
                "id": m.id,
                "path": m.path,
                "channels": m.channels,
                "length_frames": m.length_frames,
                "source_name": m.source_name,
            }
            for m in project.media
        ],
        "markers": [
            {"id": m.id, "name": m.name, "frame": m.frame, "notes": m.notes}
            for m in project.markers
        ],
        "tracks": [_track_to_dict(t) for t in project.tracks],
    }


# --- reading -------------------------------------------------------------------------------


class _Reader:
    """Reads one JSON object, remembering where it is for error messages."""

    def __init__(self, data: object, path: str) -> None:
        if not isinstance(data, dict):
            raise FieldError(path or "(top level)", f"expected an object, got {_kind(data)}")
        self.data = data
        self.path = path

    def _where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def _get(self, key: str, default: object) -> object:
        if key in self.data:
            return self.data[key]
        if default is _REQUIRED:
            raise FieldError(self._where(key), "missing")
        return default

    def int(self, key: str, default: object = None, minimum: int | None = None) -> int:
        value = self._get(key, _REQUIRED if default is None else default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise FieldError(self._where(key), f"expected a whole number, got {_kind(value)}")
        if not -_BIGGEST_INT <= value <= _BIGGEST_INT:
            raise FieldError(self._where(key), f"{_kind(value)} is out of range")
        if minimum is not None and value < minimum:
            raise FieldError(self._where(key), f"must be at least {minimum}, got {value}")
        return value

    def float(self, key: str, default: object = None) -> float:
        value = self._get(key, _REQUIRED if default is None else default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise FieldError(self._where(key), f"expected a number, got {_kind(value)}")
        if not _finite(value):
            raise FieldError(self._where(key), f"expected a finite number, got {_kind(value)}")
        return float(value)

    def gain(self, key: str) -> float:
        """A gain in dB; null is silence (−inf dB). Missing: 0 dB."""
        if key in self.data and self.data[key] is None:
            return float("-inf")
        return self.float(key, 0.0)

    def str(self, key: str, default: object = None) -> str:
        value = self._get(key, _REQUIRED if default is None else default)
        if not isinstance(value, str):
            raise FieldError(self._where(key), f"expected text, got {_kind(value)}")
        return value

    def bool(self, key: str, default: object = None) -> bool:
        value = self._get(key, _REQUIRED if default is None else default)
        if not isinstance(value, bool):
            raise FieldError(self._where(key), f"expected true or false, got {_kind(value)}")
        return value

    def obj(self, key: str, default: object = None) -> _Reader:
        return _Reader(self._get(key, _REQUIRED if default is None else default), self._where(key))

    def list(self, key: str, read: Callable[[object, str], T]) -> tuple[T, ...]:
        value = self._get(key, [])
        if not isinstance(value, list):
            raise FieldError(self._where(key), f"expected a list, got {_kind(value)}")
        return tuple(read(item, f"{self._where(key)}[{i}]") for i, item in enumerate(value))


_REQUIRED = object()
_HUGE = 10**300
_BIGGEST_INT = 2**63 - 1
"""No whole number in a project (a frame, a count) comes near this; a larger one is damage."""


def _finite(value: int | float) -> bool:
    """A number a float can hold: not NaN, not infinite, no whole number beyond 1e300."""
    if isinstance(value, int):
        return -_HUGE < value < _HUGE
    return value == value and value not in (float("inf"), float("-inf"))


def describe_value(value: object) -> str:
    """A value from the file in a few words ("text 'loud'", "the number 1e+308", "a list"),
    however large or deeply nested it is."""
    return _kind(value)


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return f"text {value!r}" if len(value) < 40 else "text"
    if isinstance(value, int) and not -10**18 < value < 10**18:
        return f"a number of {int(value.bit_length() * 0.30103) + 1} digits"
    if isinstance(value, int | float):
        return f"the number {value}"
    return {"list": "a list", "dict": "an object"}.get(type(value).__name__, type(value).__name__)


def _read_fade(data: object, path: str) -> Fade:
    r = _Reader(data, path)
    return Fade(r.int("length_frames", 0, minimum=0), r.str("shape", "linear"))


def _read_effect(data: object, path: str) -> EffectSettings:
    r = _Reader(data, path)
    params = r.obj("params", {})
    values = tuple((name, params.float(name)) for name in params.data)
    return EffectSettings(r.str("id"), r.str("kind"), values, r.bool("bypassed", False))


def _read_point(data: object, path: str) -> AutomationPoint:
    if (not isinstance(data, list) or len(data) != 2 or isinstance(data[0], bool)
            or not isinstance(data[0], int) or data[0] < 0
            or isinstance(data[1], bool) or not isinstance(data[1], int | float)
            or not _finite(data[1])):
        raise FieldError(path, f"expected [frame, value] with a frame from 0, got {_kind(data)}")
    return AutomationPoint(data[0], float(data[1]))


def _read_envelope(data: object, path: str) -> Envelope:
    r = _Reader(data, path)
    points = sorted(r.list("points", _read_point), key=lambda p: p.frame)
    return Envelope(r.str("target"), tuple(points), r.bool("enabled", True))


def _read_send(data: object, path: str) -> Send:
    r = _Reader(data, path)
    return Send(r.str("bus_id"), r.gain("level_db"), r.bool("pre_fader", False))


def _read_clip(data: object, path: str) -> Clip:
    r = _Reader(data, path)
    return Clip(
        id=r.str("id"),
        name=r.str("name", ""),
        media_id=r.str("media_id"),
        start_frame=r.int("start_frame", minimum=0),
        length_frames=r.int("length_frames", minimum=1),
        source_offset_frames=r.int("source_offset_frames", 0, minimum=0),
        gain_db=r.gain("gain_db"),
        fade_in=_read_fade(r.data.get("fade_in", {}), r._where("fade_in")),
        fade_out=_read_fade(r.data.get("fade_out", {}), r._where("fade_out")),
        muted=r.bool("muted", False),
        take_id=r.str("take_id", ""),
        pitch_semitones=r.float("pitch_semitones", 0.0),
        pitch_cents=r.float("pitch_cents", 0.0),
        stretch=r.float("stretch", 1.0),
    )


def _read_take(data: object, path: str) -> Take:
    r = _Reader(data, path)
    return Take(
        id=r.str("id"),
        name=r.str("name", ""),
        media_id=r.str("media_id"),
        start_frame=r.int("start_frame", minimum=0),
        length_frames=r.int("length_frames", minimum=1),
        source_offset_frames=r.int("source_offset_frames", 0, minimum=0),
        rating=r.int("rating", 0, minimum=0),
        muted=r.bool("muted", False),
    )


def _read_positive_int(data: object, path: str) -> int:
    if isinstance(data, bool) or not isinstance(data, int) or data < 1:
        raise FieldError(path, f"expected a positive whole number, got {_kind(data)}")
    return data


def _read_channel(data: object, path: str) -> int:
    if isinstance(data, bool) or not isinstance(data, int) or data < 0:
        raise FieldError(path, f"expected a channel number from 0, got {_kind(data)}")
    return data


def _read_track(data: object, path: str) -> Track:
    r = _Reader(data, path)
    return Track(
        id=r.str("id"),
        name=r.str("name"),
        kind=r.str("kind", "audio"),
        colour=r.str("colour", "#5c9ded"),
        gain_db=r.gain("gain_db"),
        pan=r.float("pan", 0.0),
        mute=r.bool("mute", False),
        solo=r.bool("solo", False),
        record_armed=r.bool("record_armed", False),
        monitor=r.bool("monitor", False),
        input_channels=r.list("input_channels", _read_channel) or (0,),
        effects=r.list("effects", _read_effect),
        sends=r.list("sends", _read_send),
        automation=r.list("automation", _read_envelope),
        clips=tuple(sorted(r.list("clips", _read_clip), key=lambda c: (c.start_frame, c.id))),
        takes=r.list("takes", _read_take),
    )


def _read_media(data: object, path: str) -> MediaRef:
    r = _Reader(data, path)
    rel = r.str("path")
    if rel.startswith("/") or ".." in rel.split("/"):
        raise FieldError(r._where("path"), "must be a path inside the project folder")
    return MediaRef(
        id=r.str("id"),
        path=rel,
        channels=r.int("channels", minimum=1),
        length_frames=r.int("length_frames", minimum=1),
        source_name=r.str("source_name", ""),
    )


def _read_marker(data: object, path: str) -> Marker:
    r = _Reader(data, path)
    return Marker(r.str("id"), r.str("name"), r.int("frame", minimum=0), r.str("notes", ""))


def project_from_dict(data: object, kinds: EffectRanges | None = None) -> Project:
    """Build a project from plain data; raises FieldError naming the bad field. With
    `kinds`, every effect is checked against the kinds the sound code offers (see
    `validate.EffectRanges`). Counts are checked before anything is built (see limits)."""
    try:
        check_sizes(data)
    except TooBig as error:
        raise FieldError(error.field, error.problem) from None
    r = _Reader(data, "")
    signature = r.list("time_signature", _read_positive_int)
    if len(signature) != 2:
        raise FieldError("time_signature", "expected [beats, note value], such as [4, 4]")
    master = r.obj("master", {})
    project = Project(
        name=r.str("name", "Untitled"),
        sample_rate=r.int("sample_rate", minimum=1),
        tempo_bpm=r.float("tempo_bpm", 120.0),
        time_signature=(signature[0], signature[1]),
        notes=r.str("notes", ""),
        metronome=r.bool("metronome", False),
        master=MasterSettings(master.gain("gain_db"), master.list("effects", _read_effect),
                              master.list("automation", _read_envelope),
                              master.str("target", "")),
        media=r.list("media", _read_media),
        markers=tuple(sorted(r.list("markers", _read_marker), key=lambda m: (m.frame, m.id))),
        tracks=r.list("tracks", _read_track),
    )
    try:
        check_project(project, kinds)
    except EditError as error:
        raise FieldError(*_locate(project, str(error))) from None
    return project


_SUBJECTS = {"sample rate": "sample_rate", "tempo": "tempo_bpm",
             "time signature": "time_signature", "master gain": "master.gain_db"}
"""Subjects of whole-song messages, and the field that holds each."""


def _locate(project: Project, message: str) -> tuple[str, str]:
    """(field, problem) for a rule broken across fields, never saying the subject twice: a
    message about an effect names its track and place itself; one about the sample rate
    becomes ``sample_rate: 5 Hz is not supported``."""
    subject, _, rest = message.partition(": ")
    if subject in _SUBJECTS and rest:
        return _SUBJECTS[subject], rest
    if ", effect " in subject:
        return "", message
    return _field_of(project, message), message


def _field_of(project: Project, message: str) -> str:
    """Best-effort field path for a rule broken across fields (the message names the item);
    empty when the message alone says where."""
    for t_index, track in enumerate(project.tracks):
        for c_index, clip in enumerate(track.clips):
            if f"clip {clip.id}" in message:
                return f"tracks[{t_index}].clips[{c_index}]"
        if f"track {track.name!r}" in message or f"track {track.id}" in message:
            return f"tracks[{t_index}]"
    for m_index, marker in enumerate(project.markers):
        if f"marker {marker.name!r}" in message:
            return f"markers[{m_index}]"
    for m_index, ref in enumerate(project.media):
        if f"media {ref.id}" in message:
            return f"media[{m_index}]"
    return ""
