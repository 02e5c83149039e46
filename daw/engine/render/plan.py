"""Compiling the project into an immutable render plan: which clips play where, with which
gains and fade curves, on which strips (tracks and buses) with which fader, pan, sends and
automation, in which order.

Everything the renderer would otherwise work out again for every block is decided here once:
mute and solo, crossfades between overlapping clips, fade curves, the order of the buses,
automation as arrays. The plan holds no audio and no effect state, so a new plan can be
swapped in while a render runs (effect state lives in the renderer, by effect id).

Mute and solo work as in REAPER and Ardour. A muted strip is silent, its sends too. While
anything is soloed, a soloed strip plays, and so do the buses it feeds, directly or through
other buses (a soloed vocal is heard with its reverb); the strips that feed a soloed bus feed
it still, but only through their sends towards it (their own outputs stay silent), so soloing
a reverb bus plays the reverb of everything sent to it. Mute wins over solo. Silenced strips
stay in the plan, marked silent, so that the renderer can fade them out rather than cut them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from types import MappingProxyType

import numpy as np

from daw.dsp.effects import TEMPO_AWARE, TEMPO_PARAM
from daw.dsp.fades import fade_in_curve, fade_out_curve
from daw.dsp.gain import db_to_gain
from daw.engine.render.automation_plan import EffectCurves, compile_curve, effect_curves
from daw.engine.render.mixing import MasterMix, MixPlan, SendPlan
from daw.model.project import PAN, VOLUME, Clip, EffectSettings, Fade, Project, Track, send_target
from daw.model.routing import bus_order

_NO_CURVES: Mapping[str, EffectCurves] = MappingProxyType({})


@dataclass(frozen=True, eq=False)
class ClipPlan:
    """One clip as the renderer plays it: timeline span, source start, gain and fades."""

    clip_id: str
    media_id: str
    channels: int
    start_frame: int
    end_frame: int
    source_offset_frames: int
    gain: np.float32
    fade_in: np.ndarray
    """Gains for the first len(fade_in) frames of the clip (empty for none)."""
    fade_out: np.ndarray
    """Gains for the last len(fade_out) frames of the clip (empty for none)."""


@dataclass(frozen=True, eq=False)
class TrackPlan:
    """A strip: an audio track (its clips in start order) or a bus (no clips, stereo)."""

    track_id: str
    name: str
    channels: int
    clips: tuple[ClipPlan, ...]
    effects: tuple[EffectSettings, ...]
    """The chain, bypassed effects left out (so a bypassed chain is no chain at all)."""
    mix: MixPlan = field(default_factory=lambda: MixPlan(channels=1))
    effect_automation: Mapping[str, EffectCurves] = field(default_factory=lambda: _NO_CURVES)
    """{effect id: its automated parameters}."""
    is_bus: bool = False


@dataclass(frozen=True, eq=False)
class RenderPlan:
    """The whole project, ready to render; immutable and shared between threads."""

    sample_rate: int
    end_frame: int
    tracks: tuple[TrackPlan, ...]
    """The audio tracks, in track order (silenced ones included, see `MixPlan.silent`)."""
    master_effects: tuple[EffectSettings, ...]
    media_ids: frozenset[str]
    buses: tuple[TrackPlan, ...] = ()
    """The buses in processing order: each after every bus that sends to it."""
    master: MasterMix = field(default_factory=MasterMix)
    master_automation: Mapping[str, EffectCurves] = field(default_factory=lambda: _NO_CURVES)

    @property
    def strips(self) -> tuple[TrackPlan, ...]:
        """The tracks, then the buses."""
        return (*self.tracks, *self.buses)


@lru_cache(maxsize=512)
def _curve(direction: str, shape: str, length: int) -> np.ndarray:
    """Fade tables shared between clips and plans (a re-compile after an edit reuses them)."""
    make = fade_in_curve if direction == "in" else fade_out_curve
    curve = make(shape, length)
    curve.setflags(write=False)
    return curve


def routing_states(project: Project) -> dict[str, tuple[bool, frozenset[str]]]:
    """{strip id: (its own output heard, the buses its sends may feed)} under mute and solo."""
    tracks = project.tracks
    every_bus = frozenset(t.id for t in tracks if t.is_bus)
    none: frozenset[str] = frozenset()
    if not any(t.solo for t in tracks):
        return {t.id: (False, none) if t.mute else (True, every_bus) for t in tracks}
    muted = {t.id for t in tracks if t.mute}
    feeds = {t.id: [s.bus_id for s in t.sends if s.bus_id not in muted] for t in tracks}
    fed_by: dict[str, list[str]] = {t.id: [] for t in tracks}
    for source, targets in feeds.items():
        if source not in muted:
            for target in targets:
                fed_by[target].append(source)
    soloed = {t.id for t in tracks if t.solo and t.id not in muted}
    heard = _reach(soloed, feeds)
    towards_solo = _reach({b for b in soloed if b in every_bus}, fed_by)
    states = {}
    for track in tracks:
        if track.id in heard:
            states[track.id] = (True, every_bus)
        elif track.id in towards_solo:
            states[track.id] = (False, frozenset(b for b in feeds[track.id]
                                                 if b in towards_solo))
        else:
            states[track.id] = (False, none)
    return states


def _reach(start: set[str], edges: dict[str, list[str]]) -> set[str]:
    found = set(start)
    todo = list(start)
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in found:
                found.add(nxt)
                todo.append(nxt)
    return found


def effective_fades(clips: list[Clip]) -> dict[str, tuple[Fade, Fade]]:
    """Fades with crossfades applied: where a clip overlaps the start of the next one, the
    earlier clip fades out and the later fades in over (at least) the whole overlap.

    A clip lying wholly inside another is mixed with its own fades, no crossfade.
    """
    fades = {c.id: (c.fade_in, c.fade_out) for c in clips}
    ordered = sorted(clips, key=lambda c: (c.start_frame, c.id))
    for i, earlier in enumerate(ordered):
        for later in ordered[i + 1:]:
            if later.start_frame >= earlier.end_frame:
                break
            if earlier.end_frame > later.end_frame or later.start_frame == earlier.start_frame:
                continue
            overlap = earlier.end_frame - later.start_frame
            e_in, e_out = fades[earlier.id]
            l_in, l_out = fades[later.id]
            if e_out.length_frames < overlap:
                e_out = Fade(overlap, e_out.shape)
            if l_in.length_frames < overlap:
                l_in = Fade(overlap, l_in.shape)
            fades[earlier.id] = (e_in, e_out)
            fades[later.id] = (l_in, l_out)
    return fades


def _compile_clips(project: Project, track: Track) -> tuple[int, tuple[ClipPlan, ...]]:
    clips = [c for c in track.clips if not c.muted]
    channels_of = {c.id: project.media_ref(c.media_id).channels for c in clips}
    channels = 2 if any(ch == 2 for ch in channels_of.values()) else 1
    fades = effective_fades(clips)
    plans = []
    for clip in sorted(clips, key=lambda c: (c.start_frame, c.id)):
        fade_in, fade_out = fades[clip.id]
        plans.append(
            ClipPlan(
                clip_id=clip.id,
                media_id=clip.media_id,
                channels=channels_of[clip.id],
                start_frame=clip.start_frame,
                end_frame=clip.end_frame,
                source_offset_frames=clip.source_offset_frames,
                gain=np.float32(db_to_gain(clip.gain_db)),
                fade_in=_curve("in", fade_in.shape, min(fade_in.length_frames,
                                                        clip.length_frames)),
                fade_out=_curve("out", fade_out.shape, min(fade_out.length_frames,
                                                           clip.length_frames)),
            )
        )
    return channels, tuple(plans)


def _compile_track(project: Project, track: Track,
                   state: tuple[bool, frozenset[str]]) -> TrackPlan:
    if track.is_bus:
        channels, clips = 2, ()
    else:
        channels, clips = _compile_clips(project, track)
    return TrackPlan(
        track_id=track.id,
        name=track.name,
        channels=channels,
        clips=clips,
        is_bus=track.is_bus,
        **compile_strip_settings(project, track, state, channels),
    )


def compile_strip_settings(project: Project, track: Track, state: tuple[bool, frozenset[str]],
                           channels: int) -> dict:
    """A strip's live settings as `TrackPlan` fields (mix, effects, effect_automation): what a
    fader, pan, mute, solo, send level, effect parameter or automation edit changes, compiled
    apart so that such an edit need not compile the clips again (see `live_params`)."""
    main_on, send_to = state
    sends = tuple(
        SendPlan(send.bus_id, send.level_db, send.pre_fader, send.bus_id in send_to,
                 compile_curve(track.envelope(send_target(send.bus_id))))
        for send in track.sends
    )
    mix = MixPlan(channels=channels, gain_db=track.gain_db, pan=track.pan, main_on=main_on,
                  sends=sends, volume=compile_curve(track.envelope(VOLUME)),
                  pan_curve=compile_curve(track.envelope(PAN)))
    effects = tuple(_with_tempo(e, project.tempo_bpm) for e in track.effects if not e.bypassed)
    return {"mix": mix, "effects": effects,
            "effect_automation": effect_curves(effects, track.automation)}


def _with_tempo(effect: EffectSettings, tempo_bpm: float) -> EffectSettings:
    """Effects synced to the song (a delay in notes) get the project's tempo."""
    if effect.kind not in TEMPO_AWARE:
        return effect
    params = tuple(p for p in effect.params if p[0] != TEMPO_PARAM)
    return replace(effect, params=(*params, (TEMPO_PARAM, float(tempo_bpm))))


def compile_plan(project: Project) -> RenderPlan:
    """Turn the project into a render plan. Pure: the same project gives the same plan."""
    states = routing_states(project)
    tracks = tuple(_compile_track(project, t, states[t.id]) for t in project.tracks
                   if not t.is_bus)
    buses = tuple(_compile_track(project, project.track(b), states[b])
                  for b in bus_order(project))
    return RenderPlan(
        sample_rate=project.sample_rate,
        end_frame=project.end_frame,
        tracks=tracks,
        media_ids=frozenset(c.media_id for t in tracks for c in t.clips),
        buses=buses,
        **compile_master_settings(project),
    )


def compile_master_settings(project: Project) -> dict:
    """The master's live settings as `RenderPlan` fields (master_effects, master,
    master_automation), compiled apart like `compile_strip_settings`."""
    master = project.master
    master_effects = tuple(_with_tempo(e, project.tempo_bpm) for e in master.effects
                           if not e.bypassed)
    return {"master_effects": master_effects,
            "master": MasterMix(master.gain_db, compile_curve(master.envelope(VOLUME))),
            "master_automation": effect_curves(master_effects, master.automation)}
