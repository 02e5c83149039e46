"""The soak benchmark's song: the render benchmark's 16 tracks x 3 minutes when a work folder
already holds them, otherwise 8 generated tracks long enough for the run; an EQ on every
other track, so the render-ahead does real work; and an empty track armed to record the
microphone (input 1).

Each run gets a fresh ``Soak.minidaw`` (the sources hard-linked into it), so the takes and
autosaves of one run never pile up in the next.
"""

from __future__ import annotations

import math
import shutil
from dataclasses import dataclass
from pathlib import Path

from mix import track_eq
from render import (
    RATE,
    SEED,
    build_project,
    ensure_sources,
    link_audio,
    sources_ready,
    track_specs,
    warm_cache,
)

from daw.model import Project, chains, ops
from daw.model.store import save_project

BENCH_TRACKS, BENCH_MINUTES = 16, 3.0
"""The render benchmark's song (render.py, realtime.py): reused when it is there."""
OWN_TRACKS, OWN_MIN_SECONDS = 8, 90.0
"""The song generated otherwise: 8 tracks, at least 90 s and longer than the run."""
MIC_TRACK = "track-mic"


@dataclass(frozen=True)
class Song:
    folder: Path
    source: str
    """Which sources it plays: the render benchmark's, or its own."""
    generation_s: float


def choose_sources(workdir: Path, seconds: float) -> tuple[Path, int, int]:
    """(audio folder, tracks, frames): render.py's when they are in `workdir`, else ours."""
    frames = round(BENCH_MINUTES * 60.0 * RATE)
    audio = workdir / "Bench.minidaw" / "audio"
    if sources_ready(audio, track_specs(BENCH_TRACKS, SEED), frames, SEED):
        return audio, BENCH_TRACKS, frames
    own_seconds = max(OWN_MIN_SECONDS, 30.0 * math.ceil((seconds + 15.0) / 30.0))
    return workdir / "SoakSources" / "audio", OWN_TRACKS, round(own_seconds * RATE)


def soak_project(base: Project) -> Project:
    """An EQ on every other track, and the armed microphone track at the end."""
    project = base
    for index, track in enumerate(base.tracks):
        if index % 2 == 0:
            project = chains.add_effect(project, track.id, "eq", track_eq(index),
                                        effect_id=f"fx-eq-{index + 1:02d}")
    project = ops.add_track(project, "Mic", track_id=MIC_TRACK)
    project = ops.set_track_inputs(project, MIC_TRACK, (0,))
    return ops.set_track_record_armed(project, MIC_TRACK, True)


def prepare_song(workdir: Path, seconds: float) -> Song:
    """A fresh ``workdir/Soak.minidaw``; sources generated once, page cache warmed."""
    audio, tracks, frames = choose_sources(workdir, seconds)
    specs = track_specs(tracks, SEED)
    generation_s = ensure_sources(audio, specs, frames, SEED)
    folder = workdir / "Soak.minidaw"
    shutil.rmtree(folder, ignore_errors=True)
    link_audio(audio, folder / "audio", [s.filename for s in specs])
    name = f"Soak {tracks} x {frames / RATE:g} s"
    save_project(folder, soak_project(build_project(name, specs, frames, frames, SEED)))
    warm_cache([folder / "audio" / s.filename for s in specs])
    source = "render.py's" if tracks == BENCH_TRACKS else "generated"
    return Song(folder, source, generation_s)
