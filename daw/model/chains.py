"""Edits of effect chains: add, remove, reorder, set parameters, bypass, and swap a whole chain.

A chain belongs to an owner: a track (named by its id) or the master bus (`MASTER`). Effects
are found by their id alone, wherever they are, because an effect's id is unique in the
project; that is also what lets the engine keep an effect's state (a reverb's tail) across
edits. The model cannot know which kinds and parameters the sound code offers (it imports no
dsp), so kinds and parameter names are taken as given; the window offers only real ones, and
the engine refuses an unknown kind when it builds the chain.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import replace

from daw.model import validate
from daw.model.automation import drop_effect_automation
from daw.model.errors import EditError
from daw.model.project import MASTER, EffectSettings, Project, new_id

__all__ = [
    "MASTER",
    "add_effect",
    "chain",
    "effect_ids",
    "find_effect",
    "move_effect",
    "owners",
    "remove_effect",
    "replace_chain",
    "set_effect_bypassed",
    "set_effect_params",
]


# --- looking up -----------------------------------------------------------------------------


def chain(project: Project, owner: str) -> tuple[EffectSettings, ...]:
    """The effects of a track's chain, or of the master's, in signal order."""
    if owner == MASTER:
        return project.master.effects
    for track in project.tracks:
        if track.id == owner:
            return track.effects
    raise EditError(f"no track with id {owner!r} (and {owner!r} is not the master)")


def owners(project: Project) -> tuple[str, ...]:
    """Every chain owner: the tracks in order, then the master."""
    return (*(t.id for t in project.tracks), MASTER)


def find_effect(project: Project, effect_id: str) -> tuple[str, int, EffectSettings]:
    """(owner, position in its chain, settings) of an effect."""
    for owner in owners(project):
        for index, effect in enumerate(chain(project, owner)):
            if effect.id == effect_id:
                return owner, index, effect
    raise EditError(f"no effect with id {effect_id!r}")


def effect_ids(project: Project) -> set[str]:
    return {e.id for owner in owners(project) for e in chain(project, owner)}


# --- helpers --------------------------------------------------------------------------------


def _with_chain(project: Project, owner: str, effects: tuple[EffectSettings, ...],
                dropped: Iterable[str] = ()) -> Project:
    """The project with `owner`'s chain replaced; automation of `dropped` effects goes too,
    since nothing could play it."""
    if owner == MASTER:
        validate.check_effects(effects, "master")
        project = replace(project, master=replace(project.master, effects=effects))
    else:
        chain(project, owner)  # refuses an unknown owner
        tracks = []
        for track in project.tracks:
            if track.id == owner:
                validate.check_effects(effects, f"track {track.name!r}")
                track = replace(track, effects=effects)
            tracks.append(track)
        project = replace(project, tracks=tuple(tracks))
    for effect_id in dropped:
        project = drop_effect_automation(project, owner, effect_id)
    return project


def _clean_params(params: Mapping[str, float] | Iterable[tuple[str, float]],
                  what: str) -> tuple[tuple[str, float], ...]:
    """(name, value) pairs with float values, each name once; refuses non-numbers."""
    pairs = params.items() if isinstance(params, Mapping) else params
    cleaned: dict[str, float] = {}
    for name, value in pairs:
        if not isinstance(name, str) or not name:
            raise EditError(f"{what}: a parameter needs a name, got {name!r}")
        if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(
            value
        ):
            raise EditError(f"{what}: parameter {name}: expected a number, got {value!r}")
        cleaned[name] = float(value)
    return tuple(cleaned.items())


def _check_kind(kind: str) -> None:
    if not isinstance(kind, str) or not kind.strip():
        raise EditError(f"an effect needs a kind, got {kind!r}")


# --- edits ----------------------------------------------------------------------------------


def add_effect(
    project: Project,
    owner: str,
    kind: str,
    params: Mapping[str, float] | Iterable[tuple[str, float]] = (),
    *,
    index: int | None = None,
    effect_id: str | None = None,
    bypassed: bool = False,
) -> Project:
    """Put a new effect into `owner`'s chain, at the end or at position `index`."""
    _check_kind(kind)
    effects = list(chain(project, owner))
    new = effect_id or new_id("fx")
    if new in effect_ids(project):
        raise EditError(f"effect id {new!r} is already used")
    effect = EffectSettings(new, kind, _clean_params(params, f"{kind} {new}"), bool(bypassed))
    place = len(effects) if index is None else index
    if not 0 <= place <= len(effects):
        raise EditError(f"effect position {index} is out of range (0 to {len(effects)})")
    effects.insert(place, effect)
    return _with_chain(project, owner, tuple(effects))


def remove_effect(project: Project, effect_id: str) -> Project:
    """Take an effect out of its chain, with any automation of its parameters."""
    owner, index, _effect = find_effect(project, effect_id)
    effects = chain(project, owner)
    return _with_chain(project, owner, effects[:index] + effects[index + 1:], (effect_id,))


def move_effect(project: Project, effect_id: str, index: int) -> Project:
    """Reorder within the chain: the effect ends up at position `index`."""
    owner, old, _effect = find_effect(project, effect_id)
    effects = list(chain(project, owner))
    if not isinstance(index, int) or not 0 <= index < len(effects):
        raise EditError(f"effect position {index} is out of range (0 to {len(effects) - 1})")
    effects.insert(index, effects.pop(old))
    return _with_chain(project, owner, tuple(effects))


def _replace_effect(project: Project, effect: EffectSettings) -> Project:
    owner, index, _old = find_effect(project, effect.id)
    effects = list(chain(project, owner))
    effects[index] = effect
    return _with_chain(project, owner, tuple(effects))


def set_effect_params(project: Project, effect_id: str,
                      params: Mapping[str, float]) -> Project:
    """Change some parameters; the others keep their values. New names are added at the end."""
    _owner, _index, effect = find_effect(project, effect_id)
    merged = dict(effect.params)
    merged.update(_clean_params(params, f"{effect.kind} {effect_id}"))
    return _replace_effect(project, replace(effect, params=tuple(merged.items())))


def set_effect_bypassed(project: Project, effect_id: str, bypassed: bool) -> Project:
    """Bypass an effect (it passes its input through, keeping its place and settings)."""
    _owner, _index, effect = find_effect(project, effect_id)
    return _replace_effect(project, replace(effect, bypassed=bool(bypassed)))


def replace_chain(project: Project, owner: str, effects: Iterable[EffectSettings]) -> Project:
    """Swap `owner`'s whole chain for `effects` (a chain preset). Each effect gets a fresh id,
    whatever id it came with, so the same preset loaded twice never shares an id."""
    old = chain(project, owner)
    new = []
    for effect in effects:
        _check_kind(effect.kind)
        fresh = new_id("fx")
        new.append(EffectSettings(fresh, effect.kind,
                                  _clean_params(effect.params, f"{effect.kind} {fresh}"),
                                  bool(effect.bypassed)))
    return _with_chain(project, owner, tuple(new), (e.id for e in old))
