"""Mouse drags on the lanes. Each drag is one undo step: every mouse move applies the edit
with the drag's gesture key (so the steps merge) and the release ends the gesture.

Positions are recomputed from where the drag started each time, so the result depends only
on where the mouse is now (and whether Shift is held to bypass the snap), never on the path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QPointF, QRect, QRectF, Qt

from daw.model import Fade, Project, ops
from daw.model import clip_edits as commands
from daw.ui.timeline.geometry import Hit, LaneLayout, Zone, clips_in, gain_db_per_pixel

if TYPE_CHECKING:
    from daw.ui.session import Session

THRESHOLD_PX = 3
"""A press that moves less than this is a click, not a drag."""
GAIN_LIMITS_DB = (-60.0, 24.0)


class LaneSurface(Protocol):
    """What a drag needs of the lanes it runs on: the session it edits (whose view converts
    pixels to frames and snaps), the layout that maps heights to tracks and clips to
    rectangles, and a way to have part of the surface repainted. The lanes widget is one;
    a test can drive a drag with a plain object."""

    @property
    def session(self) -> Session: ...

    @property
    def layout(self) -> LaneLayout: ...

    def update(self, rect: QRect) -> None: ...


def bypass_snap(modifiers: Qt.KeyboardModifier) -> bool:
    return bool(modifiers & Qt.KeyboardModifier.ShiftModifier)


class Drag:
    """A press on the lanes followed by moves and a release."""

    label = ""

    def __init__(self, lanes: LaneSurface, origin: QPointF) -> None:
        self.lanes = lanes
        self.session = lanes.session
        self.view = lanes.session.view
        self.origin = QPointF(origin)
        self.active = False
        self.gesture = object()

    def move(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        if not self.active:
            if (pos - self.origin).manhattanLength() < THRESHOLD_PX:
                return
            self.active = True
        self.apply(pos, bypass_snap(modifiers))

    def release(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        if self.active:
            self.apply(pos, bypass_snap(modifiers))
            self.session.end_gesture()
        else:
            self.clicked(modifiers)

    def dx_frames(self, pos: QPointF) -> float:
        return (pos.x() - self.origin.x()) * self.view.frames_per_pixel

    def edit(self, change: Callable[[Project], Project]) -> None:
        self.session.edit(self.label, change, gesture=self.gesture)

    def apply(self, pos: QPointF, bypass: bool) -> None:
        raise NotImplementedError

    def clicked(self, modifiers: Qt.KeyboardModifier) -> None:
        """Released without moving."""


class MoveDrag(Drag):
    """Moves the grabbed clip (and the others selected with it) in time, snapping the grabbed
    clip's start, and across tracks by whole lanes."""

    def __init__(self, lanes: LaneSurface, origin: QPointF, hit: Hit,
                 clip_ids: frozenset[str]) -> None:
        super().__init__(lanes, origin)
        project = self.session.project
        self.hit = hit
        self.track_ids = [t.id for t in project.tracks]
        self.buses = {i for i, t in enumerate(project.tracks) if t.is_bus}
        self.rows_delta = 0
        """The last lane shift that landed every clip on an audio track (buses hold none)."""
        self.starts: dict[str, tuple[int, int]] = {}
        for index, track in enumerate(project.tracks):
            for clip in track.clips:
                if clip.id in clip_ids:
                    self.starts[clip.id] = (clip.start_frame, index)
        self.label = "Move Clip" if len(self.starts) == 1 else "Move Clips"

    def apply(self, pos: QPointF, bypass: bool) -> None:
        project = self.session.project
        grabbed = self.starts[self.hit.clip_id][0]
        wanted = self.view.snapped(project, grabbed + self.dx_frames(pos), bypass)
        delta = max(wanted - grabbed, -min(s for s, _i in self.starts.values()))
        rows = [i for _s, i in self.starts.values()]
        row = self.lanes.layout.row_at(pos.y())
        rows_delta = min(max(row - self.hit.track_index, -min(rows)),
                         len(self.track_ids) - 1 - max(rows))
        if any(index + rows_delta in self.buses for index in rows):
            rows_delta = self.rows_delta
        self.rows_delta = rows_delta
        moves = {clip_id: (start + delta, self.track_ids[index + rows_delta])
                 for clip_id, (start, index) in self.starts.items()}
        self.edit(lambda p: commands.move_clips(p, moves))

    def clicked(self, modifiers: Qt.KeyboardModifier) -> None:
        if not modifiers & (Qt.KeyboardModifier.ShiftModifier
                            | Qt.KeyboardModifier.ControlModifier):
            self.session.select_clips([self.hit.clip_id])


class TrimDrag(Drag):
    """Moves one edge of a clip, snapped, within the clip's audio and never past the other
    edge."""

    def __init__(self, lanes: LaneSurface, origin: QPointF, hit: Hit) -> None:
        super().__init__(lanes, origin)
        project = self.session.project
        _track, self.clip = project.find_clip(hit.clip_id)
        self.media_frames = project.media_ref(self.clip.media_id).length_frames
        self.at_start = hit.zone is Zone.TRIM_START
        self.label = "Trim Clip Start" if self.at_start else "Trim Clip End"

    def apply(self, pos: QPointF, bypass: bool) -> None:
        clip, project = self.clip, self.session.project
        if self.at_start:
            wanted = self.view.snapped(project, clip.start_frame + self.dx_frames(pos), bypass)
            lowest = max(clip.start_frame - clip.source_offset_frames, 0)
            start = min(max(wanted, lowest), clip.end_frame - 1)
            self.edit(lambda p: ops.trim_clip_start(p, clip.id, start))
        else:
            wanted = self.view.snapped(project, clip.end_frame + self.dx_frames(pos), bypass)
            highest = clip.start_frame + self.media_frames - clip.source_offset_frames
            end = max(min(wanted, highest), clip.start_frame + 1)
            self.edit(lambda p: ops.trim_clip_end(p, clip.id, end))


class FadeDrag(Drag):
    """Drags a fade handle sideways: the fade's length follows the mouse (not snapped), up to
    what the other fade leaves of the clip."""

    def __init__(self, lanes: LaneSurface, origin: QPointF, hit: Hit) -> None:
        super().__init__(lanes, origin)
        _track, self.clip = self.session.project.find_clip(hit.clip_id)
        self.fading_in = hit.zone is Zone.FADE_IN
        self.label = "Fade In" if self.fading_in else "Fade Out"

    def apply(self, pos: QPointF, bypass: bool) -> None:
        clip, dx = self.clip, round(self.dx_frames(pos))
        if self.fading_in:
            room = clip.length_frames - clip.fade_out.length_frames
            length = min(max(clip.fade_in.length_frames + dx, 0), room)
            fade_in, fade_out = Fade(length, clip.fade_in.shape), None
        else:
            room = clip.length_frames - clip.fade_in.length_frames
            length = min(max(clip.fade_out.length_frames - dx, 0), room)
            fade_in, fade_out = None, Fade(length, clip.fade_out.shape)
        self.edit(lambda p: ops.set_fades(p, clip.id, fade_in, fade_out))


class GainDrag(Drag):
    """Drags the gain handle up and down: the gain follows the mouse in 0.1 dB steps."""

    label = "Clip Gain"

    def __init__(self, lanes: LaneSurface, origin: QPointF, hit: Hit) -> None:
        super().__init__(lanes, origin)
        _track, self.clip = self.session.project.find_clip(hit.clip_id)
        self.db_per_pixel = gain_db_per_pixel(lanes.layout.clip_rect(self.clip, hit.track_index))

    def apply(self, pos: QPointF, bypass: bool) -> None:
        low, high = GAIN_LIMITS_DB
        wanted = self.clip.gain_db - (pos.y() - self.origin.y()) * self.db_per_pixel
        gain = round(min(max(wanted, low), high), 1)
        self.edit(lambda p: ops.set_clip_gain(p, self.clip.id, gain))


class RubberBand(Drag):
    """Selects the clips a rectangle dragged over empty lane space touches (added to the
    selection with Shift or Ctrl). A click there clears the selection and picks the track."""

    def __init__(self, lanes: LaneSurface, origin: QPointF, additive: bool) -> None:
        super().__init__(lanes, origin)
        self.base = self.session.selected_clips if additive else frozenset()
        self.additive = additive
        self.rect = QRectF()

    def apply(self, pos: QPointF, bypass: bool) -> None:
        old = self.rect
        self.rect = QRectF(self.origin, pos).normalized().adjusted(0, 0, 1, 1)
        found = clips_in(self.session.project, self.lanes.layout, self.rect)
        self.session.select_clips(self.base | found)
        self.lanes.update(old.united(self.rect).toAlignedRect().adjusted(-2, -2, 2, 2))

    def release(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        super().release(pos, modifiers)
        if self.active:
            self.lanes.update(self.rect.toAlignedRect().adjusted(-2, -2, 2, 2))
            self.rect = QRectF()

    def clicked(self, modifiers: Qt.KeyboardModifier) -> None:
        project: Project = self.session.project
        if not self.additive:
            self.session.select_clips(())
        index = self.lanes.layout.index_at(self.origin.y(), len(project.tracks))
        if index is not None:
            self.session.select_track(project.tracks[index].id)
