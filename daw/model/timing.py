"""Fixing timing and pitch: a clip cut at its transients, the pieces moved onto the grid,
single hits nudged by milliseconds, a clip's pitch and its stretch. Pure edits, as in `ops`.

The pieces of a split overlap by a short crossfade just before each cut: the piece after a
cut starts a few milliseconds early and fades in over them with an equal-power curve, the
piece before fades out over the same frames, so the attack at the cut plays at full level
and the join never clicks. So a piece's onset, its anchor when it is quantized, is where its
fade-in ends. When pieces move, the joins between them are kept: the earlier piece is
lengthened or shortened so that it still overlaps the next by as much as before, which
leaves no gap and always a crossfade.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from itertools import pairwise

from daw.model import validate
from daw.model.errors import EditError
from daw.model.ops import (
    _fit_fades,
    _locate_clip,
    _unique_id,
    _with_clip,
    source_frames_for,
)
from daw.model.project import Clip, Fade, Project

JOIN_SECONDS = 0.005
"""The crossfade before each cut of a split: 5 ms, short enough to stay before the attack."""
JOIN_SHAPE = "equal_power"
"""The pieces play different moments once moved, so equal power keeps the level steady."""


def join_frames(project: Project, seconds: float = JOIN_SECONDS) -> int:
    return max(0, round(seconds * project.sample_rate))


def clip_anchor(clip: Clip) -> int:
    """Frames from the clip's start to its onset: the end of its fade-in (see above)."""
    return clip.fade_in.length_frames


# --- splitting -------------------------------------------------------------------------------


def split_at_frames(
    project: Project,
    clip_id: str,
    frames: Iterable[int],
    *,
    crossfade_frames: int | None = None,
    new_clip_ids: Sequence[str] | None = None,
) -> Project:
    """Cut a clip at each timeline frame in `frames` that lies inside it.

    The first piece keeps the clip's id and its fade-in, the last its fade-out; the others
    get `new_clip_ids` in order (one for each cut used) or fresh ids. Each piece after a
    cut starts `crossfade_frames` (default `join_frames`) before it, less where the pieces
    are shorter than that, and crossfades with the piece before."""
    track, clip = _locate_clip(project, clip_id)
    cuts = sorted({int(f) for f in frames if clip.start_frame < f < clip.end_frame})
    if not cuts:
        raise EditError(f"no frame to split at inside clip {clip_id}")
    if new_clip_ids is not None and len(new_clip_ids) != len(cuts):
        raise EditError(f"{len(cuts)} cuts need {len(cuts)} new clip ids, "
                        f"not {len(new_clip_ids)}")
    xf = join_frames(project) if crossfade_frames is None else crossfade_frames
    if xf < 0:
        raise EditError("a crossfade cannot be negative")
    ids = [clip.id]
    for index in range(len(cuts)):
        new_id = _unique_id(project, None if new_clip_ids is None else new_clip_ids[index], "clip")
        if new_id in ids:
            raise EditError(f"id {new_id!r} is given twice")
        ids.append(new_id)
    # The crossfade before cut k: never longer than the piece before it can hold.
    previous = [clip.start_frame + clip.fade_in.length_frames, *cuts[:-1]]
    pre = [max(0, min(xf, cut - before)) for cut, before in zip(cuts, previous, strict=True)]
    starts = [clip.start_frame] + [cut - p for cut, p in zip(cuts, pre, strict=True)]
    ends = [*cuts, clip.end_frame]
    pieces = []
    for k, (start, end) in enumerate(zip(starts, ends, strict=True)):
        fade_in = clip.fade_in if k == 0 else Fade(pre[k - 1], JOIN_SHAPE)
        fade_out = clip.fade_out if k == len(cuts) else Fade(pre[k], JOIN_SHAPE)
        pieces.append(_fit_fades(replace(
            clip,
            id=ids[k],
            start_frame=start,
            length_frames=end - start,
            source_offset_frames=clip.source_offset_frames
            + source_frames_for(clip, start - clip.start_frame),
            fade_in=fade_in,
            fade_out=fade_out,
        )))
    return _with_clip(project, track, clip, pieces)


# --- moving ----------------------------------------------------------------------------------


def quantize_clips(
    project: Project,
    clip_ids: Iterable[str],
    grid_frames: float,
    strength_percent: float,
    anchors: Mapping[str, int] | None = None,
) -> Project:
    """Move each clip so that its onset (start plus its anchor: `anchors[clip id]`, else
    `clip_anchor`) goes `strength_percent` of the way to the nearest grid line (lines at
    multiples of `grid_frames` from the song's start); joins are kept (see above)."""
    if not grid_frames > 0:
        raise EditError(f"the grid must be longer than zero frames, not {grid_frames}")
    if not 0.0 <= strength_percent <= 100.0:
        raise EditError(f"quantize strength is 0 to 100 %, not {strength_percent}")
    starts = {}
    for clip_id in dict.fromkeys(clip_ids):
        _track, clip = _locate_clip(project, clip_id)
        anchor = clip_anchor(clip) if anchors is None else anchors.get(clip_id,
                                                                        clip_anchor(clip))
        onset = clip.start_frame + anchor
        line = round(round(onset / grid_frames) * grid_frames)
        starts[clip_id] = onset + round((line - onset) * strength_percent / 100.0) - anchor
    return _move_keeping_joins(project, starts)


def nudge_clips(project: Project, clip_ids: Iterable[str], milliseconds: float) -> Project:
    """Move clips together by `milliseconds` (rounded to the frame), not past the song's
    start; joins are kept (see above), so a single hit can be nudged inside a part."""
    clips = [_locate_clip(project, c)[1] for c in dict.fromkeys(clip_ids)]
    if not clips:
        return project
    delta = round(milliseconds * project.sample_rate / 1000.0)
    delta = max(delta, -min(c.start_frame for c in clips))
    return _move_keeping_joins(project, {c.id: c.start_frame + delta for c in clips})


def _move_keeping_joins(project: Project, starts: Mapping[str, int]) -> Project:
    """Put each clip at its new start, then fit the clips joined to the moved ones.

    Two clips on a track are joined when the later starts inside the earlier or right at
    its end (and the earlier does not reach past the later's end); after the move the
    earlier one again ends as far past the later one's start as it did before."""
    old = project
    for clip_id, start in starts.items():
        project = _place(project, clip_id, start)
    for track in old.tracks:
        ordered = sorted(track.clips, key=lambda c: (c.start_frame, c.id))
        for x, y in pairwise(ordered):
            joined = x.start_frame < y.start_frame <= x.end_frame <= y.end_frame
            if joined and (x.id in starts or y.id in starts):
                partner = _locate_clip(project, y.id)[1]
                project = _end_at(project, x.id, partner.start_frame,
                                  x.end_frame - y.start_frame)
    return project


def _place(project: Project, clip_id: str, start: int) -> Project:
    """Move a clip to `start`; before the song's start, cut off what would lie there."""
    track, clip = _locate_clip(project, clip_id)
    if start >= 0:
        moved = replace(clip, start_frame=start)
    else:
        cut = min(-start, clip.length_frames - 1)
        moved = _fit_fades(replace(
            clip,
            start_frame=max(0, start + cut),
            length_frames=clip.length_frames - cut,
            source_offset_frames=clip.source_offset_frames + source_frames_for(clip, cut),
            fade_in=Fade(max(0, clip.fade_in.length_frames - cut), clip.fade_in.shape),
        ))
    return _with_clip(project, track, clip, [moved])


def _end_at(project: Project, clip_id: str, partner_start: int, overlap: int) -> Project:
    """End the clip `overlap` frames past `partner_start` (as near as its media and its
    fade-in allow), fading out across the overlap; with no overlap its fade-out stays."""
    track, clip = _locate_clip(project, clip_id)
    longest = _longest(clip, project.media_ref(clip.media_id).length_frames)
    shortest = min(clip.fade_in.length_frames + 1, longest)
    length = min(max(partner_start + overlap - clip.start_frame, shortest), longest)
    fade_out = clip.fade_out
    if overlap > 0:
        fade_out = Fade(max(0, clip.start_frame + length - partner_start), fade_out.shape)
    changed = replace(clip, length_frames=length, fade_out=fade_out)
    return _with_clip(project, track, clip, [_fit_fades(changed)])


def _longest(clip: Clip, media_frames: int) -> int:
    """The longest the clip can be from its start before it runs out of media."""
    room = media_frames - clip.source_offset_frames
    length = max(1, math.ceil((room + 0.5) * clip.stretch))
    while length > 1 and round(length / clip.stretch) > room:
        length -= 1
    return length


# --- pitch and stretch -----------------------------------------------------------------------


def set_clip_pitch(project: Project, clip_id: str, semitones: float,
                   cents: float = 0.0) -> Project:
    """Shift the clip's pitch, keeping its length (±24 semitones, ±100 cents)."""
    track, clip = _locate_clip(project, clip_id)
    changed = replace(clip, pitch_semitones=float(semitones), pitch_cents=float(cents))
    return _with_clip(project, track, clip, [changed])


def set_clip_stretch(project: Project, clip_id: str, stretch: float) -> Project:
    """Stretch the clip in time, keeping its pitch, its start and the audio it plays: its
    length (and its fades) scale by the new stretch over the old (0.25 to 4 times)."""
    track, clip = _locate_clip(project, clip_id)
    low, high = validate.STRETCH_RANGE
    if (not isinstance(stretch, int | float) or isinstance(stretch, bool)
            or not low <= stretch <= high):
        raise EditError(f"clip {clip_id}: stretch must be from {low:g} to {high:g}, "
                        f"got {stretch!r}")
    stretch = float(stretch)
    ratio = stretch / clip.stretch
    length = max(1, round(clip.length_frames * ratio))
    stretched = replace(clip, stretch=stretch)
    length = min(length, _longest(stretched, project.media_ref(clip.media_id).length_frames))
    changed = _fit_fades(replace(
        clip,
        stretch=stretch,
        length_frames=length,
        fade_in=replace(clip.fade_in, length_frames=round(clip.fade_in.length_frames * ratio)),
        fade_out=replace(clip.fade_out,
                         length_frames=round(clip.fade_out.length_frames * ratio)),
    ))
    return _with_clip(project, track, clip, [changed])

