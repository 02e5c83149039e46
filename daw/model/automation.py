"""Automation edits: envelopes of points on a track's (or the master's) volume, pan, send
levels and effect parameters, added, dragged and deleted like any other edit.

The owner of an envelope is a track id or `MASTER`. Values are in the target's own unit
(dB for volume and sends, -1..+1 for pan, the parameter's unit for effects). A target must
exist: a send to automate must be there, an effect must be in that owner's chain.
"""

from __future__ import annotations

from dataclasses import replace

from daw.model import validate
from daw.model.errors import EditError
from daw.model.ops import _replace_track, _track_index
from daw.model.project import (
    EFFECT_PREFIX,
    MASTER,
    PAN,
    SEND_PREFIX,
    VOLUME,
    AutomationPoint,
    Envelope,
    Project,
)


def envelopes_of(project: Project, owner: str) -> tuple[Envelope, ...]:
    if owner == MASTER:
        return project.master.automation
    return project.tracks[_track_index(project, owner)].automation


def envelope(project: Project, owner: str, target: str) -> Envelope | None:
    for found in envelopes_of(project, owner):
        if found.target == target:
            return found
    return None


def _check_target(project: Project, owner: str, target: str) -> None:
    if target in (VOLUME, PAN):
        return
    if target.startswith(SEND_PREFIX):
        if owner == MASTER:
            raise EditError("the master has no sends to automate")
        track = project.tracks[_track_index(project, owner)]
        if track.send(target[len(SEND_PREFIX):]) is None:
            raise EditError(f"{track.name!r} has no send to {target[len(SEND_PREFIX):]!r}")
        return
    if target.startswith(EFFECT_PREFIX) and target.count(":") == 2:
        effect_id = target.split(":")[1]
        chain = (project.master.effects if owner == MASTER
                 else project.tracks[_track_index(project, owner)].effects)
        if not any(e.id == effect_id for e in chain):
            raise EditError(f"no effect {effect_id!r} in that chain to automate")
        return
    raise EditError(f"{target!r} is not something that can be automated")


def _store(project: Project, owner: str, target: str, new: Envelope | None) -> Project:
    """Put `new` in place of the owner's envelope for `target` (None removes it)."""
    old = envelopes_of(project, owner)
    kept = [e for e in old if e.target != target]
    if new is not None:
        kept.append(new)
        validate.check_envelope(new, "master" if owner == MASTER else f"track {owner}")
    automation = tuple(sorted(kept, key=lambda e: e.target))
    if owner == MASTER:
        return replace(project, master=replace(project.master, automation=automation))
    track = project.tracks[_track_index(project, owner)]
    return _replace_track(project, replace(track, automation=automation))


def set_points(project: Project, owner: str, target: str,
               points: list[tuple[int, float]] | tuple[AutomationPoint, ...]) -> Project:
    """Replace an envelope's points (sorted by frame; a later point at the same frame wins)."""
    _check_target(project, owner, target)
    by_frame: dict[int, float] = {}
    for point in points:
        frame, value = (point.frame, point.value) if isinstance(point, AutomationPoint) else point
        by_frame[frame] = float(value)
    old = envelope(project, owner, target)
    new = Envelope(target, tuple(AutomationPoint(f, v) for f, v in sorted(by_frame.items())),
                   old.enabled if old else True)
    return _store(project, owner, target, new)


def add_point(project: Project, owner: str, target: str, frame: int, value: float) -> Project:
    """Add a point (or move the value of the point already at `frame`)."""
    old = envelope(project, owner, target)
    points = [(p.frame, p.value) for p in old.points] if old else []
    return set_points(project, owner, target, [*points, (frame, value)])


def move_point(project: Project, owner: str, target: str, index: int, frame: int,
               value: float) -> Project:
    """Drag a point: it may not pass its neighbours (it stops one frame short of them)."""
    old = envelope(project, owner, target)
    if old is None or not 0 <= index < len(old.points):
        raise EditError(f"no automation point {index} on {target}")
    lo = old.points[index - 1].frame + 1 if index > 0 else 0
    hi = old.points[index + 1].frame - 1 if index + 1 < len(old.points) else None
    frame = max(lo, frame if hi is None else min(frame, hi))
    points = [(p.frame, p.value) for p in old.points]
    points[index] = (frame, value)
    return set_points(project, owner, target, points)


def delete_point(project: Project, owner: str, target: str, index: int) -> Project:
    """Delete a point; deleting the last one removes the envelope."""
    old = envelope(project, owner, target)
    if old is None or not 0 <= index < len(old.points):
        raise EditError(f"no automation point {index} on {target}")
    points = old.points[:index] + old.points[index + 1:]
    if not points:
        return _store(project, owner, target, None)
    return set_points(project, owner, target, points)


def set_envelope_enabled(project: Project, owner: str, target: str, enabled: bool) -> Project:
    """Switch an envelope off (the plain setting applies) or on again, keeping its points."""
    old = envelope(project, owner, target)
    if old is None:
        raise EditError(f"no automation on {target}")
    return _store(project, owner, target, replace(old, enabled=bool(enabled)))


def clear_envelope(project: Project, owner: str, target: str) -> Project:
    if envelope(project, owner, target) is None:
        raise EditError(f"no automation on {target}")
    return _store(project, owner, target, None)


def drop_effect_automation(project: Project, owner: str, effect_id: str) -> Project:
    """Remove the envelopes of an effect (called when the effect leaves its chain)."""
    prefix = f"{EFFECT_PREFIX}{effect_id}:"
    result = project
    for found in envelopes_of(project, owner):
        if found.target.startswith(prefix):
            result = _store(result, owner, found.target, None)
    return result
