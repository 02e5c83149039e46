"""Edit-menu commands on the selected clips, shared by the menus and the timeline's keys."""

from __future__ import annotations

from daw.model import Project, ops
from daw.ui.session import Session


def delete_selected(session: Session, label: str = "Delete") -> None:
    chosen = session.selected_clips
    if not chosen:
        return

    def delete(project: Project) -> Project:
        for clip_id in chosen:
            project = ops.delete_clip(project, clip_id)
        return project

    session.edit(label if len(chosen) == 1 else f"{label} {len(chosen)} Clips", delete)


def duplicate_selected(session: Session) -> None:
    """Copy the selected clips to just after the last of them, keeping their spacing."""
    chosen = session.selected_clips
    if not chosen:
        return
    clips = [session.project.find_clip(c)[1] for c in chosen]
    first = min(c.start_frame for c in clips)
    shift = max(c.end_frame for c in clips) - first
    made: list[str] = []

    def duplicate(project: Project) -> Project:
        for clip in clips:
            new_id = f"{clip.id}-dup-{len(made) + 1}"
            while any(new_id == c.id for t in project.tracks for c in t.clips):
                new_id += "x"
            project = ops.duplicate_clip(project, clip.id, start_frame=clip.start_frame + shift,
                                         new_clip_id=new_id)
            made.append(new_id)
        return project

    if session.edit("Duplicate", duplicate):
        session.select_clips(made)


def split_at_playhead(session: Session) -> None:
    """Split the selected clips at the playhead, or every clip under it on the selected track
    when none is selected."""
    frame = session.engine_state.position_frame
    project = session.project
    if session.selected_clips:
        targets = [project.find_clip(c)[1] for c in session.selected_clips]
    elif session.selected_track is not None:
        targets = list(project.track(session.selected_track).clips)
    else:
        targets = []
    targets = [c for c in targets if c.start_frame < frame < c.end_frame]
    if not targets:
        return

    def split(project: Project) -> Project:
        for clip in targets:
            project = ops.split_clip(project, clip.id, frame)
        return project

    session.edit("Split", split)


def select_all(session: Session) -> None:
    session.select_clips(c.id for t in session.project.tracks for c in t.clips)
