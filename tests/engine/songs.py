"""Small project folders with generated audio, and their audio kept for expectations."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import soundfile as sf

from daw.engine.render.plan import compile_plan
from daw.engine.render.renderer import DEFAULT_MAX_BLOCK, Renderer, split_blocks
from daw.engine.render.track_farm import TrackFarm
from daw.media import MediaPool
from daw.model import EffectSettings, MediaRef, Project, automation, ops, routing
from daw.model.project import MASTER

RATE = 48000


def tone(frames: int, freq: float, channels: int = 1, amp: float = 0.5, seed: int = 0):
    """A sine with a little seeded noise, so every sample value is different."""
    t = np.arange(frames) / RATE
    rng = np.random.default_rng(seed)
    cols = [amp * np.sin(2 * np.pi * freq * (1 + 0.1 * c) * t) + 0.01 * rng.standard_normal(
        frames) for c in range(channels)]
    return np.stack(cols, axis=1).astype(np.float32)


class Song:
    """A project folder under construction, and the audio of each media, for expectations."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        (folder / "audio").mkdir(parents=True)
        self.project = Project(name="Test", sample_rate=RATE)
        self.audio: dict[str, np.ndarray] = {}

    def media(self, media_id: str, data: np.ndarray) -> str:
        path = f"audio/{media_id}.wav"
        sf.write(self.folder / path, data, RATE, subtype="FLOAT")
        self.audio[media_id] = data.astype(np.float64)
        ref = MediaRef(media_id, path, data.shape[1], data.shape[0], f"{media_id}.wav")
        self.project = ops.add_media(self.project, ref)
        return media_id

    def track(self, track_id: str, **settings) -> str:
        self.project = ops.add_track(self.project, track_id, track_id=track_id)
        for key, value in settings.items():
            self.project = getattr(ops, f"set_track_{key}")(self.project, track_id, value)
        return track_id

    def clip(self, track_id: str, media_id: str, start: int, clip_id: str, **kw) -> str:
        self.project = ops.add_clip(self.project, track_id, media_id, start, clip_id=clip_id,
                                    **kw)
        return clip_id

    def bus(self, bus_id: str, **settings) -> str:
        """A bus; settings as for `track` (gain, pan, mute, solo)."""
        self.project = routing.add_bus(self.project, bus_id, bus_id=bus_id)
        for key, value in settings.items():
            self.project = getattr(ops, f"set_track_{key}")(self.project, bus_id, value)
        return bus_id

    def send(self, track_id: str, bus_id: str, level_db: float = 0.0,
             pre_fader: bool = False) -> None:
        self.project = routing.set_send(self.project, track_id, bus_id, level_db=level_db,
                                        pre_fader=pre_fader)

    def effects(self, owner: str, *effects: EffectSettings) -> None:
        """Replace the chain of a track, a bus or the master (`MASTER`)."""
        if owner == MASTER:
            master = replace(self.project.master, effects=effects)
            self.project = replace(self.project, master=master)
        else:
            track = replace(self.project.track(owner), effects=effects)
            self.project = self.project.with_tracks(
                tuple(track if t.id == owner else t for t in self.project.tracks))

    def automate(self, owner: str, target: str, points: list[tuple[int, float]]) -> None:
        self.project = automation.set_points(self.project, owner, target, points)

    def render(self, start: int = 0, frames: int | None = None, block: int | None = None,
               workers: int = 1) -> np.ndarray:
        """The mix rendered in blocks of `block` frames (all at once by default); with
        `workers` > 1, its tracks by that many render processes."""
        frames = self.project.end_frame - start if frames is None else frames
        out = np.zeros((frames, 2), dtype=np.float32)
        step = block or frames
        blocks = [piece for at in range(0, frames, step)
                  for piece in split_blocks(start + at, min(step, frames - at),
                                            DEFAULT_MAX_BLOCK)]
        farm = (TrackFarm(self.project, self.folder, blocks, workers, DEFAULT_MAX_BLOCK)
                if workers > 1 else None)
        with MediaPool(self.folder, self.project.media) as pool, Renderer(
                compile_plan(self.project), pool, tracks=farm) as renderer:
            for at, n in blocks:
                renderer.render(at, out[at - start:at - start + n])
        return out


def dc(frames: int, value: float = 0.5, channels: int = 1) -> np.ndarray:
    """A constant signal: the output is then the gains themselves, frame by frame."""
    return np.full((frames, channels), value, dtype=np.float32)


def db(gain_db: float) -> float:
    return 10 ** (gain_db / 20)


def mono_pan(pan: float) -> np.ndarray:
    """The −3 dB equal-power law, (left, right)."""
    theta = (pan + 1) * math.pi / 4
    return np.array([math.cos(theta), math.sin(theta)])


def balance(pan: float) -> np.ndarray:
    """The stereo balance law, (left, right)."""
    return np.minimum(1.0, math.sqrt(2) * mono_pan(pan))
