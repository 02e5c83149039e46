"""What an armed track's meter shows: the level coming in on its inputs, before and during a
take, as the meters of REAPER and GarageBand do, so the person can set the gain before
playing. The engine reports a peak per device input; this picks each armed track's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from daw.model.project import Project

Levels = tuple[float, float, float, float]
"""(peak L, peak R, RMS L, RMS R), full scale 1.0, as in EngineState.levels."""


def track_input_level(input_peaks: Sequence[float], channels: Sequence[int]) -> Levels | None:
    """A track's input level as a meter reads it: a mono input on both bars, a pair on left
    and right; the peaks stand for the RMS too (the input is reported as peaks). None when
    the device does not have the track's inputs."""
    if not channels or max(channels) >= len(input_peaks):
        return None
    left = float(input_peaks[channels[0]])
    right = float(input_peaks[channels[-1]])
    return (left, right, left, right)


def levels_with_inputs(levels: Mapping[str, Levels], input_peaks: Sequence[float],
                       project: Project) -> dict[str, Levels]:
    """The engine's levels with every armed track's replaced by what comes in on its
    inputs (an armed track meters its input while stopped, while playing and while
    recording)."""
    shown = dict(levels)
    for track in project.tracks:
        if track.record_armed:
            level = track_input_level(input_peaks, track.input_channels)
            if level is not None:
                shown[track.id] = level
    return shown
