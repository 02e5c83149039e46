"""Takes and comping: every recorded pass is kept as a take, and the comp (what plays) is made
of ordinary clips cut from takes, joined by short crossfades.

Deleting a take forgets it and its clips but never its file: the audio stays in `audio/`
until the person cleans the project up (`unused_media`, then the store deletes the files).
"""

from __future__ import annotations

from dataclasses import replace

from daw.model import validate
from daw.model.errors import EditError
from daw.model.ops import (
    _replace_track,
    _sorted_clips,
    _track_index,
    _unique_id,
    clear_range,
)
from daw.model.project import MAX_RATING, Clip, Fade, MediaRef, Project, Take, Track

DEFAULT_COMP_CROSSFADE_SECONDS = 0.010
"""About 10 ms: long enough that a join never clicks, short enough not to blur a word."""


def comp_crossfade_frames(project: Project, seconds: float = DEFAULT_COMP_CROSSFADE_SECONDS) -> int:
    return max(0, round(seconds * project.sample_rate))


def find_take(project: Project, take_id: str) -> tuple[Track, Take]:
    for track in project.tracks:
        for take in track.takes:
            if take.id == take_id:
                return track, take
    raise EditError(f"no take with id {take_id!r}")


def _with_take(project: Project, track: Track, take: Take) -> Project:
    takes = tuple(take if t.id == take.id else t for t in track.takes)
    return _replace_track(project, replace(track, takes=takes))


def add_take(project: Project, track_id: str, media_id: str, start_frame: int,
             length_frames: int, *, source_offset_frames: int = 0, name: str = "",
             take_id: str | None = None) -> Project:
    """Keep a recorded pass as a take of the track (it is not heard until comped)."""
    track = project.tracks[_track_index(project, track_id)]
    take = Take(id=_unique_id(project, take_id, "take"), media_id=media_id,
                start_frame=start_frame, length_frames=length_frames,
                source_offset_frames=source_offset_frames,
                name=name or f"Take {len(track.takes) + 1}")
    validate.check_take(project, take, f"track {track.name!r}")
    return _replace_track(project, replace(track, takes=(*track.takes, take)))


def rename_take(project: Project, take_id: str, name: str) -> Project:
    if not name.strip():
        raise EditError("a take needs a name")
    track, take = find_take(project, take_id)
    return _with_take(project, track, replace(take, name=name.strip()))


def rate_take(project: Project, take_id: str, rating: int) -> Project:
    if not isinstance(rating, int) or not 0 <= rating <= MAX_RATING:
        raise EditError(f"a rating is 0 to {MAX_RATING} stars, not {rating!r}")
    track, take = find_take(project, take_id)
    return _with_take(project, track, replace(take, rating=rating))


def set_take_muted(project: Project, take_id: str, muted: bool) -> Project:
    track, take = find_take(project, take_id)
    return _with_take(project, track, replace(take, muted=bool(muted)))


def delete_take(project: Project, take_id: str) -> Project:
    """Forget a take and the comp clips cut from it; its file stays until a clean-up."""
    track, _take = find_take(project, take_id)
    track = replace(track, takes=tuple(t for t in track.takes if t.id != take_id),
                    clips=tuple(c for c in track.clips if c.take_id != take_id))
    return _replace_track(project, track)


def comp_range(project: Project, take_id: str, start_frame: int, end_frame: int,
               crossfade_frames: int | None = None, *, clip_id: str | None = None) -> Project:
    """Put frames [start_frame, end_frame) of a take into its track's comp.

    The new clip reaches half a crossfade past each end into what was there, and what was
    there is kept to half a crossfade inside, so the two overlap by one crossfade at each
    join and fade across it with equal-power curves (the takes are different performances,
    so equal power keeps the level steady)."""
    track, take = find_take(project, take_id)
    xf = comp_crossfade_frames(project) if crossfade_frames is None else crossfade_frames
    if xf < 0:
        raise EditError("a crossfade cannot be negative")
    start = max(start_frame, take.start_frame)
    end = min(end_frame, take.end_frame)
    if end <= start:
        raise EditError("that range is outside the take")
    half = xf // 2
    a = max(take.start_frame, start - half)
    b = min(take.end_frame, end + (xf - half))
    project = clear_range(project, track.id, min(start + (xf - half), end), max(end - half, start))
    track = project.tracks[_track_index(project, track.id)]
    clip = Clip(id=_unique_id(project, clip_id, "clip"), media_id=take.media_id, start_frame=a,
                length_frames=b - a,
                source_offset_frames=take.source_offset_frames + (a - take.start_frame),
                name=take.name, take_id=take.id)
    clips = []
    for old in track.clips:
        if a <= old.start_frame and old.end_frame <= b:
            continue  # a sliver of the old comp under the new clip's crossfade
        if old.end_frame > a and old.start_frame < a:  # the neighbour on the left
            old = replace(old, fade_out=Fade(min(old.end_frame - a, old.length_frames
                                                 - old.fade_in.length_frames), "equal_power"))
            clip = replace(clip, fade_in=Fade(min(old.end_frame - a, clip.length_frames),
                                              "equal_power"))
        elif old.start_frame < b and old.end_frame > b:  # the neighbour on the right
            old = replace(old, fade_in=Fade(min(b - old.start_frame, old.length_frames
                                                - old.fade_out.length_frames), "equal_power"))
            clip = replace(clip, fade_out=Fade(min(b - old.start_frame,
                                                   clip.length_frames
                                                   - clip.fade_in.length_frames),
                                               "equal_power"))
        clips.append(old)
    validate.check_clip(project, clip)
    for old in clips:
        validate.check_clip(project, old)
    return _replace_track(project, replace(track, clips=_sorted_clips([*clips, clip])))


def use_take(project: Project, take_id: str, crossfade_frames: int | None = None) -> Project:
    """Hear the whole take: it becomes the comp over its region (clicking a take lane)."""
    _track, take = find_take(project, take_id)
    return comp_range(project, take_id, take.start_frame, take.end_frame, crossfade_frames)


def unused_media(project: Project) -> tuple[MediaRef, ...]:
    """Media no clip and no take uses: what a clean-up may delete."""
    used = {c.media_id for t in project.tracks for c in t.clips}
    used |= {k.media_id for t in project.tracks for k in t.takes}
    return tuple(m for m in project.media if m.id not in used)


def remove_unused_media(project: Project) -> Project:
    """Forget the media nothing uses (the store deletes their files when saving the clean-up)."""
    unused = {m.id for m in unused_media(project)}
    return replace(project, media=tuple(m for m in project.media if m.id not in unused))
