"""Small project folders with generated audio, and their audio kept for expectations."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from daw.model import MediaRef, Project, ops

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
