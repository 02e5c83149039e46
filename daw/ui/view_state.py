"""How the person is looking at the song: zoom, scroll, track height, snap, follow. View state
is not part of the project and not part of undo."""

from __future__ import annotations

import math

from PySide6.QtCore import QObject, Signal

from daw.model import Project
from daw.model.project import MASTER, VOLUME
from daw.model.takes import DEFAULT_COMP_CROSSFADE_SECONDS, comp_crossfade_frames

SNAP_CHOICES: dict[str, float | None] = {
    "Off": None,
    "Bar": 0.0,  # special: a whole bar of the time signature
    "Beat": 1.0,
    "1/2 beat": 0.5,
    "1/4 beat": 0.25,
    "1/8 beat": 0.125,
}
"""Snap names and their length in beats (None: no snap; 0.0 means one bar)."""

MIN_FRAMES_PER_PIXEL = 1 / 16
"""The closest zoom: 16 pixels a sample, so single samples are seen and edited."""
MAX_FRAMES_PER_PIXEL = 48000 * 60
"""The widest zoom: a minute a pixel."""
DEFAULT_COMP_CROSSFADE_MS = 1000 * DEFAULT_COMP_CROSSFADE_SECONDS


class ViewState(QObject):
    """Zoom, scroll and snap of the timeline, shared by the ruler, the lanes and the menus."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.frames_per_pixel = 400.0
        self.scroll_frame = 0.0
        self.track_height = 84
        self.snap = "Beat"
        self.follow_playhead = True
        self.loop_region: tuple[int, int] | None = None
        """The loop set on the ruler (frames), kept even while looping is off."""
        self.loop_enabled = False
        self.automation: dict[str, str] = {}
        """The envelope a lane draws over its clips and edits with the mouse: owner (a track
        id, or MASTER for the master row) → automation target. A track not here shows clips."""
        self.show_master = False
        """Whether the timeline ends with a row for the master bus and its automation."""
        self.takes_shown: set[str] = set()
        """Tracks (ids) that show their takes as thin lanes under their comp lane."""
        self.comp_crossfade_ms = DEFAULT_COMP_CROSSFADE_MS
        """The crossfade at each join of a comp, so a join never clicks."""

    # --- coordinates ------------------------------------------------------------------------

    def frame_to_x(self, frame: float) -> float:
        return (frame - self.scroll_frame) / self.frames_per_pixel

    def x_to_frame(self, x: float) -> float:
        return self.scroll_frame + x * self.frames_per_pixel

    # --- changes ----------------------------------------------------------------------------

    def set_zoom(self, frames_per_pixel: float, anchor_x: float = 0.0) -> None:
        """Zoom keeping the frame under `anchor_x` (the mouse, or the playhead) in place."""
        anchor = self.x_to_frame(anchor_x)
        fpp = min(MAX_FRAMES_PER_PIXEL, max(MIN_FRAMES_PER_PIXEL, frames_per_pixel))
        self.frames_per_pixel = fpp
        self.scroll_frame = max(0.0, anchor - anchor_x * fpp)
        self.changed.emit()

    def zoom_by(self, factor: float, anchor_x: float = 0.0) -> None:
        self.set_zoom(self.frames_per_pixel / factor, anchor_x)

    def scroll_to(self, frame: float) -> None:
        self.scroll_frame = max(0.0, frame)
        self.changed.emit()

    def set_snap(self, name: str) -> None:
        if name not in SNAP_CHOICES:
            raise ValueError(f"unknown snap {name!r}")
        self.snap = name
        self.changed.emit()

    def set_track_height(self, pixels: int) -> None:
        self.track_height = max(40, min(400, int(pixels)))
        self.changed.emit()

    def show_automation(self, owner: str, target: str | None) -> None:
        """Draw `target`'s envelope over the owner's lane (None: back to clips only)."""
        if target is None:
            self.automation.pop(owner, None)
        else:
            self.automation[owner] = target
        self.changed.emit()

    def automation_shown(self, owner: str) -> str | None:
        """The target whose envelope the owner's lane shows (the master row: volume unless
        another was chosen)."""
        if owner == MASTER:
            return self.automation.get(MASTER, VOLUME)
        return self.automation.get(owner)

    def set_show_master(self, shown: bool) -> None:
        self.show_master = bool(shown)
        self.changed.emit()

    def show_takes(self, track_id: str, shown: bool) -> None:
        """Show a track's takes as lanes under it (or hide them)."""
        if shown:
            self.takes_shown.add(track_id)
        else:
            self.takes_shown.discard(track_id)
        self.changed.emit()

    def set_comp_crossfade_ms(self, milliseconds: float) -> None:
        self.comp_crossfade_ms = max(0.0, float(milliseconds))
        self.changed.emit()

    def comp_crossfade_frames(self, project: Project) -> int:
        return comp_crossfade_frames(project, self.comp_crossfade_ms / 1000.0)

    def row_count(self, project: Project) -> int:
        """Rows on the timeline: a lane a track, and the master's row when shown."""
        return len(project.tracks) + (1 if self.show_master else 0)

    # --- the grid ---------------------------------------------------------------------------

    def grid_frames(self, project: Project) -> float | None:
        """The snap step in frames, or None when snap is off."""
        beats = SNAP_CHOICES[self.snap]
        if beats is None:
            return None
        if beats == 0.0:
            return project.frames_per_bar()
        return project.frames_per_beat() * beats

    def snapped(self, project: Project, frame: float, bypass: bool = False) -> int:
        """The frame on the nearest grid line (or `frame` itself, rounded, with snap off or
        bypassed, as when the person holds Shift)."""
        step = None if bypass else self.grid_frames(project)
        if step is None or step <= 0:
            return max(0, round(frame))
        return max(0, round(round(frame / step) * step))


def bars_beats(project: Project, frame: int) -> str:
    """"bar.beat.tick" (1-based bars and beats, 1/100 beat ticks), as DAWs show positions."""
    per_beat = project.frames_per_beat()
    beats = frame / per_beat
    bar = math.floor(beats / project.time_signature[0])
    beat = math.floor(beats - bar * project.time_signature[0])
    ticks = math.floor((beats - math.floor(beats)) * 100)
    return f"{bar + 1}.{beat + 1}.{ticks:02d}"


def clock(frame: int, rate: int) -> str:
    """"m:ss.mmm" for a frame."""
    seconds = max(0, frame) / rate
    minutes = int(seconds // 60)
    return f"{minutes}:{seconds - 60 * minutes:06.3f}"
