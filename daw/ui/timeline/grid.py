"""Which bars, beats and seconds to mark at a zoom: enough lines to read, never so many that
they blur, and only those in view. Shared by the ruler and the lanes."""

from __future__ import annotations

import math

from daw.model import Project
from daw.ui.view_state import ViewState

SUB_BEATS = (1 / 16, 1 / 8, 1 / 4, 1 / 2)
BAR_MULTIPLES = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096)
SECOND_STEPS = (
    0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5,
    1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600,
)


def beat_step(project: Project, frames_per_pixel: float, min_pixels: float) -> float:
    """The smallest step in beats (sub-beats, beats, whole bars) at least `min_pixels` apart."""
    beat_px = project.frames_per_beat() / frames_per_pixel
    per_bar = project.time_signature[0]
    steps = [*SUB_BEATS, 1.0]
    if per_bar % 2 == 0 and per_bar > 2:
        steps.append(2.0)
    steps += [float(per_bar * m) for m in BAR_MULTIPLES]
    for step in steps:
        if step * beat_px >= min_pixels:
            return step
    return steps[-1]


def beat_positions(project: Project, view: ViewState, step_beats: float,
                   x0: float, x1: float) -> list[tuple[float, float]]:
    """(x, beat number from 0) of every multiple of `step_beats` between pixels x0 and x1."""
    per_beat = project.frames_per_beat()
    step_frames = per_beat * step_beats
    first = max(0, math.floor(view.x_to_frame(x0) / step_frames))
    last = math.ceil(view.x_to_frame(x1) / step_frames)
    return [(view.frame_to_x(n * step_frames), n * step_beats) for n in range(first, last + 1)]


def second_step(rate: int, frames_per_pixel: float, min_pixels: float) -> float:
    """The smallest round number of seconds at least `min_pixels` apart."""
    for step in SECOND_STEPS:
        if step * rate / frames_per_pixel >= min_pixels:
            return step
    return SECOND_STEPS[-1]


def time_label(seconds: float, step: float) -> str:
    """"m:ss" or "m:ss.s…" with as many decimals as the step needs."""
    decimals = 0 if step >= 1 else min(4, math.ceil(-math.log10(step) - 1e-9))
    minutes = int(seconds // 60)
    rest = seconds - 60 * minutes
    width = 2 + (decimals + 1 if decimals else 0)
    return f"{minutes}:{rest:0{width}.{decimals}f}"


def beat_label(project: Project, beat: float, step_beats: float) -> str:
    """"bar", "bar.beat" or "bar.beat.tick" (1-based, ticks in 1/100 beat), as fine as needed."""
    per_bar = project.time_signature[0]
    bar = math.floor(beat / per_bar + 1e-9)
    in_bar = beat - bar * per_bar
    if step_beats >= per_bar and step_beats % per_bar == 0:
        return str(bar + 1)
    whole = math.floor(in_bar + 1e-9)
    if step_beats >= 1:
        return f"{bar + 1}.{whole + 1}"
    ticks = math.floor((in_bar - whole) * 100 + 1e-6)
    return f"{bar + 1}.{whole + 1}.{ticks:02d}"
