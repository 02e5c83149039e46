"""Parameter-only edits: a fader, pan, mute, solo, send level, effect parameter or automation
edit patches the render plan by stable id instead of compiling it again.

Such an edit changes no clip, no chain (the same effects, by id and kind, in the same order)
and no routing (the same sends to the same buses), so the new plan keeps every clip plan,
fade table and bus order of the old one and only the changed strips' live settings are
compiled again (`compile_strip_settings`). The patched plan renders exactly what
`compile_plan` of the new project renders (tests check it, bit for bit); it is cheap enough
to make on the UI thread for every mouse move of a fader drag.
"""

from __future__ import annotations

from dataclasses import fields, replace

from daw.engine.render.plan import (
    RenderPlan,
    TrackPlan,
    compile_master_settings,
    compile_strip_settings,
    routing_states,
)
from daw.model.project import EffectSettings, MasterSettings, Project, Track

_TRACK_LIVE = frozenset({"gain_db", "pan", "mute", "solo", "sends", "effects", "automation"})
"""Track fields a parameter-only edit may change (sends and effects only in their values)."""
_TRACK_FIXED = tuple(f.name for f in fields(Track) if f.name not in _TRACK_LIVE)
_PROJECT_FIXED = tuple(f.name for f in fields(Project) if f.name not in ("tracks", "master"))
_MASTER_FIXED = tuple(f.name for f in fields(MasterSettings)
                      if f.name not in ("gain_db", "effects", "automation"))

__all__ = ["parameter_patch"]


def _same(a: object, b: object, names: tuple[str, ...]) -> bool:
    return all(getattr(a, n) is getattr(b, n) or getattr(a, n) == getattr(b, n) for n in names)


def _same_chain(a: tuple[EffectSettings, ...], b: tuple[EffectSettings, ...]) -> bool:
    """The same effects (id, kind, bypass) in the same order: only parameters may differ."""
    return a is b or (len(a) == len(b) and all(
        x is y or (x.id, x.kind, x.bypassed) == (y.id, y.kind, y.bypassed)
        for x, y in zip(a, b, strict=True)))


def _live_only(a: Track, b: Track) -> bool:
    """Whether `b` differs from `a` in live settings only."""
    return (_same(a, b, _TRACK_FIXED) and _same_chain(a.effects, b.effects)
            and len(a.sends) == len(b.sends)
            and all((x.bus_id, x.pre_fader) == (y.bus_id, y.pre_fader)
                    for x, y in zip(a.sends, b.sends, strict=True)))


def parameter_patch(plan: RenderPlan, old: Project, new: Project) -> RenderPlan | None:
    """`new`'s plan made from `plan` (`old`'s plan) when `new` differs from `old` in live
    parameters only; None when the edit is structural and the plan must be compiled."""
    if new is old:
        return plan
    if not _same(old, new, _PROJECT_FIXED) or len(old.tracks) != len(new.tracks):
        return None
    changed: list[Track] = []
    for a, b in zip(old.tracks, new.tracks, strict=True):
        if a is b:
            continue
        if a.id != b.id or not _live_only(a, b):
            return None
        changed.append(b)
    master_old, master_new = old.master, new.master
    if master_old is not master_new and not (
            _same(master_old, master_new, _MASTER_FIXED)
            and _same_chain(master_old.effects, master_new.effects)):
        return None
    routing = any((a.mute, a.solo) != (b.mute, b.solo)
                  for a, b in zip(old.tracks, new.tracks, strict=True))
    redo = new.tracks if routing else changed
    states = routing_states(new)
    strips: dict[str, TrackPlan] = {s.track_id: s for s in plan.strips}
    for track in redo:
        strip = strips[track.id]
        strips[track.id] = replace(strip, **compile_strip_settings(
            new, track, states[track.id], strip.channels))
    patched = replace(plan, tracks=tuple(strips[s.track_id] for s in plan.tracks),
                      buses=tuple(strips[s.track_id] for s in plan.buses))
    if master_old is not master_new:
        patched = replace(patched, **compile_master_settings(new))
    return patched
