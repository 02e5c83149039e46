"""Clip and marker edits on a group of clips, as pure functions of the project: the window
applies each as one undo step through `Session.edit`, and the CLI and the tests call the same
functions without Qt."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from daw.model import ops
from daw.model.errors import EditError
from daw.model.project import Clip, Project


def move_clips(project: Project, moves: Mapping[str, tuple[int, str]]) -> Project:
    """Put each clip at (start frame, track id)."""
    for clip_id, (start, track_id) in moves.items():
        project = ops.move_clip(project, clip_id, start, track_id)
    return project


def shift_clips(project: Project, clip_ids: Iterable[str], delta: int) -> Project:
    """Move clips in time by `delta` frames together, stopping at the start of the song."""
    clips = [project.find_clip(c)[1] for c in clip_ids]
    if not clips:
        return project
    delta = max(delta, -min(c.start_frame for c in clips))
    for clip in clips:
        project = ops.move_clip(project, clip.id, clip.start_frame + delta)
    return project


def clips_at(project: Project, clip_ids: Iterable[str], frame: int) -> list[str]:
    """The clips among `clip_ids` that `frame` falls strictly inside (where a split can go)."""
    found = []
    for clip_id in clip_ids:
        _track, clip = project.find_clip(clip_id)
        if clip.start_frame < frame < clip.end_frame:
            found.append(clip_id)
    return found


def split_clips(project: Project, clip_ids: Sequence[str], frame: int,
                new_ids: Sequence[str]) -> Project:
    """Split each clip at `frame`; the right parts get `new_ids`, in order."""
    for clip_id, new_id in zip(clip_ids, new_ids, strict=True):
        project = ops.split_clip(project, clip_id, frame, new_clip_id=new_id)
    return project


def delete_clips(project: Project, clip_ids: Iterable[str]) -> Project:
    for clip_id in clip_ids:
        project = ops.delete_clip(project, clip_id)
    return project


def duplicate_clips(project: Project, clip_ids: Sequence[str],
                    new_ids: Sequence[str]) -> Project:
    """Copy the clips as a group right after themselves: every copy moves by the span from
    the first start to the last end, on its own track."""
    clips = [project.find_clip(c)[1] for c in clip_ids]
    if not clips:
        return project
    span = max(c.end_frame for c in clips) - min(c.start_frame for c in clips)
    for clip, new_id in zip(clips, new_ids, strict=True):
        project = ops.duplicate_clip(project, clip.id, start_frame=clip.start_frame + span,
                                     new_clip_id=new_id)
    return project


@dataclass(frozen=True)
class ClipCopy:
    """A copied clip, kept by the timeline for pasting: where it was relative to the first
    copied clip (frames, tracks) and the clip itself, so it sounds as it did (gain, fades,
    pitch, stretch, its take)."""

    start_offset: int
    track_offset: int
    clip: Clip


def copy_clips(project: Project, clip_ids: Iterable[str]) -> tuple[ClipCopy, ...]:
    index = {t.id: i for i, t in enumerate(project.tracks)}
    found = [project.find_clip(c) for c in clip_ids]
    if not found:
        return ()
    first = min(c.start_frame for _t, c in found)
    top = min(index[t.id] for t, _c in found)
    return tuple(
        ClipCopy(c.start_frame - first, index[t.id] - top, c)
        for t, c in sorted(found, key=lambda tc: (tc[1].start_frame, index[tc[0].id]))
    )


def paste_clips(project: Project, copies: Sequence[ClipCopy], track_id: str, frame: int,
                new_ids: Sequence[str]) -> Project:
    """Add the copies with the first at `frame` on `track_id`; copies from tracks below go
    on the tracks below it (the last track if there are not so many)."""
    try:
        base = [t.id for t in project.tracks].index(track_id)
    except ValueError:
        raise EditError(f"no track with id {track_id!r}") from None
    for copy, new_id in zip(copies, new_ids, strict=True):
        target = project.tracks[min(base + copy.track_offset, len(project.tracks) - 1)]
        if ops.id_in_use(project, new_id):
            raise EditError(f"id {new_id!r} is already used")
        pasted = replace(copy.clip, id=new_id, start_frame=frame + copy.start_offset)
        project = ops._with_clip(project, target, None, [pasted])
    return project


def set_gain(project: Project, clip_ids: Iterable[str], gain_db: float) -> Project:
    for clip_id in clip_ids:
        project = ops.set_clip_gain(project, clip_id, gain_db)
    return project


def set_muted(project: Project, clip_ids: Iterable[str], muted: bool) -> Project:
    """Mute (or unmute) every clip of a group together, as one edit."""
    for clip_id in clip_ids:
        project = ops.set_clip_muted(project, clip_id, muted)
    return project


def next_marker_name(project: Project) -> str:
    """"Marker N" with the first N from the marker count on that no marker is called yet."""
    names = {m.name for m in project.markers}
    number = len(project.markers) + 1
    while f"Marker {number}" in names:
        number += 1
    return f"Marker {number}"
