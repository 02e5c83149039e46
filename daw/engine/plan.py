"""Compiling the project into an immutable render plan: which clips play where, with which
gains and fade curves, on tracks with which pan gains.

Everything the renderer would otherwise work out again for every block is decided here once:
mute and solo, crossfades between overlapping clips, fade curves, the combined gain and pan
factors. The plan holds no audio and no effect state, so a new plan can be swapped in while a
render runs (effect state lives in the renderer, by effect id).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from daw.dsp.effects import TEMPO_AWARE, TEMPO_PARAM
from daw.dsp.fades import fade_in_curve, fade_out_curve
from daw.dsp.gain import db_to_gain
from daw.dsp.pan import mono_pan_gains, stereo_balance_gains
from daw.model.project import Clip, EffectSettings, Fade, Project, Track


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
    """An audible track: its clips in start order and its output gains per channel."""

    track_id: str
    name: str
    channels: int
    clips: tuple[ClipPlan, ...]
    output_gains: np.ndarray
    """(left, right) float32: track fader times the pan law."""
    effects: tuple[EffectSettings, ...]


@dataclass(frozen=True, eq=False)
class RenderPlan:
    """The whole project, ready to render; immutable and shared between threads."""

    sample_rate: int
    end_frame: int
    tracks: tuple[TrackPlan, ...]
    master_gain: np.float32
    master_effects: tuple[EffectSettings, ...]
    media_ids: frozenset[str]


@lru_cache(maxsize=512)
def _curve(direction: str, shape: str, length: int) -> np.ndarray:
    """Fade tables shared between clips and plans (a re-compile after an edit reuses them)."""
    make = fade_in_curve if direction == "in" else fade_out_curve
    curve = make(shape, length)
    curve.setflags(write=False)
    return curve


def audible_tracks(project: Project) -> list[Track]:
    """Solo overrides as in every DAW: if any track is soloed, only soloed tracks play.

    Mute always wins: a track that is muted and soloed is silent.
    """
    soloing = any(t.solo for t in project.tracks)
    return [t for t in project.tracks if not t.mute and (t.solo or not soloing)]


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


def _compile_track(project: Project, track: Track) -> TrackPlan:
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
    pan = mono_pan_gains(track.pan) if channels == 1 else stereo_balance_gains(track.pan)
    fader = db_to_gain(track.gain_db)
    return TrackPlan(
        track_id=track.id,
        name=track.name,
        channels=channels,
        clips=tuple(plans),
        output_gains=np.array([fader * pan[0], fader * pan[1]], dtype=np.float32),
        effects=tuple(_with_tempo(e, project.tempo_bpm) for e in track.effects
                      if not e.bypassed),
    )


def _with_tempo(effect: EffectSettings, tempo_bpm: float) -> EffectSettings:
    """Effects synced to the song (a delay in notes) get the project's tempo."""
    if effect.kind not in TEMPO_AWARE:
        return effect
    params = tuple(p for p in effect.params if p[0] != TEMPO_PARAM)
    return replace(effect, params=(*params, (TEMPO_PARAM, float(tempo_bpm))))


def compile_plan(project: Project) -> RenderPlan:
    """Turn the project into a render plan. Pure: the same project gives the same plan."""
    tracks = tuple(_compile_track(project, t) for t in audible_tracks(project))
    return RenderPlan(
        sample_rate=project.sample_rate,
        end_frame=project.end_frame,
        tracks=tracks,
        master_gain=np.float32(db_to_gain(project.master.gain_db)),
        master_effects=tuple(_with_tempo(e, project.tempo_bpm) for e in project.master.effects
                             if not e.bypassed),
        media_ids=frozenset(c.media_id for t in tracks for c in t.clips),
    )
