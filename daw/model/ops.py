"""Edits: pure functions that take a project and return a new one.

Every edit checks what it changes and raises `EditError` before returning, so a refused edit
leaves nothing half-done (there is nothing to undo: the old project is untouched). New ids can
be passed in, which keeps edits reproducible in tests and lets the UI know the id it made.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from daw.model import validate
from daw.model.errors import EditError
from daw.model.project import (
    Clip,
    Fade,
    Marker,
    MediaRef,
    Project,
    Track,
    new_id,
    send_target,
)

TRACK_COLOURS = ("#5c9ded", "#e0a84f", "#7dc47a", "#d9676b", "#b183d6", "#4fc1c9", "#d98bb5")


# --- helpers -------------------------------------------------------------------------------


def _track_index(project: Project, track_id: str) -> int:
    for index, track in enumerate(project.tracks):
        if track.id == track_id:
            return index
    raise EditError(f"no track with id {track_id!r}")


def _replace_track(project: Project, track: Track) -> Project:
    index = _track_index(project, track.id)
    tracks = list(project.tracks)
    tracks[index] = track
    return replace(project, tracks=tuple(tracks))


def _update_track(project: Project, track_id: str, **changes: object) -> Track:
    track = project.tracks[_track_index(project, track_id)]
    return replace(track, **changes)


def _sorted_clips(clips: list[Clip] | tuple[Clip, ...]) -> tuple[Clip, ...]:
    return tuple(sorted(clips, key=lambda c: (c.start_frame, c.id)))


def _locate_clip(project: Project, clip_id: str) -> tuple[Track, Clip]:
    try:
        return project.find_clip(clip_id)
    except KeyError:
        raise EditError(f"no clip with id {clip_id!r}") from None


def _with_clip(project: Project, track: Track, old: Clip | None, new: list[Clip]) -> Project:
    """Replace `old` on `track` with the clips in `new`, checking each of them."""
    if new and track.is_bus:
        raise EditError(f"{track.name!r} is a bus: it plays what tracks send it, not clips")
    for clip in new:
        validate.check_clip(project, clip)
    kept = [c for c in track.clips if old is None or c.id != old.id]
    return _replace_track(project, replace(track, clips=_sorted_clips(kept + new)))


def id_in_use(project: Project, item_id: str) -> bool:
    """Whether a track, clip, take, marker or media already has this id."""
    try:
        _unique_id(project, item_id, "x")
    except EditError:
        return True
    return False


def _unique_id(project: Project, wanted: str | None, prefix: str) -> str:
    item_id = wanted or new_id(prefix)
    taken = {t.id for t in project.tracks} | {m.id for m in project.markers}
    taken |= {c.id for t in project.tracks for c in t.clips} | {m.id for m in project.media}
    taken |= {k.id for t in project.tracks for k in t.takes}
    if item_id in taken:
        raise EditError(f"id {item_id!r} is already used")
    return item_id


# --- project -------------------------------------------------------------------------------


def set_tempo(project: Project, tempo_bpm: float) -> Project:
    validate.check_tempo(tempo_bpm)
    return replace(project, tempo_bpm=float(tempo_bpm))


def set_metronome(project: Project, on: bool) -> Project:
    """Switch the click on or off: saved with the song."""
    return replace(project, metronome=bool(on))


def set_time_signature(project: Project, beats: int, unit: int) -> Project:
    validate.check_time_signature((beats, unit))
    return replace(project, time_signature=(beats, unit))


def set_project_notes(project: Project, notes: str) -> Project:
    return replace(project, notes=str(notes))


def rename_project(project: Project, name: str) -> Project:
    if not name.strip():
        raise EditError("a project needs a name")
    return replace(project, name=name.strip())


def set_master_gain(project: Project, gain_db: float) -> Project:
    validate.check_gain_db(gain_db, "master gain")
    return replace(project, master=replace(project.master, gain_db=float(gain_db)))


def set_master_target(project: Project, name: str) -> Project:
    """Remember the mastering target chosen for the song (a target's name; "" for none)."""
    if not isinstance(name, str):
        raise EditError(f"a mastering target is named by text, not {name!r}")
    return replace(project, master=replace(project.master, target=name.strip()))


def add_media(project: Project, ref: MediaRef) -> Project:
    """Add an imported file to the media table (the importer made `ref`)."""
    _unique_id(project, ref.id, "media")
    if ref.channels not in (1, 2) or ref.length_frames <= 0:
        raise EditError(f"media {ref.id}: expected 1 or 2 channels and a positive length")
    return replace(project, media=(*project.media, ref))


# --- tracks --------------------------------------------------------------------------------


def add_track(
    project: Project,
    name: str,
    *,
    track_id: str | None = None,
    index: int | None = None,
    colour: str | None = None,
) -> Project:
    """Add an empty track, at the end or at `index`."""
    track = Track(
        id=_unique_id(project, track_id, "track"),
        name=name.strip(),
        colour=colour or TRACK_COLOURS[len(project.tracks) % len(TRACK_COLOURS)],
    )
    validate.check_track(project, track)
    tracks = list(project.tracks)
    tracks.insert(len(tracks) if index is None else max(0, min(index, len(tracks))), track)
    return replace(project, tracks=tuple(tracks))


def remove_track(project: Project, track_id: str) -> Project:
    """Remove a track; removing a bus also removes the sends to it and their automation."""
    index = _track_index(project, track_id)
    target = send_target(track_id)
    kept = []
    for track in project.tracks[:index] + project.tracks[index + 1:]:
        if track.send(track_id) is not None:
            track = replace(
                track,
                sends=tuple(s for s in track.sends if s.bus_id != track_id),
                automation=tuple(e for e in track.automation if e.target != target),
            )
        kept.append(track)
    return replace(project, tracks=tuple(kept))


def rename_track(project: Project, track_id: str, name: str) -> Project:
    if not name.strip():
        raise EditError("a track needs a name")
    return _replace_track(project, _update_track(project, track_id, name=name.strip()))


def move_track(project: Project, track_id: str, index: int) -> Project:
    """Reorder: put the track at position `index` among the tracks."""
    old = _track_index(project, track_id)
    if not 0 <= index < len(project.tracks):
        raise EditError(f"track position {index} is out of range")
    tracks = list(project.tracks)
    tracks.insert(index, tracks.pop(old))
    return replace(project, tracks=tuple(tracks))


def set_track_colour(project: Project, track_id: str, colour: str) -> Project:
    validate.check_colour(colour)
    return _replace_track(project, _update_track(project, track_id, colour=colour))


def set_track_gain(project: Project, track_id: str, gain_db: float) -> Project:
    validate.check_gain_db(gain_db, "track gain")
    return _replace_track(project, _update_track(project, track_id, gain_db=float(gain_db)))


def set_track_pan(project: Project, track_id: str, pan: float) -> Project:
    validate.check_pan(pan)
    return _replace_track(project, _update_track(project, track_id, pan=float(pan)))


def set_track_mute(project: Project, track_id: str, mute: bool) -> Project:
    return _replace_track(project, _update_track(project, track_id, mute=bool(mute)))


def set_track_solo(project: Project, track_id: str, solo: bool) -> Project:
    return _replace_track(project, _update_track(project, track_id, solo=bool(solo)))


def set_track_record_armed(project: Project, track_id: str, armed: bool) -> Project:
    track = _update_track(project, track_id, record_armed=bool(armed))
    validate.check_track(project, track)
    return _replace_track(project, track)


def set_track_monitor(project: Project, track_id: str, monitor: bool) -> Project:
    return _replace_track(project, _update_track(project, track_id, monitor=bool(monitor)))


def set_track_inputs(project: Project, track_id: str, channels: tuple[int, ...]) -> Project:
    track = _update_track(project, track_id, input_channels=tuple(channels))
    validate.check_track(project, track)
    return _replace_track(project, track)


# --- clips ---------------------------------------------------------------------------------


def add_clip(
    project: Project,
    track_id: str,
    media_id: str,
    start_frame: int,
    *,
    length_frames: int | None = None,
    source_offset_frames: int = 0,
    clip_id: str | None = None,
    name: str = "",
) -> Project:
    """Place media on a track; by default the whole file from `source_offset_frames` on."""
    track = project.tracks[_track_index(project, track_id)]
    try:
        media = project.media_ref(media_id)
    except KeyError:
        raise EditError(f"no media with id {media_id!r}") from None
    if length_frames is None:
        length_frames = media.length_frames - source_offset_frames
    clip = Clip(
        id=_unique_id(project, clip_id, "clip"),
        media_id=media_id,
        start_frame=start_frame,
        length_frames=length_frames,
        source_offset_frames=source_offset_frames,
        name=name or media.source_name,
    )
    return _with_clip(project, track, None, [clip])


def move_clip(
    project: Project, clip_id: str, start_frame: int, track_id: str | None = None
) -> Project:
    """Move a clip in time, and to another track when `track_id` is given."""
    track, clip = _locate_clip(project, clip_id)
    moved = replace(clip, start_frame=start_frame)
    if track_id is None or track_id == track.id:
        return _with_clip(project, track, clip, [moved])
    target = project.tracks[_track_index(project, track_id)]
    without = _with_clip(project, track, clip, [])
    return _with_clip(without, target, None, [moved])


def source_frames_for(clip: Clip, timeline_frames: int) -> int:
    """How many frames of the clip's media play in `timeline_frames` of the clip: the same
    number, or fewer or more when the clip is stretched (a clip stretched to twice its length
    plays one media frame every two timeline frames)."""
    if clip.stretch == 1.0:
        return timeline_frames
    return round(timeline_frames / clip.stretch)


def trim_clip_start(project: Project, clip_id: str, start_frame: int) -> Project:
    """Move the left edge; the audio stays where it is on the timeline."""
    track, clip = _locate_clip(project, clip_id)
    delta = start_frame - clip.start_frame
    trimmed = replace(
        clip,
        start_frame=start_frame,
        source_offset_frames=clip.source_offset_frames + source_frames_for(clip, delta),
        length_frames=clip.length_frames - delta,
    )
    return _with_clip(project, track, clip, [_fit_fades(trimmed)])


def trim_clip_end(project: Project, clip_id: str, end_frame: int) -> Project:
    """Move the right edge."""
    track, clip = _locate_clip(project, clip_id)
    trimmed = replace(clip, length_frames=end_frame - clip.start_frame)
    return _with_clip(project, track, clip, [_fit_fades(trimmed)])


def _fit_fades(clip: Clip) -> Clip:
    """Shorten fades that no longer fit after a trim or split (fade-in keeps priority)."""
    if clip.length_frames <= 0:
        return clip
    fade_in = min(clip.fade_in.length_frames, clip.length_frames)
    fade_out = min(clip.fade_out.length_frames, clip.length_frames - fade_in)
    return replace(
        clip,
        fade_in=replace(clip.fade_in, length_frames=fade_in),
        fade_out=replace(clip.fade_out, length_frames=fade_out),
    )


def split_clip(
    project: Project, clip_id: str, at_frame: int, *, new_clip_id: str | None = None
) -> Project:
    """Cut a clip in two at a timeline frame; the right part gets a new id."""
    track, clip = _locate_clip(project, clip_id)
    if not clip.start_frame < at_frame < clip.end_frame:
        raise EditError(f"frame {at_frame} is not inside clip {clip_id}")
    left_length = at_frame - clip.start_frame
    left = _fit_fades(replace(clip, length_frames=left_length, fade_out=Fade()))
    right = _fit_fades(
        replace(
            clip,
            id=_unique_id(project, new_clip_id, "clip"),
            start_frame=at_frame,
            source_offset_frames=clip.source_offset_frames
            + source_frames_for(clip, left_length),
            length_frames=clip.length_frames - left_length,
            fade_in=Fade(),
        )
    )
    return _with_clip(project, track, clip, [left, right])


def add_recorded_clip(
    project: Project,
    track_id: str,
    media: MediaRef,
    start_frame: int,
    source_offset_frames: int,
    length_frames: int,
    *,
    clip_id: str | None = None,
) -> Project:
    """Add a new recording and clear the track under it, as a take recorded over old clips
    replaces them there. Nothing is lost: the old audio stays in its files, and undo brings
    the old clips back."""
    project = clear_range(add_media(project, media), track_id, start_frame,
                          start_frame + length_frames)
    project = add_clip(project, track_id, media.id, start_frame, length_frames=length_frames,
                       source_offset_frames=source_offset_frames, clip_id=clip_id)
    return project


def clear_range(project: Project, track_id: str, start: int, end: int) -> Project:
    """Cut the track's clips out of [start, end), keeping what lies outside it."""
    track = project.tracks[_track_index(project, track_id)]
    for old in track.clips:
        if old.end_frame <= start or old.start_frame >= end:
            continue
        if old.start_frame < start and old.end_frame > end:
            project = split_clip(project, old.id, end)
            project = trim_clip_end(project, old.id, start)
        elif old.start_frame < start:
            project = trim_clip_end(project, old.id, start)
        elif old.end_frame > end:
            project = trim_clip_start(project, old.id, end)
        else:
            project = delete_clip(project, old.id)
    return project


def delete_clip(project: Project, clip_id: str) -> Project:
    track, clip = _locate_clip(project, clip_id)
    return _with_clip(project, track, clip, [])


def duplicate_clip(
    project: Project,
    clip_id: str,
    *,
    start_frame: int | None = None,
    track_id: str | None = None,
    new_clip_id: str | None = None,
) -> Project:
    """Copy a clip; by default it lands right after the original on the same track."""
    track, clip = _locate_clip(project, clip_id)
    target = track if track_id is None else project.tracks[_track_index(project, track_id)]
    copy = replace(
        clip,
        id=_unique_id(project, new_clip_id, "clip"),
        start_frame=clip.end_frame if start_frame is None else start_frame,
    )
    return _with_clip(project, target, None, [copy])


def set_fades(
    project: Project, clip_id: str, fade_in: Fade | None = None, fade_out: Fade | None = None
) -> Project:
    """Set either or both fades; pass None to keep one as it is."""
    track, clip = _locate_clip(project, clip_id)
    faded = replace(clip, fade_in=fade_in or clip.fade_in, fade_out=fade_out or clip.fade_out)
    return _with_clip(project, track, clip, [faded])


def set_clip_gain(project: Project, clip_id: str, gain_db: float) -> Project:
    track, clip = _locate_clip(project, clip_id)
    return _with_clip(project, track, clip, [replace(clip, gain_db=float(gain_db))])


def set_clip_muted(project: Project, clip_id: str, muted: bool) -> Project:
    track, clip = _locate_clip(project, clip_id)
    return _with_clip(project, track, clip, [replace(clip, muted=bool(muted))])


# --- markers -------------------------------------------------------------------------------


def _sorted_markers(markers: list[Marker]) -> tuple[Marker, ...]:
    return tuple(sorted(markers, key=lambda m: (m.frame, m.id)))


def _edit_marker(
    project: Project, marker_id: str, change: Callable[[Marker], Marker | None]
) -> Project:
    markers: list[Marker] = []
    found = False
    for marker in project.markers:
        if marker.id == marker_id:
            found = True
            changed = change(marker)
            if changed is not None:
                validate.check_frame(changed.frame, f"marker {changed.name!r}")
                markers.append(changed)
        else:
            markers.append(marker)
    if not found:
        raise EditError(f"no marker with id {marker_id!r}")
    return replace(project, markers=_sorted_markers(markers))


def add_marker(
    project: Project, name: str, frame: int, *, notes: str = "", marker_id: str | None = None
) -> Project:
    """Add a named point such as a song section (Intro, Verse, Chorus), with notes."""
    if not name.strip():
        raise EditError("a marker needs a name")
    validate.check_frame(frame, f"marker {name!r}")
    marker = Marker(_unique_id(project, marker_id, "marker"), name.strip(), frame, notes)
    return replace(project, markers=_sorted_markers([*project.markers, marker]))


def move_marker(project: Project, marker_id: str, frame: int) -> Project:
    return _edit_marker(project, marker_id, lambda m: replace(m, frame=frame))


def rename_marker(project: Project, marker_id: str, name: str) -> Project:
    if not name.strip():
        raise EditError("a marker needs a name")
    return _edit_marker(project, marker_id, lambda m: replace(m, name=name.strip()))


def set_marker_notes(project: Project, marker_id: str, notes: str) -> Project:
    return _edit_marker(project, marker_id, lambda m: replace(m, notes=str(notes)))


def delete_marker(project: Project, marker_id: str) -> Project:
    return _edit_marker(project, marker_id, lambda m: None)
