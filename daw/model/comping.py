"""Finished recordings into the song: every take is kept on its track, and what each take asks
to be heard is comped in, so recording over old audio replaces it in the comp but never
destroys it (the old takes and files stay, and undo brings the old comp back).

The caller makes the whole change one undo step ("Record"). The takes come in as plain data
(`RecordedTake`), so recording, crash recovery, the CLI and the tests share this edit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from daw.model import ops
from daw.model.project import MediaRef, Project
from daw.model.takes import add_take, comp_crossfade_frames, comp_range, find_take, use_take


@dataclass(frozen=True)
class RecordedTake:
    """A finished take, ready to be kept on its track: `media` plays from
    `source_offset_frames` at `start_frame` for `length_frames`. Several takes may share one
    media (the passes of a loop recording)."""

    track_id: str
    media: MediaRef
    start_frame: int
    source_offset_frames: int
    length_frames: int
    comp: tuple[int, int] | None = None
    """The timeline range [start, end) of the take to hear (comped in); None keeps the take
    to choose from later without hearing it (an earlier pass of a loop)."""

    @property
    def end_frame(self) -> int:
        return self.start_frame + self.length_frames


def add_recorded_takes(project: Project, takes: Sequence[RecordedTake],
                       crossfade_frames: int | None = None) -> Project:
    """Keep each take on its track (named "Take N" there) and comp in its `comp` range.

    A take heard whole becomes the comp over its region (`use_take`); a take heard over part
    of itself (a punch) is comped with both crossfades inside that part (`comp_inside`), so
    not one frame outside it changes. Takes sharing one file (loop passes) add it once."""
    known = {ref.id for ref in project.media}
    for take in takes:
        if take.media.id not in known:
            project = ops.add_media(project, take.media)
            known.add(take.media.id)
        project = add_take(project, take.track_id, take.media.id, take.start_frame,
                           take.length_frames, source_offset_frames=take.source_offset_frames)
        take_id = project.track(take.track_id).takes[-1].id
        if take.comp is None:
            continue
        start, end = take.comp
        if (start, end) == (take.start_frame, take.end_frame):
            project = use_take(project, take_id, crossfade_frames)
        else:
            project = comp_inside(project, take_id, start, end, crossfade_frames)
    return project


def comp_inside(project: Project, take_id: str, start_frame: int, end_frame: int,
                crossfade_frames: int | None = None) -> Project:
    """Put frames [start_frame, end_frame) of a take into the comp with the crossfades lying
    inside the range: the old comp fades out over its first crossfade and back in over its
    last, and everything before `start_frame` or from `end_frame` on plays as before, to the
    last sample (what a punch-in promises). A range shorter than two crossfades gets shorter
    crossfades."""
    _track, take = find_take(project, take_id)
    start = max(start_frame, take.start_frame)
    end = min(end_frame, take.end_frame)
    xf = comp_crossfade_frames(project) if crossfade_frames is None else crossfade_frames
    xf = max(0, min(xf, (end - start) // 2))
    half = xf // 2
    # comp_range centres each crossfade on its end of the range: move the ends inwards by
    # half a crossfade so the crossfades span [start, start + xf) and [end - xf, end).
    return comp_range(project, take_id, start + half, end - (xf - half), xf)
