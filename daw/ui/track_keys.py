"""Mute, solo and record-arm of the selected track from the keyboard (M, S, Shift+R), each one
undo step named as the track header's buttons name it."""

from __future__ import annotations

from collections.abc import Callable

from daw.model import Project, ops
from daw.ui.session import Session

_TOGGLES: dict[str, tuple[str, str, Callable[[Project, str, bool], Project]]] = {
    # attribute: (undo label on, undo label off, edit)
    "mute": ("Mute Track", "Unmute Track", ops.set_track_mute),
    "solo": ("Solo Track", "Unsolo Track", ops.set_track_solo),
    "record_armed": ("Arm Track", "Disarm Track", ops.set_track_record_armed),
}


def can_toggle(session: Session, attribute: str) -> bool:
    """Whether the selected track has this switch (a bus records nothing, so has no arm)."""
    track_id = session.selected_track
    if track_id is None:
        return False
    track = next((t for t in session.project.tracks if t.id == track_id), None)
    return track is not None and not (attribute == "record_armed" and track.is_bus)


def toggle_selected(session: Session, attribute: str) -> bool:
    """Flip mute, solo or record-arm of the selected track; False when there is none."""
    if not can_toggle(session, attribute):
        return False
    track_id = session.selected_track
    assert track_id is not None
    on = not getattr(session.project.track(track_id), attribute)
    label_on, label_off, edit = _TOGGLES[attribute]
    return session.edit(label_on if on else label_off, lambda p: edit(p, track_id, on))
